package resp

import (
	"github.com/waqhq/waq/store/keyspace"
	"github.com/waqhq/waq/store/rdb"
)

// dumpStream reads the stream at key for rdb.Encode: its entries in the
// nodes the keyspace models (Redis's cuts by stream-node-max-entries and
// -bytes), its counters, groups, consumers and pending entries.
func dumpStream(c *call, db int, key []byte) (*rdb.Value, error) {
	s, err := c.tx.Stream(db, key)
	if err != nil || s == nil {
		return nil, err
	}
	cuts, err := s.NodeCuts()
	if err != nil {
		return nil, err
	}
	es, err := s.Range(keyspace.StreamID{}, keyspace.MaxStreamID, false, 0)
	if err != nil {
		return nil, err
	}
	v := &rdb.StreamValue{Nodes: streamNodes(cuts, es), Length: uint64(s.Len()), Last: rdbID(s.Last),
		First: rdbID(s.First()), MaxDeleted: rdbID(s.MaxDeleted), Added: uint64(s.Added)}
	groups, err := s.Groups()
	if err != nil {
		return nil, err
	}
	for _, g := range groups {
		rg, err := dumpGroup(s, g)
		if err != nil {
			return nil, err
		}
		v.Groups = append(v.Groups, *rg)
	}
	return &rdb.Value{Kind: rdb.Stream, Stream: v}, nil
}

// streamNodes puts each entry in the last node that begins at or before
// it; an entry before every cut (none should be) begins a node of its own.
func streamNodes(cuts []keyspace.NodeCut, es []keyspace.Entry) []rdb.StreamNode {
	var out []rdb.StreamNode
	i := -1
	for _, e := range es {
		for i+1 < len(cuts) && cuts[i+1].First.Cmp(e.ID) <= 0 {
			i++
			out = append(out, rdb.StreamNode{Master: rdbID(cuts[i].First), Fields: cuts[i].Fields})
		}
		if len(out) == 0 {
			out = append(out, rdb.StreamNode{Master: rdbID(e.ID), Fields: fieldNames(e.Fields)})
		}
		n := &out[len(out)-1]
		n.Entries = append(n.Entries, rdb.StreamEntry{ID: rdbID(e.ID), Fields: e.Fields})
	}
	return out
}

func fieldNames(fv [][]byte) [][]byte {
	var out [][]byte
	for i := 0; i+1 < len(fv); i += 2 {
		out = append(out, fv[i])
	}
	return out
}

func dumpGroup(s *keyspace.XStream, g *keyspace.Group) (*rdb.StreamGroup, error) {
	rg := &rdb.StreamGroup{Name: g.Name, Last: rdbID(g.Last), EntriesRead: g.EntriesRead}
	ps, err := s.PendingRange(g.Name, nil, keyspace.StreamID{}, keyspace.MaxStreamID, 0)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		rg.Pending = append(rg.Pending, rdb.StreamPending{ID: rdbID(p.ID), Delivered: p.Delivered,
			Deliveries: uint64(p.Deliveries), Consumer: p.Consumer})
	}
	cs, err := s.Consumers(g.Name)
	if err != nil {
		return nil, err
	}
	for _, cn := range cs {
		rg.Consumers = append(rg.Consumers, rdb.StreamConsumer{Name: cn.Name, Seen: cn.Seen})
	}
	return rg, nil
}

func rdbID(id keyspace.StreamID) rdb.StreamID { return rdb.StreamID{Ms: id.Ms, Seq: id.Seq} }

func ksID(id rdb.StreamID) keyspace.StreamID { return keyspace.StreamID{Ms: id.Ms, Seq: id.Seq} }

// checkStreamLen returns keyspace.ErrKeyTooLong when an entry, group or
// consumer of v would not fit in a subkey next to key (the sizes of
// keyspace's stream records), before anything is written.
func checkStreamLen(key []byte, v *rdb.StreamValue) error {
	names := [][]byte{make([]byte, 34)}
	for _, g := range v.Groups {
		for _, cn := range g.Consumers {
			names = append(names, make([]byte, 48+len(g.Name)+2*len(cn.Name)))
		}
		names = append(names, make([]byte, 48+len(g.Name)))
	}
	return keyspace.CheckLen(key, names...)
}

// restoreStream writes v at key, which the caller emptied. Each of v's
// nodes becomes a node of the keyspace's model with its master ID, fields
// and count of deleted entries (XADDs after it cut by the configured
// limits), so that DUMP gives the same nodes back.
func restoreStream(c *call, db int, key []byte, v *rdb.StreamValue) error {
	s, err := c.tx.CreateStream(db, key)
	if err != nil {
		return err
	}
	for _, n := range v.Nodes {
		for i, e := range n.Entries {
			lim := keyspace.NodeLimits{} // never full within a node,
			if i == 0 {
				lim.Entries = 1 // always at its first entry
			}
			if err := s.Add(ksID(e.ID), e.Fields, lim); err != nil {
				return err
			}
		}
		if len(n.Entries) == 0 {
			continue
		}
		if err := s.SetLastNode(keyspace.NodeCut{First: ksID(n.Master), Fields: n.Fields, Deleted: int64(n.Deleted)}); err != nil {
			return err
		}
	}
	s.Last, s.MaxDeleted, s.Added = ksID(v.Last), ksID(v.MaxDeleted), int64(v.Added)
	if err := s.Save(); err != nil {
		return err
	}
	for i := range v.Groups {
		if err := restoreGroup(s, &v.Groups[i]); err != nil {
			return err
		}
	}
	return nil
}

func restoreGroup(s *keyspace.XStream, g *rdb.StreamGroup) error {
	if err := s.PutGroup(&keyspace.Group{Name: g.Name, Last: ksID(g.Last), EntriesRead: g.EntriesRead}); err != nil {
		return err
	}
	for _, cn := range g.Consumers {
		if _, err := s.PutConsumer(g.Name, cn.Name, cn.Seen); err != nil {
			return err
		}
	}
	for _, p := range g.Pending {
		pe := &keyspace.Pending{ID: ksID(p.ID), Consumer: p.Consumer, Delivered: p.Delivered, Deliveries: int64(p.Deliveries)}
		if err := s.PutPending(g.Name, pe); err != nil {
			return err
		}
	}
	return nil
}
