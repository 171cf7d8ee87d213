package mirror

import (
	"slices"

	"github.com/hdt3213/rdb/model"

	"github.com/waqhq/waq/store/keyspace"
)

// putStream writes a stream of the RDB (BullMQ's bull:Q:events): its live
// entries, counters, groups, pending entries and consumers, so that XREAD
// and XREADGROUP against waq see what they saw against the source, and the
// XADDs the source streams afterwards extend it.
//
// The RDB parser hands each entry's fields as a map: an entry with the
// fields of its node's first entry gets their order back; any other gets
// its fields in byte order (Redis keeps the order they were added in).
func putStream(tx *keyspace.Tx, db int, key []byte, v *model.StreamObject) error {
	s, err := tx.CreateStream(db, key)
	if err != nil {
		return err
	}
	lim := keyspace.NodeLimits{Entries: 100, Bytes: 4096} // Redis's defaults
	for _, node := range v.Entries {
		for _, m := range node.Msgs {
			if m.Deleted || m.Id == nil {
				continue
			}
			if err := s.Add(streamID(m.Id), entryFields(node.Fields, m.Fields), lim); err != nil {
				return err
			}
		}
	}
	s.Last, s.MaxDeleted, s.Added = streamID(v.LastId), streamID(v.MaxDeletedId), int64(v.AddedEntriesCount)
	if err := s.Save(); err != nil {
		return err
	}
	for _, g := range v.Groups {
		if err := putGroup(s, g); err != nil {
			return err
		}
	}
	return nil
}

func putGroup(s *keyspace.XStream, g *model.StreamGroup) error {
	name := []byte(g.Name)
	// entries-read is saved as an unsigned number; -1 (unknown) wraps.
	if err := s.PutGroup(&keyspace.Group{Name: name, Last: streamID(g.LastId), EntriesRead: int64(g.EntriesRead)}); err != nil {
		return err
	}
	owner := map[keyspace.StreamID][]byte{}
	for _, c := range g.Consumers {
		if _, err := s.PutConsumer(name, []byte(c.Name), int64(c.SeenTime)); err != nil {
			return err
		}
		for _, id := range c.Pending {
			owner[streamID(id)] = []byte(c.Name)
		}
	}
	for _, p := range g.Pending {
		id := streamID(p.Id)
		c, ok := owner[id]
		if !ok {
			continue // Redis saves no pending entry without a consumer
		}
		pe := &keyspace.Pending{ID: id, Consumer: c, Delivered: int64(p.DeliveryTime), Deliveries: int64(p.DeliveryCount)}
		if err := s.PutPending(name, pe); err != nil {
			return err
		}
	}
	return nil
}

func streamID(id *model.StreamId) keyspace.StreamID {
	if id == nil {
		return keyspace.StreamID{}
	}
	return keyspace.StreamID{Ms: id.Ms, Seq: id.Sequence}
}

// entryFields lays out an entry's fields and values: in master's order
// when the entry has exactly master's fields, else in byte order.
func entryFields(master []string, fields map[string]string) [][]byte {
	names := master
	same := len(master) == len(fields)
	for _, f := range master {
		if _, ok := fields[f]; !ok {
			same = false
		}
	}
	if !same {
		names = make([]string, 0, len(fields))
		for f := range fields {
			names = append(names, f)
		}
		slices.Sort(names)
	}
	out := make([][]byte, 0, 2*len(names))
	for _, f := range names {
		out = append(out, []byte(f), []byte(fields[f]))
	}
	return out
}
