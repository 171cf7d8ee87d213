package stats

import (
	"bytes"
	"errors"
	"time"

	"github.com/waqhq/waq/store"
	"github.com/waqhq/waq/store/statsdb"
)

// Reader answers the analytics queries: sums and series of the stored
// counters, the stats of /v1/stats, campaign settings and reports. Sums
// over buckets that are over are cached; the open buckets are read fresh
// every time. A Reader is safe for concurrent use.
type Reader struct {
	st    *store.Store
	loc   *time.Location
	now   func() time.Time
	cache *sumCache
}

// NewReader returns a Reader of the counters in st, with days cut at
// midnight in loc (UTC when nil) and now telling the time (time.Now when
// nil). It fails only when st is nil or the cache cannot be made. Close
// releases the cache.
func NewReader(st *store.Store, loc *time.Location, now func() time.Time) (*Reader, error) {
	if st == nil {
		return nil, errors.New("stats: NewReader needs a store")
	}
	if loc == nil {
		loc = time.UTC
	}
	if now == nil {
		now = time.Now
	}
	c, err := newSumCache()
	if err != nil {
		return nil, err
	}
	return &Reader{st: st, loc: loc, now: now, cache: c}, nil
}

// Close releases the cache. The Reader must not be used afterwards.
func (r *Reader) Close() { r.cache.close() }

// Forget drops every cached sum. A writer that adds counters to a bucket
// that is over (an event with a past time) calls it so that queries see
// them at once rather than within CacheTTL.
func (r *Reader) Forget() { r.cache.clear() }

// Location returns the time zone in which days start.
func (r *Reader) Location() *time.Location { return r.loc }

// epoch is the earliest time a record can have: keys hold unsigned seconds.
var epoch = time.Unix(0, 0)

// Sum returns the sum of dim's level-l buckets whose start is in
// [from, to); zero counters when from is not before to. The buckets that
// ended before the open one (see CacheGrace) are summed once and cached;
// the rest are read every time. It returns the store's errors, and a
// stats error for a corrupt record.
func (r *Reader) Sum(l Level, dim string, from, to time.Time) (Counters, error) {
	var sum Counters
	from = later(from, epoch)
	if !from.Before(to) {
		return sum, nil
	}
	split := earlier(to, later(from, l.Start(r.now().Add(-CacheGrace), r.loc)))
	key := cacheKey(l, dim, from, split)
	var closed *Counters // the sum of [from, split), cached once read
	hit := false
	if from.Before(split) {
		closed, hit = r.cache.get(key)
	}
	err := statsdb.View(r.st, func(tx statsdb.Tx) error {
		if from.Before(split) && !hit {
			closed = new(Counters)
			if err := r.addRecords(tx, l, dim, from, split, closed); err != nil {
				return err
			}
		}
		return r.addRecords(tx, l, dim, split, to, &sum)
	})
	if err != nil {
		return Counters{}, err
	}
	if closed != nil {
		if !hit {
			r.cache.set(key, closed)
		}
		sum.Add(closed)
	}
	return sum, nil
}

// addRecords adds dim's level-l records starting in [from, to) to sum.
func (r *Reader) addRecords(tx statsdb.Tx, l Level, dim string, from, to time.Time, sum *Counters) error {
	var c Counters
	return r.eachRecord(tx, l, dim, from, to, func(_ time.Time, v []byte) error {
		if err := c.Unmarshal(v); err != nil {
			return err
		}
		sum.Add(&c)
		return nil
	})
}

// eachRecord calls fn, in time order, with each stored record of dim at
// level l whose bucket starts in [from, to). It reads one record per
// bucket, and jumps over a run of empty buckets with one seek, so a range
// reaching far before the first record costs nothing. v is valid only
// during fn.
func (r *Reader) eachRecord(tx statsdb.Tx, l Level, dim string, from, to time.Time, fn func(start time.Time, v []byte) error) error {
	end := recordKey(to, "")
	for s := firstStart(l, from, r.loc); s.Before(to); {
		want := recordKey(s, dim)
		var k, v []byte
		tx.Scan(l.bucket(), want, end, func(kk, vv []byte) bool { k, v = kk, vv; return false })
		if k == nil {
			return nil
		}
		switch ks := keyStart(k); {
		case bytes.Equal(k, want):
			if err := fn(s, v); err != nil {
				return err
			}
			s = l.Next(s, r.loc)
		case ks.After(s):
			s = ks // the next bucket that holds any record
		default:
			s = l.Next(s, r.loc) // s holds other dimensions only
		}
	}
	return nil
}

// firstStart returns the first start of a level-l bucket at or after t.
func firstStart(l Level, t time.Time, loc *time.Location) time.Time {
	s := l.Start(t, loc)
	if s.Before(t) {
		s = l.Next(s, loc)
	}
	return s
}

// Total returns the sum of dim's counters over the minutes that start in
// [from, to), reading each part of the range at the coarsest level that
// covers it whole (see spans).
func (r *Reader) Total(dim string, from, to time.Time) (Counters, error) {
	var sum Counters
	for _, sp := range spans(later(from, epoch), to, r.loc) {
		c, err := r.Sum(sp.l, dim, sp.from, sp.to)
		if err != nil {
			return Counters{}, err
		}
		sum.Add(&c)
	}
	return sum, nil
}

// span is a part of a range read at one level.
type span struct {
	l        Level
	from, to time.Time
}

// spans splits [from, to) into whole local days in the middle, whole hours
// around them, and minutes at the edges: a month is some 30 day records,
// "today so far" some hours and at most 59 minutes.
func spans(from, to time.Time, loc *time.Location) []span {
	return appendSpans(nil, Day, from, to, loc)
}

func appendSpans(ss []span, l Level, from, to time.Time, loc *time.Location) []span {
	if !from.Before(to) {
		return ss
	}
	if l == Minute {
		return append(ss, span{Minute, from, to})
	}
	a, b := firstStart(l, from, loc), l.Start(to, loc)
	if !a.Before(b) {
		return appendSpans(ss, l-1, from, to, loc)
	}
	ss = appendSpans(ss, l-1, from, a, loc)
	ss = append(ss, span{l, a, b})
	return appendSpans(ss, l-1, b, to, loc)
}

func later(a, b time.Time) time.Time {
	if a.Before(b) {
		return b
	}
	return a
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
