package resp

import (
	"math"

	"github.com/waqhq/waq/store/keyspace"
)

// XPENDING: the summary of a group's pending entries, or the entries.

// cmdXPending: XPENDING key group [[IDLE min-idle] start end count [consumer]].
func cmdXPending(c *call) error {
	n := len(c.args)
	if n != 3 && (n < 6 || n > 9) {
		return errSyntax
	}
	var start, end sid
	var count, minIdle int64
	var consumer []byte
	if n >= 6 {
		at := 3
		if eq(c.args[3], "idle") {
			var err error
			if minIdle, err = intArg(c.args[4]); err != nil {
				return err
			}
			if n < 8 {
				return errSyntax
			}
			at += 2
		}
		var err error
		if count, err = intArg(c.args[at+2]); err != nil {
			return err
		}
		count = max(count, 0)
		if start, end, err = pendingRange(c.args[at], c.args[at+1]); err != nil {
			return err
		}
		if at+3 < n {
			consumer = c.args[at+3]
		}
	}
	s, _, err := groupOf(c, c.args[1], c.args[2])
	if err != nil {
		return err
	}
	if n == 3 {
		return pendingSummary(c, s)
	}
	if consumer != nil {
		if cs, err := s.Consumer(c.args[2], consumer); err != nil || cs == nil {
			c.w.array(0)
			return err
		}
	}
	return pendingList(c, s, consumer, start, end, count, minIdle)
}

func pendingRange(a, b []byte) (sid, sid, error) {
	start, ex, err := intervalArg(a, 0)
	if err != nil {
		return start, start, err
	}
	var ok bool
	if ex {
		if start, ok = start.Next(); !ok {
			return start, start, rerr("ERR invalid start ID for the interval")
		}
	}
	end, ex, err := intervalArg(b, math.MaxUint64)
	if err != nil {
		return start, end, err
	}
	if ex {
		if end, ok = end.Prev(); !ok {
			return start, end, rerr("ERR invalid end ID for the interval")
		}
	}
	return start, end, nil
}

func pendingSummary(c *call, s *keyspace.XStream) error {
	group := c.args[2]
	ps, err := s.PendingRange(group, nil, sid{}, keyspace.MaxStreamID, 0)
	if err != nil {
		return err
	}
	c.w.array(4)
	c.w.int(int64(len(ps)))
	if len(ps) == 0 {
		c.w.null()
		c.w.null()
		c.w.nullArray()
		return nil
	}
	c.w.bulkString(ps[0].ID.String())
	c.w.bulkString(ps[len(ps)-1].ID.String())
	cs, err := s.Consumers(group)
	if err != nil {
		return err
	}
	at, n := c.w.mark(), 0
	for _, k := range cs {
		if k.Pending == 0 {
			continue
		}
		c.w.array(2)
		c.w.bulk(k.Name)
		c.w.bulkInt(k.Pending)
		n++
	}
	c.w.fill(at, n)
	return nil
}

func pendingList(c *call, s *keyspace.XStream, consumer []byte, start, end sid, count, minIdle int64) error {
	now := c.streamNow()
	limit := count
	if minIdle != 0 {
		limit = 0
	}
	if count == 0 {
		c.w.array(0)
		return nil
	}
	ps, err := s.PendingRange(c.args[2], consumer, start, end, limit)
	if err != nil {
		return err
	}
	at, n := c.w.mark(), int64(0)
	for _, p := range ps {
		if n >= count {
			break
		}
		if minIdle != 0 && now-p.Delivered < minIdle {
			continue
		}
		c.w.array(4)
		c.w.bulkString(p.ID.String())
		c.w.bulk(p.Consumer)
		c.w.int(max(now-p.Delivered, 0))
		c.w.int(p.Deliveries)
		n++
	}
	c.w.fill(at, int(n))
	return nil
}
