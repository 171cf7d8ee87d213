package resp

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// TestGlobDifferential loads the same keys into redis-server and waq and
// compares KEYS for random patterns made of the glob's special characters,
// then for hand-picked corner cases of Redis's stringmatchlen.
func TestGlobDifferential(t *testing.T) {
	rc, wc := dial(t, startRedis(t)), dial(t, mustAddr(t))
	rng := rand.New(rand.NewPCG(36021, 0))
	const alphabet = "ab*?[]^-\\\xff\x80A"
	word := func(max int) string {
		b := make([]byte, rng.IntN(max+1))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return string(b)
	}
	keys := []string{"", "a", "b", "ab", "ba", "aab", "A", "\xff", "\x80", "a*b", "[a]", "a\\b", "-", "^", "]",
		strings.Repeat("a", 1100)}
	for len(keys) < 80 {
		keys = append(keys, word(6))
	}
	for _, c := range []*rconn{rc, wc} {
		c.do("FLUSHALL")
		for _, k := range keys {
			if got, err := c.do("SET", k, "v"); err != nil || got != "+OK\r\n" {
				t.Fatalf("SET %q: %q %v", k, got, err)
			}
		}
	}
	patterns := []string{"", "*", "**", "?", "*?", "?*", "[", "[^", "[]", "[]a]", "[a-]", "[a-\\]", "[\\", "\\",
		"a\\", "[a-\xff]", "[\xff-a]", "[^a-b]*", "[!a]", "a[", "*[", "*\\*", "[*]", "*a*a*b", "a**b",
		strings.Repeat("*", 1001) + "a", strings.Repeat("*a", 1001), strings.Repeat("a*", 1001), strings.Repeat("a*", 1001) + "a",
		strings.Repeat("a*", 1000) + "a", "a" + strings.Repeat("*a", 1001) + "*"}
	for len(patterns) < 1500 {
		patterns = append(patterns, word(8))
	}
	fails := 0
	for _, p := range patterns {
		want, err1 := send(rc, []string{"KEYS", p}, true)
		got, err2 := send(wc, []string{"KEYS", p}, true)
		if err1 != nil || err2 != nil {
			t.Fatalf("KEYS %q: %v %v", p, err1, err2)
		}
		if w, g := normalize("~", want), normalize("~", got); w != g {
			t.Errorf("KEYS %q\n redis: %q\n   waq: %q", p, w, g)
			if fails++; fails > 10 {
				t.FailNow()
			}
		}
	}
}

func mustAddr(t *testing.T) string {
	addr, _ := startWaq(t, Options{})
	return addr
}

// TestGlobLinear times the pattern of CVE-2022-36021, which took seconds
// with a matcher that recursed at every star.
func TestGlobLinear(t *testing.T) {
	key := bytes.Repeat([]byte("a"), 32)
	// The bounds leave room for a loaded machine: a linear match takes
	// microseconds here (64 KiB by 1000 pattern bytes: milliseconds), an
	// exponential one seconds for the first pattern and ages for the last.
	f := func(pattern string, bound time.Duration) {
		t.Helper()
		start := time.Now()
		for range 10 {
			if match([]byte(pattern), key) {
				t.Fatalf("%q matched", pattern)
			}
		}
		if d := time.Since(start) / 10; d > bound {
			t.Fatalf("%.40q took %v, more than %v", pattern, d, bound)
		}
	}
	f("*a*a*a*a*a*a*a*a*a*a*a*ab", 50*time.Millisecond)
	f(strings.Repeat("*a", 16)+"b", 50*time.Millisecond)
	f(strings.Repeat("*?", 40), 50*time.Millisecond)
	key = bytes.Repeat([]byte("a"), 64<<10)
	f(strings.Repeat("*a", 500)+"b", 5*time.Second)
}
