package redistest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// npmTimeout bounds npm ci: a cold cache downloads the packages.
const npmTimeout = 3 * time.Minute

// NodeProject copies files from the folder src (a package.json, its
// package-lock.json and the scripts) into a temporary folder, installs the
// pinned packages there with npm ci, and returns the folder. It skips the
// test, saying why, when node or npm is missing or the registry cannot be
// reached: the Go tests must not depend on the network.
func NodeProject(t testing.TB, src string, files ...string) string {
	t.Helper()
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (apt-get install nodejs npm)", tool)
		}
	}
	dir := t.TempDir()
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), npmTimeout)
	defer cancel()
	npm := exec.CommandContext(ctx, "npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error")
	npm.Dir = dir
	if out, err := npm.CombinedOutput(); err != nil {
		t.Skipf("npm ci failed (is the registry reachable?): %v\n%s", err, last(out, 2000))
	}
	return dir
}

// last returns at most the last n bytes of b.
func last(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}
