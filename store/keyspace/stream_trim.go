package keyspace

import (
	"bytes"
	"strconv"
)

// Trim says how XADD and XTRIM trim a stream: to at most MaxLen entries, or
// (ByID) to entries from MinID on. Approx trims whole nodes only, at most
// Limit entries (0: no limit).
type Trim struct {
	ByID   bool
	MaxLen int64
	MinID  StreamID
	Approx bool
	Limit  int64
}

// Trim removes entries from the start as tr says, node by node as Redis
// does, saves the stream and returns how many it removed.
func (s *XStream) Trim(tr Trim) (int64, error) {
	deleted := int64(0)
	for {
		if !tr.ByID && s.m.Size <= tr.MaxLen {
			break
		}
		n, err := s.firstNode()
		if err != nil {
			return deleted, err
		}
		if n == nil {
			break
		}
		if tr.Limit > 0 && deleted+n.live > tr.Limit {
			break
		}
		whole := n.last.Cmp(tr.MinID) < 0
		if !tr.ByID {
			whole = s.m.Size-n.live >= tr.MaxLen
		}
		if whole {
			if err := s.dropNode(n); err != nil {
				return deleted, err
			}
			deleted += n.live
			continue
		}
		if !tr.Approx {
			d, err := s.trimInside(n, tr)
			deleted += d
			if err != nil {
				return deleted, err
			}
		}
		break
	}
	if deleted == 0 {
		return 0, nil
	}
	return deleted, s.Save()
}

func (s *XStream) firstNode() (*node, error) {
	p := s.sub(kindNode)
	k, v := s.t.sub.Cursor().Seek(p)
	if k == nil || !bytes.HasPrefix(k, p) {
		return nil, nil
	}
	return decodeNode(readID(k[len(p):]), v)
}

// dropNode deletes node n and its entries.
func (s *XStream) dropNode(n *node) error {
	ids, err := s.idRange(n.first, n.last, false, 0)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := s.t.sub.Delete(s.sub(kindEntry, idBytes(id))); err != nil {
			return err
		}
	}
	s.m.Size -= int64(len(ids))
	return s.t.sub.Delete(s.sub(kindNode, idBytes(n.first)))
}

// trimInside deletes entries of n from its start while the stream is over
// MaxLen or they are before MinID; the node stays, with its tombstones.
func (s *XStream) trimInside(n *node, tr Trim) (int64, error) {
	ids, err := s.idRange(n.first, n.last, false, 0)
	if err != nil {
		return 0, err
	}
	d := int64(0)
	for _, id := range ids {
		if !tr.ByID && s.m.Size <= tr.MaxLen || tr.ByID && id.Cmp(tr.MinID) >= 0 {
			break
		}
		if err := s.t.sub.Delete(s.sub(kindEntry, idBytes(id))); err != nil {
			return d, err
		}
		s.m.Size--
		d++
	}
	n.live -= d
	n.deleted += d
	return d, s.putNode(n)
}

// The bytes of Redis's listpack encoding, for nodeFull: a node is cut when
// its listpack would reach stream-node-max-bytes.

// lpMasterBytes is a new listpack with its master entry: count, deleted,
// the number of fields, the fields and a zero.
func lpMasterBytes(fields [][]byte) int64 {
	b := int64(7) + lpIntBytes(1) + lpIntBytes(0) + lpIntBytes(int64(len(fields))) + lpIntBytes(0)
	for _, f := range fields {
		b += lpElemBytes(f)
	}
	return b
}

// lpEntryBytes is one entry: flags, the ID's differences from the node's
// first, the fields (only their values when they are the master's), and
// the count of the entry's elements.
func lpEntryBytes(n *node, id StreamID, fv [][]byte) int64 {
	same := len(fv) == 2*len(n.fields)
	for i := 0; same && i < len(n.fields); i++ {
		same = bytes.Equal(fv[2*i], n.fields[i])
	}
	b := lpIntBytes(0) + lpIntBytes(int64(id.Ms-n.first.Ms)) + lpIntBytes(int64(id.Seq-n.first.Seq))
	count := int64(len(fv)/2) + 3
	if !same {
		b += lpIntBytes(int64(len(fv) / 2))
		count += int64(len(fv)/2) + 1
	}
	for i, f := range fv {
		if !same || i%2 == 1 {
			b += lpElemBytes(f)
		}
	}
	return b + lpIntBytes(count)
}

// lpElemBytes is a string element: stored as an integer when it is one.
func lpElemBytes(v []byte) int64 {
	if len(v) > 0 && len(v) <= 20 && (v[0] != '0' || len(v) == 1) && !(len(v) > 1 && v[0] == '-' && v[1] == '0') {
		if n, err := strconv.ParseInt(string(v), 10, 64); err == nil && v[0] != '+' {
			return lpIntBytes(n)
		}
	}
	l := int64(len(v))
	switch {
	case l < 64:
		l++
	case l < 4096:
		l += 2
	default:
		l += 5
	}
	return l + backlen(l)
}

func lpIntBytes(n int64) int64 {
	var l int64
	switch {
	case n >= 0 && n <= 127:
		l = 1
	case n >= -4096 && n <= 4095:
		l = 2
	case n >= -1<<15 && n < 1<<15:
		l = 3
	case n >= -1<<23 && n < 1<<23:
		l = 4
	case n >= -1<<31 && n < 1<<31:
		l = 5
	default:
		l = 9
	}
	return l + backlen(l)
}

func backlen(l int64) int64 {
	switch {
	case l <= 127:
		return 1
	case l < 16383:
		return 2
	case l < 2097151:
		return 3
	case l < 268435455:
		return 4
	}
	return 5
}

// Nodes is the number of nodes (Redis's radix-tree-keys).
func (s *XStream) Nodes() int64 {
	p := s.sub(kindNode)
	n := int64(0)
	c := s.t.sub.Cursor()
	for k, _ := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, _ = c.Next() {
		n++
	}
	return n
}
