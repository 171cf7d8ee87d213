package main

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/waqhq/waq/store"
	"github.com/waqhq/waq/store/redistest"
)

func TestMirrorAsksServer(t *testing.T) {
	status := `{"url": "redis://10.0.0.5:6379", "state": "streaming", "replid": "abc", "offset": 900, "lag_bytes": 12, "keys": 40, "full_syncs": 1, "continues": 2}`
	api, env := newFakeAPI(t, map[string]answer{
		"POST /v1/admin/mirror":   {200, status},
		"GET /v1/admin/mirror":    {200, status},
		"DELETE /v1/admin/mirror": {200, `{"url": "redis://10.0.0.5:6379", "state": "stopped", "last_error": "boom"}`},
	})
	want := "redis://10.0.0.5:6379 streaming: offset 900 (12 bytes behind), 40 keys, 1 full syncs, 2 resumes\n"
	code, out, errOut := runCLI(t, env, "mirror", "redis://:pw@10.0.0.5:6379")
	if code != 0 || out != want {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	jsonEq(t, api.last("POST /v1/admin/mirror").body, `{"url": "redis://:pw@10.0.0.5:6379"}`)
	if code, out, _ = runCLI(t, env, "mirror", "--status"); code != 0 || out != want {
		t.Fatalf("--status: exit %d, stdout %q", code, out)
	}
	code, out, _ = runCLI(t, env, "mirror", "--stop")
	if code != 0 || !strings.Contains(out, "stopped") || !strings.Contains(out, "last error: boom") {
		t.Fatalf("--stop: exit %d, stdout %q", code, out)
	}
	if code, out, _ = runCLI(t, env, "mirror", "--status", "--json"); code != 0 || !strings.Contains(out, `"lag_bytes": 12`) {
		t.Fatalf("--json: exit %d, stdout %q", code, out)
	}
}

func TestMirrorUsage(t *testing.T) {
	f := func(want string, args ...string) {
		t.Helper()
		code, _, errOut := runCLI(t, nil, args...)
		if code != 2 || !strings.HasPrefix(errOut, want) {
			t.Fatalf("waq %q: exit %d, stderr %q; want 2 and %q", args, code, errOut, want)
		}
	}
	f("waq mirror: give one Redis URL", "mirror")
	f("waq mirror: --status and --stop take no URL", "mirror", "--status", "redis://h:1")
	f("waq mirror: --status and --stop take no URL", "mirror", "--status", "--stop")
}

// TestMirrorDataFile follows a real redis-server into the data file with no
// server running, then cuts over: the mirrored BullMQ job becomes a message.
func TestMirrorDataFile(t *testing.T) {
	addr := redistest.Start(t, "--repl-diskless-sync-delay", "0")
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	ctx := context.Background()
	c.HSet(ctx, "bull:wa:meta", "version", "bullmq:5.81.5")
	c.HSet(ctx, "bull:wa:1", "name", "send", "data", `{"phone":"34600111222","text":"hi"}`)
	c.LPush(ctx, "bull:wa:wait", "1")
	dir := t.TempDir()
	env := map[string]string{"WAQ_URL": refusedURL(t), "WAQ_DATA_DIR": dir}

	code, _, errOut := runCLI(t, env, "mirror", "redis://127.0.0.1:1")
	if code != 1 || !strings.Contains(errOut, "connection refused") {
		t.Fatalf("unreachable source: exit %d, stderr %q", code, errOut)
	}
	mctx, cancel := context.WithCancel(ctx)
	go func() {
		defer cancel()
		// Waits for states the source reports, not for time: a replica
		// online (the full sync done), then its ack of the SET's offset.
		if !waitReplica(ctx, c, 0) {
			return
		}
		c.Set(ctx, "visits", "41", 0) // through the stream
		info, _ := c.Info(ctx, "replication").Result()
		waitReplica(ctx, c, replInt(info, "master_repl_offset"))
	}()
	code, out, errOut := runCLIContext(mctx, env, "mirror", "redis://"+addr)
	if code != 0 || !strings.Contains(out, "stopped: offset") || !strings.Contains(out, "4 keys, 1 full syncs") {
		t.Fatalf("mirror: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	code, out, _ = runCLI(t, env, "cutover")
	if code != 0 || out != "released 1 held messages\n" {
		t.Fatalf("cutover: exit %d, stdout %q", code, out)
	}
	st, err := store.Open(filepath.Join(dir, store.FileName), store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ms, _, err := st.Messages(store.Filter{})
	if err != nil || len(ms) != 1 || ms[0].IdempotencyKey != "bullmq:wa:1" || ms[0].Status != store.Queued {
		t.Fatalf("messages %+v, %v", ms, err)
	}
}

// Through a running waq serve with the demo gateway: waq mirror follows a
// live Redis whose writes show on waq's own RESP port, a BullMQ job waits in
// the mirrored copy until waq cutover, which stops the mirror, translates
// the job and lets the demo send it.
func TestMirrorThroughServer(t *testing.T) {
	src := redistest.Start(t, "--repl-diskless-sync-delay", "0")
	ctx := context.Background()
	c := redis.NewClient(&redis.Options{Addr: src})
	defer c.Close()
	c.HSet(ctx, "bull:wa:meta", "version", "bullmq:5.81.5")
	c.HSet(ctx, "bull:wa:9", "name", "send", "data", `{"phone":"34600111222","text":"Su cita es mañana"}`)
	c.LPush(ctx, "bull:wa:wait", "9")

	cfg := testConfig(t.TempDir(), GatewayDemo)
	cfg.RESPAddr = "127.0.0.1:0"
	m, cl := startMain(t, cfg)
	env := map[string]string{"WAQ_URL": "http://" + m.HTTPAddr(), "WAQ_API_KEY": testKey}
	// It returns once the mirror caught up with the source, having shown
	// the first sync as the server streamed it.
	code, out, errOut := runCLI(t, env, "mirror", "redis://"+src)
	if code != 0 || !strings.Contains(out, " streaming: ") || !strings.Contains(out, "(0 bytes behind), 3 keys") {
		t.Fatalf("mirror: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	inOrder(t, errOut, "mirror: catch_up ")
	c.Set(ctx, "after-sync", "live", 0)
	local := redis.NewClient(&redis.Options{Addr: m.respAddr})
	defer local.Close()
	waitFor(t, "the live write on waq's RESP port", func() bool { return local.Get(ctx, "after-sync").Val() == "live" })
	if body := get(t, cl, "/v1/messages"); strings.Contains(body, `"status"`) {
		t.Fatalf("a mirrored job became a message before cutover: %s", body)
	}
	if code, out, errOut := runCLI(t, env, "cutover"); code != 0 || !strings.Contains(out, "released 1") {
		t.Fatalf("cutover: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	var list struct{ Messages []store.Message }
	if _, err := cl.call(t.Context(), "GET", "/v1/messages", nil, &list); err != nil || len(list.Messages) != 1 {
		t.Fatalf("messages after cutover: %+v, %v", list, err)
	}
	waitStatus(t, cl, list.Messages[0].ID, store.Read)
}

// waitReplica waits, up to waitDeadline, until the source c has a replica
// online that acknowledged offset, and reports whether it came.
func waitReplica(ctx context.Context, c *redis.Client, offset int64) bool {
	for end := time.Now().Add(waitDeadline); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		info, err := c.Info(ctx, "replication").Result()
		if err != nil {
			return false
		}
		for _, line := range strings.Split(info, "\r\n") {
			_, fields, ok := strings.Cut(line, ":")
			if strings.HasPrefix(line, "slave0:") && ok && strings.Contains(fields, "state=online") &&
				replInt(strings.ReplaceAll(fields, ",", "\r\n"), "offset") >= offset {
				return true
			}
		}
	}
	return false
}

// replInt reads field's integer from INFO-like text: "field:N" or
// "field=N" lines; -1 when it is missing.
func replInt(info, field string) int64 {
	for _, line := range strings.Split(info, "\r\n") {
		for _, sep := range []string{":", "="} {
			if v, ok := strings.CutPrefix(line, field+sep); ok {
				if n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil {
					return n
				}
			}
		}
	}
	return -1
}
