package rdb

import (
	"bytes"
	"strconv"
)

// A node's listpack: the master entry (count of live entries, count of
// deleted ones, the number of master fields, the fields, a 0), then each
// entry: flags, ms and seq differences from the master ID, the values alone
// when the entry has the master's fields (flag samefields) or else the
// number of fields and the fields and values, then the entry's element count.
const (
	streamFlagDeleted    = 1
	streamFlagSameFields = 2
)

// nodeReader walks a node's elements.
type nodeReader struct {
	es [][]byte
	i  int
}

func (n *nodeReader) more() bool { return n.i < len(n.es) }

func (n *nodeReader) next() ([]byte, error) {
	if n.i >= len(n.es) {
		return nil, errFormat("stream node truncated")
	}
	n.i++
	return n.es[n.i-1], nil
}

func (n *nodeReader) int() (int64, error) {
	e, err := n.next()
	if err != nil {
		return 0, err
	}
	v, ok := canonicalInt(e)
	if !ok {
		return 0, errFormat("stream node integer expected")
	}
	return v, nil
}

// count reads a non-negative integer no larger than the elements left.
func (n *nodeReader) count() (int, error) {
	v, err := n.int()
	if err != nil {
		return 0, err
	}
	if v < 0 || v > int64(len(n.es)) {
		return 0, errFormat("bad stream node count")
	}
	return int(v), nil
}

func (n *nodeReader) take(k int) ([][]byte, error) {
	if k > len(n.es)-n.i {
		return nil, errFormat("stream node truncated")
	}
	n.i += k
	return n.es[n.i-k : n.i], nil
}

// readStreamNode reads the listpack lp of the node keyed master; its
// entries must come after prev (the last ID of the node before) and ascend.
func readStreamNode(master StreamID, lp []byte, prev *StreamID) (*StreamNode, error) {
	es, err := readListpack(lp)
	if err != nil {
		return nil, err
	}
	if len(es) == 0 {
		return nil, errFormat("empty stream node")
	}
	if prev != nil && master.cmp(*prev) <= 0 {
		return nil, errFormat("stream nodes out of order")
	}
	n := &nodeReader{es: es}
	nd := &StreamNode{Master: master}
	live, deleted, err := n.master(nd)
	if err != nil {
		return nil, err
	}
	seen, gone, last := 0, 0, master
	for n.more() {
		e, del, err := n.entry(nd)
		if err != nil {
			return nil, err
		}
		if (seen > 0 || gone > 0) && e.ID.cmp(last) <= 0 || e.ID.cmp(master) < 0 {
			return nil, errFormat("stream entries out of order")
		}
		last = e.ID
		if del {
			gone++
			continue
		}
		seen++
		nd.Entries = append(nd.Entries, *e)
	}
	if seen != live || gone != deleted {
		return nil, errFormat("stream node counts do not match its entries")
	}
	nd.Deleted, nd.last = gone, last
	return nd, nil
}

// master reads the master entry: the counts of live and deleted entries
// and the master fields, into nd.
func (n *nodeReader) master(nd *StreamNode) (live, deleted int, err error) {
	if live, err = n.count(); err != nil {
		return 0, 0, err
	}
	if deleted, err = n.count(); err != nil {
		return 0, 0, err
	}
	nf, err := n.count()
	if err != nil {
		return 0, 0, err
	}
	if nd.Fields, err = n.take(nf); err != nil {
		return 0, 0, err
	}
	if z, err := n.int(); err != nil || z != 0 {
		return 0, 0, errOr(err, "bad master entry terminator")
	}
	return live, deleted, nil
}

// entry reads one entry and reports whether it is flagged deleted.
func (n *nodeReader) entry(nd *StreamNode) (*StreamEntry, bool, error) {
	start := n.i
	flags, err := n.int()
	if err != nil {
		return nil, false, err
	}
	if flags&^(streamFlagDeleted|streamFlagSameFields) != 0 {
		return nil, false, errFormat("bad stream entry flags")
	}
	ms, err := n.int()
	if err != nil {
		return nil, false, err
	}
	seq, err := n.int()
	if err != nil {
		return nil, false, err
	}
	e := &StreamEntry{ID: StreamID{nd.Master.Ms + uint64(ms), nd.Master.Seq + uint64(seq)}}
	if flags&streamFlagSameFields != 0 {
		vals, err := n.take(len(nd.Fields))
		if err != nil {
			return nil, false, err
		}
		for i, f := range nd.Fields {
			e.Fields = append(e.Fields, f, vals[i])
		}
	} else {
		k, err := n.count()
		if err != nil {
			return nil, false, err
		}
		if e.Fields, err = n.take(2 * k); err != nil {
			return nil, false, err
		}
	}
	if len(e.Fields) == 0 { // XADD never adds one
		return nil, false, errFormat("stream entry without fields")
	}
	elems := n.i - start
	c, err := n.int()
	if err != nil || c != int64(elems) {
		return nil, false, errOr(err, "bad stream entry count")
	}
	return e, flags&streamFlagDeleted != 0, nil
}

// streamNodeListpack is a node's listpack: its live entries only.
func streamNodeListpack(nd *StreamNode) []byte {
	el := [][]byte{itoa(int64(len(nd.Entries))), itoa(0), itoa(int64(len(nd.Fields)))}
	el = append(append(el, nd.Fields...), itoa(0))
	for _, e := range nd.Entries {
		same := sameFields(nd.Fields, e.Fields)
		flags := int64(0)
		if same {
			flags = streamFlagSameFields
		}
		start := len(el)
		el = append(el, itoa(flags), itoa(int64(e.ID.Ms-nd.Master.Ms)), itoa(int64(e.ID.Seq-nd.Master.Seq)))
		if same {
			for i := 1; i < len(e.Fields); i += 2 {
				el = append(el, e.Fields[i])
			}
		} else {
			el = append(append(el, itoa(int64(len(e.Fields)/2))), e.Fields...)
		}
		el = append(el, itoa(int64(len(el)-start)))
	}
	return writeListpack(el)
}

func sameFields(master, fv [][]byte) bool {
	if len(fv) != 2*len(master) {
		return false
	}
	for i, f := range master {
		if !bytes.Equal(fv[2*i], f) {
			return false
		}
	}
	return true
}

func itoa(v int64) []byte { return strconv.AppendInt(nil, v, 10) }
