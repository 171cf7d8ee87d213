package main

import (
	"strings"
	"testing"
)

func TestParseEnvLine(t *testing.T) {
	f := func(line, key, val string, ok bool) {
		t.Helper()
		k, v, gotOK, err := parseEnvLine(line)
		if err != nil || k != key || v != val || gotOK != ok {
			t.Fatalf("parseEnvLine(%q) = %q, %q, %v, %v; want %q, %q, %v", line, k, v, gotOK, err, key, val, ok)
		}
	}
	f("", "", "", false)
	f("   ", "", "", false)
	f("# WAQ_RATE=1/1s", "", "", false)
	f("; a comment", "", "", false)
	f("WAQ_RATE=10/2s", "WAQ_RATE", "10/2s", true)
	f("  WAQ_RATE = 10/2s  ", "WAQ_RATE", "10/2s", true)
	f("WAQ_API_KEY=a=b=c", "WAQ_API_KEY", "a=b=c", true)
	f("WAQ_API_KEY=", "WAQ_API_KEY", "", true)
	f(`WAQ_API_KEY=""`, "WAQ_API_KEY", "", true)
	f(`WAQ_API_KEY="a b # c"`, "WAQ_API_KEY", "a b # c", true)
	f(`WAQ_API_KEY="say \"hi\" \\ now"`, "WAQ_API_KEY", `say "hi" \ now`, true)
	f(`WAQ_API_KEY='a\nb'`, "WAQ_API_KEY", `a\nb`, true) // single quotes keep backslashes
	f(`WAQ_API_KEY="a\nb"`, "WAQ_API_KEY", "a\nb", true)
	f(`WAQ_API_KEY="abc" # the key`, "WAQ_API_KEY", "abc", true)
	f("export WAQ_RATE=1/1s", "WAQ_RATE", "1/1s", true)
}

func TestParseEnvLineErrors(t *testing.T) {
	f := func(line, want string) {
		t.Helper()
		_, _, _, err := parseEnvLine(line)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("parseEnvLine(%q): error %v, want it to say %q", line, err, want)
		}
	}
	f("WAQ_RATE", "expected KEY=VALUE")
	f("=value", "expected KEY=VALUE")
	f("WAQ RATE=1/1s", "expected KEY=VALUE")
	f(`WAQ_API_KEY="abc`, "missing closing quote")
	f(`WAQ_API_KEY='abc`, "missing closing quote")
	f(`WAQ_API_KEY="abc" def`, "text after the closing quote")
	f(`WAQ_API_KEY='it\'s'`, "text after the closing quote") // no escapes in single quotes
}
