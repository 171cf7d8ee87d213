package keyspace

import (
	"bytes"
	"errors"
	"math"
	"sort"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func kupdate(t *testing.T, b *bundle, fn func(kt *Tx) error) {
	t.Helper()
	if err := b.ks.Update(fn); err != nil {
		t.Fatalf("kupdate: %v", err)
	}
}

func kview(t *testing.T, b *bundle, fn func(kt *Tx) error) {
	t.Helper()
	if err := b.ks.View(fn); err != nil {
		t.Fatalf("kview: %v", err)
	}
}

// TestKeyspaceTTL checks lazy expiry on read, the per-database counts and
// the sweeper, with the store's fake clock.
func TestKeyspaceTTL(t *testing.T) {
	b := setup(t)
	at := b.clock.Now().Add(time.Second).UnixMilli()
	kupdate(t, b, func(kt *Tx) error {
		if err := kt.SetString(3, []byte("a"), []byte("1"), at, false); err != nil {
			return err
		}
		if _, err := kt.HSet(3, []byte("h"), []byte("f"), []byte("v")); err != nil {
			return err
		}
		_, err := kt.SetExpire(3, []byte("h"), at)
		return err
	})
	counts := func(wantKeys, wantExp int64) {
		t.Helper()
		kview(t, b, func(kt *Tx) error {
			if k, e := kt.Counts(3); k != wantKeys || e != wantExp {
				t.Fatalf("counts %d/%d, want %d/%d", k, e, wantKeys, wantExp)
			}
			return nil
		})
	}
	counts(2, 2)
	b.clock.Add(2 * time.Second)
	kview(t, b, func(kt *Tx) error {
		if m, _ := kt.Meta(3, []byte("a")); m != nil {
			t.Fatal("an expired key was read")
		}
		return nil
	})
	counts(2, 2) // as Redis, until deleted
	if n, err := b.ks.Sweep(10); err != nil || n != 2 {
		t.Fatalf("sweep: %d %v", n, err)
	}
	counts(0, 0)
	kview(t, b, func(kt *Tx) error {
		if n, _ := kt.Len(3, []byte("h"), Hash); n != 0 {
			t.Fatalf("hash survived with %d fields", n)
		}
		return nil
	})
	if at, _ := b.ks.NextExpiry(); at != 0 {
		t.Fatalf("next expiry %d", at)
	}
	b.mustCheck(t)
}

// TestKeyspaceScoreOrder checks that the score encoding sorts like floats.
func TestKeyspaceScoreOrder(t *testing.T) {
	scores := []float64{math.Inf(-1), -1e300, -2.5, -1, math.Copysign(0, -1), 0, 1e-300, 1, 1.5, 1700000000000 * 4096, math.Inf(1)}
	for i := 1; i < len(scores); i++ {
		a, c := zscoreBits(scores[i-1]), zscoreBits(scores[i])
		if a > c || (a == c && scores[i-1] != scores[i]) {
			t.Errorf("%v encodes after %v", scores[i-1], scores[i])
		}
		if got := zscoreFromBits(c); got != scores[i] {
			t.Errorf("round trip %v -> %v", scores[i], got)
		}
	}
	b := setup(t)
	key := []byte("z")
	kupdate(t, b, func(kt *Tx) error {
		for i, s := range []float64{3, -1, 2, 2, math.Inf(1)} {
			if _, err := kt.ZAdd(0, key, []byte{'a' + byte(i)}, s); err != nil {
				return err
			}
		}
		_, err := kt.ZAdd(0, key, []byte("a"), -5) // moves
		return err
	})
	f := func(rev bool, from *float64, want string) {
		t.Helper()
		var got []byte
		kview(t, b, func(kt *Tx) error {
			return kt.ZWalk(0, key, rev, from, func(m []byte, _ float64) bool { got = append(got, m...); return true })
		})
		if string(got) != want {
			t.Errorf("walk rev=%v: %s, want %s", rev, got, want)
		}
	}
	two := 2.0
	f(false, nil, "abcde")
	f(true, nil, "edcba")
	f(false, &two, "cde")
	f(true, &two, "dcba")
}

// TestKeyspaceTypes covers lists, sets, wrong types, rename and flush.
func TestKeyspaceTypes(t *testing.T) {
	b := setup(t)
	kupdate(t, b, func(kt *Tx) error {
		for _, v := range []string{"b", "a"} {
			if _, err := kt.LPush(0, []byte("l"), []byte(v), true); err != nil {
				return err
			}
		}
		if _, err := kt.LPush(0, []byte("l"), []byte("c"), false); err != nil {
			return err
		}
		if _, err := kt.SAdd(0, []byte("s"), []byte("x")); err != nil {
			return err
		}
		if _, err := kt.SAdd(0, []byte("l"), []byte("x")); !errors.Is(err, ErrWrongType) {
			t.Errorf("SAdd on a list: %v", err)
		}
		if _, err := kt.Rename(0, []byte("l"), []byte("l2")); err != nil {
			return err
		}
		return kt.SetString(1, []byte("other"), []byte("db"), 0, false)
	})
	kview(t, b, func(kt *Tx) error {
		var got [][]byte
		kt.LRange(0, []byte("l2"), 0, 10, func(v []byte) bool { got = append(got, bytes.Clone(v)); return true })
		if string(bytes.Join(got, nil)) != "abc" {
			t.Errorf("list %q", got)
		}
		var keys []string
		kt.Scan(0, nil, func(k []byte, _ *Meta) bool { keys = append(keys, string(k)); return true })
		sort.Strings(keys)
		if len(keys) != 2 || keys[0] != "l2" || keys[1] != "s" {
			t.Errorf("keys %v", keys)
		}
		return nil
	})
	kupdate(t, b, func(kt *Tx) error { return kt.FlushDB(0) })
	kview(t, b, func(kt *Tx) error {
		if k, _ := kt.Counts(0); k != 0 {
			t.Errorf("db 0 has %d keys after FLUSHDB", k)
		}
		if k, _ := kt.Counts(1); k != 1 {
			t.Errorf("db 1 has %d keys", k)
		}
		return nil
	})
	b.mustCheck(t)
}

// TestKeyspaceBatches checks that concurrent keyspace writers share commits.
func TestKeyspaceBatches(t *testing.T) {
	b := setup(t)
	done := make(chan error)
	for i := 0; i < 32; i++ {
		go func() {
			done <- b.ks.Update(func(kt *Tx) error {
				_, err := kt.LPush(0, []byte("l"), []byte("x"), true)
				return err
			})
		}()
	}
	for i := 0; i < 32; i++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	kview(t, b, func(kt *Tx) error {
		if n, _ := kt.Len(0, []byte("l"), List); n != 32 {
			t.Errorf("len %d", n)
		}
		return nil
	})
	if commits, _ := b.s.CommitStats(); commits >= 32 {
		t.Logf("32 writers took %d commits", commits)
	}
}

// TestCheckRequiresBuckets checks that the buckets registered with the store
// are created at open and required by its check: a file that lost one is
// reported.
func TestCheckRequiresBuckets(t *testing.T) {
	b := setup(t)
	b.mustCheck(t)
	if err := b.s.Update(func(tx *bolt.Tx) error { return tx.DeleteBucket(bucketZIdx) }); err != nil {
		t.Fatal(err)
	}
	probs, err := b.s.Check()
	if err != nil || len(probs) != 1 || probs[0] != "bucket resp_zidx is missing" {
		t.Fatalf("check: %v %q", err, probs)
	}
}
