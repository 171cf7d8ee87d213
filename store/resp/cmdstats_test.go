package resp

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// statsRun is one case: commands sent after CONFIG RESETSTAT, then the
// statistics INFO reports.
type statsRun [][]string

// TestCommandStatsDifferential runs each case against redis-server and waq
// and compares INFO commandstats, INFO errorstats and total_error_replies,
// with the times masked.
func TestCommandStatsDifferential(t *testing.T) {
	redis := dial(t, startRedis(t))
	addr, _ := startWaq(t, Options{})
	waq := dial(t, addr)
	for name, run := range statsCases {
		t.Run(name, func(t *testing.T) {
			want, got := runStats(t, redis, run), runStats(t, waq, run)
			if !strings.Contains(want, "cmdstat_config|resetstat") {
				t.Fatalf("redis reported no statistics: %q", want)
			}
			if want != got {
				t.Errorf("redis:\n%s\nwaq:\n%s", want, got)
			}
		})
	}
}

var statsCases = map[string]statsRun{
	"auth":        {{"AUTH", "k"}},
	"multi":       {{"MULTI"}, {"SET", "a", "b"}, {"AUTH", "a"}, {"EXEC"}, {"EXEC"}},
	"multi queue": {{"MULTI"}, {"SET"}, {"EXEC"}},
	"arity":       {{"SET", "k"}, {"SET", "k1", "v1"}, {"SET", "k2", "v2"}},
	"unknown":     {{"ASDF"}, {"CONFIG", "NOSUCH"}, {"CONFIG", "GET"}, {"CONFIG"}},
	"noscript":    {{"EVALSHA", "NotValidShaSUM", "0"}},
	"nogroup": {{"DEL", "mystream"}, {"XADD", "mystream", "*", "f", "v"},
		{"XGROUP", "CREATECONSUMER", "mystream", "mygroup", "consumer"}},
	"lua pcall": {{"EVAL", "redis.pcall('XGROUP', 'CREATECONSUMER', 's1', 'mygroup', 'consumer') return", "0"}, {"EVAL", "a"}},
	"lua call":  {{"EVAL", "return redis.call('select',99)", "0"}},
	"lua pcall ok": {{"EVAL", "local t = redis.pcall('select',99) if t['err'] then return 1 end return 0", "0"},
		{"EVAL", "return redis.pcall('select',99)", "0"}},
	"lua ro": {{"EVAL_RO", "return redis.call('set','x','y')", "1", "x"},
		{"EVAL_RO", "local t = redis.pcall('set','x','y') return 1", "1", "x"}},
	"lua wrongtype": {{"SET", "Sicily", "1"}, {"EVAL", "return redis.call('lpush', KEYS[1], 'x')", "1", "Sicily"}},
	"lua error_reply": {{"EVAL", "return redis.error_reply('MY_ERR_CODE custom msg')", "0"},
		{"EVAL", "return redis.error_reply('')", "0"}, {"EVAL", "error('boom')", "0"}},
	"lua refused": {{"EVAL", "return redis.call('nosuch')", "0"}, {"EVAL", "return redis.pcall('get')", "0"},
		{"EVAL", "return redis.call('multi')", "0"}},
	"ok": {{"SET", "k", "v"}, {"GET", "k"}, {"CLIENT", "GETNAME"}},
}

var statsTimes = regexp.MustCompile(`usec=\d+,usec_per_call=[\d.]+`)

// runStats sends run after CONFIG RESETSTAT and returns the statistics'
// lines, sorted, with times masked.
func runStats(t *testing.T, c *rconn, run statsRun) string {
	t.Helper()
	if _, err := c.do("CONFIG", "RESETSTAT"); err != nil {
		t.Fatal(err)
	}
	for _, args := range run {
		if _, err := c.do(args...); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
	}
	return readStats(t, c)
}

// readStats returns the statistics' lines, sorted, with times masked.
func readStats(t *testing.T, c *rconn) string {
	t.Helper()
	var lines []string
	for _, sec := range []string{"commandstats", "errorstats", "stats"} {
		raw, err := c.do("INFO", sec)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(raw, "\r\n") {
			if strings.HasPrefix(l, "cmdstat_") || strings.HasPrefix(l, "errorstat_") || strings.HasPrefix(l, "total_error_replies:") {
				lines = append(lines, statsTimes.ReplaceAllString(l, "usec=#"))
			}
		}
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// TestCommandStatsBlocked compares the counts of blocked commands that end
// in an error: XREADGROUP whose group is destroyed (NOGROUP) and BLPOP
// unblocked by CLIENT UNBLOCK … ERROR (UNBLOCKED).
func TestCommandStatsBlocked(t *testing.T) {
	redis := startRedis(t)
	addr, _ := startWaq(t, Options{})
	f := func(name string, setup, block []string, wake func(id string) []string) {
		t.Run(name, func(t *testing.T) {
			got := map[string]string{}
			for server, addr := range map[string]string{"redis": redis, "waq": addr} {
				c, bc := dial(t, addr), dial(t, addr)
				id, err := bc.do("CLIENT", "ID")
				if err != nil {
					t.Fatal(err)
				}
				mustDo(t, c, "CONFIG", "RESETSTAT")
				mustDo(t, c, setup...)
				if _, err := bc.c.Write(encode(block)); err != nil {
					t.Fatal(err)
				}
				waitBlocked(t, c, 1)
				mustDo(t, c, wake(strings.Trim(id, ":\r\n"))...)
				if v, err := readReply(bc.rd); err != nil || v.raw[0] != '-' {
					t.Fatalf("%s: blocked command's reply %q %v, want an error", server, v.raw, err)
				}
				got[server] = withoutInfo(readStats(t, c))
				// Redis counts the UNBLOCKED error, written while CLIENT
				// UNBLOCK runs, as a failure of CLIENT UNBLOCK too; waq
				// counts it on BLPOP only (docs/resp.md).
				got[server] = strings.Replace(got[server], "cmdstat_client|unblock:calls=1,usec=#,rejected_calls=0,failed_calls=1",
					"cmdstat_client|unblock:calls=1,usec=#,rejected_calls=0,failed_calls=0", 1)
			}
			if got["redis"] != got["waq"] {
				t.Errorf("redis:\n%s\nwaq:\n%s", got["redis"], got["waq"])
			}
		})
	}
	f("nogroup", []string{"XGROUP", "CREATE", "mystream", "mygroup", "$", "MKSTREAM"},
		[]string{"XREADGROUP", "GROUP", "mygroup", "Alice", "BLOCK", "0", "STREAMS", "mystream", ">"},
		func(string) []string { return []string{"XGROUP", "DESTROY", "mystream", "mygroup"} })
	f("unblock", []string{"DEL", "list1"}, []string{"BLPOP", "list1", "0"},
		func(id string) []string { return []string{"CLIENT", "UNBLOCK", id, "ERROR"} })
}

func mustDo(t *testing.T, c *rconn, args ...string) {
	t.Helper()
	if _, err := c.do(args...); err != nil {
		t.Fatalf("%v: %v", args, err)
	}
}

// withoutInfo drops INFO's own counts, which depend on how often the test
// polled.
func withoutInfo(stats string) string {
	var keep []string
	for _, l := range strings.Split(stats, "\n") {
		if !strings.HasPrefix(l, "cmdstat_info:") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}

// TestErrorCode checks the code an error message counts under, and that
// the table of codes stops growing at maxErrorCodes.
func TestErrorCode(t *testing.T) {
	f := func(msg, want string) {
		t.Helper()
		if got := errorCode(msg); got != want {
			t.Errorf("errorCode(%q) = %q, want %q", msg, got, want)
		}
	}
	f("ERR wrong number of arguments", "ERR")
	f("WRONGTYPE Operation against a key", "WRONGTYPE")
	f("MY_ERR_CODE custom msg", "MY_ERR_CODE")
	f("ERR", "ERR")
	f("", "ERR")
	f(strings.Repeat("X", 31)+" late space", "ERR")
	f(strings.Repeat("X", 30)+" in time", strings.Repeat("X", 30))

	st := newCmdStats()
	for i := range maxErrorCodes + 10 {
		st.replied("E" + strconv.Itoa(i) + " m")
	}
	if n := len(st.errors); n != maxErrorCodes {
		t.Errorf("%d codes kept, want %d", n, maxErrorCodes)
	}
	if n := st.total.Load(); n != maxErrorCodes+10 {
		t.Errorf("total_error_replies %d, want %d", n, maxErrorCodes+10)
	}
}

// BenchmarkCountCall measures what counting adds to each command: two
// clock reads, the reply's first byte and the command's counters, from
// parallel clients on one command (the contended case).
func BenchmarkCountCall(b *testing.B) {
	s := &Server{stats: newCmdStats()}
	c := &call{cmd: lookup([]byte("get"))}
	b.RunParallel(func(pb *testing.PB) {
		w := &reply{}
		for pb.Next() {
			w.b = append(w.b[:0], "$1\r\nv\r\n"...)
			t0 := time.Now()
			s.counted(c, w, 0, time.Since(t0))
		}
	})
}
