package resp

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/waqhq/waq/store/redistest"
)

// TestIORedis runs testdata/ioredis/test.js with the ioredis version its
// package-lock.json pins, installed by npm ci into a temp copy.
func TestIORedis(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: ioredis test skipped")
	}
	dir := redistest.NodeProject(t, filepath.Join("testdata", "ioredis"), "package.json", "package-lock.json", "test.js")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
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
