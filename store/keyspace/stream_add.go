package keyspace

import (
	"bytes"
	"encoding/binary"
)

// node is a model of one of Redis's stream macro nodes (a listpack in its
// radix tree): approximate trimming removes whole nodes only, so waq must
// know where Redis would have cut them.
type node struct {
	first         StreamID
	live, deleted int64
	bytes         int64
	last          StreamID // the last ID in the node, deleted or not
	fields        [][]byte // the master entry's fields
}

func (n *node) encode() []byte {
	b := make([]byte, 0, 40+16)
	b = binary.BigEndian.AppendUint64(b, uint64(n.live))
	b = binary.BigEndian.AppendUint64(b, uint64(n.deleted))
	b = binary.BigEndian.AppendUint64(b, uint64(n.bytes))
	b = n.last.append(b)
	return append(b, encodeFields(n.fields)...)
}

func decodeNode(first StreamID, v []byte) (*node, error) {
	if len(v) < 40 {
		return nil, errCorrupt
	}
	n := &node{first: first, live: int64(binary.BigEndian.Uint64(v)), deleted: int64(binary.BigEndian.Uint64(v[8:])),
		bytes: int64(binary.BigEndian.Uint64(v[16:])), last: readID(v[24:])}
	f, err := decodeFields(v[40:])
	n.fields = f
	return n, err
}

func (s *XStream) putNode(n *node) error {
	return s.t.sub.Put(s.sub(kindNode, idBytes(n.first)), n.encode())
}

// nodeAt returns the node holding id (the last one starting at or before
// it), or the last node for MaxStreamID; nil when there is none.
func (s *XStream) nodeAt(id StreamID) (*node, error) {
	p := s.sub(kindNode)
	c := s.t.sub.Cursor()
	at := s.sub(kindNode, idBytes(id))
	k, v := c.Seek(at)
	if k == nil || !bytes.Equal(k, at) {
		k, v = c.Prev()
	}
	if k == nil || !bytes.HasPrefix(k, p) {
		return nil, nil
	}
	return decodeNode(readID(k[len(p):]), v)
}

// NodeLimits are stream-node-max-entries and stream-node-max-bytes: when a
// node is full, the next entry starts a new one.
type NodeLimits struct{ Entries, Bytes int64 }

// listpackMax is Redis's limit of one listpack's bytes.
const listpackMax = 1 << 30

// Add appends an entry with id, which the caller checked is after s.Last,
// and saves the stream; ErrKeyTooLong.
func (s *XStream) Add(id StreamID, fields [][]byte, lim NodeLimits) error {
	if len(s.key)+34 > maxSubLen {
		return ErrKeyTooLong
	}
	if err := s.t.sub.Put(s.sub(kindEntry, idBytes(id)), encodeFields(fields)); err != nil {
		return err
	}
	n, err := s.nodeAt(MaxStreamID)
	if err != nil {
		return err
	}
	if n != nil && nodeFull(n, fields, lim) {
		n = nil
	}
	if n == nil {
		n = &node{first: id, fields: fieldNames(fields)}
		n.bytes = lpMasterBytes(n.fields)
	}
	n.live++
	n.last = id
	n.bytes += lpEntryBytes(n, id, fields)
	if err := s.putNode(n); err != nil {
		return err
	}
	s.Last = id
	s.Added++
	s.m.Size++
	return s.Save()
}

func nodeFull(n *node, fields [][]byte, lim NodeLimits) bool {
	maxBytes := lim.Bytes
	if maxBytes <= 0 || maxBytes > listpackMax {
		maxBytes = listpackMax
	}
	total := int64(0)
	for _, f := range fields {
		total += int64(len(f))
	}
	if n.bytes+total >= maxBytes {
		return true
	}
	return lim.Entries > 0 && n.live+n.deleted >= lim.Entries
}

func fieldNames(fv [][]byte) [][]byte {
	var out [][]byte
	for i := 0; i+1 < len(fv); i += 2 {
		out = append(out, fv[i])
	}
	return out
}

// Delete removes the entry with id and reports whether it was there; the
// stream keeps its counters (XDEL).
func (s *XStream) Delete(id StreamID) (bool, error) {
	k := s.sub(kindEntry, idBytes(id))
	if s.t.sub.Get(k) == nil {
		return false, nil
	}
	if err := s.t.sub.Delete(k); err != nil {
		return false, err
	}
	n, err := s.nodeAt(id)
	if err != nil {
		return false, err
	}
	if n != nil {
		if err := s.nodeDeleted(n, 1); err != nil {
			return false, err
		}
	}
	s.m.Size--
	if id.Cmp(s.MaxDeleted) > 0 {
		s.MaxDeleted = id
	}
	return true, s.Save()
}

// nodeDeleted counts d entries of n deleted; a node left without live
// entries by XDEL goes, as Redis frees its listpack.
func (s *XStream) nodeDeleted(n *node, d int64) error {
	n.live -= d
	n.deleted += d
	if n.live <= 0 {
		return s.t.sub.Delete(s.sub(kindNode, idBytes(n.first)))
	}
	return s.putNode(n)
}
