// Package cloudapi is waq's gateway for Meta's WhatsApp Cloud API: it sends
// messages through the Graph API's /{phone-number-id}/messages endpoint,
// classifies Graph errors by their error code (never by the HTTP status, which
// Meta sets loosely) into the sender's retry, give-up and pause kinds, falls
// back to a template when the 24-hour customer-service window has closed, and
// verifies and parses the Cloud API's webhooks into sender events.
package cloudapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/waqhq/waq/sender"
	"github.com/waqhq/waq/store"
)

// DefaultURL is the Graph API base used when Config.URL is empty. Graph
// versions expire about two years after release, so it is a setting
// (WHATSAPP_API_URL) and this default moves with waq's releases.
const DefaultURL = "https://graph.facebook.com/v24.0"

// Limits of one call.
const (
	bodyMax       = 64 << 10         // bytes of a reply read; error bodies are small
	clientTimeout = 60 * time.Second // backstop when the caller's ctx has no deadline
)

// Config is one Cloud API phone number's settings.
type Config struct {
	URL           string // Graph base with version, e.g. DefaultURL; empty means DefaultURL
	Token         string // system-user access token, sent as a Bearer token
	PhoneNumberID string // the sending number's id in WhatsApp Manager, not the number
	HTTPClient    *http.Client
}

// Validate says which setting is wrong and how to fix it.
func (c Config) Validate() error {
	if c.URL != "" {
		u, err := url.Parse(c.URL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return fmt.Errorf("cloudapi: api url %q: must be an http(s) URL with the Graph version, such as %s (WHATSAPP_API_URL)", c.URL, DefaultURL)
		}
	}
	if strings.TrimSpace(c.Token) == "" {
		return errors.New("cloudapi: access token is empty: set WHATSAPP_TOKEN to a system-user token with whatsapp_business_messaging")
	}
	if !digits(c.PhoneNumberID) {
		return fmt.Errorf("cloudapi: phone number id %q: must be the digits-only id from WhatsApp Manager, not the phone number (WHATSAPP_PHONE_NUMBER_ID)", c.PhoneNumberID)
	}
	return nil
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// Client sends messages through one Cloud API phone number. It implements
// sender.Gateway and is safe for concurrent use.
type Client struct {
	endpoint string // {URL}/{phone-number-id}/messages
	number   string // {URL}/{phone-number-id}, for PhoneNumber
	token    string
	http     *http.Client
}

var _ sender.Gateway = (*Client)(nil)

// New returns a client for cfg, which should have passed Validate.
func New(cfg Config) *Client {
	base := strings.TrimRight(cfg.URL, "/")
	if base == "" {
		base = DefaultURL
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = sender.NewHTTPClient(clientTimeout)
	}
	number := base + "/" + cfg.PhoneNumberID
	return &Client{endpoint: number + "/messages", number: number, token: cfg.Token, http: hc}
}

// Send delivers m and returns its wamid. When a text or media message fails
// with 131047 (the user's 24-hour window has closed) and m has a fallback
// template, Send sends that template at once and sets m.SentAs to
// "template". Failures are *sender.SendError values classified by Classify;
// network errors and an expired ctx are Retryable.
func (c *Client) Send(ctx context.Context, m *store.Message) (string, error) {
	p, err := payload(m)
	if err != nil {
		return "", err
	}
	id, code, err := c.post(ctx, p, m)
	if code != codeWindowClosed || m.Type == store.TypeTemplate || m.FallbackTemplate == nil {
		return id, err
	}
	if p, err = templatePayload(m.To, m.FallbackTemplate, "fallback_template"); err != nil {
		return "", err
	}
	id, _, err = c.post(ctx, p, m)
	var se *sender.SendError
	if errors.As(err, &se) {
		se.Reason = "cloudapi: fallback template after 131047: " + strings.TrimPrefix(se.Reason, "cloudapi: ")
		return "", se
	}
	m.SentAs = store.TypeTemplate
	return id, nil
}

// post sends one request body and returns the wamid from the reply, or the
// Graph error code (NoCode when there was none) and a *sender.SendError. m is
// only used to keep its text out of error reasons.
func (c *Client) post(ctx context.Context, p *message, m *store.Message) (string, int, error) {
	b, err := json.Marshal(p)
	if err != nil {
		return "", NoCode, &sender.SendError{Kind: sender.Permanent, Reason: "cloudapi: encode request", Err: err}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, bytes.NewReader(b))
	if err != nil {
		return "", NoCode, &sender.SendError{Kind: sender.Pause, Reason: "cloudapi: bad api url (WHATSAPP_API_URL)", Err: err}
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return "", NoCode, transportError(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, bodyMax))
	if err != nil {
		return "", NoCode, transportError(err)
	}
	return reply(resp.StatusCode, body, m)
}

// transportError is a network failure or an expired ctx: always Retryable.
// The *url.Error is unwrapped because its text holds the endpoint.
func transportError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return &sender.SendError{Kind: sender.Retryable, Reason: "cloudapi: send request", Err: err}
}

// reply reads a Graph reply: the wamid of a 2xx reply with one, else the
// Graph error code (NoCode without an error object) and a classified
// *sender.SendError.
func reply(status int, body []byte, m *store.Message) (string, int, error) {
	var r struct {
		Messages []struct {
			ID string `json:"id"`
		} `json:"messages"`
		Error *graphError `json:"error"`
	}
	err := json.Unmarshal(body, &r)
	switch {
	case err == nil && r.Error != nil && r.Error.Code != nil:
		return "", *r.Error.Code, r.Error.sendError(m)
	case status/100 == 2 && len(r.Messages) > 0 && r.Messages[0].ID != "":
		return r.Messages[0].ID, NoCode, nil
	case status/100 == 2:
		return "", NoCode, &sender.SendError{Kind: sender.Retryable, Reason: fmt.Sprintf("cloudapi: HTTP %d reply without a message id", status)}
	}
	kind, why, after := Classify(NoCode, status)
	return "", NoCode, &sender.SendError{Kind: kind, Reason: fmt.Sprintf("cloudapi: HTTP %d: %s", status, why), RetryAfter: after}
}
