package ui_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/waqhq/waq/progress"
	"github.com/waqhq/waq/store"
	"github.com/waqhq/waq/store/importer"
	"github.com/waqhq/waq/store/mirror"
	"github.com/waqhq/waq/store/redistest"
	"github.com/waqhq/waq/ui"
)

// stream POSTs body to path of a real HTTP server on h asking for
// progress, and returns the lines as they came.
func stream(t *testing.T, h http.Handler, path, body string) []progress.Update {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	req, _ := http.NewRequest(http.MethodPost, srv.URL+path, strings.NewReader(body))
	req.Header.Set("Accept", "application/x-ndjson")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/x-ndjson" {
		t.Fatalf("POST %s: %s, %s", path, resp.Status, resp.Header.Get("Content-Type"))
	}
	var us []progress.Update
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		var u progress.Update
		if err := json.Unmarshal(sc.Bytes(), &u); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		us = append(us, u)
	}
	return us
}

// checkStream fails unless us goes through phases in that order, then
// done, with counts that never go back and each phase ending at its
// total; it returns the last line of each phase.
func checkStream(t *testing.T, us []progress.Update, phases ...string) map[string]progress.Update {
	t.Helper()
	var seen []string
	last := map[string]progress.Update{}
	for i, u := range us {
		if len(seen) == 0 || seen[len(seen)-1] != u.Phase {
			seen = append(seen, u.Phase)
		} else if u.Done < last[u.Phase].Done {
			t.Fatalf("line %d went back: %+v after %+v", i, u, last[u.Phase])
		}
		last[u.Phase] = u
	}
	if want := append(phases, progress.PhaseDone); !slices.Equal(seen, want) {
		t.Fatalf("phases %v, want %v: %+v", seen, want, us)
	}
	for _, p := range phases {
		if u := last[p]; u.Total > 0 && u.Done != u.Total {
			t.Fatalf("%s ended at %d of %d", p, u.Done, u.Total)
		}
	}
	return last
}

// TestAdminImportProgress imports from a real redis-server asking for
// progress: the copy, then the translation, then the result the plain
// answer gives; the cutover's release likewise.
func TestAdminImportProgress(t *testing.T) {
	url := redisURL(t) // 3 keys, one BullMQ job
	c := redis.NewClient(&redis.Options{Addr: strings.TrimPrefix(url, "redis://")})
	defer c.Close()
	p := c.Pipeline()
	for i := range 1500 { // several SCAN pages
		p.Set(context.Background(), fmt.Sprintf("k%d", i), "v", 0)
	}
	if _, err := p.Exec(context.Background()); err != nil {
		t.Fatal(err)
	}
	var imp *importer.Importer
	b := setup(t, func(o *ui.Options) { o.Importer = lazyImporter{&imp} })
	imp = importer.New(b.st)

	last := checkStream(t, stream(t, b.h, "/v1/admin/import", fmt.Sprintf(`{"url": %q}`, url)),
		progress.PhaseCopy, progress.PhaseTranslate)
	if cp := last[progress.PhaseCopy]; cp.Total != 1503 {
		t.Fatalf("copy: %+v, want a total of 1503 keys", cp)
	}
	if tr := last[progress.PhaseTranslate]; tr.Done != 1 || tr.Total != 1 {
		t.Fatalf("translate: %+v", tr)
	}
	var res importer.Result
	if err := json.Unmarshal(last[progress.PhaseDone].Result, &res); err != nil || res.Keys != 1503 || res.Messages != 1 {
		t.Fatalf("result %s: %v", last[progress.PhaseDone].Result, err)
	}

	last = checkStream(t, stream(t, b.h, "/v1/admin/cutover", ""), progress.PhaseRelease)
	if r := last[progress.PhaseRelease]; r.Done != 1 || r.Total != 1 || string(last[progress.PhaseDone].Result) != `{"released":1}` {
		t.Fatalf("release %+v, result %s", r, last[progress.PhaseDone].Result)
	}
	// An error before any progress is still an error answer with its status.
	closed := fmt.Sprintf(`{"url": "redis://127.0.0.1:%d"}`, redistest.FreePort(t))
	b.do(t, "POST", "/v1/admin/import", closed, "Accept", "application/x-ndjson").wantError(t, 503, store.EUNAVAILABLE, "")
	// A client that does not ask gets the plain answer, as before.
	b.do(t, "POST", "/v1/admin/cutover", "", "Accept", "application/json").want(t, 200)
}

// TestAdminMirrorProgress starts a mirror of a real redis-server asking
// for progress: the stream ends once the mirror caught up, with its
// status, and the mirror goes on.
func TestAdminMirrorProgress(t *testing.T) {
	b, addr, mgr := setupMirror(t)

	us := stream(t, b.h, "/v1/admin/mirror", `{"url": "redis://`+addr+`"}`)
	end := us[len(us)-1]
	var got mirrorReply
	if err := json.Unmarshal(end.Result, &got); err != nil || end.Phase != progress.PhaseDone {
		t.Fatalf("last line %+v: %v", end, err)
	}
	if got.State != mirror.StateStreaming || got.LagBytes != 0 || got.Keys != 1 {
		t.Fatalf("the stream ended before the mirror caught up: %+v", got)
	}
	for _, u := range us[:len(us)-1] {
		if !slices.Contains([]string{progress.PhaseConnect, progress.PhaseLoad, progress.PhaseCatchUp}, u.Phase) {
			t.Fatalf("phase %+v", u)
		}
	}
	if st, _, _ := mgr.Status(); st.State != mirror.StateStreaming {
		t.Fatalf("the mirror stopped with the stream: %+v", st)
	}
}

// brokenImporter fails after its progress began.
type brokenImporter struct{ err error }

func (b brokenImporter) Import(ctx context.Context, _ importer.Request) (*importer.Result, error) {
	progress.Report(ctx, progress.PhaseCopy, 500, 1000)
	return nil, b.err
}

func (b brokenImporter) Cutover(context.Context) (int, error) { return 0, b.err }

// TestProgressFailure: a failure after the progress began is the stream's
// last line, with the error a plain answer would give (internal details
// hidden).
func TestProgressFailure(t *testing.T) {
	f := func(err error, want string) {
		t.Helper()
		b := setup(t, func(o *ui.Options) { o.Importer = brokenImporter{err} })
		us := stream(t, b.h, "/v1/admin/import", `{"url": "redis://127.0.0.1:1"}`)
		if len(us) != 2 || us[0].Phase != progress.PhaseCopy || us[1].Phase != progress.PhaseFailed || string(us[1].Error) != want {
			t.Fatalf("lines %+v, error %s; want %s", us, us[len(us)-1].Error, want)
		}
	}
	f(store.Errorf(store.EUNAVAILABLE, "lost Redis at 10.0.0.5:6379"), `{"code":"unavailable","message":"lost Redis at 10.0.0.5:6379"}`)
	f(fmt.Errorf("disk: %w", context.DeadlineExceeded), `{"code":"internal","message":"internal error; the server log has the details"}`)
}

// gatedImporter reports a count, then waits for the test before it ends.
type gatedImporter struct{ gate chan struct{} }

func (g gatedImporter) Import(ctx context.Context, _ importer.Request) (*importer.Result, error) {
	progress.Report(ctx, progress.PhaseCopy, 1, 2)
	select {
	case <-g.gate:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	progress.Report(ctx, progress.PhaseCopy, 2, 2)
	return &importer.Result{Keys: 2}, nil
}

func (g gatedImporter) Cutover(context.Context) (int, error) { return 0, nil }

// TestProgressStreamsAsItGoes: a progress line reaches the client while
// the work still runs, not with the answer's end.
func TestProgressStreamsAsItGoes(t *testing.T) {
	g := gatedImporter{make(chan struct{})}
	b := setup(t, func(o *ui.Options) { o.Importer = g })
	srv := httptest.NewServer(b.h)
	t.Cleanup(srv.Close)
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/v1/admin/import", strings.NewReader(`{"url": "redis://x:1"}`))
	req.Header.Set("Accept", "text/html, application/x-ndjson; q=0.9")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	if !sc.Scan() || sc.Text() != `{"phase":"copy","done":1,"total":2,"rate":0}` {
		t.Fatalf("first line %q, %v", sc.Text(), sc.Err())
	}
	close(g.gate) // the work ends only now
	var lines []string
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	want := []string{`{"phase":"copy","done":2,"total":2,"rate":0}`,
		`{"phase":"done","done":0,"total":0,"rate":0,"result":{"keys":2,"skipped_keys":0,"jobs":0,"messages":0,"skipped":0,"not_phone":0}}`}
	if !slices.Equal(lines, want) {
		t.Fatalf("then %q, want %q", lines, want)
	}
}
