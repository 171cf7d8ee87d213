package resp

import (
	"bytes"
	"strconv"

	"github.com/waqhq/waq/store/keyspace"
)

func cmdGet(c *call) error {
	v, ok, err := c.tx.GetString(c.db(), c.args[1])
	if err != nil {
		return err
	}
	if !ok {
		c.s.misses.Add(1)
		c.w.null()
		return nil
	}
	c.s.hits.Add(1)
	c.w.bulk(v)
	return nil
}

// setOpts are SET's options after parsing and the expiry as Unix ms.
type setOpts struct {
	nx, xx, get, keep bool
	at                int64
}

// parseSet follows Redis's parseExtendedStringArgumentsOrReply.
func parseSet(c *call, args [][]byte, getex bool) (setOpts, error) {
	var o setOpts
	var unit, exp []byte
	for i := 0; i < len(args); i++ {
		a := lower(args[i])
		switch {
		case a == "nx" && !getex && !o.xx:
			o.nx = true
		case a == "xx" && !getex && !o.nx:
			o.xx = true
		case a == "get" && !getex:
			o.get = true
		case a == "keepttl" && !getex && unit == nil:
			o.keep = true
		case a == "persist" && getex && unit == nil:
			o.keep = true
		case (a == "ex" || a == "px" || a == "exat" || a == "pxat") && !o.keep && unit == nil && i+1 < len(args):
			unit, exp = args[i], args[i+1]
			i++
		default:
			return o, errSyntax
		}
	}
	if unit == nil {
		return o, nil
	}
	n, err := intArg(exp)
	if err != nil {
		return o, err
	}
	at, err := expireAt(c, lower(unit), n)
	o.at = at
	return o, err
}

// expireAt turns an EX/PX/EXAT/PXAT value into Unix ms, with Redis's checks.
func expireAt(c *call, unit string, n int64) (int64, error) {
	bad := rerr("ERR invalid expire time in '" + c.cmd.name + "' command")
	secs := unit == "ex" || unit == "exat"
	if n <= 0 || (secs && n > maxInt/1000) {
		return 0, bad
	}
	if secs {
		n *= 1000
	}
	if unit == "ex" || unit == "px" {
		if n > maxInt-c.tx.Now() {
			return 0, bad
		}
		n += c.tx.Now()
	}
	return n, nil
}

func cmdSet(c *call) error {
	o, err := parseSet(c, c.args[3:], false)
	if err != nil {
		return err
	}
	db, key := c.db(), c.args[1]
	old, found, err := c.tx.GetString(db, key)
	if o.get && err != nil {
		return err
	}
	found = found || err != nil // a key of another type exists
	if o.get {
		if found {
			c.w.bulk(bytes.Clone(old))
		} else {
			c.w.null()
		}
	}
	if (o.nx && found) || (o.xx && !found) {
		if !o.get {
			c.w.null()
		}
		return nil
	}
	if err := c.tx.SetString(db, key, c.args[2], o.at, o.keep); err != nil {
		return err
	}
	if !o.get {
		c.w.ok()
	}
	return nil
}

func cmdSetNX(c *call) error {
	m, err := c.tx.Meta(c.db(), c.args[1])
	if err != nil || m != nil {
		c.w.int(0)
		return err
	}
	c.w.int(1)
	return c.tx.SetString(c.db(), c.args[1], c.args[2], 0, false)
}

func cmdSetEX(c *call) error  { return setex(c, "ex") }
func cmdPSetEX(c *call) error { return setex(c, "px") }

func setex(c *call, unit string) error {
	n, err := intArg(c.args[2])
	if err != nil {
		return err
	}
	at, err := expireAt(c, unit, n)
	if err != nil {
		return err
	}
	c.w.ok()
	return c.tx.SetString(c.db(), c.args[1], c.args[3], at, false)
}

func cmdMGet(c *call) error {
	c.w.array(len(c.args) - 1)
	for _, k := range c.args[1:] {
		v, ok, err := c.tx.GetString(c.db(), k)
		if err != nil || !ok {
			c.w.null()
			continue
		}
		c.w.bulk(v)
	}
	return nil
}

// checkPairs checks MSET's arity and key lengths before anything is written.
func checkPairs(c *call) error {
	if len(c.args)%2 == 0 {
		return errArity(c.cmd.name)
	}
	for i := 1; i < len(c.args); i += 2 {
		if len(c.args[i]) > keyspace.MaxKeyLen {
			return keyspace.ErrKeyTooLong
		}
	}
	return nil
}

func cmdMSet(c *call) error {
	if err := checkPairs(c); err != nil {
		return err
	}
	for i := 1; i < len(c.args); i += 2 {
		if err := c.tx.SetString(c.db(), c.args[i], c.args[i+1], 0, false); err != nil {
			return err
		}
	}
	c.w.ok()
	return nil
}

func cmdMSetNX(c *call) error {
	if err := checkPairs(c); err != nil {
		return err
	}
	for i := 1; i < len(c.args); i += 2 {
		if m, err := c.tx.Meta(c.db(), c.args[i]); err != nil || m != nil {
			c.w.int(0)
			return err
		}
	}
	c.w.int(1)
	for i := 1; i < len(c.args); i += 2 {
		if err := c.tx.SetString(c.db(), c.args[i], c.args[i+1], 0, false); err != nil {
			return err
		}
	}
	return nil
}

func cmdIncr(c *call) error { return incr(c, 1) }
func cmdDecr(c *call) error { return incr(c, -1) }

func cmdIncrBy(c *call) error {
	n, err := intArg(c.args[2])
	if err != nil {
		return err
	}
	return incr(c, n)
}

func cmdDecrBy(c *call) error {
	n, err := intArg(c.args[2])
	if err != nil {
		return err
	}
	if n == minInt {
		return rerr("ERR decrement would overflow")
	}
	return incr(c, -n)
}

// incr adds by to the integer at key, keeping its TTL, as Redis does.
func incr(c *call, by int64) error {
	v, ok, err := c.tx.GetString(c.db(), c.args[1])
	if err != nil {
		return err
	}
	cur := int64(0)
	if ok {
		if cur, ok = parseInt(v); !ok {
			return errNotInt
		}
	}
	if (by < 0 && cur < 0 && by < minInt-cur) || (by > 0 && cur > 0 && by > maxInt-cur) {
		return errOverflow
	}
	cur += by
	c.w.int(cur)
	return c.tx.SetString(c.db(), c.args[1], strconv.AppendInt(nil, cur, 10), 0, true)
}

func cmdIncrByFloat(c *call) error {
	v, ok, err := c.tx.GetString(c.db(), c.args[1])
	if err != nil {
		return err
	}
	if !ok {
		v = nil
	}
	if _, ok := longDouble(c.args[2]); !ok {
		return errNotFloat
	}
	sum, err := addLongDouble(v, c.args[2], errNotFloat)
	if err != nil {
		return err
	}
	c.w.bulkString(sum)
	return c.tx.SetString(c.db(), c.args[1], []byte(sum), 0, true)
}
