package resp

import (
	"bytes"
	"strconv"

	"github.com/waqhq/waq/store/keyspace"
)

// scanOpts are the options of SCAN and its typed variants.
type scanOpts struct {
	cursor uint64
	match  []byte
	count  int
	typ    string
}

func parseScan(args [][]byte, typed bool) (scanOpts, error) {
	o := scanOpts{count: 10}
	cur, ok := parseCursor(args[0])
	if !ok {
		return o, rerr("ERR invalid cursor")
	}
	o.cursor = cur
	for i := 1; i < len(args); i += 2 {
		if i+1 >= len(args) {
			return o, errSyntax
		}
		switch v := args[i+1]; {
		case eq(args[i], "count"):
			n, err := intArg(v)
			if err != nil {
				return o, err
			}
			if n < 1 {
				return o, errSyntax
			}
			o.count = int(min(n, 1<<20))
		case eq(args[i], "match"):
			o.match = v
			if string(v) == "*" {
				o.match = nil
			}
		case eq(args[i], "type") && typed:
			o.typ = lower(v)
		default:
			return o, errSyntax
		}
	}
	return o, nil
}

// parseCursor reads a cursor as Redis's strtoul does: an optional sign and
// decimal digits, a negative number wrapping around 2^64, nothing at all
// meaning 0, and the text ending at a NUL byte; a leading space, any other
// byte or a value past 2^64-1 make it invalid. Cursors waq never gave out
// restart the scan.
func parseCursor(b []byte) (uint64, bool) {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	if len(b) == 0 {
		return 0, true
	}
	digits := b
	if b[0] == '+' || b[0] == '-' {
		digits = b[1:]
	}
	if len(digits) == 0 || bytes.ContainsFunc(digits, func(r rune) bool { return r < '0' || r > '9' }) {
		return 0, false
	}
	n, err := strconv.ParseUint(string(digits), 10, 64)
	if err != nil {
		return 0, false
	}
	if b[0] == '-' {
		n = -n
	}
	return n, true
}

func cmdScan(c *call) error {
	o, err := parseScan(c.args[1:], true)
	if err != nil {
		return err
	}
	var keys [][]byte
	var last []byte
	seen, more := 0, false
	c.tx.Scan(c.db(), c.s.cursor(o.cursor), func(k []byte, m *keyspace.Meta) bool {
		if seen == o.count {
			more = true
			return false
		}
		seen++
		last = k
		if (o.match == nil || match(o.match, k)) && (o.typ == "" || o.typ == m.Type.String()) {
			keys = append(keys, k)
		}
		return true
	})
	c.w.array(2)
	if more {
		c.w.bulkString(strconv.FormatUint(c.s.cursors.put(last), 10))
	} else {
		c.w.bulkString("0")
	}
	c.w.bulks(keys)
	return nil
}

// cursor returns the key a SCAN cursor stands for.
func (s *Server) cursor(id uint64) []byte {
	if id == 0 {
		return nil
	}
	return s.cursors.get(id)
}

// collScan answers HSCAN, SSCAN and ZSCAN. Like Redis with its compact
// encodings, a listpack hash or an intset (walked in Redis's order: walk
// gets a nil after) and any collection of up to 128 elements is returned
// whole.
// As in Redis, the cursor is checked first, then the key's type, and the
// options only when the key exists.
func collScan(c *call, typ keyspace.Type, walk func(n int64, after []byte, fn func(f, v []byte) bool) error) error {
	if _, ok := parseCursor(c.args[2]); !ok {
		return rerr("ERR invalid cursor")
	}
	n, err := c.tx.Len(c.db(), c.args[1], typ)
	if err != nil {
		return err
	}
	compact, err := c.tx.Compact(c.db(), c.args[1])
	if err != nil {
		return err
	}
	if n == 0 {
		c.w.array(2)
		c.w.bulkString("0")
		c.w.array(0)
		return nil
	}
	o, err := parseScan(c.args[2:], false)
	if err != nil {
		return err
	}
	if n <= 128 || compact {
		o.count = int(n)
	}
	var out [][]byte
	var last []byte
	seen, more := 0, false
	err = walk(n, c.s.cursor(o.cursor), func(f, v []byte) bool {
		if seen == o.count {
			more = true
			return false
		}
		seen++
		last = f
		if o.match == nil || match(o.match, f) {
			out = append(out, f)
			if typ != keyspace.Set {
				out = append(out, v)
			}
		}
		return true
	})
	c.w.array(2)
	if more {
		c.w.bulkString(strconv.FormatUint(c.s.cursors.put(last), 10))
	} else {
		c.w.bulkString("0")
	}
	c.w.bulks(out)
	return err
}
