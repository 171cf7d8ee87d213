package resp

import (
	"bufio"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestPipelineShareCommits checks that pipelined writes are grouped into
// few transactions and every reply is sent after its commit.
func TestPipelineShareCommits(t *testing.T) {
	addr, st := startWaq(t, Options{})
	r := dial(t, addr)
	before, _ := st.CommitStats()
	var b strings.Builder
	for i := 0; i < 1000; i++ {
		b.Write(encode([]string{"INCR", "n"}))
	}
	r.c.Write([]byte(b.String()))
	for i := 1; i <= 1000; i++ {
		v, err := readReply(r.rd)
		if err != nil || v.raw != ":"+strconv.Itoa(i)+"\r\n" {
			t.Fatalf("reply %d: %q %v", i, v.raw, err)
		}
	}
	after, _ := st.CommitStats()
	if n := after - before; n > 100 {
		t.Fatalf("1000 pipelined INCRs took %d commits", n)
	}
}

// TestInfoAndIntrospection checks what browsers and clients read.
func TestInfoAndIntrospection(t *testing.T) {
	addr, _ := startWaq(t, Options{})
	r := dial(t, addr)
	r.do("SELECT", "2")
	r.do("SET", "a", "1", "EX", "100")
	r.do("CLIENT", "SETNAME", "probe")
	info, _ := r.do("INFO")
	for _, want := range []string{"# Server\r\nredis_version:7.0.15\r\n", "loading:0", "role:master",
		"maxmemory_policy:noeviction", "db2:keys=1,expires=1,avg_ttl=0", "# Waq\r\nmessages_queued:0"} {
		if !strings.Contains(info, want) {
			t.Errorf("INFO lacks %q:\n%s", want, info)
		}
	}
	if ks, _ := r.do("INFO", "keyspace"); !strings.HasSuffix(ks, "# Keyspace\r\ndb2:keys=1,expires=1,avg_ttl=0\r\n\r\n") {
		t.Errorf("INFO keyspace: %q", ks)
	}
	if l, _ := r.do("CLIENT", "LIST"); !strings.Contains(l, "name=probe") || !strings.Contains(l, "db=2") {
		t.Errorf("CLIENT LIST: %q", l)
	}
	n, _ := r.do("COMMAND", "COUNT")
	if want := fmt.Sprintf(":%d\r\n", len(commands)); n != want || len(commands) < 120 {
		t.Errorf("COMMAND COUNT %q, want %q (at least 120)", n, want)
	}
	if ci, _ := r.do("COMMAND", "INFO", "get"); !strings.HasPrefix(ci, "*1\r\n*10\r\n$3\r\nget\r\n:2\r\n") {
		t.Errorf("COMMAND INFO get: %q", ci)
	}
	if cd, _ := r.do("COMMAND", "DOCS", "zadd"); !strings.Contains(cd, "sorted-set") {
		t.Errorf("COMMAND DOCS zadd: %q", cd)
	}
	if all, _ := r.do("COMMAND"); !strings.HasPrefix(all, fmt.Sprintf("*%d\r\n", len(commands))) {
		t.Errorf("COMMAND: %.40q", all)
	}
}

// TestScanPages walks 1000 keys with small COUNTs: every key exactly once,
// also while keys are deleted and added between pages.
func TestScanPages(t *testing.T) {
	addr, _ := startWaq(t, Options{})
	r := dial(t, addr)
	var b strings.Builder
	for i := 0; i < 1000; i++ {
		b.Write(encode([]string{"SET", fmt.Sprintf("k%04d", i), "v"}))
	}
	r.c.Write([]byte(b.String()))
	rd := bufio.NewReader(r.rd)
	for i := 0; i < 1000; i++ {
		readReply(rd)
	}
	r.rd = rd
	seen := map[string]int{}
	cursor := "0"
	for pages := 0; ; pages++ {
		r.do("DEL", fmt.Sprintf("k%04d", 999-pages)) // keys from the end vanish meanwhile
		r.c.Write(encode([]string{"SCAN", cursor, "COUNT", "37"}))
		v, err := readReply(r.rd)
		if err != nil || len(v.elems) != 2 {
			t.Fatalf("scan: %q %v", v.raw, err)
		}
		for _, k := range v.elems[1].elems {
			seen[strings.Split(k.raw, "\r\n")[1]]++
		}
		if cursor = strings.Split(v.elems[0].raw, "\r\n")[1]; cursor == "0" {
			break
		}
	}
	for i := 0; i < 970; i++ {
		if k := fmt.Sprintf("k%04d", i); seen[k] != 1 {
			t.Fatalf("%s seen %d times", k, seen[k])
		}
	}
}

// TestSweeper checks that expired keys leave DBSIZE without being read.
func TestSweeper(t *testing.T) {
	addr, _ := startWaq(t, Options{})
	r := dial(t, addr)
	r.do("SET", "a", "1", "PX", "50")
	r.do("SET", "b", "1")
	for i := 0; i < 40; i++ {
		if n, _ := r.do("DBSIZE"); n == ":1\r\n" {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("the expired key was not swept within 4 s")
}
