package main

import (
	"strings"
	"testing"
	"time"
)

func TestGroup(t *testing.T) {
	f := func(v float64, decimals int, want string) {
		t.Helper()
		if got := group(v, decimals); got != want {
			t.Errorf("group(%v, %d) = %q, want %q", v, decimals, got, want)
		}
	}
	f(0, 0, "0")
	f(999, 0, "999")
	f(1000, 0, "1 000")
	f(111301.4, 0, "111 301")
	f(1234567.891, 2, "1 234 567.89")
	f(-32764, 0, "-32 764")
}

func TestNumber(t *testing.T) {
	f := func(v float64, want string) {
		t.Helper()
		if got := number(v); got != want {
			t.Errorf("number(%v) = %q, want %q", v, got, want)
		}
	}
	f(11444.4, "11 444")
	f(42.25, "42.2") // strconv rounds half to even
	f(3.456, "3.46")
}

func TestPercentile(t *testing.T) {
	ms := func(vs ...int) []time.Duration {
		var ds []time.Duration
		for _, v := range vs {
			ds = append(ds, time.Duration(v)*time.Millisecond)
		}
		return ds
	}
	f := func(ds []time.Duration, p, want float64) {
		t.Helper()
		if got := percentile(ds, p); got != want {
			t.Errorf("percentile(%v, %v) = %v, want %v", ds, p, got, want)
		}
	}
	f(nil, 0.5, 0)
	f(ms(3, 1, 2), 0.5, 2)
	f(ms(5, 1, 4, 2, 3, 6, 7, 8, 9, 10), 0.5, 5) // nearest rank: the 5th of 10
	f(ms(5, 1, 4, 2, 3, 6, 7, 8, 9, 10), 0.99, 10)
}

func TestInfoInt(t *testing.T) {
	info := "# Memory\r\nused_memory:1048576\r\nused_memory_human:1.00M\r\n"
	if n, err := infoInt(info, "used_memory"); err != nil || n != 1<<20 {
		t.Errorf("used_memory = %d, %v; want %d", n, err, 1<<20)
	}
	if _, err := infoInt(info, "used_memory_rss"); err == nil {
		t.Error("a missing field gave no error")
	}
}

func TestParseFlags(t *testing.T) {
	o, err := parseFlags(nil)
	if err != nil || o.n != 200000 || len(o.only) != len(figureNames) {
		t.Fatalf("defaults: %+v, %v", o, err)
	}
	f := func(args []string, wantErr string) {
		t.Helper()
		_, err := parseFlags(args)
		if err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Errorf("parseFlags(%q) = %v, want an error with %q", args, err, wantErr)
		}
	}
	f([]string{"-n", "0"}, "at least 1")
	f([]string{"-only", "single32,drain7"}, `"drain7" is not a figure`)
	f([]string{"extra"}, "unexpected arguments")
}

func TestMessageJSON(t *testing.T) {
	got := string(messageJSON(7))
	if !strings.HasPrefix(got, `{"to":"+34600000007","text":"Hola`) {
		t.Errorf("messageJSON(7) = %s", got)
	}
}
