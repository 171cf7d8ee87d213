package main

import (
	"context"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/waqhq/waq/sender/evolution/evolutiontest"
	"github.com/waqhq/waq/store"
)

// TestCrashSuite kills a real waq serve with SIGKILL 50 times at random
// moments of enqueue, bulk enqueue, sending, webhooks, backup, import and
// cutover, restarts it on the same data file, and after each kill verifies
// the file against what the clients were told and what the fake gateway
// received (crashverify_test.go). At the end it checks the rate window over
// every send of every run. docs/crash.md has its figures.
func TestCrashSuite(t *testing.T) {
	s := newCrashSuite(t)
	kills := crashKills
	if testing.Short() {
		kills = crashKillsShort
	}
	kills = int(envInt(t, "WAQ_CRASH_KILLS", uint64(kills)))
	began := time.Now()
	c := s.start()
	s.ld.enqueueBulk(context.Background(), c, s.rng) // a backlog from the start
	for i, mo := range s.plan(kills) {
		if i > 0 {
			c = s.start()
		}
		s.crash(c, mo)
		s.verify(i+1, mo, true)
	}
	s.finish(s.start())
	s.report(kills, time.Since(began))
}

func newCrashSuite(t *testing.T) *crashSuite {
	seed := envInt(t, "WAQ_CRASH_SEED", uint64(time.Now().UnixNano()))
	t.Logf("crash suite seed %d: replay with WAQ_CRASH_SEED=%d", seed, seed)
	s := &crashSuite{t: t, seed: seed, rng: rand.New(rand.NewPCG(seed, 0)), dir: t.TempDir(),
		evo: evolutiontest.New("k", "sales-1"), led: newLedger(), logs: &lockedLog{}, stats: map[string]*momentStats{}}
	t.Cleanup(s.evo.Close)
	s.ld = &loads{led: s.led, http: &http.Client{Timeout: 30 * time.Second}, backups: t.TempDir(),
		pending: map[string]enqueueReq{}}
	s.ld.redis = newCrashRedis(t)
	s.evo.SetOnAccept(s.onAccept)
	t.Cleanup(func() {
		s.mu.Lock()
		if s.cur != nil {
			s.cur.kill()
		}
		s.mu.Unlock()
		if t.Failed() {
			t.Logf("seed %d; last lines of waq's log:\n%s", seed, s.logs.tail(40))
		}
	})
	return s
}

// start starts the next waq on the suite's file and sends again what the
// last kill cut.
func (s *crashSuite) start() *child {
	defer s.clock(0, time.Now())
	c := startChild(s.t, s.dir, s.evo.URL, s.logs)
	s.mu.Lock()
	s.cur = c
	s.mu.Unlock()
	s.ld.retryPending(context.Background(), c)
	return c
}

// onAccept records every send and kills waq at the send the suite chose,
// after the gateway accepted it and before waq hears so.
func (s *crashSuite) onAccept(key, number string) {
	s.led.onAccept(key, number)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.killAt == 0 {
		return
	}
	if s.killAt--; s.killAt == 0 {
		_ = s.cur.cmd.Process.Kill()
		close(s.killed)
	}
}

// crash runs mo's load on c and kills c at a random moment of it.
func (s *crashSuite) crash(c *child, mo moment) {
	defer s.clock(1, time.Now())
	ctx, cancel := context.WithCancel(context.Background())
	if mo.prepare != nil && !mo.prepare(ctx, s, c) {
		s.t.Fatalf("seed %d: preparing %s failed:\n%s", s.seed, mo.name, s.logs.tail(20))
	}
	var wg sync.WaitGroup
	for w := range mo.workers {
		rng := rand.New(rand.NewPCG(s.seed, s.rng.Uint64()+uint64(w)))
		wg.Go(func() {
			for ctx.Err() == nil {
				mo.load(ctx, c, rng)
			}
		})
	}
	st := s.momentStats(mo.name)
	if mo.onSend && s.rng.IntN(2) == 0 {
		st.fromSend++
		s.killOnSend(c, 1+s.rng.IntN(8))
	} else {
		time.Sleep(time.Duration(s.rng.Int64N(int64(mo.delay)))) // the random moment itself
		c.kill()
	}
	cancel()
	wg.Wait()
	s.mu.Lock()
	s.cur = nil
	s.mu.Unlock()
	st.kills++
}

// killOnSend kills c from inside its n-th send from now, or by SIGKILL
// after a while if it does not send that many.
func (s *crashSuite) killOnSend(c *child, n int) {
	s.mu.Lock()
	s.killAt, s.killed = n, make(chan struct{})
	killed := s.killed
	s.mu.Unlock()
	select {
	case <-killed:
	case <-time.After(10 * time.Second):
		s.t.Logf("no %d sends in 10 s; killed from outside", n)
	}
	s.mu.Lock()
	s.killAt = 0
	s.mu.Unlock()
	c.kill()
}

func (s *crashSuite) momentStats(name string) *momentStats {
	if s.stats[name] == nil {
		s.stats[name] = &momentStats{}
	}
	return s.stats[name]
}

// verify waits until the fake gateway has answered every request the dead
// waq made, then holds the data file and the backups to the ledger.
func (s *crashSuite) verify(n int, mo moment, killed bool) {
	defer s.clock(2, time.Now())
	t := s.t
	waitFor(t, "the gateway to answer the requests of the dead waq", func() bool {
		s.led.mu.Lock()
		defer s.led.mu.Unlock()
		return validSends(s.evo.Requests()) == len(s.led.accepts)
	})
	snap, probs, err := readSnapshot(s.dir)
	if err != nil {
		t.Fatalf("seed %d, kill %d (%s): %v", s.seed, n, mo.name, err)
	}
	before := s.inFlight()
	probs = append(probs, s.led.verify(snap, killed)...)
	probs = append(probs, s.checkBackups()...)
	if len(probs) > 0 {
		t.Fatalf("seed %d, kill %d during %s: %d problems:\n%s\nreplay with WAQ_CRASH_SEED=%d",
			s.seed, n, mo.name, len(probs), strings.Join(probs[:min(len(probs), 20)], "\n"), s.seed)
	}
	if killed {
		s.momentStats(mo.name).inFlight += s.inFlight() - before
	}
	s.led.mu.Lock()
	s.led.epoch++
	s.led.mu.Unlock()
}

// clock adds the time since began to the phase's total.
func (s *crashSuite) clock(phase int, began time.Time) { s.took[phase] += time.Since(began) }

// validSends counts the requests the fake accepts: a body cut by the kill
// is refused.
func validSends(reqs []evolutiontest.Request) int {
	n := 0
	for _, r := range reqs {
		if text, _ := r.Body["text"].(string); text != "" {
			n++
		}
	}
	return n
}

func (s *crashSuite) inFlight() int {
	s.led.mu.Lock()
	defer s.led.mu.Unlock()
	n := 0
	for _, a := range s.led.accepts {
		if a.unrecorded {
			n++
		}
	}
	return n
}

// checkBackups runs store.Check on the last backup received whole since
// the last kill, the one closest to the kill: it must be a sound data
// file. (Checking every one costs a third of the suite's time under -race
// and checks the same code path.) Then it deletes the downloads.
func (s *crashSuite) checkBackups() []string {
	s.led.mu.Lock()
	files := s.led.backups
	s.led.backups = nil
	s.led.mu.Unlock()
	s.backupsWhole += len(files)
	var probs []string
	for _, f := range files[max(0, len(files)-1):] {
		ps, err := store.Check(f)
		if err != nil {
			ps = append(ps, err.Error())
		}
		for _, p := range ps {
			probs = append(probs, "backup "+filepath.Base(f)+": "+p)
		}
		s.backupsChecked++
	}
	cut, _ := filepath.Glob(filepath.Join(s.ld.backups, "*")) // with the downloads a kill cut
	for _, f := range cut {
		_ = os.Remove(f)
	}
	return probs
}

// finish lets the last waq send for a while, stops it gracefully, verifies
// that it recorded every send, and runs waq check on the file.
func (s *crashSuite) finish(c *child) {
	target := s.evo.Sends() + 10
	waitFor(s.t, "sends after the last restart", func() bool { return s.evo.Sends() >= target })
	if err := c.stop(); err != nil {
		s.t.Fatalf("waq serve after SIGTERM: %v", err)
	}
	s.verify(0, moment{name: "graceful stop"}, false)
	cmd := exec.Command(os.Args[0], "check", filepath.Join(s.dir, store.FileName))
	cmd.Env = append(os.Environ(), "WAQ_TEST_MAIN=1")
	out, err := cmd.CombinedOutput()
	if strings.TrimSpace(string(out)) != "ok" || err != nil {
		s.t.Fatalf("waq check: %v\n%s", err, out)
	}
}
