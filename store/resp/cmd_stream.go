package resp

import (
	"bytes"
	"math"
	"strconv"

	"github.com/waqhq/waq/store/keyspace"
)

// XADD XLEN XRANGE XREVRANGE XDEL XTRIM XSETID. The stream's records are
// keyspace's (see keyspace.XStream); here are the arguments, Redis 7.0's
// checks in its order and the replies.

const errBadID rerr = "ERR Invalid stream ID specified as stream command argument"

type sid = keyspace.StreamID

// parseUint is Redis's string2ull: a decimal without a sign, or what C's
// strtoull accepts (leading spaces, a sign, zeros; a minus wraps around).
func parseUint(b []byte) (uint64, bool) {
	if n, ok := parseInt(b); ok {
		return uint64(n), n >= 0
	}
	s := b
	for len(s) > 0 && (s[0] == ' ' || s[0] >= '\t' && s[0] <= '\r') {
		s = s[1:]
	}
	neg := false
	if len(s) > 0 && (s[0] == '+' || s[0] == '-') {
		neg, s = s[0] == '-', s[1:]
	}
	if len(s) == 0 {
		return 0, false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseUint(string(s), 10, 64)
	if err != nil {
		return 0, false
	}
	if neg {
		n = -n
	}
	return n, true
}

// idArg parses an ID as Redis's streamGenericParseIDOrReply: "-" and "+"
// unless strict, ms alone (seq is missingSeq) or ms-seq; with seqAuto,
// "ms-*" leaves the sequence to XADD (auto is then true).
func idArg(b []byte, missingSeq uint64, strict, seqAuto bool) (id sid, auto bool, err error) {
	if i := bytes.IndexByte(b, 0); i >= 0 { // Redis reads a C string
		b = b[:i]
	}
	if len(b) > 127 {
		return id, false, errBadID
	}
	switch string(b) {
	case "-", "+":
		if strict {
			return id, false, errBadID
		}
		if b[0] == '+' {
			return keyspace.MaxStreamID, false, nil
		}
		return id, false, nil
	}
	ms, seq := b, []byte(nil)
	if i := bytes.IndexByte(b, '-'); i >= 0 {
		ms, seq = b[:i], b[i+1:]
	}
	var ok bool
	if id.Ms, ok = parseUint(ms); !ok {
		return id, false, errBadID
	}
	switch {
	case seq == nil:
		id.Seq = missingSeq
	case seqAuto && string(seq) == "*":
		auto = true
	default:
		if id.Seq, ok = parseUint(seq); !ok {
			return id, false, errBadID
		}
	}
	return id, auto, nil
}

// intervalArg parses a range bound: "(" before an ID excludes it.
func intervalArg(b []byte, missingSeq uint64) (sid, bool, error) {
	if len(b) > 1 && b[0] == '(' {
		id, _, err := idArg(b[1:], missingSeq, true, false)
		return id, true, err
	}
	id, _, err := idArg(b, missingSeq, false, false)
	return id, false, err
}

// stream opens the stream at key of the current database.
func (c *call) stream(key []byte) (*keyspace.XStream, error) {
	return c.tx.Stream(c.db(), key)
}

func (c *call) nodeLimits() keyspace.NodeLimits {
	return keyspace.NodeLimits{Entries: c.s.setting("stream-node-max-entries"), Bytes: c.s.setting("stream-node-max-bytes")}
}

// entry writes [id, [field, value, ...]]; nil fields (an entry deleted
// since it was delivered) as a null array.
func (w *reply) entry(e keyspace.Entry) {
	w.array(2)
	w.bulkString(e.ID.String())
	if e.Fields == nil {
		w.nullArray()
		return
	}
	w.bulks(e.Fields)
}

func (w *reply) entries(es []keyspace.Entry) {
	w.array(len(es))
	for _, e := range es {
		w.entry(e)
	}
}

func cmdXLen(c *call) error {
	n, err := c.tx.Len(c.db(), c.args[1], keyspace.Stream)
	c.w.int(n)
	return err
}

func cmdXRange(c *call) error    { return xrange(c, false) }
func cmdXRevRange(c *call) error { return xrange(c, true) }

// xrange answers XRANGE key start end [COUNT n] and XREVRANGE key end start.
func xrange(c *call, rev bool) error {
	sa, ea := c.args[2], c.args[3]
	if rev {
		sa, ea = ea, sa
	}
	start, ex, err := intervalArg(sa, 0)
	if err != nil {
		return err
	}
	var ok bool
	if ex {
		if start, ok = start.Next(); !ok {
			return rerr("ERR invalid start ID for the interval")
		}
	}
	end, ex, err := intervalArg(ea, math.MaxUint64)
	if err != nil {
		return err
	}
	if ex {
		if end, ok = end.Prev(); !ok {
			return rerr("ERR invalid end ID for the interval")
		}
	}
	count := int64(-1)
	for j := 4; j < len(c.args); j++ {
		if !eq(c.args[j], "count") || j+1 >= len(c.args) {
			return errSyntax
		}
		if count, err = intArg(c.args[j+1]); err != nil {
			return err
		}
		count, j = max(count, 0), j+1
	}
	s, err := c.stream(c.args[1])
	if err != nil || s == nil {
		c.w.array(0)
		return err
	}
	if count == 0 {
		c.w.nullArray()
		return nil
	}
	es, err := s.Range(start, end, rev, max(count, 0))
	c.w.entries(es)
	return err
}

// cmdXDel: XDEL key id [id ...]; the type is checked before the IDs.
func cmdXDel(c *call) error {
	s, err := c.stream(c.args[1])
	if err != nil || s == nil {
		c.w.int(0)
		return err
	}
	ids, err := idArgs(c.args[2:])
	if err != nil {
		return err
	}
	n := int64(0)
	for _, id := range ids {
		ok, err := s.Delete(id)
		if err != nil {
			return err
		}
		if ok {
			n++
		}
	}
	if n > 0 {
		c.touch(c.db(), c.args[1])
		c.notify(nStream, "xdel", c.args[1])
	}
	c.w.int(n)
	return nil
}

// cmdXSetID: XSETID key last-id [ENTRIESADDED n] [MAXDELETEDID id].
func cmdXSetID(c *call) error {
	id, _, err := idArg(c.args[2], 0, true, false)
	if err != nil {
		return err
	}
	added, maxDel := int64(-1), sid{}
	for i := 3; i < len(c.args); i += 2 {
		switch {
		case eq(c.args[i], "entriesadded") && i+1 < len(c.args):
			if added, err = intArg(c.args[i+1]); err != nil {
				return err
			}
			if added < 0 {
				return rerr("ERR entries_added must be positive")
			}
		case eq(c.args[i], "maxdeletedid") && i+1 < len(c.args):
			if maxDel, _, err = idArg(c.args[i+1], 0, true, false); err != nil {
				return err
			}
			if id.Cmp(maxDel) < 0 {
				return rerr("ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id")
			}
		default:
			return errSyntax
		}
	}
	s, err := c.stream(c.args[1])
	if err != nil {
		return err
	}
	if s == nil {
		return errNoSuchKey
	}
	if s.Len() > 0 {
		if id.Cmp(s.LastEntry()) < 0 {
			return rerr("ERR The ID specified in XSETID is smaller than the target stream top item")
		}
		if added != -1 && s.Len() > added {
			return rerr("ERR The entries_added specified in XSETID is smaller than the target stream length")
		}
	}
	s.Last = id
	if added != -1 {
		s.Added = added
	}
	if !maxDel.IsZero() {
		s.MaxDeleted = maxDel
	}
	c.w.ok()
	c.notify(nStream, "xsetid", c.args[1])
	return s.Save()
}

// idArgs reads the exact stream IDs of XDEL and XACK.
func idArgs(args [][]byte) ([]sid, error) {
	ids := make([]sid, 0, len(args))
	for _, a := range args {
		id, _, err := idArg(a, 0, true, false)
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}
