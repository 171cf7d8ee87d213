package ui_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/waqhq/waq/store"
	"github.com/waqhq/waq/store/importer"
	"github.com/waqhq/waq/store/redistest"
	"github.com/waqhq/waq/ui"
)

// redisURL runs a real redis-server without persistence for the test and
// returns its URL.
func redisURL(t *testing.T) string {
	t.Helper()
	addr := redistest.Start(t)
	c := redis.NewClient(&redis.Options{Addr: addr})
	t.Cleanup(func() { c.Close() })
	ctx := context.Background()
	// One BullMQ job waiting in queue "wa", as bullmq stores it.
	c.HSet(ctx, "bull:wa:meta", "version", "bullmq:5.81.5")
	c.HSet(ctx, "bull:wa:1", "name", "send", "data", `{"to":"+34600111222","text":"hi"}`, "priority", "0")
	c.LPush(ctx, "bull:wa:wait", "1")
	return "redis://" + addr
}

func TestAdminImportCutover(t *testing.T) {
	url := redisURL(t)
	var imp *importer.Importer
	b := setup(t, func(o *ui.Options) { o.Importer = lazyImporter{&imp} })
	imp = importer.New(b.st)
	body := fmt.Sprintf(`{"url": %q, "dbs": [0], "bullmq_prefix": "bull"}`, url)
	got := decode[importer.Result](t, b.do(t, "POST", "/v1/admin/import", body).want(t, 200))
	if got.Jobs != 1 || got.Messages != 1 || got.Keys != 3 {
		t.Fatalf("import answered %+v", got)
	}
	got = decode[importer.Result](t, b.do(t, "POST", "/v1/admin/import", body).want(t, 200))
	if got.Jobs != 1 || got.Messages != 0 {
		t.Fatalf("second import answered %+v, want no new message", got)
	}
	c := decode[map[string]int](t, b.do(t, "POST", "/v1/admin/cutover", "").want(t, 200))
	if c["released"] != 1 {
		t.Fatalf("cutover answered %v", c)
	}
	c = decode[map[string]int](t, b.do(t, "POST", "/v1/admin/cutover", "").want(t, 200))
	if c["released"] != 0 {
		t.Fatalf("second cutover answered %v", c)
	}
}

func TestAdminImportErrors(t *testing.T) {
	var imp *importer.Importer
	b := setup(t, func(o *ui.Options) { o.Importer = lazyImporter{&imp} })
	imp = importer.New(b.st)
	b.do(t, "POST", "/v1/admin/import", `{}`).wantError(t, 400, ui.EBADREQUEST, "url")
	b.do(t, "POST", "/v1/admin/import", `{"url": "x", "junk": 1}`).wantError(t, 400, ui.EBADREQUEST, "junk")
	b.do(t, "POST", "/v1/admin/import", `{"url": "http://example.com"}`).wantError(t, 422, store.EINVALID, "url")
	b.do(t, "POST", "/v1/admin/import", `{"url": "redis://127.0.0.1:1", "dbs": [20]}`).wantError(t, 422, store.EINVALID, "dbs")
	closed := fmt.Sprintf(`{"url": "redis://127.0.0.1:%d"}`, redistest.FreePort(t))
	b.do(t, "POST", "/v1/admin/import", closed).wantError(t, 503, store.EUNAVAILABLE, "")
}

func TestAdminWithoutImporter(t *testing.T) {
	b := setup(t)
	b.do(t, "POST", "/v1/admin/import", `{"url": "redis://x"}`).wantError(t, 501, ui.ENOTIMPLEMENTED, "")
	b.do(t, "POST", "/v1/admin/cutover", "").wantError(t, 501, ui.ENOTIMPLEMENTED, "")
}

// lazyImporter lets setup's options name an importer made from the store
// setup opens.
type lazyImporter struct{ imp **importer.Importer }

func (l lazyImporter) Import(ctx context.Context, req importer.Request) (*importer.Result, error) {
	return (*l.imp).Import(ctx, req)
}

func (l lazyImporter) Cutover(ctx context.Context) (int, error) { return (*l.imp).Cutover(ctx) }
