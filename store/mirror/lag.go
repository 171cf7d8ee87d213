package mirror

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/waqhq/waq/store/keyspace"
)

// lagEvery is how often the source's own offset is asked for.
const lagEvery = 2 * time.Second

// pollLag asks the source for master_repl_offset (INFO replication) over a
// second, ordinary connection, so Status can tell how far behind the
// mirror is. A failed poll keeps the last value.
func (m *Mirror) pollLag(ctx context.Context) {
	c := redis.NewClient(&redis.Options{Addr: m.src.addr, Username: m.src.user, Password: m.src.pass,
		TLSConfig: m.src.tls, MaxRetries: -1, PoolSize: 1})
	defer c.Close()
	t := time.NewTicker(lagEvery)
	defer t.Stop()
	for {
		if info, err := c.Info(ctx, "replication").Result(); err == nil {
			if off, ok := infoField(info, "master_repl_offset"); ok {
				m.set(func(s *Status) { s.SourceOffset = off })
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// infoField reads an integer field of an INFO reply.
func infoField(info, field string) (int64, bool) {
	for l := range strings.SplitSeq(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(l), field+":"); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			return n, err == nil
		}
	}
	return 0, false
}

// Keys counts the keys of every database of the local keyspace, expired
// ones the sweeper has not deleted included, as DBSIZE does.
func (m *Mirror) Keys() (int64, error) {
	var n int64
	err := m.ks.View(func(tx *keyspace.Tx) error {
		for db := range keyspace.DBs {
			k, _ := tx.Counts(db)
			n += k
		}
		return nil
	})
	return n, err
}
