package resp

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestIORedis runs testdata/ioredis/test.js with the ioredis version its
// package-lock.json pins, installed by npm ci into a temp copy.
func TestIORedis(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: ioredis test skipped")
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is not installed: ioredis test skipped")
	}
	dir := t.TempDir()
	for _, f := range []string{"package.json", "package-lock.json", "test.js"} {
		b, err := os.ReadFile(filepath.Join("testdata", "ioredis", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	npm := exec.CommandContext(ctx, "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
	npm.Dir = dir
	if out, err := npm.CombinedOutput(); err != nil {
		t.Skipf("npm ci failed (no npm, or the registry cannot be reached): ioredis test skipped: %v\n%s", err, out)
	}
	addr, _ := startWaq(t, Options{Password: "pw"})
	node := exec.CommandContext(ctx, "node", "test.js")
	node.Dir = dir
	node.Env = append(os.Environ(), "WAQ_ADDR="+addr, "WAQ_PASSWORD=pw")
	out, err := node.CombinedOutput()
	if err != nil {
		t.Fatalf("ioredis: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}
