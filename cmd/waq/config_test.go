package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// loadConfig parses args as the flags of names (serve's when nil), with
// env as the environment and file (when not "") as the --config file.
func loadConfig(t *testing.T, names []string, file string, env map[string]string, args ...string) (Config, error) {
	t.Helper()
	if names == nil {
		names = serveFlags()
	}
	fs := newFlagSet("test")
	b := bindConfig(fs, names...)
	if file != "" {
		path := filepath.Join(t.TempDir(), "waq.env")
		if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
			t.Fatal(err)
		}
		args = append([]string{"--config", path}, args...)
	}
	if err := fs.Parse(args); err != nil {
		t.Fatalf("parse %q: %v", args, err)
	}
	return b.Load(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
}

func TestConfigDefaults(t *testing.T) {
	c, err := loadConfig(t, nil, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := DefaultConfig(); !reflect.DeepEqual(c, want) {
		t.Fatalf("got %+v\nwant %+v", c, want)
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("defaults do not validate: %v", err)
	}
	if got := c.DataFile(); got != filepath.Join("waq-data", "waq.db") {
		t.Fatalf("DataFile() = %q", got)
	}
}

func TestConfigPrecedence(t *testing.T) {
	f := func(file string, env map[string]string, args []string, check func(c Config) bool) {
		t.Helper()
		c, err := loadConfig(t, nil, file, env, args...)
		if err != nil {
			t.Fatalf("file %q env %v args %q: %v", file, env, args, err)
		}
		if !check(c) {
			t.Fatalf("file %q env %v args %q: got %+v", file, env, args, c)
		}
	}
	env := func(kv ...string) map[string]string {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	rate := func(want string) func(Config) bool { return func(c Config) bool { return c.Rate == want } }

	f("WAQ_RATE=10/2s\n", nil, nil, rate("10/2s"))                                           // file over default
	f("WAQ_RATE=10/2s\n", env("WAQ_RATE", "20/1s"), nil, rate("20/1s"))                      // env over file
	f("WAQ_RATE=10/2s\n", env("WAQ_RATE", "20/1s"), []string{"--rate=30/1h"}, rate("30/1h")) // flag over env
	f("", nil, []string{"--rate", "30/1h"}, rate("30/1h"))
	f("", env("WAQ_RATE", "20/1s"), nil, rate("20/1s"))

	// An empty value is a value: it turns the RESP server off.
	f("", env("WAQ_RESP_ADDR", ""), nil, func(c Config) bool { return c.RESPAddr == "" })
	f("WAQ_RESP_ADDR=\n", nil, nil, func(c Config) bool { return c.RESPAddr == "" })
	f("", nil, []string{"--resp-addr="}, func(c Config) bool { return c.RESPAddr == "" })
	f("WAQ_RESP_ADDR=\"\"\n", env("WAQ_RESP_ADDR", "127.0.0.1:7000"), nil,
		func(c Config) bool { return c.RESPAddr == "127.0.0.1:7000" })

	// Typed settings, from each layer.
	f("WAQ_CONCURRENCY=9\nWAQ_RETRY_BASE=500ms\n", env("WAQ_RETRY_MAX", "0"), []string{"--sent-retention", "1h"},
		func(c Config) bool {
			return c.Concurrency == 9 && c.RetryBase == 500*time.Millisecond && c.RetryMax == 0 && c.SentRetention == time.Hour
		})
	f("# comment\n\nEVOLUTION_API_URL='http://evo:8080'\nexport EVOLUTION_INSTANCE=sales-1\n",
		env("EVOLUTION_API_KEY", "k"), []string{"--gateway", "evolution"},
		func(c Config) bool {
			e := c.Evolution
			return c.Gateway == "evolution" && e.APIURL == "http://evo:8080" && e.APIKey == "k" && e.Instance == "sales-1"
		})
	f("WAQ_GATEWAY=\n", nil, nil, func(c Config) bool { return c.Gateway == GatewayNone })
	f("TZ=Europe/Madrid\n", nil, nil, func(c Config) bool { return c.Timezone == "UTC" }) // not ours: ignored

	region := func(want string) func(Config) bool { return func(c Config) bool { return c.DefaultRegion == want } }
	f("", nil, nil, region("ES"))
	f("WAQ_DEFAULT_REGION=PT\n", nil, nil, region("PT"))
	f("WAQ_DEFAULT_REGION=PT\n", env("WAQ_DEFAULT_REGION", "FR"), nil, region("FR"))
	f("", env("WAQ_DEFAULT_REGION", "FR"), []string{"--default-region", "IT"}, region("IT"))
	f("", env("WAQ_DEFAULT_REGION", ""), nil, region(""))
}

func TestConfigClientServer(t *testing.T) {
	f := func(file string, env map[string]string, want string) {
		t.Helper()
		c, err := loadConfig(t, clientFlags, file, env)
		if err != nil {
			t.Fatal(err)
		}
		if c.Server != want {
			t.Fatalf("file %q env %v: Server = %q, want %q", file, env, c.Server, want)
		}
	}
	f("", nil, ServerDefault)
	f("WAQ_HTTP_ADDR=0.0.0.0:9000\n", nil, "http://127.0.0.1:9000") // found from the server's own setting
	f("WAQ_HTTP_ADDR=[::]:9000\n", nil, "http://127.0.0.1:9000")
	f("WAQ_HTTP_ADDR=:9000\n", nil, "http://127.0.0.1:9000")
	f("", map[string]string{"WAQ_HTTP_ADDR": "10.0.0.5:9000"}, "http://10.0.0.5:9000")
	f("WAQ_HTTP_ADDR=0.0.0.0:9000\n", map[string]string{"WAQ_URL": "http://box:1"}, "http://box:1")

	// A bad setting the command does not use does not stop it.
	if _, err := loadConfig(t, clientFlags, "WAQ_CONCURRENCY=many\n", nil); err != nil {
		t.Fatalf("client refused a serve-only setting: %v", err)
	}
}

func TestConfigParseErrors(t *testing.T) {
	f := func(file string, env map[string]string, args []string, want string) {
		t.Helper()
		_, err := loadConfig(t, nil, file, env, args...)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("file %q env %v args %q: error %v, want it to say %q", file, env, args, err, want)
		}
	}
	f("", map[string]string{"WAQ_CONCURRENCY": "five"}, nil, `WAQ_CONCURRENCY: "five" is not a whole number`)
	f("", nil, []string{"--retry-base", "2"}, `WAQ_RETRY_BASE: "2" is not a duration`)
	f("WAQ_SENT_RETENTION=1d\n", nil, nil, `WAQ_SENT_RETENTION: "1d" is not a duration`)
	f("WAQ_RAET=1/1s\n", nil, nil, "waq.env:1: WAQ_RAET is not a waq setting")
	f("WAQ_RATE\n", nil, nil, "waq.env:1: expected KEY=VALUE")
	f("\nWAQ_API_KEY=\"abc\n", nil, nil, "waq.env:2: WAQ_API_KEY: missing closing quote")
}

func TestValidate(t *testing.T) {
	f := func(change func(c *Config), want string) {
		t.Helper()
		c := DefaultConfig()
		change(&c)
		err := c.Validate()
		switch {
		case want == "" && err != nil:
			t.Fatalf("unexpected error: %v", err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
			t.Fatalf("error %v, want it to say %q", err, want)
		}
	}
	ok := ""
	f(func(c *Config) {}, ok)
	f(func(c *Config) { c.Rate = "80 per minute" }, `WAQ_RATE: "80 per minute" is not COUNT/WINDOW such as 80/1m`)
	f(func(c *Config) { c.Rate = "0/1m" }, "WAQ_RATE")
	f(func(c *Config) { c.Rate = "10/-1s" }, "WAQ_RATE")
	f(func(c *Config) { c.Rate = "1000/1h" }, ok)
	f(func(c *Config) { c.LogLevel = "verbose" }, `WAQ_LOG_LEVEL: "verbose" is not a level: use debug, info, warn or error`)
	f(func(c *Config) { c.LogLevel = "" }, "WAQ_LOG_LEVEL")
	f(func(c *Config) { c.LogLevel = "Debug" }, ok)

	f(func(c *Config) { c.HTTPAddr = "0.0.0.0:8088" }, "WAQ_HTTP_ADDR 0.0.0.0:8088 is not loopback: set WAQ_API_KEY (or --api-key)")
	f(func(c *Config) { c.HTTPAddr = ":8088" }, "WAQ_HTTP_ADDR :8088 is not loopback")
	f(func(c *Config) { c.HTTPAddr = "box.example:8088" }, "is not loopback")
	f(func(c *Config) { c.HTTPAddr = "0.0.0.0:8088"; c.APIKey = "k" }, ok)
	f(func(c *Config) { c.HTTPAddr = "localhost:8088" }, ok)
	f(func(c *Config) { c.HTTPAddr = "[::1]:8088" }, ok)
	f(func(c *Config) { c.HTTPAddr = "127.0.0.1:0" }, ok)
	f(func(c *Config) { c.HTTPAddr = "8088" }, `WAQ_HTTP_ADDR: "8088" is not HOST:PORT`)
	f(func(c *Config) { c.PprofAddr = "127.0.0.1:6060" }, ok)
	f(func(c *Config) { c.PprofAddr = "0.0.0.0:6060"; c.APIKey = "k" }, "WAQ_PPROF_ADDR 0.0.0.0:6060 is not loopback: profiles have no key")
	f(func(c *Config) { c.PprofAddr = "6060" }, `WAQ_PPROF_ADDR: "6060" is not HOST:PORT`)
	f(func(c *Config) { c.HTTPAddr = "127.0.0.1:99999" }, "no valid port")
	f(func(c *Config) { c.RESPAddr = "0.0.0.0:6380" }, "WAQ_RESP_ADDR 0.0.0.0:6380 is not loopback: set WAQ_RESP_PASSWORD (or --resp-password)")
	f(func(c *Config) { c.RESPAddr = "0.0.0.0:6380"; c.APIKey = "k" }, "WAQ_RESP_PASSWORD")
	f(func(c *Config) { c.RESPAddr = "0.0.0.0:6380"; c.RESPPassword = "p" }, ok)
	f(func(c *Config) { c.RESPAddr = "" }, ok)

	f(func(c *Config) { c.Gateway = "twilio" }, `WAQ_GATEWAY: "twilio" is not a gateway`)
	f(func(c *Config) { c.Gateway = GatewayDemo }, ok)
	f(func(c *Config) { c.Gateway = GatewayEvolution }, "WAQ_GATEWAY is evolution: set EVOLUTION_API_URL (or --evolution-api-url)")
	f(func(c *Config) { c.Gateway = GatewayEvolution; c.Evolution.APIURL = "http://evo" }, "set EVOLUTION_API_KEY")
	f(func(c *Config) { c.Gateway = GatewayEvolution; c.Evolution.APIKey = "k" }, "set EVOLUTION_INSTANCE")
	f(func(c *Config) {
		c.Gateway = GatewayEvolution
		c.Evolution = EvolutionConfig{APIURL: "evo:8080", APIKey: "k", Instance: "i"}
	}, `EVOLUTION_API_URL: "evo:8080" is not an http(s) URL`)
	f(func(c *Config) {
		c.Gateway = GatewayEvolution
		c.Evolution = EvolutionConfig{APIURL: "http://evo:8080", APIKey: "k", Instance: "i"}
	}, ok)
	f(func(c *Config) { c.Gateway = GatewayCloudAPI }, "WAQ_GATEWAY is cloudapi: set WHATSAPP_TOKEN (or --whatsapp-token)")
	f(func(c *Config) { c.Gateway = GatewayCloudAPI }, "set WHATSAPP_PHONE_NUMBER_ID (or --whatsapp-phone-number-id)")
	f(func(c *Config) { c.Gateway = GatewayCloudAPI }, "set WHATSAPP_APP_SECRET (or --whatsapp-app-secret)")
	f(func(c *Config) { c.Gateway = GatewayCloudAPI }, "set WHATSAPP_VERIFY_TOKEN (or --whatsapp-verify-token)")
	cloud := func(c *Config) {
		c.Gateway = GatewayCloudAPI
		c.WhatsApp.Token, c.WhatsApp.PhoneNumberID, c.WhatsApp.AppSecret, c.WhatsApp.VerifyToken = "t", "123", "s", "v"
	}
	f(cloud, ok)
	f(func(c *Config) { cloud(c); c.WhatsApp.APIURL = "" }, "WHATSAPP_API_URL")

	f(func(c *Config) {
		c.SendGap = "8s-30s"
		c.DailyCap = 50
		c.WarmupStart = 20
		c.SendWindow = "09:00-21:00"
	}, ok)
	f(func(c *Config) { c.SendGap = "30s-8s" }, "WAQ_SEND_GAP")
	f(func(c *Config) { c.SendWindow = "9 to 5" }, "WAQ_SEND_WINDOW")
	f(func(c *Config) { c.WarmupStart = 20 }, "WAQ_DAILY_CAP")
	f(func(c *Config) { c.RecipientGap = -time.Second }, "WAQ_RECIPIENT_GAP")
	f(func(c *Config) { c.FailoverGrace = -time.Second }, "WAQ_FAILOVER_GRACE")

	f(func(c *Config) { c.Timezone = "Europe/Madrid" }, ok)
	f(func(c *Config) { c.Timezone = "Mars/Olympus" }, `WAQ_TIMEZONE: "Mars/Olympus" is not a time zone`)
	f(func(c *Config) { c.Timezone = "" }, "WAQ_TIMEZONE")
	f(func(c *Config) { c.DefaultRegion = "PT" }, ok)
	f(func(c *Config) { c.DefaultRegion = "pt" }, ok)
	f(func(c *Config) { c.DefaultRegion = "" }, ok) // every number then carries its country code
	f(func(c *Config) { c.DefaultRegion = "Spain" }, `WAQ_DEFAULT_REGION: "Spain" is not a region: use a two-letter ISO 3166 code such as ES`)
	f(func(c *Config) { c.DefaultRegion = "XX" }, "WAQ_DEFAULT_REGION")
	f(func(c *Config) { c.BackupKeep = 0 }, "WAQ_BACKUP_KEEP: 0 is too small")
	f(func(c *Config) { c.Concurrency = 0 }, "WAQ_CONCURRENCY: 0 is too small")
	f(func(c *Config) { c.RetryMax = -1 }, "WAQ_RETRY_MAX: -1 is out of range")
	f(func(c *Config) { c.RetryMax = 0 }, ok)
	f(func(c *Config) { c.RetryBase = 0 }, "WAQ_RETRY_BASE")
	f(func(c *Config) { c.SentRetention = -time.Hour }, "WAQ_SENT_RETENTION")
	f(func(c *Config) { c.StatsRetention = 0 }, "WAQ_STATS_RETENTION")
	f(func(c *Config) { c.DataDir = "" }, "WAQ_DATA_DIR is empty")
	f(func(c *Config) { c.CallbackURL = "ftp://x" }, "WAQ_CALLBACK_URL")
	f(func(c *Config) { c.CallbackURL = "https://crm.example/hook" }, ok)
}

// Every problem is reported at once, so one start fixes them all.
func TestValidateReportsAll(t *testing.T) {
	c := DefaultConfig()
	c.Rate, c.Concurrency, c.HTTPAddr = "fast", 0, "0.0.0.0:80"
	err := c.Validate()
	if err == nil {
		t.Fatal("no error")
	}
	if n := len(strings.Split(err.Error(), "\n")); n != 3 {
		t.Fatalf("%d problems reported, want 3:\n%v", n, err)
	}
}
