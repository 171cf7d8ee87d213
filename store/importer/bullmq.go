package importer

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/waqhq/waq/phone"
	"github.com/waqhq/waq/progress"
	"github.com/waqhq/waq/store"
	"github.com/waqhq/waq/store/keyspace"
)

// job is one BullMQ job read from the local copy.
type job struct {
	queue, id, state string
	score            float64 // the score in its sorted set, 0 for lists
	fields           map[string]string
}

// listStates are BullMQ's lists of job ids, in the order their jobs are to
// run: jobs that were active run again first (their worker's result never
// reached Redis), then the waiting ones.
var listStates = []string{"active", "wait", "paused"}

// zsetStates are BullMQ's sorted sets of job ids, read by ascending score.
var zsetStates = []string{"prioritized", "delayed", "failed", "completed"}

// Translate turns the BullMQ jobs of database db of the keyspace, under key
// prefix, into messages: held until cutover, or sent history for completed
// jobs. A job already translated (its idempotency key is stored) is left as
// it is. It adds to res what it found and did.
func (im *Importer) Translate(ctx context.Context, db int, prefix string, mp Mapping, res *Result) error {
	var queues []string
	err := im.ks.View(func(t *keyspace.Tx) error {
		queues = findQueues(t, db, prefix)
		return nil
	})
	if err != nil {
		return err
	}
	tr := &counter{phase: progress.PhaseTranslate, done: int64(res.Jobs), total: int64(res.Jobs)}
	for _, q := range queues {
		if err := ctx.Err(); err != nil {
			return err
		}
		var jobs []job
		err := im.ks.View(func(t *keyspace.Tx) (err error) {
			jobs, err = readJobs(t, db, prefix, q)
			return err
		})
		if err != nil {
			return err
		}
		tr.total += int64(len(jobs))
		if err := im.enqueue(jobs, mp, res, func(n int) { tr.add(ctx, n) }); err != nil {
			return err
		}
	}
	return nil
}

// findQueues lists the queues of prefix by their meta or id keys, which every
// BullMQ queue that ever held a job has.
func findQueues(t *keyspace.Tx, db int, prefix string) []string {
	p := []byte(prefix + ":")
	var qs []string
	t.Scan(db, nil, func(key []byte, _ *keyspace.Meta) bool {
		if !bytes.HasPrefix(key, p) {
			return bytes.Compare(key, p) < 0 // keys are in byte order
		}
		q, kind, ok := strings.Cut(string(key[len(p):]), ":")
		if ok && q != "" && (kind == "meta" || kind == "id") {
			qs = append(qs, q)
		}
		return true
	})
	slices.Sort(qs)
	return slices.Compact(qs)
}

// readJobs reads every job id of queue q's state keys, in running order,
// with its hash. An id seen in two states (a copy torn by a move) is taken
// once, from the first.
func readJobs(t *keyspace.Tx, db int, prefix, q string) ([]job, error) {
	base := prefix + ":" + q + ":"
	seen := map[string]bool{}
	var jobs []job
	add := func(state, id string, score float64) {
		if strings.HasPrefix(id, "0:") || seen[id] { // legacy wake-up markers
			return
		}
		seen[id] = true
		jobs = append(jobs, job{queue: q, id: id, state: state, score: score})
	}
	for _, st := range listStates {
		ids, err := listAll(t, db, []byte(base+st))
		if err != nil {
			return nil, err
		}
		for i := len(ids) - 1; i >= 0; i-- { // the tail runs next
			add(st, ids[i], 0)
		}
	}
	for _, st := range zsetStates {
		err := t.ZWalk(db, []byte(base+st), false, nil, func(m []byte, score float64) bool {
			add(st, string(m), score)
			return true
		})
		if err != nil {
			return nil, err
		}
	}
	for i := range jobs {
		jobs[i].fields = map[string]string{}
		err := t.HScan(db, []byte(base+jobs[i].id), nil, func(f, v []byte) bool {
			jobs[i].fields[string(f)] = string(v)
			return true
		})
		if err != nil {
			return nil, err
		}
	}
	return jobs, nil
}

// enqueue stores the messages of jobs, BulkMax per commit, counting the jobs
// that cannot become one, and telling done how many jobs each commit
// finished. Those addressed to a WhatsApp id that is no phone
// number are counted apart, with a sample instead of a note each: an
// export from a gateway can hold thousands.
func (im *Importer) enqueue(jobs []job, mp Mapping, res *Result, done func(int)) error {
	var batch []*store.Message
	seen := 0 // jobs up to the last commit
	flush := func() error {
		n, err := im.st.EnqueueHeld(batch)
		res.Messages += n
		batch = batch[:0]
		return err
	}
	defer func() { done(len(jobs) - seen) }()
	for i, j := range jobs {
		res.Jobs++
		m, err := message(j, mp, im.Region)
		var perr *phone.Error
		switch {
		case errors.Is(err, phone.ErrNotPhone) && errors.As(err, &perr):
			res.Skipped++
			res.notPhone(perr.Input, j)
			continue
		case err != nil:
			res.Skipped++
			res.note("%s job %s (%s): %v", j.queue, j.id, j.state, err)
			continue
		}
		if batch = append(batch, m); len(batch) == store.BulkMax {
			if err := flush(); err != nil {
				return err
			}
			done(i + 1 - seen)
			seen = i + 1
		}
	}
	if len(batch) == 0 {
		return nil
	}
	return flush()
}

// listAll returns the elements of the list at key, head first.
func listAll(t *keyspace.Tx, db int, key []byte) ([]string, error) {
	n, err := t.Len(db, key, keyspace.List)
	if err != nil || n == 0 {
		return nil, err
	}
	out := make([]string, 0, n)
	err = t.LRange(db, key, 0, n-1, func(v []byte) bool {
		out = append(out, string(v))
		return true
	})
	return out, err
}
