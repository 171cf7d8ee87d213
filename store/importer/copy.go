package importer

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/waqhq/waq/store"
	"github.com/waqhq/waq/store/keyspace"
)

// scanCount is the COUNT hint of each SCAN: one keyspace commit per page.
const scanCount = 500

// dialTimeout bounds reaching the source, so a wrong address fails fast.
const dialTimeout = 5 * time.Second

// source is a connected Redis and the databases to copy from it.
type source struct {
	opts *redis.Options
	dbs  []int
	cls  map[int]*redis.Client
}

// dial checks req and reaches the source with PING, so that a bad or
// unreachable URL is reported before anything is written.
func dial(ctx context.Context, req Request) (*source, error) {
	u, err := url.Parse(req.URL)
	if err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") || u.Host == "" {
		return nil, store.FieldErrorf("url", "must be a Redis URL such as redis://host:6379 or redis://host:6379/0")
	}
	opts, err := redis.ParseURL(req.URL)
	if err != nil {
		return nil, store.FieldErrorf("url", "%v", err)
	}
	opts.DialTimeout, opts.ReadTimeout, opts.MaxRetries = dialTimeout, 30*time.Second, 1
	// RESP2: HGETALL is then a flat array, read in the source's order (a
	// small hash's insertion order), where RESP3's map would become a Go map.
	opts.Protocol = 2
	if opts.DB < 0 || opts.DB >= keyspace.DBs {
		return nil, store.FieldErrorf("url", "database %d is out of range 0 to %d", opts.DB, keyspace.DBs-1)
	}
	for _, db := range req.DBs {
		if db < 0 || db >= keyspace.DBs {
			return nil, store.FieldErrorf("dbs", "database %d is out of range 0 to %d", db, keyspace.DBs-1)
		}
	}
	s := &source{opts: opts, cls: map[int]*redis.Client{}}
	if err := s.client(opts.DB).Ping(ctx).Err(); err != nil {
		s.close()
		return nil, store.Errorf(store.EUNAVAILABLE, "cannot reach Redis at %s: %v", u.Host, err)
	}
	s.dbs = slices.Clone(req.DBs)
	if len(s.dbs) == 0 {
		s.dbs = s.keyspaceDBs(ctx, u)
	}
	slices.Sort(s.dbs)
	s.dbs = slices.Compact(s.dbs)
	return s, nil
}

// client returns a client bound to database db.
func (s *source) client(db int) *redis.Client {
	if c, ok := s.cls[db]; ok {
		return c
	}
	o := *s.opts
	o.DB = db
	c := redis.NewClient(&o)
	s.cls[db] = c
	return c
}

func (s *source) close() {
	for _, c := range s.cls {
		c.Close()
	}
}

var infoDB = regexp.MustCompile(`(?m)^db(\d+):keys=`)

// keyspaceDBs returns the URL's database when it names one, else the
// databases INFO keyspace lists, else 0 (INFO may be refused by a managed
// service).
func (s *source) keyspaceDBs(ctx context.Context, u *url.URL) []int {
	if p := strings.Trim(u.Path, "/"); p != "" {
		return []int{s.opts.DB}
	}
	info, err := s.client(s.opts.DB).Info(ctx, "keyspace").Result()
	if err != nil {
		return []int{0}
	}
	var dbs []int
	for _, m := range infoDB.FindAllStringSubmatch(info, -1) {
		if n, err := strconv.Atoi(m[1]); err == nil && n < keyspace.DBs {
			dbs = append(dbs, n)
		}
	}
	if len(dbs) == 0 {
		return []int{0}
	}
	return dbs
}

// value is one key read from the source.
type value struct {
	key  string
	typ  string
	pttl time.Duration
	cmd  redis.Cmder
}

// copyDB copies every key of database db, one SCAN page per commit. A key
// copied again replaces the local one, so running it twice is harmless.
func (im *Importer) copyDB(ctx context.Context, src *source, db int, res *Result, cp *counter) error {
	c := src.client(db)
	var cursor uint64
	for {
		keys, next, err := c.Scan(ctx, cursor, "*", scanCount).Result()
		if err != nil {
			return fmt.Errorf("scan: %w", err)
		}
		vals, err := read(ctx, c, keys)
		if err != nil {
			return err
		}
		if err := im.write(db, vals, res); err != nil {
			return err
		}
		cp.add(ctx, len(keys))
		if cursor = next; cursor == 0 {
			return nil
		}
	}
}

// read fetches the type, TTL and value of keys in two pipelines.
func read(ctx context.Context, c *redis.Client, keys []string) ([]value, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	p := c.Pipeline()
	types := make([]*redis.StatusCmd, len(keys))
	ttls := make([]*redis.DurationCmd, len(keys))
	for i, k := range keys {
		types[i], ttls[i] = p.Type(ctx, k), p.PTTL(ctx, k)
	}
	if err := execReplies(ctx, p); err != nil {
		return nil, fmt.Errorf("read types: %w", err)
	}
	vals := make([]value, len(keys))
	p = c.Pipeline()
	for i, k := range keys {
		vals[i] = value{key: k, typ: types[i].Val(), pttl: ttls[i].Val()}
		switch vals[i].typ {
		case "string":
			vals[i].cmd = p.Get(ctx, k)
		case "hash":
			c := redis.NewKeyValueSliceCmd(ctx, "hgetall", k) // ordered, unlike HGetAll's map
			_ = p.Process(ctx, c)
			vals[i].cmd = c
		case "list":
			vals[i].cmd = p.LRange(ctx, k, 0, -1)
		case "set":
			vals[i].cmd = p.SMembers(ctx, k)
		case "zset":
			vals[i].cmd = p.ZRangeWithScores(ctx, k, 0, -1)
		}
	}
	if err := execReplies(ctx, p); err != nil {
		return nil, fmt.Errorf("read values: %w", err)
	}
	return vals, nil
}

// execReplies runs p and fails only when the connection did: an error reply
// (a key deleted or retyped between SCAN and the read) is left in its
// command, and write skips that key.
func execReplies(ctx context.Context, p redis.Pipeliner) error {
	_, err := p.Exec(ctx)
	var re redis.Error
	if err != nil && !errors.As(err, &re) {
		return err
	}
	return nil
}
