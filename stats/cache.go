package stats

import (
	"encoding/binary"
	"time"

	"github.com/dgraph-io/ristretto/v2"
)

// Cache settings of a Reader.
const (
	// CacheGrace keeps the bucket that held now−CacheGrace open as well as
	// the current one: the tracker may flush the last seconds of a bucket
	// after it ended, and a sum cached without them would stay short.
	CacheGrace = time.Minute
	// CacheTTL bounds how long a cached sum lives. A closed bucket can still
	// change: an event posted with a past "at", or a write of the tracker
	// that lost the race with the bucket's end. Writers that know they
	// wrote into the past call Forget; the rest show within CacheTTL.
	CacheTTL = time.Minute
	// CacheMaxBytes bounds the memory of the cached sums.
	CacheMaxBytes = 32 << 20
	// cacheEntryCost is what one cached sum costs: a Counters is three
	// histograms of 128 counters and a few more numbers, about 3.3 KB.
	cacheEntryCost = 3400
)

// sumCache holds sums over closed buckets, keyed by cacheKey. Values are
// never changed once cached: callers add them into their own Counters.
type sumCache struct {
	c *ristretto.Cache[string, *Counters]
}

func newSumCache() (*sumCache, error) {
	c, err := ristretto.NewCache(&ristretto.Config[string, *Counters]{
		NumCounters:        10 * CacheMaxBytes / cacheEntryCost, // ten per entry, as ristretto advises
		MaxCost:            CacheMaxBytes,
		BufferItems:        64,
		IgnoreInternalCost: true,
	})
	if err != nil {
		return nil, err
	}
	return &sumCache{c}, nil
}

// cacheKey names the sum of dim's level-l buckets starting in [from, to).
func cacheKey(l Level, dim string, from, to time.Time) string {
	b := make([]byte, 0, 17+len(dim))
	b = append(b, byte(l))
	b = binary.BigEndian.AppendUint64(b, uint64(from.Unix()))
	b = binary.BigEndian.AppendUint64(b, uint64(to.Unix()))
	return string(append(b, dim...))
}

func (s *sumCache) get(key string) (*Counters, bool) { return s.c.Get(key) }

// set caches c under key. Ristretto adds it asynchronously and may drop it
// under contention; a dropped sum is only read again.
func (s *sumCache) set(key string, c *Counters) {
	s.c.SetWithTTL(key, c, cacheEntryCost, CacheTTL)
}

func (s *sumCache) clear() { s.c.Clear() }

// wait blocks until the sets before it are applied, for tests.
func (s *sumCache) wait() { s.c.Wait() }

func (s *sumCache) close() { s.c.Close() }
