package resp

import (
	"bytes"

	"github.com/waqhq/waq/store/keyspace"
)

// lposOpts are LPOS's options; count -1 means none was given.
type lposOpts struct{ rank, count, maxlen int64 }

func parseLPos(args [][]byte) (lposOpts, error) {
	o := lposOpts{rank: 1, count: -1}
	for j := 0; j < len(args); j++ {
		more := j+1 < len(args)
		var dst *int64
		var neg rerr
		switch {
		case eq(args[j], "rank") && more:
			dst = &o.rank
		case eq(args[j], "count") && more:
			dst, neg = &o.count, "ERR COUNT can't be negative"
		case eq(args[j], "maxlen") && more:
			dst, neg = &o.maxlen, "ERR MAXLEN can't be negative"
		default:
			return o, errSyntax
		}
		j++
		n, err := intArg(args[j])
		if err != nil {
			return o, err
		}
		if neg != "" && n < 0 {
			return o, neg
		}
		if neg == "" && n == 0 {
			return o, rerr("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list")
		}
		*dst = n
	}
	if o.rank == minInt {
		// Redis 7.0 negates the rank, which stays -2^63: every match from
		// the tail is taken, with COUNT ignored.
		o.rank = -1
		if o.count > 0 {
			o.count = 0
		}
	}
	return o, nil
}

func cmdLPos(c *call) error {
	o, err := parseLPos(c.args[3:])
	if err != nil {
		return err
	}
	n, err := c.tx.Len(c.db(), c.args[1], keyspace.List)
	if err != nil {
		return err
	}
	if n == 0 {
		if o.count != -1 {
			c.w.array(0)
		} else {
			c.w.null()
		}
		return nil
	}
	vs, err := all(c, c.args[1])
	if err != nil {
		return err
	}
	found := lpos(vs, c.args[2], o)
	if o.count == -1 {
		if len(found) == 0 {
			c.w.null()
		} else {
			c.w.int(found[0])
		}
		return nil
	}
	c.w.array(len(found))
	for _, i := range found {
		c.w.int(i)
	}
	return nil
}

func lpos(vs [][]byte, x []byte, o lposOpts) []int64 {
	var found []int64
	skip := o.rank - 1
	if o.rank < 0 {
		skip = -o.rank - 1
	}
	for j := 0; j < len(vs); j++ {
		if o.maxlen != 0 && int64(j) >= o.maxlen {
			break
		}
		i := j
		if o.rank < 0 {
			i = len(vs) - 1 - j
		}
		if !bytes.Equal(vs[i], x) {
			continue
		}
		if skip > 0 {
			skip--
			continue
		}
		found = append(found, int64(i))
		if o.count != 0 && int64(len(found)) >= max(o.count, 1) {
			break
		}
	}
	return found
}

func side(b []byte) (left bool, err error) {
	switch {
	case eq(b, "left"):
		return true, nil
	case eq(b, "right"):
		return false, nil
	}
	return false, errSyntax
}

// sides reads the wherefrom and whereto of LMOVE and BLMOVE.
func sides(c *call) (from, to bool, err error) {
	if from, err = side(c.args[3]); err != nil {
		return false, false, err
	}
	to, err = side(c.args[4])
	return from, to, err
}

func cmdLMove(c *call) error {
	from, to, err := sides(c)
	if err != nil {
		return err
	}
	return lmove(c, from, to)
}

func cmdRPopLPush(c *call) error { return lmove(c, false, true) }

func lmove(c *call, from, to bool) error {
	n, err := c.tx.Len(c.db(), c.args[1], keyspace.List)
	if err != nil {
		return err
	}
	if n == 0 {
		c.w.null()
		return nil
	}
	if _, err := c.tx.Len(c.db(), c.args[2], keyspace.List); err != nil {
		return err
	}
	if err := keyspace.CheckLen(c.args[2]); err != nil {
		return err
	}
	if n == 1 && bytes.Equal(c.args[1], c.args[2]) {
		v, _, err := c.tx.LIndex(c.db(), c.args[1], 0) // rotating one element: no change
		c.w.bulk(v)
		return err
	}
	v, _, err := c.tx.LPop(c.db(), c.args[1], from)
	if err != nil {
		return err
	}
	if _, err := c.tx.LPush(c.db(), c.args[2], v, to); err != nil {
		return err
	}
	c.w.bulk(v)
	return nil
}
