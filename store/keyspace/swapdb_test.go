package keyspace

import (
	"testing"
	"time"
)

// TestKeyspaceSwapDB: SWAPDB moves every record of two databases, their
// TTLs (which the sweeper then finds in the new database) and counts.
func TestKeyspaceSwapDB(t *testing.T) {
	b := setup(t)
	at := b.clock.Now().Add(time.Second).UnixMilli()
	kupdate(t, b, func(kt *Tx) error {
		if err := kt.SetString(1, []byte("s"), []byte("1"), at, false); err != nil {
			return err
		}
		if _, err := kt.ZAdd(1, []byte("z"), []byte("m"), 2); err != nil {
			return err
		}
		if _, err := kt.HSet(2, []byte("h"), []byte("f"), []byte("v")); err != nil {
			return err
		}
		return kt.SwapDB(1, 2)
	})
	kview(t, b, func(kt *Tx) error {
		if k, e := kt.Counts(2); k != 2 || e != 1 {
			t.Errorf("db 2 counts %d/%d, want 2/1", k, e)
		}
		if k, e := kt.Counts(1); k != 1 || e != 0 {
			t.Errorf("db 1 counts %d/%d, want 1/0", k, e)
		}
		if s, ok, _ := kt.ZScore(2, []byte("z"), []byte("m")); !ok || s != 2 {
			t.Errorf("z in db 2: %v %v", s, ok)
		}
		if v, ok, _ := kt.HGet(1, []byte("h"), []byte("f")); !ok || string(v) != "v" {
			t.Errorf("h in db 1: %q %v", v, ok)
		}
		if m, _ := kt.Meta(1, []byte("z")); m != nil {
			t.Error("z is still in db 1")
		}
		return nil
	})
	b.clock.Add(2 * time.Second)
	if n, err := b.ks.Sweep(10); err != nil || n != 1 {
		t.Fatalf("sweep: %d %v", n, err)
	}
	kview(t, b, func(kt *Tx) error {
		if k, e := kt.Counts(2); k != 1 || e != 0 {
			t.Errorf("db 2 counts after the sweep %d/%d, want 1/0", k, e)
		}
		return nil
	})
	b.mustCheck(t)
}
