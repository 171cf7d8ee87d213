package keyspace

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/waqhq/waq/store"
)

// hall renders the hash at key in Redis's order as "f=v f=v".
func hall(t *testing.T, b *bundle, key string) string {
	t.Helper()
	var out []string
	kview(t, b, func(kt *Tx) error {
		return kt.HAll(0, []byte(key), func(f, v []byte) bool {
			out = append(out, string(f)+"="+string(v))
			return true
		})
	})
	return strings.Join(out, " ")
}

func sall(t *testing.T, b *bundle, key string) string {
	t.Helper()
	var out []string
	kview(t, b, func(kt *Tx) error {
		return kt.SAll(0, []byte(key), func(m []byte) bool {
			out = append(out, string(m))
			return true
		})
	})
	return strings.Join(out, " ")
}

// hset runs "HSET key f v f v …" and "HDEL key f" (a pair with value "-").
func hset(t *testing.T, b *bundle, key string, fv ...string) {
	t.Helper()
	kupdate(t, b, func(kt *Tx) error {
		for i := 0; i < len(fv); i += 2 {
			var err error
			if fv[i+1] == "-" {
				_, err = kt.HDel(0, []byte(key), []byte(fv[i]))
			} else {
				_, err = kt.HSet(0, []byte(key), []byte(fv[i]), []byte(fv[i+1]))
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}

func TestHashInsertionOrder(t *testing.T) {
	b := setup(t)
	b.ks.SetLimits(Limits{HashEntries: 4, HashValue: 8, IntsetEntries: 4})
	f := func(key string, ops []string, want string) {
		t.Helper()
		hset(t, b, key, ops...)
		if got := hall(t, b, key); got != want {
			t.Errorf("%s %v: got %q, want %q", key, ops, got, want)
		}
	}
	f("h1", []string{"z", "1", "a", "2", "m", "3"}, "z=1 a=2 m=3")
	f("h1", []string{"a", "9"}, "z=1 a=9 m=3")                       // an update keeps its place
	f("h1", []string{"z", "-", "z", "4"}, "a=9 m=3 z=4")             // deleted and added again: last
	f("h2", []string{"b", "1", "a", "123456789"}, "a=123456789 b=1") // a long value: hashtable, byte order
	f("h2", []string{"a", "-", "c", "1"}, "b=1 c=1")                 // stays a hashtable once converted
	f("h3", []string{"e", "1", "d", "1", "c", "1", "b", "1"}, "e=1 d=1 c=1 b=1")
	f("h3", []string{"a", "1"}, "a=1 b=1 c=1 d=1 e=1") // a fifth field: hashtable
	f("h4", []string{"x", "1", "x", "-", "y", "1"}, "y=1")
	f("h4", []string{"y", "-", "w", "1", "v", "1"}, "w=1 v=1") // emptied and made again: compact
	// The insertion numbers stay inside the keyspace.
	kview(t, b, func(kt *Tx) error {
		v, ok, err := kt.HGet(0, []byte("h1"), []byte("a"))
		if string(v) != "9" || !ok || err != nil {
			t.Errorf("HGet h1 a = %q %v %v", v, ok, err)
		}
		var scanned []string
		err = kt.HScan(0, []byte("h1"), nil, func(f, v []byte) bool { scanned = append(scanned, string(f)+"="+string(v)); return true })
		if got := strings.Join(scanned, " "); got != "a=9 m=3 z=4" || err != nil {
			t.Errorf("HScan h1 = %q %v", got, err)
		}
		return nil
	})
	b.mustCheck(t)
}

func TestIntsetOrder(t *testing.T) {
	b := setup(t)
	b.ks.SetLimits(Limits{HashEntries: 4, HashValue: 8, IntsetEntries: 4})
	add := func(key string, ms ...string) {
		kupdate(t, b, func(kt *Tx) error {
			for _, m := range ms {
				var err error
				if r, ok := strings.CutPrefix(m, "-rem:"); ok {
					_, err = kt.SRem(0, []byte(key), []byte(r))
				} else {
					_, err = kt.SAdd(0, []byte(key), []byte(m))
				}
				if err != nil {
					return err
				}
			}
			return nil
		})
	}
	f := func(key string, ms []string, want string, compact bool) {
		t.Helper()
		add(key, ms...)
		if got := sall(t, b, key); got != want {
			t.Errorf("%s %v: got %q, want %q", key, ms, got, want)
		}
		var c bool
		kview(t, b, func(kt *Tx) (err error) { c, err = kt.Compact(0, []byte(key)); return err })
		if c != compact {
			t.Errorf("%s: compact %v, want %v", key, c, compact)
		}
	}
	f("s1", []string{"10", "-3", "2", "100"}, "-3 2 10 100", true)
	f("s1", []string{"7"}, "-3 10 100 2 7", false)     // a fifth member: hashtable, byte order
	f("s1", []string{"-rem:7"}, "-3 10 100 2", false)  // stays one
	f("s2", []string{"3", "01", "1"}, "01 1 3", false) // "01" is no integer to Redis
	f("s3", []string{"3", "a", "-rem:a"}, "3", false)
	f("s4", []string{"-0"}, "-0", false)
	f("s5", []string{"9223372036854775807", "-9223372036854775808"}, "-9223372036854775808 9223372036854775807", true)
}

// TestOrderSurvivesRestart reopens the file: the order is on disk.
func TestOrderSurvivesRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), store.FileName)
	open := func() *bundle {
		s, err := store.Open(path, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return &bundle{s: s, ks: New(s)}
	}
	b := open()
	hset(t, b, "h", "b", "1", "a", "2", "c", "3")
	kupdate(t, b, func(kt *Tx) error { _, err := kt.Rename(0, []byte("h"), []byte("h2")); return err })
	b.s.Close()
	b = open()
	defer b.s.Close()
	if got := hall(t, b, "h2"); got != "b=1 a=2 c=3" {
		t.Fatalf("after restart: %q", got)
	}
	kupdate(t, b, func(kt *Tx) error { return kt.SwapDB(0, 1) })
	kupdate(t, b, func(kt *Tx) error { return kt.SwapDB(1, 0) })
	hset(t, b, "h2", "a", "-", "d", "4")
	if got := hall(t, b, "h2"); got != "b=1 c=3 d=4" {
		t.Fatalf("after swapdb: %q", got)
	}
	kupdate(t, b, func(kt *Tx) error { return kt.FlushAll() })
	hset(t, b, "h2", "z", "1")
	if got := hall(t, b, "h2"); got != "z=1" {
		t.Fatalf("after flushall: %q", got)
	}
}

// TestLegacyHash: a hash written before waq kept encodings (Head and Tail
// at listMid, no order) reads in byte order and takes that order as its
// insertion order at its next write.
func TestLegacyHash(t *testing.T) {
	b := setup(t)
	hset(t, b, "h", "b", "1", "a", "2")
	kupdate(t, b, func(kt *Tx) error {
		m, _ := kt.Meta(0, []byte("h"))
		n := *m
		n.Head, n.Tail = listMid, listMid
		if err := kt.renumber(0, []byte("h"), func(_ uint64, v []byte) []byte { _, v = unseq(v); return v }); err != nil {
			return err
		}
		return kt.putMeta(0, []byte("h"), &n, m)
	})
	if got := hall(t, b, "h"); got != "a=2 b=1" {
		t.Fatalf("legacy read: %q", got)
	}
	hset(t, b, "h", "0", "x", "b", "3")
	if got := hall(t, b, "h"); got != "a=2 b=3 0=x" {
		t.Fatalf("legacy write: %q", got)
	}
}

// BenchmarkHashOrder measures what keeping the insertion order costs: a
// BullMQ-sized job hash (10 fields) written, read whole and one field
// deleted, as a listpack (with its order) and as a hashtable (without).
func BenchmarkHashOrder(b *testing.B) {
	for _, c := range []struct {
		name string
		lim  Limits
	}{{"listpack", DefaultLimits}, {"hashtable", Limits{HashEntries: 0, HashValue: 64, IntsetEntries: 512}}} {
		b.Run(c.name, func(b *testing.B) {
			bb := setup(b)
			bb.ks.SetLimits(c.lim)
			fields := []string{"name", "data", "opts", "timestamp", "delay", "priority", "atm", "ats", "processedOn", "finishedOn"}
			b.ResetTimer()
			var err error
			for i := 0; i < b.N && err == nil; i++ { // one commit each, as a RESP pipeline of these commands
				key := []byte("bull:q:" + strconv.Itoa(i))
				err = bb.ks.Update(func(kt *Tx) error {
					for _, f := range fields {
						if _, err := kt.HSet(0, key, []byte(f), []byte("value")); err != nil {
							return err
						}
					}
					if err := kt.HAll(0, key, func(_, _ []byte) bool { return true }); err != nil {
						return err
					}
					_, err := kt.HDel(0, key, []byte("delay"))
					return err
				})
			}
			if err != nil {
				b.Fatal(err)
			}
		})
	}
}
