package resp

import "github.com/waqhq/waq/store/keyspace"

// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN], by Redis 7.0's
// dynamic programme, so that IDX lists the same matches in the same order
// (from the ends of the strings backwards).

type lcsOpts struct {
	getLen, getIdx, withLen bool
	minLen                  int64
}

func parseLCS(c *call) (lcsOpts, error) {
	var o lcsOpts
	for j := 3; j < len(c.args); j++ {
		switch a := c.args[j]; {
		case eq(a, "idx"):
			o.getIdx = true
		case eq(a, "len"):
			o.getLen = true
		case eq(a, "withmatchlen"):
			o.withLen = true
		case eq(a, "minmatchlen") && j+1 < len(c.args):
			n, err := intArg(c.args[j+1])
			if err != nil {
				return o, err
			}
			o.minLen, j = max(n, 0), j+1
		default:
			return o, errSyntax
		}
	}
	if o.getIdx && o.getLen {
		return o, rerr("ERR If you want both the length and indexes, please just use IDX.")
	}
	return o, nil
}

// lcsString reads a string for LCS; a missing key is empty.
func lcsString(c *call, key []byte) ([]byte, error) {
	m, err := c.tx.Meta(c.db(), key)
	switch {
	case err != nil || m == nil:
		return nil, err
	case m.Type != keyspace.String:
		return nil, rerr("ERR The specified keys must contain string values")
	}
	return append([]byte(nil), m.Value...), nil
}

func cmdLCS(c *call) error {
	a, err := lcsString(c, c.args[1])
	if err != nil {
		return err
	}
	b, err := lcsString(c, c.args[2])
	if err != nil {
		return err
	}
	o, err := parseLCS(c)
	if err != nil {
		return err
	}
	// The table takes 4 bytes a cell; Redis bounds it by proto-max-bulk-len.
	if cells := (int64(len(a)) + 1) * (int64(len(b)) + 1); cells*4 > int64(c.s.opt.MaxBulk) {
		return rerr("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len")
	}
	t := lcsTable(a, b)
	n := t.at(len(a), len(b))
	if o.getLen {
		c.w.int(int64(n))
		return nil
	}
	if !o.getIdx {
		c.w.bulk(lcsWalk(c, t, a, b, n, o, false))
		return nil
	}
	c.w.mapLen(2)
	c.w.bulkString("matches")
	lcsWalk(c, t, a, b, n, o, true)
	c.w.bulkString("len")
	c.w.int(int64(n))
	return nil
}

type lcsTab struct {
	cells []uint32
	w     int
}

func (t *lcsTab) at(i, j int) uint32 { return t.cells[i*t.w+j] }

func lcsTable(a, b []byte) *lcsTab {
	t := &lcsTab{cells: make([]uint32, (len(a)+1)*(len(b)+1)), w: len(b) + 1}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			switch {
			case a[i-1] == b[j-1]:
				t.cells[i*t.w+j] = t.at(i-1, j-1) + 1
			default:
				t.cells[i*t.w+j] = max(t.at(i-1, j), t.at(i, j-1))
			}
		}
	}
	return t
}

// lcsWalk goes back from the ends, building the common string and, with
// ranges, writing each range of matches (an array of matches whose length
// is filled in after).
func lcsWalk(c *call, t *lcsTab, a, b []byte, n uint32, o lcsOpts, ranges bool) []byte {
	out := make([]byte, n)
	mark, count := 0, 0
	if ranges {
		mark = c.w.mark()
	}
	none := len(a) // no range being tracked
	as, ae, bs, be := none, 0, 0, 0
	idx := int(n)
	for i, j := len(a), len(b); i > 0 && j > 0; {
		emit := false
		if a[i-1] == b[j-1] {
			out[idx-1] = a[i-1]
			switch {
			case as == none:
				as, ae, bs, be = i-1, i-1, j-1, j-1
			case as == i && bs == j: // contiguous: extend backwards
				as, bs = as-1, bs-1
			default:
				emit = true
			}
			if as == 0 || bs == 0 {
				emit = true
			}
			idx, i, j = idx-1, i-1, j-1
		} else {
			if t.at(i-1, j) > t.at(i, j-1) {
				i--
			} else {
				j--
			}
			emit = as != none
		}
		if emit {
			if l := int64(ae - as + 1); ranges && (o.minLen == 0 || l >= o.minLen) {
				lcsRange(c, as, ae, bs, be, l, o.withLen)
				count++
			}
			as = none
		}
	}
	if ranges {
		c.w.fill(mark, count)
	}
	return out
}

func lcsRange(c *call, as, ae, bs, be int, l int64, withLen bool) {
	if withLen {
		c.w.array(3)
	} else {
		c.w.array(2)
	}
	for _, p := range [][2]int{{as, ae}, {bs, be}} {
		c.w.array(2)
		c.w.int(int64(p[0]))
		c.w.int(int64(p[1]))
	}
	if withLen {
		c.w.int(l)
	}
}
