package mirror

import (
	"context"
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/waqhq/waq/store"
	"github.com/waqhq/waq/store/keyspace"
	"github.com/waqhq/waq/store/redistest"
)

// notRedis listens and answers every connection like a web server.
func notRedis(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			_, _ = c.Write([]byte("HTTP/1.1 400 Bad Request\r\n\r\n"))
			c.Close()
		}
	}()
	return "redis://" + ln.Addr().String()
}

// TestMirrorBadInput: a source that cannot be followed gives a clear error
// from Run at once and leaves the local keyspace and state alone.
func TestMirrorBadInput(t *testing.T) {
	st := openStore(t)
	must(t, keyspace.New(st).Update(func(tx *keyspace.Tx) error { return tx.SetString(0, []byte("mine"), []byte("1"), 0, false) }))
	pw, _ := startSource(t, "--requirepass", "secret")
	withPass := strings.Replace(pw, "redis://", "redis://:secret@", 1)
	wrongPass := strings.Replace(pw, "redis://", "redis://:nope@", 1)
	cases := []struct {
		name, url string
		want      error
		text      string
	}{
		{"unreachable", "redis://127.0.0.1:" + itoa(redistest.FreePort(t)), nil, "connection refused"},
		{"not redis", notRedis(t), ErrNotRedis, "HTTP/1.1 400"},
		{"password missing", pw, ErrAuth, "NOAUTH"},
		{"password wrong", wrongPass, ErrAuth, "WRONGPASS"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := New(st, Options{URL: c.url})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			err = m.Run(ctx)
			if err == nil || (c.want != nil && !errors.Is(err, c.want)) || !strings.Contains(err.Error(), c.text) {
				t.Fatalf("Run = %v, want %v mentioning %q", err, c.want, c.text)
			}
			if s := m.Status(); s.State != StateFailed || s.LastError == "" {
				t.Errorf("status %+v", s)
			}
			untouched(t, st)
		})
	}
	if _, err := New(st, Options{URL: "http://x"}); err == nil {
		t.Error("New accepted an http URL")
	}
	t.Run("password right", func(t *testing.T) {
		r := start(t, st, withPass)
		caughtUp(t, r, client(t, withPass, 0))
		if s := r.m.Status(); strings.Contains(s.URL, "secret") {
			t.Errorf("status shows the password: %s", s.URL)
		}
	})
}

// untouched checks that the local key is there and no mirror state is.
func untouched(t *testing.T, st *store.Store) {
	t.Helper()
	must(t, keyspace.New(st).View(func(tx *keyspace.Tx) error {
		v, ok, err := tx.GetString(0, []byte("mine"))
		if err != nil || !ok || string(v) != "1" {
			t.Errorf("local key changed: %q %v %v", v, ok, err)
		}
		if _, have, _ := tx.MirrorState(); have {
			t.Error("a mirror state was written")
		}
		return nil
	}))
}

func itoa(n int) string { return strconv.Itoa(n) }
