package keyspace

import (
	"testing"
	"time"
)

// TestSweepKeys checks that the sweeper reports the keys it deleted, with
// their databases, and not those whose TTL is still ahead.
func TestSweepKeys(t *testing.T) {
	b := setup(t)
	now := b.clock.Now().UnixMilli()
	kupdate(t, b, func(kt *Tx) error {
		for _, k := range []struct {
			db  int
			key string
			at  int64
		}{{0, "soon", now + 1000}, {5, "soon2", now + 1500}, {0, "later", now + 60_000}} {
			if err := kt.SetString(k.db, []byte(k.key), []byte("v"), k.at, false); err != nil {
				return err
			}
		}
		return nil
	})
	b.clock.Add(2 * time.Second)
	gone, err := b.ks.SweepKeys(10)
	if err != nil || len(gone) != 2 || gone[0].DB != 0 || string(gone[0].Key) != "soon" ||
		gone[1].DB != 5 || string(gone[1].Key) != "soon2" {
		t.Fatalf("swept %+v %v", gone, err)
	}
	if gone, err := b.ks.SweepKeys(10); err != nil || len(gone) != 0 {
		t.Fatalf("second sweep %+v %v", gone, err)
	}
	b.mustCheck(t)
}
