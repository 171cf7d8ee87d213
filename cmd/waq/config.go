package main

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/waqhq/waq/phone"
	"github.com/waqhq/waq/scheduler"
	"github.com/waqhq/waq/sender"
	"github.com/waqhq/waq/sender/callback"
	"github.com/waqhq/waq/sender/cloudapi"
	"github.com/waqhq/waq/sender/fleet"
	"github.com/waqhq/waq/stats"
	"github.com/waqhq/waq/store"
)

// Defaults of the settings, as the design's Configuration table gives them:
// those of a package's own settings are that package's constants.
const (
	DataDirDefault        = "./waq-data"
	HTTPAddrDefault       = "127.0.0.1:8088"
	RESPAddrDefault       = "127.0.0.1:6380"
	GatewayDefault        = GatewayNone
	RateDefault           = sender.RateDefault
	ConcurrencyDefault    = sender.ConcurrencyDefault
	RetryMaxDefault       = store.RetryMaxDefault
	RetryBaseDefault      = sender.RetryBaseDefault
	SentRetentionDefault  = scheduler.SentRetentionDefault
	StatsRetentionDefault = stats.MinuteRetentionDefault
	HourRetentionDefault  = stats.HourRetentionDefault
	TimezoneDefault       = "UTC"
	BackupKeepDefault     = 7
	ServerDefault         = "http://127.0.0.1:8088"
	WhatsAppAPIURLDefault = cloudapi.DefaultURL
	DefaultRegionDefault  = phone.RegionDefault
)

// Gateways waq knows by name.
const (
	GatewayNone      = "none"      // no sender: messages wait
	GatewayDemo      = "demo"      // the built-in simulated WhatsApp
	GatewayEvolution = "evolution" // Evolution API
	GatewayCloudAPI  = "cloudapi"  // Meta's WhatsApp Cloud API
)

// retryMaxLimit keeps RetryBase << RetryMax far from overflowing.
const retryMaxLimit = 20

// Config holds every setting of waq serve and of the client commands.
type Config struct {
	DataDir        string
	HTTPAddr       string
	RESPAddr       string // "" turns the RESP server off
	PprofAddr      string // Go's profiles; "" (the default) turns them off
	APIKey         string
	RESPPassword   string
	WebhookToken   string
	Gateway        string
	Rate           string // COUNT/WINDOW, e.g. 80/1m
	Concurrency    int
	RetryMax       int // retries after the first try
	RetryBase      time.Duration
	SentRetention  time.Duration
	StatsRetention time.Duration // minute buckets
	HourRetention  time.Duration // hour buckets; day totals are kept for ever
	Timezone       string
	LogLevel       string // debug, info, warn or error
	BackupDir      string // "" means no nightly backup
	BackupKeep     int
	CallbackURL    string
	CallbackSecret string
	CallbackMaxAge time.Duration // a callback not delivered by then is dropped
	Server         string        // where the client commands find a running server
	DefaultRegion  string        // country of numbers written without a country code; "" for none

	// Pacing of the instance (docs/sender.md): none by default.
	SendGap      string        // "8s-30s": a random gap between sends
	DailyCap     int           // sends in any 24 hours; 0 for none
	WarmupStart  int           // the daily cap on the first day of a new number
	WarmupDays   int           // days to grow from WarmupStart to DailyCap
	RecipientGap time.Duration // least time between two messages to one contact
	SendWindow   string        // "09:00-21:00" in Timezone, for campaign and low-priority messages

	FailoverGrace time.Duration // a paused instance keeps its contacts this long (docs/instances.md)

	Evolution EvolutionConfig
	WhatsApp  WhatsAppConfig
}

// EvolutionConfig reaches an Evolution API instance.
type EvolutionConfig struct {
	APIURL   string
	APIKey   string
	Instance string
}

// WhatsAppConfig reaches Meta's WhatsApp Cloud API.
type WhatsAppConfig struct {
	Token         string
	PhoneNumberID string
	AppSecret     string
	VerifyToken   string
	APIURL        string
}

// DefaultConfig returns the configuration with every default filled in.
func DefaultConfig() Config {
	return Config{
		DataDir:        DataDirDefault,
		HTTPAddr:       HTTPAddrDefault,
		RESPAddr:       RESPAddrDefault,
		Gateway:        GatewayDefault,
		Rate:           RateDefault,
		Concurrency:    ConcurrencyDefault,
		RetryMax:       RetryMaxDefault,
		RetryBase:      RetryBaseDefault,
		SentRetention:  SentRetentionDefault,
		StatsRetention: StatsRetentionDefault,
		HourRetention:  HourRetentionDefault,
		Timezone:       TimezoneDefault,
		LogLevel:       LogLevelDefault,
		BackupKeep:     BackupKeepDefault,
		CallbackMaxAge: callback.MaxAgeDefault,
		Server:         ServerDefault,
		DefaultRegion:  DefaultRegionDefault,
		WarmupDays:     sender.WarmupDaysDefault,
		FailoverGrace:  fleet.FailoverGraceDefault,
		WhatsApp:       WhatsAppConfig{APIURL: WhatsAppAPIURLDefault},
	}
}

// DataFile returns the path of the data file inside DataDir.
func (c *Config) DataFile() string { return filepath.Join(c.DataDir, store.FileName) }

// Validate checks the settings waq serve needs and returns every problem
// found, each saying which setting is wrong and how to fix it.
func (c *Config) Validate() error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if c.DataDir == "" {
		add("WAQ_DATA_DIR is empty: set it to the directory that holds %s", store.FileName)
	}
	errs = append(errs, checkListen("WAQ_HTTP_ADDR", c.HTTPAddr, c.APIKey, "WAQ_API_KEY (or --api-key)"))
	if c.RESPAddr != "" {
		errs = append(errs, checkListen("WAQ_RESP_ADDR", c.RESPAddr, c.RESPPassword, "WAQ_RESP_PASSWORD (or --resp-password)"))
	}
	errs = append(errs, checkPprof(c.PprofAddr))
	if _, err := sender.ParseRate(c.Rate); err != nil {
		add("WAQ_RATE: %q is not COUNT/WINDOW such as 80/1m", c.Rate)
	}
	errs = append(errs, c.validateNumbers()...)
	if _, err := time.LoadLocation(c.Timezone); err != nil || c.Timezone == "" {
		add("WAQ_TIMEZONE: %q is not a time zone such as UTC or Europe/Madrid", c.Timezone)
	}
	if _, err := parseLogLevel(c.LogLevel); err != nil {
		errs = append(errs, err)
	}
	if _, err := phone.Region(c.DefaultRegion); err != nil {
		add("WAQ_DEFAULT_REGION: %q is not a region: use a two-letter ISO 3166 code such as ES, PT or FR, or \"\" to require a country code in every number", c.DefaultRegion)
	}
	if c.CallbackURL != "" {
		errs = append(errs, checkURL("WAQ_CALLBACK_URL", c.CallbackURL))
	}
	if err := callback.CheckSecret(c.CallbackSecret); err != nil {
		add("WAQ_CALLBACK_SECRET: it starts with whsec_ but the rest is not base64 (%v): write the secret as the Standard Webhooks libraries print it, or without the prefix", err)
	}
	errs = append(errs, c.validateGateway()...)
	if _, err := c.Pacing(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// Pacing returns the sender's pacing from the settings, or an error that
// names the setting to fix.
func (c *Config) Pacing() (sender.Pacing, error) {
	var p sender.Pacing
	var err error
	if p.GapMin, p.GapMax, err = sender.ParseGap(c.SendGap); err != nil {
		return p, fmt.Errorf("WAQ_SEND_GAP: %w", err)
	}
	p.DailyCap, p.WarmupStart, p.WarmupDays, p.RecipientGap = c.DailyCap, c.WarmupStart, c.WarmupDays, c.RecipientGap
	if c.SendWindow != "" {
		loc, lerr := time.LoadLocation(c.Timezone)
		if lerr != nil {
			return p, fmt.Errorf("WAQ_SEND_WINDOW: needs a valid WAQ_TIMEZONE: %w", lerr)
		}
		if p.Window, err = sender.ParseWindow(c.SendWindow, loc); err != nil {
			return p, fmt.Errorf("WAQ_SEND_WINDOW: %w", err)
		}
	}
	return p, p.Validate()
}

func (c *Config) validateNumbers() []error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if c.Concurrency < 1 {
		add("WAQ_CONCURRENCY: %d is too small: allow at least 1 parallel gateway call", c.Concurrency)
	}
	if c.RetryMax < 0 || c.RetryMax > retryMaxLimit {
		add("WAQ_RETRY_MAX: %d is out of range: use 0 (no retries) to %d", c.RetryMax, retryMaxLimit)
	}
	if c.RetryBase <= 0 {
		add("WAQ_RETRY_BASE: %s is not a positive duration such as 2s", c.RetryBase)
	}
	if c.SentRetention <= 0 {
		add("WAQ_SENT_RETENTION: %s is not a positive duration such as 24h", c.SentRetention)
	}
	if c.StatsRetention <= 0 {
		add("WAQ_STATS_RETENTION: %s is not a positive duration such as 720h", c.StatsRetention)
	}
	if c.HourRetention < c.StatsRetention {
		add("WAQ_STATS_HOUR_RETENTION: %s is shorter than WAQ_STATS_RETENTION (%s): keep hour buckets at least as long as minute buckets", c.HourRetention, c.StatsRetention)
	}
	if c.FailoverGrace < 0 {
		add("WAQ_FAILOVER_GRACE: %s is negative; use 0s to move a paused instance's contacts at once, or a duration such as 10m", c.FailoverGrace)
	}
	if c.CallbackMaxAge <= 0 {
		add("WAQ_CALLBACK_MAX_AGE: %s is not a positive duration such as 24h", c.CallbackMaxAge)
	}
	if c.BackupKeep < 1 {
		add("WAQ_BACKUP_KEEP: %d is too small: keep at least 1 backup", c.BackupKeep)
	}
	return errs
}

func (c *Config) validateGateway() []error {
	var errs []error
	need := func(env, v string) {
		if v == "" {
			errs = append(errs, fmt.Errorf("WAQ_GATEWAY is %s: set %s (or --%s)", c.Gateway, env, flagName(env)))
		}
	}
	switch c.Gateway {
	case GatewayNone, GatewayDemo:
	case GatewayEvolution:
		e := c.Evolution
		need("EVOLUTION_API_URL", e.APIURL)
		need("EVOLUTION_API_KEY", e.APIKey)
		need("EVOLUTION_INSTANCE", e.Instance)
		if e.APIURL != "" {
			errs = append(errs, checkURL("EVOLUTION_API_URL", e.APIURL))
		}
	case GatewayCloudAPI:
		w := c.WhatsApp
		need("WHATSAPP_TOKEN", w.Token)
		need("WHATSAPP_PHONE_NUMBER_ID", w.PhoneNumberID)
		need("WHATSAPP_APP_SECRET", w.AppSecret)     // unsigned webhooks could forge statuses
		need("WHATSAPP_VERIFY_TOKEN", w.VerifyToken) // Meta's subscription asks for it
		errs = append(errs, checkURL("WHATSAPP_API_URL", w.APIURL))
	default:
		errs = append(errs, fmt.Errorf("WAQ_GATEWAY: %q is not a gateway: use none, demo, evolution or cloudapi", c.Gateway))
	}
	return errs
}

// flagName returns the flag of the setting read from variable env.
func flagName(env string) string {
	for _, s := range settingTable(&Config{}) {
		if s.Env == env {
			return s.Flag
		}
	}
	return strings.ToLower(strings.ReplaceAll(env, "_", "-"))
}

// checkListen checks a listen address and refuses a non-loopback one
// without the secret that guards it.
func checkListen(name, addr, secret, fix string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%s: %q is not HOST:PORT such as 127.0.0.1:8088", name, addr)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("%s: %q has no valid port (0 to 65535)", name, addr)
	}
	if secret == "" && !isLoopback(host) {
		return fmt.Errorf("%s %s is not loopback: set %s", name, addr, fix)
	}
	return nil
}

// isLoopback reports whether host names this machine only. An empty host
// listens on every interface.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func checkURL(name, s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%s: %q is not an http(s) URL such as https://host/path", name, s)
	}
	return nil
}
