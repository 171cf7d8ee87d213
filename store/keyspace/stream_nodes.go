package keyspace

import "bytes"

// NodeCut is where one of the stream's nodes begins: the first ID added
// to it (deleted since or not) and that entry's fields, its master fields.
// DUMP writes a node per cut so that its payload has Redis's node layout.
type NodeCut struct {
	First   StreamID
	Fields  [][]byte
	Deleted int64 // entries deleted from it, which Redis still counts
}

// NodeCuts returns the stream's nodes in ID order.
func (s *XStream) NodeCuts() ([]NodeCut, error) {
	var out []NodeCut
	p := s.sub(kindNode)
	c := s.t.sub.Cursor()
	for k, v := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, v = c.Next() {
		n, err := decodeNode(readID(k[len(p):]), v)
		if err != nil {
			return nil, err
		}
		out = append(out, NodeCut{First: n.first, Fields: n.fields, Deleted: n.deleted})
	}
	return out, nil
}

// SetLastNode gives the last node cut's first ID and master fields and
// counts cut.Deleted more entries deleted from it: RESTORE keeps the nodes
// of a payload, whose first entries may have been deleted. cut.First must
// lie after the node before and at or before the last node's first entry.
func (s *XStream) SetLastNode(cut NodeCut) error {
	n, err := s.nodeAt(MaxStreamID)
	if err != nil || n == nil {
		return err
	}
	if err := s.t.sub.Delete(s.sub(kindNode, idBytes(n.first))); err != nil {
		return err
	}
	es, err := s.Range(n.first, n.last, false, 0)
	if err != nil {
		return err
	}
	n.first, n.fields, n.deleted = cut.First, cut.Fields, n.deleted+cut.Deleted
	n.bytes = lpMasterBytes(n.fields) // its live entries against the new master
	for _, e := range es {
		n.bytes += lpEntryBytes(n, e.ID, e.Fields)
	}
	return s.putNode(n)
}
