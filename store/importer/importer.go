// Package importer copies a live Redis into waq's Redis keyspace (package
// store/keyspace) by SCAN and turns the BullMQ jobs it finds into held waq
// messages. It needs only what managed Redis services allow (SCAN, TYPE,
// typed reads, PTTL), not replication rights. Jobs are translated from the
// local copy, so the same code can serve a mirror at cutover, and every
// message's idempotency key is "bullmq:<queue>:<jobId>", so no job becomes
// two messages.
package importer

import (
	"context"
	"fmt"
	"time"

	"github.com/waqhq/waq/phone"
	"github.com/waqhq/waq/progress"
	"github.com/waqhq/waq/store"
	"github.com/waqhq/waq/store/keyspace"
)

// PrefixDefault is BullMQ's default key prefix.
const PrefixDefault = "bull"

// Request says what to import. The zero DBs imports the database of the URL
// when it names one, else every database the source reports keys in.
type Request struct {
	URL          string   `json:"url"`                     // redis://[user:pass@]host:port[/db], or rediss://
	DBs          []int    `json:"dbs,omitempty"`           // databases to copy, 0 to 15
	BullMQPrefix string   `json:"bullmq_prefix,omitempty"` // PrefixDefault when empty
	Mapping      *Mapping `json:"mapping,omitempty"`       // DefaultMapping when nil
	// DefaultRegion is the country of numbers without a country code, such
	// as ES; "" leaves the Importer's Region.
	DefaultRegion string `json:"default_region,omitempty"`
}

// Result counts what an import did.
type Result struct {
	Keys        int `json:"keys"`         // keys copied into the keyspace
	SkippedKeys int `json:"skipped_keys"` // keys not copied (streams, keys over MaxKeyLen)
	Jobs        int `json:"jobs"`         // BullMQ jobs found
	Messages    int `json:"messages"`     // messages created; 0 for jobs imported before
	Skipped     int `json:"skipped"`      // jobs that could not become a message
	// NotPhone counts the skipped jobs addressed to a WhatsApp id that is
	// no phone number (@lid, a group, a broadcast, a newsletter);
	// NotPhoneSample shows the first few, as "id (queue job jobId)".
	NotPhone       int      `json:"not_phone"`
	NotPhoneSample []string `json:"not_phone_sample,omitempty"`
	Notes          []string `json:"notes,omitempty"`
}

// notesMax bounds the reasons a Result lists, so a big bad import answers
// with a short body; sampleMax bounds NotPhoneSample.
const (
	notesMax  = 20
	sampleMax = 5
)

func (r *Result) note(format string, args ...any) {
	if len(r.Notes) < notesMax {
		r.Notes = append(r.Notes, fmt.Sprintf(format, args...))
	}
}

// notPhone counts a job skipped for its WhatsApp id, keeping a sample.
func (r *Result) notPhone(id string, j job) {
	r.NotPhone++
	if len(r.NotPhoneSample) < sampleMax {
		r.NotPhoneSample = append(r.NotPhoneSample, fmt.Sprintf("%s (%s job %s)", id, j.queue, j.id))
	}
}

// Importer imports into one store. It is safe for concurrent use, though two
// imports at once only race to the same keys and messages.
type Importer struct {
	st  *store.Store
	ks  *keyspace.Keyspace
	Now func() time.Time // time.Now when nil; turns PTTLs into expiry times
	// Region is the country of numbers without a country code in the jobs
	// (WAQ_DEFAULT_REGION); "" requires the code. New sets RegionDefault.
	Region string
}

// New returns an Importer writing to st, reading national numbers as
// phone.RegionDefault's.
func New(st *store.Store) *Importer {
	return &Importer{st: st, ks: keyspace.New(st), Region: phone.RegionDefault}
}

func (im *Importer) now() time.Time {
	if im.Now != nil {
		return im.Now()
	}
	return time.Now()
}

// Import copies the source's keys, then translates the BullMQ jobs found in
// the copied databases. A bad URL, database or region gives an EINVALID
// *store.Error; a source that cannot be reached, or that does not speak
// Redis, gives an EUNAVAILABLE one; both before anything is written.
func (im *Importer) Import(ctx context.Context, req Request) (*Result, error) {
	if req.DefaultRegion != "" {
		if _, err := phone.Region(req.DefaultRegion); err != nil {
			return nil, store.FieldErrorf("default_region", "must be a two-letter ISO 3166 code such as ES, PT or FR")
		}
		with := *im // the request's region for this import only
		with.Region = req.DefaultRegion
		im = &with
	}
	src, err := dial(ctx, req)
	if err != nil {
		return nil, err
	}
	defer src.close()
	prefix := req.BullMQPrefix
	if prefix == "" {
		prefix = PrefixDefault
	}
	mp := DefaultMapping()
	if req.Mapping != nil {
		mp = req.Mapping.withDefaults()
	}
	res := &Result{}
	// Every database is copied before any is translated, so a watcher sees
	// one copy phase and one translate phase (see package progress).
	cp := &counter{phase: progress.PhaseCopy, total: src.size(ctx)}
	for _, db := range src.dbs {
		if err := im.copyDB(ctx, src, db, res, cp); err != nil {
			return res, fmt.Errorf("import db %d: %w", db, err)
		}
	}
	for _, db := range src.dbs {
		if err := im.Translate(ctx, db, prefix, mp, res); err != nil {
			return res, fmt.Errorf("translate db %d: %w", db, err)
		}
	}
	return res, nil
}

// Cutover releases the held messages (see store.Cutover); it returns how
// many it released, 0 when called again. When ctx carries a progress.Func,
// it reports the release phase as the held count goes down.
func (im *Importer) Cutover(ctx context.Context) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if progress.Watched(ctx) {
		return im.cutoverWatched(ctx)
	}
	return im.st.Cutover()
}
