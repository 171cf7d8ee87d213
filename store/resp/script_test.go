package resp

import (
	"strings"
	"testing"
	"time"
)

// waitReply sends args on c until the reply starts with prefix.
func waitReply(t *testing.T, c *rconn, prefix string, args ...string) string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		v, err := c.do(args...)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(v, prefix) {
			return v
		}
		if time.Now().After(deadline) {
			t.Fatalf("%v: waiting for %q, got %q", args, prefix, v)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// busyScenario runs, on one server, an endless script on one connection,
// a MULTI on a second one while it is busy, SCRIPT KILL from a third, and
// returns every reply in order.
func busyScenario(t *testing.T, addr string) []string {
	ctl, a, b := dial(t, addr), dial(t, addr), dial(t, addr)
	var out []string
	add := func(v string, err error) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	add(ctl.do("CONFIG", "SET", "lua-time-limit", "10"))
	add(ctl.do("SET", "xx", "1"))
	add(ctl.do("SCRIPT", "KILL"))
	a.send(t, "EVAL", "local i = 0\nwhile true do i = i + 1 end", "0")
	out = append(out, waitReply(t, ctl, "-BUSY", "PING"))
	add(b.do("MULTI"))
	add(b.do("INCR", "xx"))
	add(b.do("GET", "xx"))
	add(ctl.do("SCRIPT", "KILL"))
	out = append(out, a.read(t))
	out = append(out, waitReply(t, ctl, "+PONG", "PING"))
	add(b.do("INCR", "xx"))
	add(b.do("EXEC"))
	add(ctl.do("GET", "xx"))
	add(b.do("PING", "asdf"))
	// A script that wrote cannot be killed; this one ends by itself after
	// a whole second (counted in microseconds: waiting for the next second
	// could end at once, before any client saw it busy).
	a.send(t, "EVAL", "redis.call('set', 'w', '1') local t = redis.call('time') local s = t[1] * 1000000 + t[2] "+
		"while true do local n = redis.call('time') if n[1] * 1000000 + n[2] - s >= 1000000 then break end end return 'done'", "0")
	out = append(out, waitReply(t, ctl, "-BUSY", "GET", "w"))
	add(ctl.do("SCRIPT", "KILL"))
	out = append(out, a.read(t))
	add(ctl.do("GET", "w"))
	add(ctl.do("CONFIG", "SET", "lua-time-limit", "5000"))
	return out
}

// TestScriptBusyKill compares with redis-server the replies around a busy
// script: BUSY for other clients, a MULTI that fails for it, SCRIPT KILL of
// a script that has not written, UNKILLABLE for one that has.
func TestScriptBusyKill(t *testing.T) {
	redis := startRedis(t)
	waq, _ := startWaq(t, Options{})
	want, got := busyScenario(t, redis), busyScenario(t, waq)
	if len(want) != len(got) {
		t.Fatalf("redis %q\nwaq %q", want, got)
	}
	t.Logf("replies: %q", got)
	for i := range want {
		if want[i] != got[i] {
			t.Errorf("reply %d:\n redis: %q\n   waq: %q", i, want[i], got[i])
		}
	}
}

// TestScriptExecBusy: an EXEC sent while another client's script is busy
// discards the transaction (EXECABORT … BUSY), as in Redis.
func TestScriptExecBusy(t *testing.T) {
	f := func(addr string) []string {
		ctl, a, b := dial(t, addr), dial(t, addr), dial(t, addr)
		var out []string
		for _, args := range [][]string{{"CONFIG", "SET", "busy-reply-threshold", "10"}, {"SET", "xx", "1"}} {
			v, _ := ctl.do(args...)
			out = append(out, v)
		}
		v1, _ := b.do("MULTI")
		v2, _ := b.do("INCR", "xx")
		a.send(t, "EVAL", "while true do end", "0")
		waitReply(t, ctl, "-BUSY", "PING")
		v3, _ := b.do("EXEC")
		v4, _ := ctl.do("SCRIPT", "KILL")
		a.read(t)
		v5, _ := b.do("GET", "xx")
		v6, _ := ctl.do("CONFIG", "SET", "busy-reply-threshold", "5000")
		return append(out, v1, v2, v3, v4, v5, v6)
	}
	want, got := f(startRedis(t)), f(func() string { a, _ := startWaq(t, Options{}); return a }())
	if strings.Join(want, "|") != strings.Join(got, "|") {
		t.Errorf("\n redis: %q\n   waq: %q", want, got)
	}
}

// TestScriptWatch: a script's write touches the keys other clients WATCH;
// an EVAL inside MULTI runs in EXEC's transaction.
func TestScriptWatch(t *testing.T) {
	f := func(addr string) string {
		a, b := dial(t, addr), dial(t, addr)
		var out []string
		for _, step := range []struct {
			c    *rconn
			args []string
		}{
			{a, []string{"WATCH", "k"}},
			{b, []string{"EVAL", "return redis.call('set', KEYS[1], 'x')", "1", "k"}},
			{a, []string{"MULTI"}},
			{a, []string{"EVAL", "return redis.call('incr', 'n')", "0"}},
			{a, []string{"EXEC"}},
			{a, []string{"WATCH", "k"}},
			{b, []string{"EVAL", "return redis.call('get', KEYS[1])", "1", "k"}},
			{a, []string{"MULTI"}},
			{a, []string{"EVAL", "redis.call('incr', 'n') return redis.call('incr', 'k')", "0"}},
			{a, []string{"EVAL", "return redis.call('incr', 'n')", "0"}},
			{a, []string{"EXEC"}},
			{a, []string{"GET", "n"}},
		} {
			v, err := step.c.do(step.args...)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, v)
		}
		return strings.Join(out, "")
	}
	addr, _ := startWaq(t, Options{})
	if want, got := f(startRedis(t)), f(addr); want != got {
		t.Errorf("\n redis: %q\n   waq: %q", want, got)
	}
}

// TestScriptPanic: a command that panics inside a script rolls the whole
// script back and answers it with an internal error.
func TestScriptPanic(t *testing.T) {
	addr, _ := startWith(t, Options{}, func(s *Server) {
		s.testHook = func(c *call) {
			if c.cmd.name == "lpush" {
				panic("boom")
			}
		}
	})
	c := dial(t, addr)
	if v, _ := c.do("EVAL", "redis.call('set', 'k', 'v') redis.call('lpush', 'l', 'x')", "0"); v != "-ERR internal error\r\n" {
		t.Fatalf("EVAL: %q", v)
	}
	if v, _ := c.do("GET", "k"); v != "$-1\r\n" {
		t.Fatalf("GET k after the rolled back script: %q", v)
	}
	if v, _ := c.do("EVAL", "return redis.call('set', 'k', 'v')", "0"); v != "+OK\r\n" {
		t.Fatalf("EVAL after: %q", v)
	}
}

// TestScriptShutdownNoSave: SHUTDOWN NOSAVE stops a script that wrote (SCRIPT
// KILL may not) and rolls its writes back; waq itself keeps serving.
func TestScriptShutdownNoSave(t *testing.T) {
	addr, _ := startWaq(t, Options{})
	ctl, a := dial(t, addr), dial(t, addr)
	if v, _ := ctl.do("CONFIG", "SET", "busy-reply-threshold", "10"); v != "+OK\r\n" {
		t.Fatal(v)
	}
	a.send(t, "EVAL", "redis.call('set', 'w', '1') while true do end", "0")
	waitReply(t, ctl, "-BUSY", "GET", "w")
	if v, _ := ctl.do("SCRIPT", "KILL"); !strings.HasPrefix(v, "-UNKILLABLE") {
		t.Fatalf("SCRIPT KILL: %q", v)
	}
	if v, _ := ctl.do("SHUTDOWN", "NOSAVE"); v != "-ERR Errors trying to SHUTDOWN. Check logs.\r\n" {
		t.Fatalf("SHUTDOWN: %q", v)
	}
	if v := a.read(t); !strings.HasPrefix(v, "-ERR script stopped by SHUTDOWN") {
		t.Fatalf("EVAL: %q", v)
	}
	if v, _ := ctl.do("GET", "w"); v != "$-1\r\n" {
		t.Fatalf("GET w after SHUTDOWN NOSAVE: %q", v)
	}
}

// TestScriptKilledStaysKilled: when the transaction of a killed script runs
// again (here: a command after it in the pipeline panics, and the group
// runs again without it), the script is not run again unkilled.
func TestScriptKilledStaysKilled(t *testing.T) {
	addr, _ := startWith(t, Options{}, func(s *Server) {
		s.testHook = func(c *call) {
			if c.cmd.name == "lpush" {
				panic("boom")
			}
		}
	})
	ctl, a := dial(t, addr), dial(t, addr)
	if v, _ := ctl.do("CONFIG", "SET", "busy-reply-threshold", "10"); v != "+OK\r\n" {
		t.Fatal(v)
	}
	pipeline := append(encode([]string{"EVAL", "while true do end", "0"}), encode([]string{"LPUSH", "l", "x"})...)
	if _, err := a.c.Write(pipeline); err != nil {
		t.Fatal(err)
	}
	waitReply(t, ctl, "-BUSY", "PING")
	if v, _ := ctl.do("SCRIPT", "KILL"); v != "+OK\r\n" {
		t.Fatalf("SCRIPT KILL: %q", v)
	}
	if v := a.read(t); !strings.HasPrefix(v, "-ERR Script killed by user with SCRIPT KILL...") {
		t.Fatalf("EVAL: %q", v)
	}
	if v := a.read(t); v != "-ERR internal error\r\n" {
		t.Fatalf("LPUSH: %q", v)
	}
	if v, _ := ctl.do("PING"); v != "+PONG\r\n" {
		t.Fatalf("PING after: %q", v)
	}
}

// TestScriptBadScripts: scripts that recurse, nest or allocate without
// bound get an error reply, and the server goes on.
func TestScriptBadScripts(t *testing.T) {
	addr, _ := startWaq(t, Options{})
	c := dial(t, addr)
	f := func(script string) {
		t.Helper()
		v, err := c.do("EVAL", script, "0")
		if err != nil {
			t.Fatalf("%s: %v", script, err)
		}
		if !strings.HasPrefix(v, "-ERR ") {
			t.Errorf("%s: %q, want an error", script, v)
		}
	}
	f("local function r() return 1 + r() end return r()")
	f("return string.rep('x', 2^40)")
	f("return cjson.decode(string.rep('[', 100000))")
	f("return cmsgpack.unpack(string.rep('\\145', 100000) .. '\\192')")
	f("return cmsgpack.unpack('\\221\\255\\255\\255\\255')")
	f("local t = {} t[1] = t return cjson.encode(t)")
	f("return redis.call('set', 'k', string.rep('x', 65 * 1024 * 1024))")
	if v, _ := c.do("PING"); v != "+PONG\r\n" {
		t.Fatalf("PING after: %q", v)
	}
}
