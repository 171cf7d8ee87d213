package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// runCLI runs waq with args in-process, with env as its whole environment,
// and returns the exit code, stdout and stderr.
func runCLI(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	return runCLIContext(context.Background(), env, args...)
}

// runCLIContext is runCLI with a context that stops the command.
func runCLIContext(ctx context.Context, env map[string]string, args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	c := &cli{stdout: &stdout, stderr: &stderr, lookupEnv: func(k string) (string, bool) {
		v, ok := env[k]
		return v, ok
	}}
	code := c.run(ctx, args)
	return code, stdout.String(), stderr.String()
}

func TestUsage(t *testing.T) {
	f := func(args []string, code int, stdout, stderr string) {
		t.Helper()
		gotCode, out, errOut := runCLI(t, nil, args...)
		if gotCode != code || !strings.Contains(out, stdout) || !strings.Contains(errOut, stderr) {
			t.Fatalf("waq %q: exit %d, stdout %q, stderr %q; want exit %d with %q and %q",
				args, gotCode, out, errOut, code, stdout, stderr)
		}
		if stdout == "" && out != "" || stderr == "" && errOut != "" {
			t.Fatalf("waq %q wrote where it should not: stdout %q, stderr %q", args, out, errOut)
		}
	}
	f(nil, 2, "", "Commands:\n  serve")
	f([]string{"help"}, 0, "Commands:\n  serve", "")
	f([]string{"--help"}, 0, "Commands:", "")
	f([]string{"help", "send"}, 0, "waq send --to NUMBER --text TEXT", "")
	f([]string{"help", "serve"}, 0, "--rate COUNT/WINDOW (WAQ_RATE, default 80/1m)", "")
	f([]string{"help", "nope"}, 2, "", `unknown command "nope"`)
	f([]string{"nope"}, 2, "", "waq: unknown command \"nope\"\n\nwaq queues")
	f([]string{"queue", "--bogus"}, 2, "", "waq queue: flag provided but not defined: -bogus\n\nUsage:\n  waq queue")
	f([]string{"queue", "extra"}, 2, "", `unexpected argument "extra"`)
	f([]string{"send", "--text", "hi"}, 2, "", "waq send: --to is required")
	f([]string{"send", "--to", "+34600111222", "--text", "hi", "--at", "tomorrow"}, 2, "", `--at "tomorrow" is neither`)
	f([]string{"send", "-h"}, 0, "Usage:\n  waq send", "")
	f([]string{"dlq"}, 2, "", "say list, retry ID or retry-all")
	f([]string{"dlq", "retry"}, 2, "", "retry needs the ids")
	f([]string{"dlq", "purge"}, 2, "", `unexpected "purge"`)
	f([]string{"backup"}, 2, "", "--out is required")
	f([]string{"check", "a", "b"}, 2, "", "check takes one file")
	f([]string{"serve", "--demo", "--gateway", "none"}, 2, "", "--demo and --gateway none contradict")
	f([]string{"serve", "--concurrency", "many"}, 1, "", `waq: WAQ_CONCURRENCY: "many" is not a whole number`)
	f([]string{"serve", "--http-addr", "0.0.0.0:8088", "--rate", "lots"}, 1, "",
		"waq: invalid configuration:\n  WAQ_HTTP_ADDR 0.0.0.0:8088 is not loopback: set WAQ_API_KEY (or --api-key)\n  WAQ_RATE:")
	f([]string{"serve", "--gateway", "evolution"}, 1, "", "set EVOLUTION_API_URL")
	f([]string{"version"}, 0, "waq ", "")
}

func TestParseArgsInterleaved(t *testing.T) {
	c := &cli{}
	fs := newFlagSet("x")
	limit := fs.Int("limit", 0, "")
	pos, err := c.parseArgs(fs, []string{"retry", "--limit", "3", "a", "b", "--", "--c"})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(pos, " "); got != "retry a b --c" || *limit != 3 {
		t.Fatalf("positional %q, limit %d", got, *limit)
	}
}

func TestResolveVersion(t *testing.T) {
	defer func(v string) { version = v }(version)
	version = "1.2.3"
	if got := resolveVersion(); got != "1.2.3" {
		t.Fatalf("resolveVersion() = %q", got)
	}
	version = ""
	if got := resolveVersion(); got == "" {
		t.Fatal("no fallback version")
	}
}
