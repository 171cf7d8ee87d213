package store

import (
	"errors"
	"runtime"
	"sync"
	"testing"

	"github.com/VictoriaMetrics/metrics"
	bolt "go.etcd.io/bbolt"
)

// TestPanickingWriteFailsAlone checks that a transaction function that
// panics gets ErrPanicked, that its writes are rolled back, and that the
// writes batched with it commit and the store goes on serving.
func TestPanickingWriteFailsAlone(t *testing.T) {
	b := setup(t)
	panics := metrics.GetOrCreateCounter(`waq_panics_recovered_total{where="commit"}`)
	before := panics.Get()
	set := func(key string, boom bool) func(*bolt.Tx) error {
		return func(tx *bolt.Tx) error {
			if err := tx.Bucket(bucketMeta).Put([]byte("test "+key), []byte("v")); err != nil {
				return err
			}
			if boom {
				var idx []int
				_ = idx[len(key)] // a real runtime panic: index out of range
			}
			return nil
		}
	}
	// The first write holds the commit loop until the three others queued,
	// so that they share the next batch.
	held, running := make(chan error, 1), make(chan struct{})
	go func() {
		var once sync.Once
		held <- b.s.Update(func(*bolt.Tx) error {
			once.Do(func() { close(running) })
			for len(b.s.calls) < 3 {
				runtime.Gosched()
			}
			return nil
		})
	}()
	<-running
	var wg sync.WaitGroup
	errs := make([]error, 3)
	for i, key := range []string{"a", "boom", "c"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = b.s.Update(set(key, key == "boom"))
		}()
	}
	wg.Wait()
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	if errs[0] != nil || errs[2] != nil || !errors.Is(errs[1], ErrPanicked) {
		t.Fatalf("errors %v", errs)
	}
	if got := panics.Get() - before; got != 1 {
		t.Fatalf("panics counted: %d", got)
	}
	if err := b.s.Update(set("after", false)); err != nil {
		t.Fatalf("write after the panic: %v", err)
	}
	err := b.s.View(func(tx *bolt.Tx) error {
		for key, want := range map[string]bool{"a": true, "boom": false, "c": true, "after": true} {
			if ok := tx.Bucket(bucketMeta).Get([]byte("test "+key)) != nil; ok != want {
				t.Errorf("%s stored: %v, want %v", key, ok, want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
