package importer

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/waqhq/waq/store"
	"github.com/waqhq/waq/store/redistest"
)

// openStore opens a real bbolt file in a temp dir, closed when the test ends.
func openStore(t testing.TB, now func() time.Time) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), store.FileName), store.Options{Now: now})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// freePort returns a loopback port nothing listens on at the moment.
func freePort(t testing.TB) int { return redistest.FreePort(t) }

// startRedis runs a real redis-server without persistence in a temp dir and
// returns its URL and port; the server is stopped when the test ends.
func startRedis(t testing.TB) (url string, port int) {
	t.Helper()
	addr := redistest.Start(t)
	_, p, _ := strings.Cut(addr, ":")
	port, _ = strconv.Atoi(p)
	return "redis://" + addr, port
}

func redisClient(t testing.TB, url string) *redis.Client {
	t.Helper()
	o, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(o)
	t.Cleanup(func() { c.Close() })
	return c
}

// seedBullMQ runs testdata/bullmq/seed.js with the real bullmq package
// against the Redis on port. It installs the pinned package with npm ci in a
// temp dir and skips the test when npm or its registry is unavailable.
func seedBullMQ(t testing.TB, port int) { seedScript(t, port, "seed.js") }

// seedScript is seedBullMQ with another script of testdata/bullmq.
func seedScript(t testing.TB, port int, script string) {
	t.Helper()
	dir := redistest.NodeProject(t, filepath.Join("testdata", "bullmq"), "package.json", "package-lock.json", script)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	node := exec.CommandContext(ctx, "node", script, fmt.Sprint(port))
	node.Dir = dir
	out, err := node.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "ok") {
		t.Fatalf("%s: %v\n%s", script, err, out)
	}
}
