package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"
)

// profileChunk is the length of each CPU profile waqbench asks waq for:
// Go's profile endpoint runs for whole seconds and cannot be stopped early
// without losing the profile, so a figure's timed part is covered by
// one-second profiles, which go tool pprof merges when given them all.
const profileChunk = "1"

// profile records waq's CPU profile while the timed part of figure runs,
// into dir/figure-NNN.prof, when -pprof DIR is set (dir is "" otherwise,
// and profile does nothing). stop ends the recording after the chunk in
// progress and returns the first error.
func (w *waqServer) profile(ctx context.Context, dir, figure string) (stop func() error) {
	if dir == "" || w.pprof == "" {
		return func() error { return nil }
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	var err error
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 1; ctx.Err() == nil; i++ {
			name := filepath.Join(dir, fmt.Sprintf("%s-%03d.prof", figure, i))
			if err = w.profileChunk(name); err != nil {
				return
			}
		}
	}()
	return func() error {
		cancel()
		wg.Wait()
		return err
	}
}

// profileChunk writes one CPU profile of profileChunk seconds to name.
func (w *waqServer) profileChunk(name string) error {
	res, err := w.http.Get("http://" + w.pprof + "/debug/pprof/profile?seconds=" + profileChunk)
	if err != nil {
		return fmt.Errorf("waq profile: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("waq profile: %s", res.Status)
	}
	f, err := os.Create(name)
	if err != nil {
		return fmt.Errorf("waq profile: %w", err)
	}
	if _, err := io.Copy(f, res.Body); err != nil {
		f.Close()
		return fmt.Errorf("waq profile %s: %w", name, err)
	}
	return f.Close()
}
