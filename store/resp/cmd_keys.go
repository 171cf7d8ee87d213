package resp

import "github.com/waqhq/waq/store/keyspace"

func cmdDel(c *call) error {
	return count(c, c.args[1:], func(db int, k []byte) (bool, error) { return c.tx.Delete(db, k) })
}

func cmdExists(c *call) error {
	return count(c, c.args[1:], func(db int, k []byte) (bool, error) {
		m, err := c.tx.Meta(db, k)
		return m != nil, err
	})
}

func cmdType(c *call) error {
	m, err := c.tx.Meta(c.db(), c.args[1])
	if err != nil {
		return err
	}
	if m == nil {
		c.w.simple("none")
	} else {
		c.w.simple(m.Type.String())
	}
	return nil
}

// ttl answers TTL, PTTL, EXPIRETIME and PEXPIRETIME.
func ttl(c *call, ms, abs bool) error {
	m, err := c.tx.Meta(c.db(), c.args[1])
	switch {
	case err != nil:
		return err
	case m == nil:
		c.w.int(-2)
	case m.ExpireAt == 0:
		c.w.int(-1)
	case abs && ms:
		c.w.int(m.ExpireAt)
	case abs:
		c.w.int(m.ExpireAt / 1000)
	case ms:
		c.w.int(max(m.ExpireAt-c.tx.Now(), 0))
	default:
		c.w.int((max(m.ExpireAt-c.tx.Now(), 0) + 500) / 1000)
	}
	return nil
}

func cmdTTL(c *call) error         { return ttl(c, false, false) }
func cmdPTTL(c *call) error        { return ttl(c, true, false) }
func cmdExpireTime(c *call) error  { return ttl(c, false, true) }
func cmdPExpireTime(c *call) error { return ttl(c, true, true) }

func cmdExpire(c *call) error    { return expire(c, true, false) }
func cmdPExpire(c *call) error   { return expire(c, false, false) }
func cmdExpireAt(c *call) error  { return expire(c, true, true) }
func cmdPExpireAt(c *call) error { return expire(c, false, true) }

// expire follows Redis's expireGenericCommand: options, then the number,
// then the overflow checks, then the key.
func expire(c *call, secs, abs bool) error {
	f, err := parseExpireFlags(c.args[3:])
	if err != nil {
		return err
	}
	when, err := expireWhen(c, secs, abs)
	if err != nil {
		return err
	}
	m, err := c.tx.Meta(c.db(), c.args[1])
	if err != nil || m == nil {
		c.w.int(0)
		return err
	}
	cur := m.ExpireAt
	if (f.nx && cur != 0) || (f.xx && cur == 0) || (f.gt && (cur == 0 || when <= cur)) || (f.lt && cur != 0 && when >= cur) {
		c.w.int(0)
		return nil
	}
	if when <= 0 {
		when = 1 // in the past: SetExpire deletes the key
	}
	_, err = c.tx.SetExpire(c.db(), c.args[1], when)
	c.w.int(1)
	return err
}

type expireFlags struct{ nx, xx, gt, lt bool }

func parseExpireFlags(args [][]byte) (expireFlags, error) {
	var f expireFlags
	for _, a := range args {
		switch lower(a) {
		case "nx":
			f.nx = true
		case "xx":
			f.xx = true
		case "gt":
			f.gt = true
		case "lt":
			f.lt = true
		default:
			return f, rerr("ERR Unsupported option " + string(a))
		}
	}
	if f.nx && (f.xx || f.gt || f.lt) {
		return f, rerr("ERR NX and XX, GT or LT options at the same time are not compatible")
	}
	if f.gt && f.lt {
		return f, rerr("ERR GT and LT options at the same time are not compatible")
	}
	return f, nil
}

// expireWhen reads the time argument as Unix ms, with Redis's overflow checks.
func expireWhen(c *call, secs, abs bool) (int64, error) {
	when, err := intArg(c.args[2])
	if err != nil {
		return 0, err
	}
	bad := rerr("ERR invalid expire time in '" + c.cmd.name + "' command")
	if secs {
		if when > maxInt/1000 || when < minInt/1000 {
			return 0, bad
		}
		when *= 1000
	}
	base := int64(0)
	if !abs {
		base = c.tx.Now()
	}
	if when > maxInt-base {
		return 0, bad
	}
	return when + base, nil
}

const (
	maxInt = int64(^uint64(0) >> 1)
	minInt = -maxInt - 1
)

func cmdPersist(c *call) error {
	m, err := c.tx.Meta(c.db(), c.args[1])
	if err != nil || m == nil || m.ExpireAt == 0 {
		c.w.int(0)
		return err
	}
	_, err = c.tx.SetExpire(c.db(), c.args[1], 0)
	c.w.int(1)
	return err
}

func cmdKeys(c *call) error {
	at, n := c.w.mark(), 0
	all := string(c.args[1]) == "*"
	c.tx.Scan(c.db(), nil, func(k []byte, _ *keyspace.Meta) bool {
		if all || match(c.args[1], k) {
			c.w.bulk(k)
			n++
		}
		return true
	})
	c.w.fill(at, n)
	return nil
}

func cmdRename(c *call) error {
	ok, err := c.tx.Rename(c.db(), c.args[1], c.args[2])
	if err == nil && !ok {
		return errNoSuchKey
	}
	if err == nil {
		c.w.ok()
	}
	return err
}

func cmdRenameNX(c *call) error {
	src, err := c.tx.Meta(c.db(), c.args[1])
	if err != nil {
		return err
	}
	if src == nil {
		return errNoSuchKey
	}
	dst, err := c.tx.Meta(c.db(), c.args[2])
	if err != nil || dst != nil {
		c.w.int(0)
		return err
	}
	if _, err := c.tx.Rename(c.db(), c.args[1], c.args[2]); err != nil {
		return err
	}
	c.w.int(1)
	return nil
}

func cmdMemoryUsage(c *call) error {
	for j := 3; j < len(c.args); j += 2 {
		if !eq(c.args[j], "samples") || j+1 >= len(c.args) {
			return errSyntax
		}
		if n, err := intArg(c.args[j+1]); err != nil {
			return err
		} else if n < 0 {
			return errSyntax
		}
	}
	n, err := c.tx.Usage(c.db(), c.args[2])
	if err != nil {
		return err
	}
	if n == 0 {
		c.w.null()
	} else {
		c.w.int(n)
	}
	return nil
}

func cmdDBSize(c *call) error {
	n, _ := c.tx.Counts(c.db())
	c.w.int(n)
	return nil
}

func cmdFlushDB(c *call) error {
	if err := flushOpts(c); err != nil {
		return err
	}
	c.touchExisting(c.db())
	if err := c.tx.FlushDB(c.db()); err != nil {
		return err
	}
	c.w.ok()
	return nil
}

func cmdFlushAll(c *call) error {
	if err := flushOpts(c); err != nil {
		return err
	}
	c.touchExisting(-1)
	if err := c.tx.FlushAll(); err != nil {
		return err
	}
	c.w.ok()
	return nil
}

func flushOpts(c *call) error {
	if len(c.args) > 2 || (len(c.args) == 2 && !eq(c.args[1], "async") && !eq(c.args[1], "sync")) {
		return errSyntax
	}
	return nil
}
