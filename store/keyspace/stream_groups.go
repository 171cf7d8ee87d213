package keyspace

import (
	"bytes"
	"encoding/binary"
)

// Consumer groups: each group's last delivered ID and entries read, its
// pending entries (PEL) by ID, its consumers by name, and each consumer's
// pending entries, all in name and ID order as Redis's radix trees keep them.

// Group is a consumer group.
type Group struct {
	Name        []byte
	Last        StreamID // last delivered ID
	EntriesRead int64    // -1 when unknown
}

// Pending is an entry delivered to a consumer and not yet acknowledged.
type Pending struct {
	ID         StreamID
	Consumer   []byte
	Delivered  int64 // Unix ms of the last delivery
	Deliveries int64
}

// Consumer is a consumer of a group.
type Consumer struct {
	Name    []byte
	Seen    int64 // Unix ms of its last read or claim
	Pending int64
}

func lenPrefixed(b []byte) []byte {
	return append(binary.BigEndian.AppendUint32(make([]byte, 0, 4+len(b)), uint32(len(b))), b...)
}

// CheckGroupLen returns ErrKeyTooLong when a group or consumer name would
// not fit in a subkey with key.
func (s *XStream) CheckGroupLen(names ...[]byte) error {
	n := len(s.key) + 48
	for _, m := range names {
		n += len(m)
	}
	if n > maxSubLen {
		return ErrKeyTooLong
	}
	return nil
}

// Group returns the group named name; nil when there is none.
func (s *XStream) Group(name []byte) (*Group, error) {
	v := s.t.sub.Get(s.sub(kindGroup, name))
	if v == nil {
		return nil, nil
	}
	if len(v) < 24 {
		return nil, errCorrupt
	}
	return &Group{Name: bytes.Clone(name), Last: readID(v), EntriesRead: int64(binary.BigEndian.Uint64(v[16:]))}, nil
}

// PutGroup writes g (creating it) and saves the stream.
func (s *XStream) PutGroup(g *Group) error {
	if err := s.CheckGroupLen(g.Name); err != nil {
		return err
	}
	v := binary.BigEndian.AppendUint64(g.Last.append(make([]byte, 0, 24)), uint64(g.EntriesRead))
	if err := s.t.sub.Put(s.sub(kindGroup, g.Name), v); err != nil {
		return err
	}
	return s.Save()
}

// Groups returns the groups in name order.
func (s *XStream) Groups() ([]*Group, error) {
	var names [][]byte
	p := s.sub(kindGroup)
	c := s.t.sub.Cursor()
	for k, _ := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, _ = c.Next() {
		names = append(names, bytes.Clone(k[len(p):]))
	}
	out := make([]*Group, 0, len(names))
	for _, n := range names {
		g, err := s.Group(n)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, nil
}

// DeleteGroup removes the group with its consumers and pending entries and
// reports whether it existed.
func (s *XStream) DeleteGroup(name []byte) (bool, error) {
	k := s.sub(kindGroup, name)
	if s.t.sub.Get(k) == nil {
		return false, nil
	}
	if err := s.t.sub.Delete(k); err != nil {
		return false, err
	}
	g := lenPrefixed(name)
	for _, kind := range []byte{kindPending, kindConsumer, kindOwned} {
		if err := deletePrefix(s.t.sub, s.sub(kind, g)); err != nil {
			return false, err
		}
	}
	return true, s.Save()
}

func decodePending(id StreamID, v []byte) (*Pending, error) {
	if len(v) < 16 {
		return nil, errCorrupt
	}
	return &Pending{ID: id, Delivered: int64(binary.BigEndian.Uint64(v)),
		Deliveries: int64(binary.BigEndian.Uint64(v[8:])), Consumer: bytes.Clone(v[16:])}, nil
}

// Pending returns the group's pending entry id; nil when there is none.
func (s *XStream) Pending(group []byte, id StreamID) (*Pending, error) {
	v := s.t.sub.Get(s.sub(kindPending, lenPrefixed(group), idBytes(id)))
	if v == nil {
		return nil, nil
	}
	return decodePending(id, v)
}

// PutPending writes p into the group's PEL, moving it from the consumer
// that held it before; the consumer must exist.
func (s *XStream) PutPending(group []byte, p *Pending) error {
	old, err := s.Pending(group, p.ID)
	if err != nil {
		return err
	}
	g := lenPrefixed(group)
	if old != nil && !bytes.Equal(old.Consumer, p.Consumer) {
		if err := s.t.sub.Delete(s.sub(kindOwned, g, lenPrefixed(old.Consumer), idBytes(p.ID))); err != nil {
			return err
		}
	}
	if err := s.t.sub.Put(s.sub(kindOwned, g, lenPrefixed(p.Consumer), idBytes(p.ID)), []byte{}); err != nil {
		return err
	}
	v := binary.BigEndian.AppendUint64(nil, uint64(p.Delivered))
	v = binary.BigEndian.AppendUint64(v, uint64(p.Deliveries))
	return s.t.sub.Put(s.sub(kindPending, g, idBytes(p.ID)), append(v, p.Consumer...))
}

// Ack removes id from the group's PEL and reports whether it was there.
func (s *XStream) Ack(group []byte, id StreamID) (bool, error) {
	p, err := s.Pending(group, id)
	if err != nil || p == nil {
		return false, err
	}
	g := lenPrefixed(group)
	if err := s.t.sub.Delete(s.sub(kindOwned, g, lenPrefixed(p.Consumer), idBytes(id))); err != nil {
		return false, err
	}
	return true, s.t.sub.Delete(s.sub(kindPending, g, idBytes(id)))
}

// PendingRange returns up to count (0: all) pending entries of the group
// from start to end, only consumer's when consumer is not nil.
func (s *XStream) PendingRange(group, consumer []byte, start, end StreamID, count int64) ([]Pending, error) {
	g := lenPrefixed(group)
	p := s.sub(kindPending, g)
	if consumer != nil {
		p = s.sub(kindOwned, g, lenPrefixed(consumer))
	}
	var ids []StreamID
	c := s.t.sub.Cursor()
	for k, _ := c.Seek(append(bytes.Clone(p), idBytes(start)...)); k != nil && bytes.HasPrefix(k, p); k, _ = c.Next() {
		id := readID(k[len(p):])
		if id.Cmp(end) > 0 || count > 0 && int64(len(ids)) >= count {
			break
		}
		ids = append(ids, id)
	}
	out := make([]Pending, 0, len(ids))
	for _, id := range ids {
		pe, err := s.Pending(group, id)
		if err != nil {
			return nil, err
		}
		if pe != nil {
			out = append(out, *pe)
		}
	}
	return out, nil
}

// PendingCount is the number of the group's pending entries (consumer's
// only when it is not nil).
func (s *XStream) PendingCount(group, consumer []byte) int64 {
	g := lenPrefixed(group)
	p := s.sub(kindPending, g)
	if consumer != nil {
		p = s.sub(kindOwned, g, lenPrefixed(consumer))
	}
	n := int64(0)
	c := s.t.sub.Cursor()
	for k, _ := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, _ = c.Next() {
		n++
	}
	return n
}

// Consumer returns the group's consumer name; nil when there is none.
func (s *XStream) Consumer(group, name []byte) (*Consumer, error) {
	v := s.t.sub.Get(s.sub(kindConsumer, lenPrefixed(group), name))
	if v == nil {
		return nil, nil
	}
	if len(v) < 8 {
		return nil, errCorrupt
	}
	return &Consumer{Name: bytes.Clone(name), Seen: int64(binary.BigEndian.Uint64(v)), Pending: s.PendingCount(group, name)}, nil
}

// PutConsumer writes the consumer's seen time, creating it, and reports
// whether it is new.
func (s *XStream) PutConsumer(group, name []byte, seen int64) (bool, error) {
	if err := s.CheckGroupLen(group, name, name); err != nil {
		return false, err
	}
	k := s.sub(kindConsumer, lenPrefixed(group), name)
	created := s.t.sub.Get(k) == nil
	return created, s.t.sub.Put(k, binary.BigEndian.AppendUint64(nil, uint64(seen)))
}

// DeleteConsumer removes the consumer and its pending entries and returns
// how many pending entries it had; -1 when it did not exist.
func (s *XStream) DeleteConsumer(group, name []byte) (int64, error) {
	k := s.sub(kindConsumer, lenPrefixed(group), name)
	if s.t.sub.Get(k) == nil {
		return -1, nil
	}
	ps, err := s.PendingRange(group, name, StreamID{}, MaxStreamID, 0)
	if err != nil {
		return 0, err
	}
	for _, p := range ps {
		if _, err := s.Ack(group, p.ID); err != nil {
			return 0, err
		}
	}
	return int64(len(ps)), s.t.sub.Delete(k)
}

// Consumers returns the group's consumers in name order.
func (s *XStream) Consumers(group []byte) ([]*Consumer, error) {
	p := s.sub(kindConsumer, lenPrefixed(group))
	var names [][]byte
	c := s.t.sub.Cursor()
	for k, _ := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, _ = c.Next() {
		names = append(names, bytes.Clone(k[len(p):]))
	}
	out := make([]*Consumer, 0, len(names))
	for _, n := range names {
		cs, err := s.Consumer(group, n)
		if err != nil {
			return nil, err
		}
		out = append(out, cs)
	}
	return out, nil
}
