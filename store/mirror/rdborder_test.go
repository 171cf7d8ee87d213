package mirror

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/waqhq/waq/store/keyspace"
)

// TestMirrorHashOrder loads hashes through a full sync, diskless and not,
// and compares each one's HGETALL with the source's byte for byte: a
// listpack's fields (strings of every length class, integers of every
// width) in insertion order, after an HDEL and a new HSET too. A hash that
// outgrew the listpack is a hashtable on both sides: compared as a set.
func TestMirrorHashOrder(t *testing.T) {
	for _, diskless := range []string{"yes", "no"} {
		t.Run("diskless="+diskless, func(t *testing.T) {
			url, src := startSource(t, "--repl-diskless-sync", diskless)
			ctx := context.Background()
			fields := []any{"zeta", "1", "alpha", "2", "127", "x", "-4096", "y", "70000", "z", "-2147483648", "w",
				"9223372036854775807", "v", strings.Repeat("f", 64), "long field", "m", strings.Repeat("v", 64)}
			must(t, src.HSet(ctx, "job", fields...).Err())
			must(t, src.HDel(ctx, "job", "alpha").Err())
			must(t, src.HSet(ctx, "job", "alpha", "3", "b", "").Err())
			for i := range 20 {
				must(t, src.HSet(ctx, fmt.Sprint("bull:q:", i), "name", "send", "data", "{}", "timestamp", fmt.Sprint(i)).Err())
			}
			// An object bigger than the tap keeps (a 17 MiB string) loses
			// only its own bytes: the hashes after it are read again.
			huge := make([]byte, 17<<20) // random: LZF cannot shrink it
			rng := rand.New(rand.NewPCG(1, 2))
			for i := range huge {
				huge[i] = byte(rng.Uint32())
			}
			must(t, src.Set(ctx, "huge", huge, 0).Err())
			big := client(t, url, 0)
			for i := range 600 {
				must(t, big.HSet(ctx, "big", fmt.Sprint("f", 600-i), "v").Err())
			}
			st := openStore(t)
			r := start(t, st, url)
			caughtUp(t, r, src)
			ks := keyspace.New(st)
			rc := redis.NewClient(&redis.Options{Addr: src.Options().Addr, Protocol: 2})
			t.Cleanup(func() { rc.Close() })
			keys := []string{"job"}
			for i := range 20 {
				keys = append(keys, fmt.Sprint("bull:q:", i))
			}
			for _, k := range keys {
				c := redis.NewKeyValueSliceCmd(ctx, "hgetall", k)
				must(t, rc.Process(ctx, c))
				var want, got []string
				for _, kv := range c.Val() {
					want = append(want, kv.Key+"="+kv.Value)
				}
				must(t, ks.View(func(tx *keyspace.Tx) error {
					return tx.HAll(0, []byte(k), func(f, v []byte) bool {
						got = append(got, string(f)+"="+string(v))
						return true
					})
				}))
				if strings.Join(got, " ") != strings.Join(want, " ") {
					t.Errorf("%s:\n got %v\nwant %v", k, got, want)
				}
			}
			same(t, url, st) // the hashtable too, as sets
		})
	}
}

// TestZiplist reads the order of a hash Redis before 7.0 wrote as a
// ziplist (a string, an immediate integer, an int16 and a string) behind an
// expiry, and hashOrder gives up (no panic) on every truncation of its bytes.
func TestZiplist(t *testing.T) {
	zl := []byte{23, 0, 0, 0, 19, 0, 0, 0, 4, 0, // zlbytes, zltail, zllen
		0x00, 0x01, 'a', // "a"
		0x03, 0xf6, // 5
		0x02, 0xc0, 0xfe, 0xff, // int16 -2
		0x04, 0x01, 'b', // "b"
		0xff}
	obj := append([]byte{0xfc, 1, 2, 3, 4, 5, 6, 7, 8, 13, 1, 'h', byte(len(zl))}, zl...)
	if got := hashOrder(obj); strings.Join(got, " ") != "a -2" {
		t.Fatalf("hashOrder: %q", got)
	}
	for n := range len(obj) - 1 {
		if got := hashOrder(obj[:n]); got != nil {
			t.Fatalf("hashOrder of %d bytes: %q", n, got)
		}
	}
}
