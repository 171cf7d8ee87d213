package resp

import (
	"errors"
	"time"

	"github.com/waqhq/waq/store/keyspace"
)

// XREAD and XREADGROUP: [GROUP g c] [COUNT n] [BLOCK ms] [NOACK] STREAMS
// key ... id .... They run outside the pipeline's transaction (~notx) so
// that BLOCK can wait; without it they take one transaction of their own.

// xreadBlockedCount is Redis's COUNT for a blocked read without one.
const xreadBlockedCount = 1000

type xread struct {
	group, consumer []byte
	noack           bool
	count           int64
	block           time.Duration
	blocking        bool
	keys, idArgs    [][]byte
	ids             []sid // resolved after the first look: $ as the last ID, > as MaxStreamID
}

func parseXRead(c *call, group bool) (*xread, error) {
	x := &xread{}
	for i := 1; i < len(c.args); i++ {
		more, o := len(c.args)-i-1, c.args[i]
		switch {
		case eq(o, "block") && more > 0:
			i++
			ms, ok := parseInt(c.args[i])
			if !ok {
				return nil, rerr("ERR timeout is not an integer or out of range")
			}
			if ms < 0 {
				return nil, rerr("ERR timeout is negative")
			}
			x.block, x.blocking = time.Duration(min(ms, int64(1<<62)/int64(time.Millisecond)))*time.Millisecond, true
		case eq(o, "count") && more > 0:
			i++
			n, err := intArg(c.args[i])
			if err != nil {
				return nil, err
			}
			x.count = max(n, 0)
		case eq(o, "streams") && more > 0:
			rest := c.args[i+1:]
			if len(rest)%2 != 0 {
				return nil, rerr("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.")
			}
			x.keys, x.idArgs = rest[:len(rest)/2], rest[len(rest)/2:]
			return x, x.check(group)
		case eq(o, "group") && more >= 2:
			if !group {
				return nil, rerr("ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.")
			}
			x.group, x.consumer = c.args[i+1], c.args[i+2]
			i += 2
		case eq(o, "noack"):
			if !group {
				return nil, rerr("ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.")
			}
			x.noack = true
		default:
			return nil, errSyntax
		}
	}
	return nil, errSyntax
}

func (x *xread) check(group bool) error {
	if group && x.group == nil {
		return rerr("ERR Missing GROUP option for XREADGROUP")
	}
	return nil
}

// resolve looks the keys up: their types, groups and the IDs $ and >.
func (x *xread) resolve(c *call) error {
	x.ids = make([]sid, len(x.keys))
	for i, k := range x.keys {
		s, err := c.stream(k)
		if err != nil {
			return err
		}
		if x.group != nil {
			var g *keyspace.Group
			if s != nil {
				if g, err = s.Group(x.group); err != nil {
					return err
				}
			}
			if g == nil {
				return rerr("NOGROUP No such key '" + string(k) + "' or consumer group '" + string(x.group) + "' in XREADGROUP with GROUP option")
			}
		}
		switch a := x.idArgs[i]; string(a) {
		case "$":
			if x.group != nil {
				return rerr("ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.")
			}
			if s != nil {
				x.ids[i] = s.Last
			}
		case ">":
			if x.group == nil {
				return rerr("ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.")
			}
			x.ids[i] = keyspace.MaxStreamID
		default:
			if x.ids[i], _, err = idArg(a, 0, true, false); err != nil {
				return err
			}
		}
	}
	return nil
}

func cmdXRead(c *call) error      { return xreadCmd(c, false) }
func cmdXReadGroup(c *call) error { return xreadCmd(c, true) }

func xreadCmd(c *call, group bool) error {
	x, err := parseXRead(c, group)
	if err != nil {
		return err
	}
	served, atOnce := false, c.tx != nil // in EXEC: no waiting
	first := func(c *call) error {
		if err := x.resolve(c); err != nil {
			return err
		}
		served, err = x.serve(c, false)
		if err == nil && !served && (!x.blocking || atOnce) {
			c.w.nullArray()
		}
		return err
	}
	if atOnce {
		return first(c)
	}
	err = x.once(c, first)
	c.s.sendEvents(c.cl, err == nil) // XREADGROUP's new consumers
	if err != nil || served || !x.blocking {
		return err
	}
	if x.count == 0 {
		x.count = xreadBlockedCount
	}
	if x.group != nil {
		defer c.s.waitGroup(c.cl, c.db(), x.keys, x.group)()
	}
	err = blockFor(c, x.keys, x.block, func(c *call, retry bool) (bool, error) {
		return x.serve(c, true)
	})
	c.s.sendEvents(c.cl, err == nil)
	return err
}

// once runs fn in a transaction of its own, keeping its reply only when
// the transaction commits.
func (x *xread) once(c *call, fn func(*call) error) error {
	start := c.w.len()
	run := func(tx *keyspace.Tx) error {
		c.w.truncate(start)
		c.cl.events = c.cl.events[:0]
		c.tx = tx
		defer func() { c.tx = nil }()
		err := fn(c)
		var re rerr
		if errors.As(err, &re) || errors.Is(err, keyspace.ErrWrongType) {
			c.w.truncate(start)
			c.w.err(err.Error())
			return nil
		}
		return err
	}
	if x.group == nil {
		return c.s.ks.View(run)
	}
	return c.s.ks.Update(run)
}

// serve writes the entries of the keys that have some after their IDs:
// every such key on the first look, only the first once blocked (as Redis
// answers a blocked client for the key that woke it).
func (x *xread) serve(c *call, blocked bool) (bool, error) {
	var served []int
	var streams []*keyspace.XStream
	for i, k := range x.keys {
		s, err := c.stream(k)
		if errors.Is(err, keyspace.ErrWrongType) && blocked {
			s, err = nil, nil
		}
		if err != nil {
			return false, err
		}
		ok, err := x.ready(c, i, s, blocked)
		if err != nil {
			return false, err
		}
		if ok {
			served, streams = append(served, i), append(streams, s)
			if blocked {
				break
			}
		}
	}
	if len(served) == 0 {
		return false, nil
	}
	if c.w.resp3 {
		c.w.header('%', len(served))
	} else {
		c.w.array(len(served))
	}
	for j, i := range served {
		if !c.w.resp3 {
			c.w.array(2)
		}
		c.w.bulk(x.keys[i])
		if err := x.reply(c, streams[j], i); err != nil {
			return false, err
		}
	}
	return true, nil
}

// ready reports whether key i can be served; for a blocked XREADGROUP,
// a key or group gone is an error reply.
func (x *xread) ready(c *call, i int, s *keyspace.XStream, blocked bool) (bool, error) {
	if x.group != nil && blocked {
		if s == nil {
			return false, rerr("UNBLOCKED the stream key no longer exists")
		}
		g, err := s.Group(x.group)
		if err != nil {
			return false, err
		}
		if g == nil {
			return false, rerr("NOGROUP the consumer group this client was blocked on no longer exists")
		}
	}
	if s == nil {
		return false, nil
	}
	gt := x.ids[i]
	if x.group != nil {
		if gt != keyspace.MaxStreamID {
			return true, nil // history: always answered
		}
		if !c.s.groupInTurn(c.cl, c.db(), x.keys[i], x.group) {
			return false, nil
		}
		g, err := s.Group(x.group)
		if err != nil || g == nil {
			return false, err
		}
		gt = g.Last
	}
	return s.Len() > 0 && s.LastEntry().Cmp(gt) > 0, nil
}
