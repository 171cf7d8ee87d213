package main

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/waqhq/waq/store"
	"github.com/waqhq/waq/store/redistest"
)

func TestImportAsksServer(t *testing.T) {
	api, env := newFakeAPI(t, map[string]answer{
		"POST /v1/admin/import": {200, `{"keys": 40, "skipped_keys": 1, "jobs": 11, "messages": 8, "skipped": 3, "not_phone": 2,
			"not_phone_sample": ["1371@lid (wa job l1)", "120363025@g.us (wa job g1)"], "notes": ["wa job nophone (wait): its data has no to, phone, number"]}`},
		"POST /v1/admin/cutover": {200, `{"released": 7}`},
	})
	code, out, errOut := runCLI(t, env, "import", "--db", "0,2", "--prefix", "app", "--map-to", "msisdn, to",
		"--default-region", "PT", "redis://10.0.0.5:6379")
	want := "copied 40 keys (1 not copied)\n" +
		"found 11 BullMQ jobs: 8 new messages held until cutover, 3 skipped, 0 imported before\n" +
		"  2 skipped jobs are addressed to WhatsApp ids that are no phone numbers, such as 1371@lid (wa job l1), 120363025@g.us (wa job g1)\n" +
		"  wa job nophone (wait): its data has no to, phone, number\n" +
		"stop the old workers, then run \"waq cutover\" to send the held messages\n"
	if code != 0 || out != want {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	jsonEq(t, api.last("POST /v1/admin/import").body, `{"url": "redis://10.0.0.5:6379", "dbs": [0, 2],
		"bullmq_prefix": "app", "mapping": {"to": ["msisdn", "to"]}, "default_region": "PT"}`)
	code, out, _ = runCLI(t, env, "cutover")
	if code != 0 || out != "released 7 held messages\n" {
		t.Fatalf("cutover: exit %d, stdout %q", code, out)
	}
	api.last("POST /v1/admin/cutover")
}

func TestImportUsage(t *testing.T) {
	f := func(want string, args ...string) {
		t.Helper()
		code, _, errOut := runCLI(t, nil, args...)
		if code != 2 || !strings.HasPrefix(errOut, want) {
			t.Fatalf("waq %q: exit %d, stderr %q; want 2 and %q", args, code, errOut, want)
		}
	}
	f("waq import: give one Redis URL", "import")
	f("waq import: --db: \"x\" is not a database number", "import", "--db", "x", "redis://h:1")
	f("waq import: --db: \"16\" is not a database number", "import", "--db", "16", "redis://h:1")
	f("waq cutover: unexpected argument", "cutover", "now")
}

// TestImportDataFile runs import and cutover with no server, on the data
// file of --data-dir, from a real redis-server.
func TestImportDataFile(t *testing.T) {
	url := startRedis(t)
	ctx := context.Background()
	c := redis.NewClient(&redis.Options{Addr: strings.TrimPrefix(url, "redis://")})
	defer c.Close()
	c.HSet(ctx, "bull:wa:meta", "version", "bullmq:6.7.0")
	c.HSet(ctx, "bull:wa:1", "name", "send", "data", `{"phone":"34600111222","body":"hi"}`)
	c.LPush(ctx, "bull:wa:wait", "1")
	dir := t.TempDir()
	env := map[string]string{"WAQ_URL": refusedURL(t), "WAQ_DATA_DIR": dir}

	code, out, errOut := runCLI(t, env, "cutover")
	if code != 1 || !strings.Contains(errOut, "there is no data file") {
		t.Fatalf("cutover before any import: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	code, out, errOut = runCLI(t, env, "import", "--json", url)
	if code != 0 || !strings.Contains(out, `"messages": 1`) {
		t.Fatalf("import: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	code, out, _ = runCLI(t, env, "import", url)
	if code != 0 || !strings.Contains(out, "0 new messages held until cutover, 0 skipped, 1 imported before") {
		t.Fatalf("second import: exit %d, stdout %q", code, out)
	}
	code, out, _ = runCLI(t, env, "cutover")
	if code != 0 || out != "released 1 held messages\n" {
		t.Fatalf("cutover: exit %d, stdout %q", code, out)
	}
	st, err := store.Open(filepath.Join(dir, store.FileName), store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	ms, _, err := st.Messages(store.Filter{})
	st.Close()
	if err != nil || len(ms) != 1 || ms[0].Status != store.Queued || ms[0].To != "+34600111222" {
		t.Fatalf("messages %+v, %v", ms, err)
	}

	code, _, errOut = runCLI(t, env, "import", "redis://127.0.0.1:1")
	if code != 1 || !strings.Contains(errOut, "cannot reach Redis at 127.0.0.1:1") {
		t.Fatalf("unreachable source: exit %d, stderr %q", code, errOut)
	}
}

// startRedis runs a real redis-server without persistence for the test.
func startRedis(t *testing.T) string {
	t.Helper()
	return redistest.URL(t)
}

// Through a running waq serve with the demo gateway: an imported BullMQ job
// waits, held, until waq cutover, then is sent and read; the Redis keys are
// in the RESP keyspace.
func TestImportThroughServer(t *testing.T) {
	url := startRedis(t)
	ctx := context.Background()
	c := redis.NewClient(&redis.Options{Addr: strings.TrimPrefix(url, "redis://")})
	defer c.Close()
	c.HSet(ctx, "bull:wa:meta", "version", "bullmq:5.81.5")
	c.HSet(ctx, "bull:wa:7", "name", "send", "data", `{"phone":"34600111222","text":"Su cita es mañana"}`)
	c.LPush(ctx, "bull:wa:wait", "7")
	c.Set(ctx, "visits", "41", 0)

	cfg := testConfig(t.TempDir(), GatewayDemo)
	m, cl := startMain(t, cfg)
	env := map[string]string{"WAQ_URL": "http://" + m.HTTPAddr(), "WAQ_API_KEY": testKey}
	code, out, errOut := runCLI(t, env, "import", "--json", url)
	if code != 0 || !strings.Contains(out, `"messages": 1`) {
		t.Fatalf("import: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	// Not a terminal: the progress the server streamed, as plain lines.
	inOrder(t, errOut, "import: copy 4 of 4 keys (100%), ", "import: translate 1 of 1 jobs (100%), ")
	var list struct{ Messages []store.Message }
	if _, err := cl.call(t.Context(), http.MethodGet, "/v1/messages?status=held", nil, &list); err != nil || len(list.Messages) != 1 {
		t.Fatalf("held messages: %+v, %v", list, err)
	}
	id := list.Messages[0].ID
	time.Sleep(300 * time.Millisecond)
	if got := waitStatus(t, cl, id, store.Held); got.Attempts != 0 {
		t.Fatalf("a held message was tried: %+v", got)
	}
	code, out, errOut = runCLI(t, env, "cutover")
	if code != 0 || out != "released 1 held messages\n" {
		t.Fatalf("cutover: exit %d, %q", code, out)
	}
	inOrder(t, errOut, "cutover: release 0 of 1 messages (0%)", "cutover: release 1 of 1 messages (100%)")
	waitStatus(t, cl, id, store.Read)
}

// inOrder fails unless s holds each of parts, in that order.
func inOrder(t *testing.T, s string, parts ...string) {
	t.Helper()
	rest := s
	for _, p := range parts {
		i := strings.Index(rest, p)
		if i < 0 {
			t.Fatalf("%q not found in order in:\n%s", p, s)
		}
		rest = rest[i+len(p):]
	}
}
