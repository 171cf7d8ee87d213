package resp

import "bytes"

func cmdAppend(c *call) error {
	v, _, err := c.tx.GetString(c.db(), c.args[1])
	if err != nil {
		return err
	}
	nv := append(bytes.Clone(v), c.args[2]...)
	if len(nv) > c.s.opt.MaxBulk {
		return errStringSize
	}
	c.w.int(int64(len(nv)))
	return c.tx.SetString(c.db(), c.args[1], nv, 0, true)
}

// errStringSize refuses a string longer than Options.MaxBulk, which CONFIG
// GET reports as proto-max-bulk-len: Redis's limit is that setting too.
const errStringSize rerr = "ERR string exceeds maximum allowed size (proto-max-bulk-len)"

func cmdStrlen(c *call) error {
	v, _, err := c.tx.GetString(c.db(), c.args[1])
	c.w.int(int64(len(v)))
	return err
}

func cmdGetDel(c *call) error {
	v, ok, err := c.tx.GetString(c.db(), c.args[1])
	if err != nil || !ok {
		c.w.null()
		return err
	}
	c.w.bulk(v)
	_, err = c.tx.Delete(c.db(), c.args[1])
	return err
}

func cmdGetEx(c *call) error {
	o, err := parseSet(c, c.args[2:], true)
	if err != nil {
		return err
	}
	v, ok, err := c.tx.GetString(c.db(), c.args[1])
	if err != nil || !ok {
		c.w.null()
		return err
	}
	c.w.bulk(v)
	switch {
	case o.keep: // PERSIST
		_, err = c.tx.SetExpire(c.db(), c.args[1], 0)
	case o.at != 0:
		_, err = c.tx.SetExpire(c.db(), c.args[1], o.at)
	}
	return err
}

func cmdGetSet(c *call) error {
	v, ok, err := c.tx.GetString(c.db(), c.args[1])
	if err != nil {
		return err
	}
	if ok {
		c.w.bulk(v)
	} else {
		c.w.null()
	}
	return c.tx.SetString(c.db(), c.args[1], c.args[2], 0, false)
}

func cmdGetRange(c *call) error {
	start, err := intArg(c.args[2])
	if err != nil {
		return err
	}
	end, err := intArg(c.args[3])
	if err != nil {
		return err
	}
	v, _, err := c.tx.GetString(c.db(), c.args[1])
	if err != nil {
		return err
	}
	n := int64(len(v))
	if start < 0 && end < 0 && start > end {
		c.w.bulk(nil)
		return nil
	}
	if start < 0 {
		start = max(n+start, 0)
	}
	if end < 0 {
		end = max(n+end, 0)
	}
	end = min(end, n-1)
	if start > end || n == 0 {
		c.w.bulk(nil)
		return nil
	}
	c.w.bulk(v[start : end+1])
	return nil
}

func cmdSetRange(c *call) error {
	off, err := intArg(c.args[2])
	if err != nil {
		return err
	}
	if off < 0 {
		return rerr("ERR offset is out of range")
	}
	v, ok, err := c.tx.GetString(c.db(), c.args[1])
	if err != nil {
		return err
	}
	val := c.args[3]
	if len(val) == 0 {
		c.w.int(int64(len(v)))
		return nil
	}
	if off > int64(c.s.opt.MaxBulk-len(val)) { // off+len could overflow

		return errStringSize
	}
	nv := bytes.Clone(v)
	if need := int(off) + len(val); need > len(nv) {
		nv = append(nv, make([]byte, need-len(nv))...)
	}
	copy(nv[off:], val)
	c.w.int(int64(len(nv)))
	_ = ok
	return c.tx.SetString(c.db(), c.args[1], nv, 0, true)
}
