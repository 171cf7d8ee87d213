package resp

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestSMoveWatch: SMOVE tells WATCH of the destination only when the member
// was added to it, as Redis does (its suite's "SMOVE only notify dstset
// when the addition is successful").
func TestSMoveWatch(t *testing.T) {
	addr, _ := startWaq(t, Options{})
	a, b := dial(t, addr), dial(t, addr)
	f := func(member, want string) {
		t.Helper()
		for _, cmd := range [][]string{{"DEL", "src", "dst"}, {"SADD", "src", "a", "b"}, {"SADD", "dst", "a"},
			{"WATCH", "dst"}, {"MULTI"}, {"SADD", "dst", "c"}} {
			if _, err := a.do(cmd...); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := b.do("SMOVE", "src", "dst", member); err != nil {
			t.Fatal(err)
		}
		if got, err := a.do("EXEC"); err != nil || got != want {
			t.Errorf("SMOVE src dst %s, then EXEC: %q %v, want %q", member, got, err, want)
		}
	}
	f("a", "*1\r\n:1\r\n") // already in dst: the transaction runs
	f("b", "*-1\r\n")      // added to dst: the transaction is aborted
}

// waitBlocked waits until INFO reports n blocked clients.
func waitBlocked(t *testing.T, c *rconn, n int) {
	t.Helper()
	want := "blocked_clients:" + strconv.Itoa(n) + "\r\n"
	deadline := time.Now().Add(5 * time.Second)
	for {
		info, err := c.do("INFO", "clients")
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(info, want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %q in %q", want, info)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// send writes a command without reading its reply.
func (r *rconn) send(t *testing.T, args ...string) {
	t.Helper()
	if _, err := r.c.Write(encode(args)); err != nil {
		t.Fatal(err)
	}
}

func (r *rconn) read(t *testing.T) string {
	t.Helper()
	r.c.SetReadDeadline(time.Now().Add(5 * time.Second))
	v, err := readReply(r.rd)
	if err != nil {
		t.Fatal(err)
	}
	return v.raw
}

// TestBlockingOrder: clients blocked on a key are served in the order they
// blocked, by a push from another connection; one that hung up is skipped
// and takes nothing.
func TestBlockingOrder(t *testing.T) {
	addr, _ := startWaq(t, Options{})
	ctl := dial(t, addr)
	a, gone, b := dial(t, addr), dial(t, addr), dial(t, addr)
	a.send(t, "BLPOP", "k", "0")
	waitBlocked(t, ctl, 1)
	gone.send(t, "BRPOP", "k", "0")
	waitBlocked(t, ctl, 2)
	b.send(t, "BLPOP", "other", "k", "0")
	waitBlocked(t, ctl, 3)
	gone.c.Close()
	waitBlocked(t, ctl, 2)
	if got, _ := ctl.do("RPUSH", "k", "1", "2", "3"); got != ":3\r\n" {
		t.Fatalf("RPUSH: %q", got)
	}
	if got := a.read(t); got != "*2\r\n$1\r\nk\r\n$1\r\n1\r\n" {
		t.Errorf("first blocked got %q", got)
	}
	if got := b.read(t); got != "*2\r\n$1\r\nk\r\n$1\r\n2\r\n" {
		t.Errorf("second blocked got %q", got)
	}
	if got, _ := ctl.do("LRANGE", "k", "0", "-1"); got != "*1\r\n$1\r\n3\r\n" {
		t.Errorf("left in the list: %q", got)
	}
	if got, _ := a.do("BZPOPMIN", "z", "0.05"); got != "*-1\r\n" {
		t.Errorf("timeout: %q", got)
	}
}

// TestBlockingChain: a push is answered only after the clients it
// unblocked, and those they unblocked in turn, were served, as in Redis; a
// client already served is not woken by the chain it started.
func TestBlockingChain(t *testing.T) {
	addr, _ := startWaq(t, Options{})
	ctl := dial(t, addr)
	f := func(first, second []string, want map[string]string) {
		t.Helper()
		ctl.do("FLUSHDB")
		a, b := dial(t, addr), dial(t, addr)
		a.send(t, first...)
		waitBlocked(t, ctl, 1)
		b.send(t, second...)
		waitBlocked(t, ctl, 2)
		ctl.do("RPUSH", "l1", "foo")
		for k, v := range want { // read at once: no waiting for the chain
			if got, _ := ctl.do("LRANGE", k, "0", "-1"); got != v {
				t.Errorf("%v then %v: %s is %q, want %q", first, second, k, got, v)
			}
		}
	}
	f([]string{"BLMOVE", "l1", "l2", "RIGHT", "LEFT", "0"}, []string{"BLMOVE", "l2", "l3", "LEFT", "RIGHT", "0"},
		map[string]string{"l1": "*0\r\n", "l2": "*0\r\n", "l3": "*1\r\n$3\r\nfoo\r\n"})
	f([]string{"BRPOPLPUSH", "l1", "l2", "0"}, []string{"BRPOPLPUSH", "l2", "l1", "0"},
		map[string]string{"l1": "*1\r\n$3\r\nfoo\r\n", "l2": "*0\r\n"})
}

// TestBlockingTurn: a blocking command that came after another blocked on
// the same key waits its turn even when its first look finds an element
// (Redis's "BRPOPLPUSH with multiple blocked clients").
//
// What is tested is the order; waq waits for another connection's earlier
// command at most PeersWait (10 ms by default), which a goroutine on a
// loaded machine under -race can take longer than to be scheduled, so the
// bound is raised here (the wait ends as soon as the command ran).
func TestBlockingTurn(t *testing.T) {
	addr, _ := startWaq(t, Options{PeersWait: 5 * time.Second})
	ctl := dial(t, addr)
	for i := 0; i < 10; i++ {
		ctl.do("FLUSHDB")
		ctl.do("SET", "target1", "nolist")
		a, b := dial(t, addr), dial(t, addr)
		a.send(t, "BRPOPLPUSH", "blist", "target1", "0")
		if i%2 == 0 { // else sent at once, as Redis's test does: the older connection's first
			waitBlocked(t, ctl, 1)
		}
		b.send(t, "BRPOPLPUSH", "blist", "target2", "0")
		ctl.do("LPUSH", "blist", "foo")
		if got := a.read(t); !strings.HasPrefix(got, "-WRONGTYPE") {
			t.Fatalf("first blocked got %q, want WRONGTYPE", got)
		}
		if got := b.read(t); got != "$3\r\nfoo\r\n" {
			t.Fatalf("second blocked got %q", got)
		}
	}
}

// TestWatchExpired: a watched key that expires after WATCH fails EXEC, as
// in Redis 7.0 ("WATCH will consider touched expired keys").
func TestWatchExpired(t *testing.T) {
	addr, _ := startWaq(t, Options{})
	c := dial(t, addr)
	c.do("SET", "x", "foo", "PX", "30")
	c.do("WATCH", "x")
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if v, _ := c.do("EXISTS", "x"); v == ":0\r\n" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("x did not expire")
		}
	}
	c.do("MULTI")
	c.do("PING")
	if got, _ := c.do("EXEC"); got != "*-1\r\n" {
		t.Errorf("EXEC after the watched key expired: %q", got)
	}
}

// TestBlockedWakeWatch: an EXEC sent just before the push that wakes a
// blocked BRPOPLPUSH runs first, as Redis runs commands in the order they
// came, so the move does not spoil the transaction watching its target
// (Redis's "BRPOPLPUSH does not affect WATCH while still blocked").
// As in TestBlockingTurn, the order is tested, not the PeersWait bound.
func TestBlockedWakeWatch(t *testing.T) {
	addr, _ := startWaq(t, Options{PeersWait: 5 * time.Second})
	ctl := dial(t, addr)
	for i := 0; i < 20; i++ {
		ctl.do("FLUSHDB")
		ctl.do("SET", "somekey", "somevalue")
		blocked, watching := dial(t, addr), dial(t, addr)
		watching.do("WATCH", "dstlist")
		watching.do("MULTI")
		watching.do("GET", "somekey")
		blocked.send(t, "BRPOPLPUSH", "srclist", "dstlist", "0")
		waitBlocked(t, ctl, 1)
		watching.send(t, "EXEC")
		ctl.do("LPUSH", "srclist", "element")
		if got := watching.read(t); got != "*1\r\n$9\r\nsomevalue\r\n" {
			t.Fatalf("round %d: EXEC answered %q: the move woken by the push ran first", i, got)
		}
		if got := blocked.read(t); got != "$7\r\nelement\r\n" {
			t.Fatalf("round %d: BRPOPLPUSH answered %q", i, got)
		}
	}
}
