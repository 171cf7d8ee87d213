// Package evolution is waq's gateway for Evolution API v2 (Baileys or
// WHATSAPP-BUSINESS instances): Client sends text, media and template
// messages and classifies every failure into a sender.Kind, and ParseWebhook
// turns Evolution's webhook POSTs into sender.Events.
//
// Evolution has no queue, rate limiter or retry of its own: each call goes
// straight to the WhatsApp socket, so pacing and retries stay in package
// sender. The package evolutiontest is a fake Evolution server for tests.
package evolution

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/waqhq/waq/sender"
)

// TimeoutDefault bounds one HTTP call when Config.HTTPClient is nil. The
// sender's context deadline is normally shorter; this is the backstop.
const TimeoutDefault = 60 * time.Second

// Config says where an Evolution instance lives and how to authenticate.
type Config struct {
	URL      string // EVOLUTION_API_URL: the server's base URL, "https://evo.example.com"
	APIKey   string // EVOLUTION_API_KEY: the global key or the instance token (hash)
	Instance string // EVOLUTION_INSTANCE: the instance name, not its UUID
	// HTTPClient makes the calls; nil means a client with TimeoutDefault.
	HTTPClient *http.Client
}

// Validate says which setting is wrong and how to fix it.
func (c Config) Validate() error {
	if strings.TrimSpace(c.URL) == "" {
		return errors.New("evolution: EVOLUTION_API_URL is empty: set it to the Evolution server's base URL, such as https://evo.example.com")
	}
	u, err := url.Parse(c.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("evolution: EVOLUTION_API_URL %q: must be an http or https URL, such as https://evo.example.com", c.URL)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("evolution: EVOLUTION_API_URL %q: remove the query or fragment; only the base URL is needed", c.URL)
	}
	if strings.TrimSpace(c.APIKey) == "" {
		return errors.New("evolution: EVOLUTION_API_KEY is empty: set it to the global AUTHENTICATION_API_KEY or the instance token")
	}
	if strings.TrimSpace(c.Instance) == "" {
		return errors.New("evolution: EVOLUTION_INSTANCE is empty: set it to the instance name shown in the Evolution manager")
	}
	if c.Instance != strings.TrimSpace(c.Instance) {
		return fmt.Errorf("evolution: EVOLUTION_INSTANCE %q: remove the surrounding spaces", c.Instance)
	}
	return nil
}

// Client calls one Evolution instance. It implements sender.Gateway and is
// safe for concurrent use.
type Client struct {
	base     string // URL without trailing slashes
	key      string
	instance string // path-escaped
	hc       *http.Client
}

// New returns a client for cfg. It does not check cfg: call Validate first.
func New(cfg Config) *Client {
	hc := cfg.HTTPClient
	if hc == nil {
		hc = sender.NewHTTPClient(TimeoutDefault)
	}
	return &Client{
		base:     strings.TrimRight(cfg.URL, "/"),
		key:      cfg.APIKey,
		instance: url.PathEscape(cfg.Instance),
		hc:       hc,
	}
}
