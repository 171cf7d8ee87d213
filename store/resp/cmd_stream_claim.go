package resp

import (
	"math"

	"github.com/waqhq/waq/store/keyspace"
)

// XPENDING XCLAIM XAUTOCLAIM.

// groupOf opens key's stream and its group, or answers NOGROUP.
func groupOf(c *call, key, group []byte) (*keyspace.XStream, *keyspace.Group, error) {
	s, err := c.stream(key)
	if err != nil {
		return nil, nil, err
	}
	var g *keyspace.Group
	if s != nil {
		if g, err = s.Group(group); err != nil {
			return nil, nil, err
		}
	}
	if g == nil {
		return nil, nil, errNoGroup(key, group)
	}
	return s, g, nil
}

// claimOpts are XCLAIM's options after its IDs.
type claimOpts struct {
	ids               []sid
	force, justID     bool
	delivery, retries int64 // -1: not given
	lastID            sid
}

func parseClaim(c *call, now int64) (claimOpts, error) {
	o := claimOpts{delivery: -1, retries: -1}
	j := 5
	for ; j < len(c.args); j++ {
		id, _, err := idArg(c.args[j], 0, true, false)
		if err != nil {
			break
		}
		o.ids = append(o.ids, id)
	}
	for ; j < len(c.args); j++ {
		more, opt := len(c.args)-1-j, c.args[j]
		var err error
		switch {
		case eq(opt, "force"):
			o.force = true
		case eq(opt, "justid"):
			o.justID = true
		case eq(opt, "idle") && more > 0:
			j++
			o.delivery, err = namedInt(c.args[j], "ERR Invalid IDLE option argument for XCLAIM")
			o.delivery = now - o.delivery
		case eq(opt, "time") && more > 0:
			j++
			o.delivery, err = namedInt(c.args[j], "ERR Invalid TIME option argument for XCLAIM")
		case eq(opt, "retrycount") && more > 0:
			j++
			o.retries, err = namedInt(c.args[j], "ERR Invalid RETRYCOUNT option argument for XCLAIM")
		case eq(opt, "lastid") && more > 0:
			j++
			o.lastID, _, err = idArg(c.args[j], 0, true, false)
		default:
			err = rerr("ERR Unrecognized XCLAIM option '" + string(opt) + "'")
		}
		if err != nil {
			return o, err
		}
	}
	if o.delivery < 0 || o.delivery > now {
		o.delivery = now
	}
	return o, nil
}

func namedInt(b []byte, msg rerr) (int64, error) {
	n, ok := parseInt(b)
	if !ok {
		return 0, msg
	}
	return n, nil
}

// cmdXClaim: XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms]
// [TIME ms] [RETRYCOUNT n] [FORCE] [JUSTID] [LASTID id].
func cmdXClaim(c *call) error {
	s, g, err := groupOf(c, c.args[1], c.args[2])
	if err != nil {
		return err
	}
	minIdle, err := namedInt(c.args[4], "ERR Invalid min-idle-time argument for XCLAIM")
	if err != nil {
		return err
	}
	now := c.streamNow()
	o, err := parseClaim(c, now)
	if err != nil {
		return err
	}
	if o.lastID.Cmp(g.Last) > 0 {
		g.Last = o.lastID
		if err := s.PutGroup(g); err != nil {
			return err
		}
	}
	at, n := c.w.mark(), 0
	for _, id := range o.ids {
		ok, err := claimOne(c, s, id, o, max(minIdle, 0), now)
		if err != nil {
			return err
		}
		if ok {
			n++
		}
	}
	c.w.fill(at, n)
	return nil
}

// claimOne gives pending entry id to the consumer of c.args[3] and writes
// it; false when it is not pending, gone (dropped from the PEL) or not idle
// long enough.
func claimOne(c *call, s *keyspace.XStream, id sid, o claimOpts, minIdle, now int64) (bool, error) {
	group, name := c.args[2], c.args[3]
	p, err := s.Pending(group, id)
	if err != nil {
		return false, err
	}
	e, err := s.Get(id)
	if err != nil || e == nil {
		if p != nil && err == nil {
			_, err = s.Ack(group, id)
		}
		return false, err
	}
	if p == nil && !o.force {
		return false, nil
	}
	if p == nil {
		p = &keyspace.Pending{ID: id, Deliveries: 1}
	} else if minIdle > 0 && now-p.Delivered < minIdle {
		return false, nil
	}
	if err := putConsumer(c, s, c.args[1], group, name, now); err != nil {
		return false, err
	}
	p.Consumer, p.Delivered = name, o.delivery
	switch {
	case o.retries >= 0:
		p.Deliveries = o.retries
	case !o.justID:
		p.Deliveries++
	}
	if o.justID {
		c.w.bulkString(id.String())
	} else {
		c.w.entry(*e)
	}
	return true, s.PutPending(group, p)
}

// cmdXAutoClaim: XAUTOCLAIM key group consumer min-idle-time start
// [COUNT count] [JUSTID].
func cmdXAutoClaim(c *call) error {
	minIdle, err := namedInt(c.args[4], "ERR Invalid min-idle-time argument for XAUTOCLAIM")
	if err != nil {
		return err
	}
	start, _, err := pendingRange(c.args[5], []byte("+"))
	if err != nil {
		return err
	}
	count, o := int64(100), claimOpts{retries: -1}
	for j := 6; j < len(c.args); j++ {
		switch {
		case eq(c.args[j], "count") && j+1 < len(c.args):
			n, ok := parseInt(c.args[j+1])
			if !ok || n < 1 || n > math.MaxInt64/16 {
				return rerr("ERR COUNT must be > 0")
			}
			count, j = n, j+1
		case eq(c.args[j], "justid"):
			o.justID = true
		default:
			return errSyntax
		}
	}
	s, _, err := groupOf(c, c.args[1], c.args[2])
	if err != nil {
		return err
	}
	return autoClaim(c, s, start, count, max(minIdle, 0), o)
}

// autoClaimPage is how many pending entries XAUTOCLAIM reads at a time.
const autoClaimPage = 1024

// autoClaim claims pending entries from start, at most count of them in
// count*10 attempts, and answers the next start (0-0 at the end), the
// claimed entries and the IDs it dropped from the PEL (entries deleted).
func autoClaim(c *call, s *keyspace.XStream, start sid, count, minIdle int64, o claimOpts) error {
	now := c.streamNow()
	o.delivery = now
	attempts := count * 10
	c.w.array(3)
	endAt := c.w.len()
	at, n := c.w.mark(), 0
	var deleted []sid
	next, from := sid{}, start
	for more := true; more; {
		ps, err := s.PendingRange(c.args[2], nil, from, keyspace.MaxStreamID, autoClaimPage)
		if err != nil {
			return err
		}
		for _, p := range ps {
			if attempts == 0 || count == 0 {
				next, more = p.ID, false
				break
			}
			attempts--
			claimed, gone, err := autoClaimOne(c, s, p.ID, o, minIdle, now)
			if err != nil {
				return err
			}
			switch {
			case gone:
				deleted, count = append(deleted, p.ID), count-1
			case claimed:
				n, count = n+1, count-1
			}
		}
		var ok bool
		if more && len(ps) == autoClaimPage {
			from, ok = ps[len(ps)-1].ID.Next()
		}
		more = more && ok
	}
	c.w.fill(at, n)
	c.w.b = append(c.w.b[:endAt], append(bulkOf(next.String()), c.w.b[endAt:]...)...)
	c.w.array(len(deleted))
	for _, id := range deleted {
		c.w.bulkString(id.String())
	}
	return nil
}

// autoClaimOne claims id, or drops it from the PEL when its entry is gone.
func autoClaimOne(c *call, s *keyspace.XStream, id sid, o claimOpts, minIdle, now int64) (claimed, gone bool, err error) {
	e, err := s.Get(id)
	if err != nil {
		return false, false, err
	}
	if e == nil {
		_, err = s.Ack(c.args[2], id)
		return false, true, err
	}
	claimed, err = claimOne(c, s, id, o, minIdle, now)
	return claimed, false, err
}

func bulkOf(s string) []byte {
	var w reply
	w.bulkString(s)
	return w.b
}
