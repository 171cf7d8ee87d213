package ui_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/waqhq/waq/store"
	"github.com/waqhq/waq/store/mirror"
	"github.com/waqhq/waq/store/redistest"
	"github.com/waqhq/waq/ui"
)

// lazyMirror lets a test make the manager once setup opened the store.
type lazyMirror struct{ m **mirror.Manager }

func (l lazyMirror) Start(url string) (mirror.Status, error) { return (*l.m).Start(url) }
func (l lazyMirror) Status() (mirror.Status, int64, bool)    { return (*l.m).Status() }
func (l lazyMirror) Stop() bool                              { return (*l.m).Stop() }

// setupMirror starts a real redis-server holding one key and a server
// whose mirror manager works on the bundle's store; it returns the bundle,
// the redis-server's address and the manager, stopped at the test's end.
func setupMirror(t *testing.T) (*bundle, string, *mirror.Manager) {
	t.Helper()
	addr := redistest.Start(t, "--repl-diskless-sync-delay", "0")
	c := redis.NewClient(&redis.Options{Addr: addr})
	t.Cleanup(func() { c.Close() })
	c.Set(context.Background(), "visits", "41", 0)
	var mgr *mirror.Manager
	b := setup(t, func(o *ui.Options) { o.Mirror = lazyMirror{&mgr} })
	mgr = mirror.NewManager(b.st, nil)
	t.Cleanup(func() { mgr.Stop() })
	return b, addr, mgr
}

type mirrorReply struct {
	mirror.Status
	Keys int64 `json:"keys"`
}

// TestAdminMirror starts, shows and stops a mirror of a real redis-server,
// and refuses bad requests and sources before changing anything.
func TestAdminMirror(t *testing.T) {
	b, addr, _ := setupMirror(t)

	b.do(t, "GET", "/v1/admin/mirror", "").wantError(t, 404, store.ENOTFOUND, "")
	b.do(t, "DELETE", "/v1/admin/mirror", "").wantError(t, 404, store.ENOTFOUND, "")
	b.do(t, "POST", "/v1/admin/mirror", `{}`).wantError(t, 400, ui.EBADREQUEST, "url")
	b.do(t, "POST", "/v1/admin/mirror", `{"url": "http://x"}`).wantError(t, 422, store.EINVALID, "url")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			conn.Write([]byte("SSH-2.0-OpenSSH\r\n"))
			conn.Close()
		}
	}()
	t.Cleanup(func() { ln.Close() })
	b.do(t, "POST", "/v1/admin/mirror", `{"url": "redis://`+ln.Addr().String()+`"}`).wantError(t, 503, store.EUNAVAILABLE, "")

	// POST returns once the source accepted the replica: the full sync may
	// not have begun yet on a busy machine, so only the GETs after it are
	// waited on for the state the test needs.
	got := decode[mirrorReply](t, b.do(t, "POST", "/v1/admin/mirror", `{"url": "redis://`+addr+`"}`).want(t, 200))
	if got.URL != "redis://"+addr || got.State == mirror.StateStopped || got.State == mirror.StateFailed || got.FullSyncs > 1 {
		t.Fatalf("POST answered %+v", got)
	}
	b.do(t, "POST", "/v1/admin/mirror", `{"url": "redis://`+addr+`"}`).wantError(t, 409, store.ECONFLICT, "")
	for end := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		got = decode[mirrorReply](t, b.do(t, "GET", "/v1/admin/mirror", "").want(t, 200))
		if got.State == mirror.StateStreaming && got.Keys == 1 && got.ReplID != "" && got.FullSyncs == 1 {
			break
		}
		if time.Now().After(end) {
			t.Fatalf("GET 30s after the start answered %+v", got)
		}
	}
	got = decode[mirrorReply](t, b.do(t, "DELETE", "/v1/admin/mirror", "").want(t, 200))
	if got.State != mirror.StateStopped || got.Keys != 1 {
		t.Fatalf("DELETE answered %+v", got)
	}
}

func TestAdminMirrorMissing(t *testing.T) {
	b := setup(t)
	b.do(t, "GET", "/v1/admin/mirror", "").wantError(t, 501, ui.ENOTIMPLEMENTED, "")
}
