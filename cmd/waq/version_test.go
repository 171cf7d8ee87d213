package main

import (
	"bytes"
	"context"
	"testing"
)

// waq --version, the spelling tools try first, prints what waq version
// prints, and takes the same (no) arguments.
func TestVersionFlag(t *testing.T) {
	run := func(args ...string) (string, string, int) {
		var stdout, stderr bytes.Buffer
		c := &cli{stdout: &stdout, stderr: &stderr, lookupEnv: func(string) (string, bool) { return "", false }}
		code := c.run(context.Background(), args)
		return stdout.String(), stderr.String(), code
	}
	want, _, code := run("version")
	if code != 0 || want == "" {
		t.Fatalf("waq version: exit %d, %q", code, want)
	}
	for _, flag := range []string{"--version", "-version"} {
		if got, stderr, code := run(flag); code != 0 || got != want || stderr != "" {
			t.Errorf("waq %s: exit %d, stdout %q, stderr %q; want exit 0, %q", flag, code, got, stderr, want)
		}
	}
	if _, _, code := run("--version", "extra"); code != 2 {
		t.Errorf("waq --version extra: exit %d, want 2 as for waq version extra", code)
	}
}
