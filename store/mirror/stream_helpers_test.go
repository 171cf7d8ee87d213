package mirror

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/waqhq/waq/store"
	"github.com/waqhq/waq/store/keyspace"
)

// sourceStream describes a stream of the source as "id f=v ..." entries
// then "group name last pending consumers".
func sourceStream(t *testing.T, c *redis.Client, k string) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
	for _, m := range c.XRange(ctx, k, "-", "+").Val() {
		var fv []string
		for f, v := range m.Values {
			fv = append(fv, fmt.Sprintf("%s=%v", f, v))
		}
		out = append(out, m.ID+" "+strings.Join(sortedStrings(fv), ","))
	}
	for _, g := range c.XInfoGroups(ctx, k).Val() {
		out = append(out, fmt.Sprintf("group %s %s %d %d", g.Name, g.LastDeliveredID, g.Pending, g.Consumers))
	}
	return out
}

func localStream(tx *keyspace.Tx, db int, k []byte) (any, error) {
	s, err := tx.Stream(db, k)
	if err != nil {
		return nil, err
	}
	es, err := s.Range(keyspace.StreamID{}, keyspace.MaxStreamID, false, 0)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range es {
		var fv []string
		for i := 0; i+1 < len(e.Fields); i += 2 {
			fv = append(fv, string(e.Fields[i])+"="+string(e.Fields[i+1]))
		}
		out = append(out, e.ID.String()+" "+strings.Join(sortedStrings(fv), ","))
	}
	gs, err := s.Groups()
	if err != nil {
		return nil, err
	}
	for _, g := range gs {
		cs, err := s.Consumers(g.Name)
		if err != nil {
			return nil, err
		}
		out = append(out, fmt.Sprintf("group %s %s %d %d", g.Name, g.Last, s.PendingCount(g.Name, nil), len(cs)))
	}
	return out, nil
}

func sortedStrings(s []string) []string {
	slices.Sort(s)
	return s
}

// recentDeliveries checks that the local copies of the group's pending
// entries carry the source's delivery times, not the replica's absent clock.
func recentDeliveries(t *testing.T, st *store.Store, key, group string) {
	t.Helper()
	err := keyspace.New(st).View(func(tx *keyspace.Tx) error {
		s, err := tx.Stream(0, []byte(key))
		if err != nil || s == nil {
			return fmt.Errorf("stream %q: %v", key, err)
		}
		ps, err := s.PendingRange([]byte(group), nil, keyspace.StreamID{}, keyspace.MaxStreamID, 0)
		if len(ps) == 0 {
			t.Errorf("no pending entries in %s", group)
		}
		for _, p := range ps {
			if age := time.Since(time.UnixMilli(p.Delivered)); age < 0 || age > time.Minute {
				t.Errorf("pending %v delivered %v ago", p.ID, age)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
