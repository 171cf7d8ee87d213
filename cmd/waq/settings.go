package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"
)

// setting ties a variable and a flag to a field of Config.
type setting struct {
	Env   string
	Flag  string
	Arg   string // the flag's argument in the help text
	Field any    // *string, *int or *time.Duration inside a Config
	Usage string
}

// settingTable lists every setting of the design's Configuration table,
// bound to the fields of c.
func settingTable(c *Config) []setting {
	e, w := &c.Evolution, &c.WhatsApp
	return []setting{
		{"WAQ_DATA_DIR", "data-dir", "DIR", &c.DataDir, "data directory; the data file is waq.db inside"},
		{"WAQ_HTTP_ADDR", "http-addr", "HOST:PORT", &c.HTTPAddr, "HTTP API, webhooks and status page"},
		{"WAQ_RESP_ADDR", "resp-addr", "HOST:PORT", &c.RESPAddr, `Redis protocol server; "" turns it off`},
		{"WAQ_API_KEY", "api-key", "KEY", &c.APIKey, "bearer key of the API; required off loopback"},
		{"WAQ_RESP_PASSWORD", "resp-password", "PASSWORD", &c.RESPPassword, "AUTH password; required off loopback"},
		{"WAQ_WEBHOOK_TOKEN", "webhook-token", "TOKEN", &c.WebhookToken, "token of the webhook routes (else the API key)"},
		{"WAQ_GATEWAY", "gateway", "NAME", &c.Gateway, "none, demo, evolution or cloudapi"},
		{"WAQ_RATE", "rate", "COUNT/WINDOW", &c.Rate, "most sends per sliding window, e.g. 10/2s, 1000/1h"},
		{"WAQ_CONCURRENCY", "concurrency", "N", &c.Concurrency, "parallel gateway calls"},
		{"WAQ_RETRY_MAX", "retry-max", "N", &c.RetryMax, "retries after the first try"},
		{"WAQ_RETRY_BASE", "retry-base", "DURATION", &c.RetryBase, "first retry delay; doubles each retry"},
		{"WAQ_SENT_RETENTION", "sent-retention", "DURATION", &c.SentRetention, "how long finished messages are kept"},
		{"WAQ_STATS_RETENTION", "stats-retention", "DURATION", &c.StatsRetention, "how long minute analytics buckets are kept"},
		{"WAQ_STATS_HOUR_RETENTION", "stats-hour-retention", "DURATION", &c.HourRetention, "how long hour analytics buckets are kept; day totals stay"},
		{"WAQ_TIMEZONE", "timezone", "ZONE", &c.Timezone, "zone of reports and day buckets, e.g. Europe/Madrid"},
		{"WAQ_PPROF_ADDR", "pprof-addr", "HOST:PORT", &c.PprofAddr, `Go's profiles (net/http/pprof), loopback only; "" (the default) turns them off`},
		{"WAQ_LOG_LEVEL", "log-level", "LEVEL", &c.LogLevel, "least level logged: debug, info, warn or error"},
		{"WAQ_BACKUP_DIR", "backup-dir", "DIR", &c.BackupDir, `nightly backups go here; "" means none`},
		{"WAQ_BACKUP_KEEP", "backup-keep", "N", &c.BackupKeep, "nightly backups kept"},
		{"WAQ_CALLBACK_URL", "callback-url", "URL", &c.CallbackURL, "status callbacks are POSTed here"},
		{"WAQ_CALLBACK_SECRET", "callback-secret", "SECRET", &c.CallbackSecret, "signs callbacks (X-Waq-Signature and webhook-signature)"},
		{"WAQ_CALLBACK_MAX_AGE", "callback-max-age", "DURATION", &c.CallbackMaxAge, "how long an undelivered callback is retried"},
		{"WAQ_DEFAULT_REGION", "default-region", "REGION", &c.DefaultRegion, `country of numbers without a country code, e.g. ES; "" for none`},
		{"WAQ_URL", "server", "URL", &c.Server, "where client commands find a running waq serve"},
		{"WAQ_SEND_GAP", "send-gap", "MIN-MAX", &c.SendGap, "random gap between sends, e.g. 8s-30s"},
		{"WAQ_DAILY_CAP", "daily-cap", "N", &c.DailyCap, "most sends in any 24 hours; 0 for none"},
		{"WAQ_WARMUP_START", "warmup-start", "N", &c.WarmupStart, "daily cap on a new number's first day; 0 for no warm-up"},
		{"WAQ_WARMUP_DAYS", "warmup-days", "N", &c.WarmupDays, "days for the warm-up to reach the daily cap"},
		{"WAQ_RECIPIENT_GAP", "recipient-gap", "DURATION", &c.RecipientGap, "least time between two messages to one contact"},
		{"WAQ_SEND_WINDOW", "send-window", "HH:MM-HH:MM", &c.SendWindow, "hours for campaign and low-priority sends, in WAQ_TIMEZONE"},
		{"WAQ_FAILOVER_GRACE", "failover-grace", "DURATION", &c.FailoverGrace, "how long a paused instance keeps its contacts before they move"},
		{"EVOLUTION_API_URL", "evolution-api-url", "URL", &e.APIURL, "Evolution API base URL"},
		{"EVOLUTION_API_KEY", "evolution-api-key", "KEY", &e.APIKey, "Evolution API key"},
		{"EVOLUTION_INSTANCE", "evolution-instance", "NAME", &e.Instance, "Evolution instance name"},
		{"WHATSAPP_TOKEN", "whatsapp-token", "TOKEN", &w.Token, "Cloud API access token"},
		{"WHATSAPP_PHONE_NUMBER_ID", "whatsapp-phone-number-id", "ID", &w.PhoneNumberID, "Cloud API phone number id"},
		{"WHATSAPP_APP_SECRET", "whatsapp-app-secret", "SECRET", &w.AppSecret, "checks X-Hub-Signature-256 of webhooks"},
		{"WHATSAPP_VERIFY_TOKEN", "whatsapp-verify-token", "TOKEN", &w.VerifyToken, "answers the webhook verification challenge"},
		{"WHATSAPP_API_URL", "whatsapp-api-url", "URL", &w.APIURL, "Graph API base URL with its version"},
	}
}

// serveFlags are the settings waq serve takes as flags: all but --server.
func serveFlags() []string {
	var names []string
	for _, s := range settingTable(&Config{}) {
		if s.Flag != "server" {
			names = append(names, s.Flag)
		}
	}
	return names
}

// configFlags holds the flags of one command that feed a Config.
type configFlags struct {
	fs    *flag.FlagSet
	names []string
	args  map[string]*string // flag name -> value on the command line
	file  *string
}

// bindConfig registers --config and the flags of the named settings on fs.
func bindConfig(fs *flag.FlagSet, names ...string) *configFlags {
	b := &configFlags{fs: fs, names: names, args: make(map[string]*string)}
	b.file = fs.String("config", "", "")
	for _, n := range names {
		b.args[n] = fs.String(n, "", "")
	}
	return b
}

// Load builds the Config once fs is parsed. A flag overrides the variable,
// the variable overrides the --config file, the file overrides the default.
// Variables and file lines of settings this command has no flag for are
// read too (a client finds the server from WAQ_HTTP_ADDR), but their
// errors are left to the command that uses them.
func (b *configFlags) Load(lookupEnv func(string) (string, bool)) (Config, error) {
	c := DefaultConfig()
	file := map[string]string{}
	if *b.file != "" {
		var err error
		if file, err = readEnvFile(*b.file); err != nil {
			return c, err
		}
	}
	given := map[string]bool{}
	b.fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	from := map[string]string{}
	var errs []error
	for _, s := range settingTable(&c) {
		for _, layer := range []string{"file", "env", "flag"} {
			v, ok := b.lookup(s, layer, file, lookupEnv, given)
			if !ok {
				continue
			}
			if err := setField(s, v); err != nil {
				if b.args[s.Flag] != nil {
					errs = append(errs, err)
				}
				continue
			}
			from[s.Env] = layer
		}
	}
	if c.Gateway == "" {
		c.Gateway = GatewayNone
	}
	if from["WAQ_URL"] == "" && from["WAQ_HTTP_ADDR"] != "" {
		c.Server = serverURL(c.HTTPAddr)
	}
	return c, errors.Join(errs...)
}

func (b *configFlags) lookup(s setting, layer string, file map[string]string,
	lookupEnv func(string) (string, bool), given map[string]bool) (string, bool) {
	switch layer {
	case "file":
		v, ok := file[s.Env]
		return v, ok
	case "env":
		return lookupEnv(s.Env)
	}
	if p := b.args[s.Flag]; p != nil && given[s.Flag] {
		return *p, true
	}
	return "", false
}

func setField(s setting, v string) error {
	switch p := s.Field.(type) {
	case *string:
		*p = strings.TrimSpace(v)
	case *int:
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			return fmt.Errorf("%s: %q is not a whole number", s.Env, v)
		}
		*p = n
	case *time.Duration:
		d, err := time.ParseDuration(strings.TrimSpace(v))
		if err != nil {
			return fmt.Errorf("%s: %q is not a duration such as 2s, 10m or 24h", s.Env, v)
		}
		*p = d
	}
	return nil
}

// serverURL turns a listen address into the URL a client on this machine
// dials: a wildcard host becomes 127.0.0.1.
func serverURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return ServerDefault
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// printSettings writes the help of the named settings.
func printSettings(w io.Writer, names []string) {
	def := DefaultConfig()
	fmt.Fprintf(w, "\nSettings (flag, environment variable, default):\n")
	fmt.Fprintf(w, "  --config FILE\n        read settings from KEY=VALUE lines (systemd EnvironmentFile)\n")
	for _, s := range settingTable(&def) {
		if !slices.Contains(names, s.Flag) {
			continue
		}
		fmt.Fprintf(w, "  --%s %s (%s", s.Flag, s.Arg, s.Env)
		if d := showValue(s.Field); d != "" {
			fmt.Fprintf(w, ", default %s", d)
		}
		fmt.Fprintf(w, ")\n        %s\n", s.Usage)
	}
}

func showValue(field any) string {
	switch p := field.(type) {
	case *string:
		return *p
	case *int:
		return strconv.Itoa(*p)
	case *time.Duration:
		s := p.String() // 24h0m0s reads better as 24h
		if strings.HasSuffix(s, "m0s") {
			s = s[:len(s)-2]
		}
		if strings.HasSuffix(s, "h0m") {
			s = s[:len(s)-2]
		}
		return s
	}
	return ""
}
