package main

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/waqhq/waq/sender/evolution/evolutiontest"
)

// Kills of the crash suite: crashKills in a full run, crashKillsShort with
// -short. WAQ_CRASH_KILLS overrides both; WAQ_CRASH_SEED replays a run.
const (
	crashKills      = 50
	crashKillsShort = 14
)

// moment is one kind of work waq is killed in the middle of.
type moment struct {
	name    string
	workers int                                             // goroutines running load
	load    func(context.Context, *child, *rand.Rand)       // one request; called in a loop
	prepare func(context.Context, *crashSuite, *child) bool // before the kill timer; false fails
	delay   time.Duration                                   // the kill comes at a random time below it
	onSend  bool                                            // half the kills come from inside a send
}

// crashSuite is the state of one run of TestCrashSuite.
type crashSuite struct {
	t     *testing.T
	seed  uint64
	rng   *rand.Rand
	dir   string
	evo   *evolutiontest.Server
	led   *ledger
	ld    *loads
	logs  *lockedLog
	stats map[string]*momentStats

	backupsChecked int
	backupsWhole   int
	took           [3]time.Duration // in starts, load and kills, verification

	mu     sync.Mutex // guards cur and killAt, which the fake's accept hook reads
	cur    *child
	killAt int           // kill at the killAt-th send from now; 0: no
	killed chan struct{} // closed by the hook when it killed
}

// momentStats are the figures of one moment, for docs/crash.md.
type momentStats struct {
	kills, fromSend, inFlight int
}

func (s *crashSuite) moments() []moment {
	l := s.ld
	return []moment{
		{name: "enqueue", workers: 2, load: l.enqueueOne, delay: 300 * time.Millisecond},
		{name: "bulk enqueue", workers: 1, load: l.enqueueBulk, delay: 400 * time.Millisecond},
		{name: "sending", prepare: backlog, delay: 500 * time.Millisecond, onSend: true},
		{name: "webhooks", workers: 2, load: l.webhook, delay: 300 * time.Millisecond},
		{name: "backup", workers: 1, load: l.backup, delay: 200 * time.Millisecond},
		{name: "import", workers: 1, load: l.importOnce, prepare: newQueue, delay: 300 * time.Millisecond},
		{name: "cutover", workers: 1, load: l.cutover, prepare: importQueue, delay: 100 * time.Millisecond},
	}
}

// backlog makes sure the sender has messages to send when it is killed.
func backlog(ctx context.Context, s *crashSuite, c *child) bool {
	var q struct{ Counts map[string]int }
	if s.ld.get(ctx, c.url+"/v1/queue", &q) && q.Counts["queued"] >= 40 {
		return true
	}
	s.ld.enqueueBulk(ctx, c, s.rng)
	return true
}

func newQueue(_ context.Context, s *crashSuite, _ *child) bool {
	return s.ld.redis.writeQueue(s.ld) == nil
}

// importQueue gives the cutover something to release: a queue imported
// and acknowledged before the kill timer starts.
func importQueue(ctx context.Context, s *crashSuite, c *child) bool {
	if !newQueue(ctx, s, c) {
		return false
	}
	s.ld.importOnce(ctx, c, s.rng)
	r := s.ld.redis
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.imported == len(r.written)
}

// plan spreads n kills over the moments as evenly as n allows, in a random
// order.
func (s *crashSuite) plan(n int) []moment {
	ms := s.moments()
	plan := make([]moment, n)
	for i := range plan {
		plan[i] = ms[i%len(ms)]
	}
	s.rng.Shuffle(len(plan), func(i, j int) { plan[i], plan[j] = plan[j], plan[i] })
	return plan
}

func envInt(t *testing.T, name string, def uint64) uint64 {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		t.Fatalf("%s=%q is not a number", name, v)
	}
	return n
}

// get decodes the 200 answer of a GET into out.
func (l *loads) get(ctx context.Context, url string, out any) bool {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	resp, err := l.http.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	return resp.StatusCode == http.StatusOK && json.NewDecoder(resp.Body).Decode(out) == nil
}
