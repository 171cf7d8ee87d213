package sender

import (
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	c := Config{}.withDefaults()
	f := func(n int, want time.Duration) {
		t.Helper()
		if got := c.backoff(n); got != want {
			t.Fatalf("backoff(%d) = %s, want %s", n, got, want)
		}
	}
	f(1, 2*time.Second)
	f(2, 4*time.Second)
	f(3, 8*time.Second)
	f(17, 24*time.Hour) // 2s << 16 is over a day: capped
	f(99, 24*time.Hour) // no overflow
}

func TestConfigDefaultsAndValidate(t *testing.T) {
	c := Config{}.withDefaults()
	if c.Rate.String() != RateDefault || c.Concurrency != ConcurrencyDefault || c.RetryBase != RetryBaseDefault ||
		c.LeaseTimeout != LeaseTimeoutDefault || c.StopTimeout != StopTimeoutDefault {
		t.Fatalf("defaults = %+v", c)
	}
	f := func(c Config, wantErr bool) {
		t.Helper()
		if err := c.Validate(); (err != nil) != wantErr {
			t.Fatalf("Validate(%+v) = %v, want error %v", c, err, wantErr)
		}
	}
	f(Config{}, false)
	f(Config{Concurrency: -1}, true)
	f(Config{Rate: Rate{Count: -1, Window: time.Minute}}, true)
	f(Config{Rate: Rate{Count: 5}}, true)
	f(Config{RetryBase: -time.Second}, true)
	f(Config{StopTimeout: -time.Second}, true)
}
