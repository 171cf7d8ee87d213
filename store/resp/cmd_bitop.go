package resp

// BITOP AND|OR|XOR|NOT destkey key [key ...], as Redis 7.0: a missing
// key is an empty string, shorter strings are padded with zero bytes, and
// an empty result deletes destkey.

// defBitOps adds BITOP, BITFIELD and BITFIELD_RO to the table.
func defBitOps() {
	const b = "bitmap"
	def(b, "bitop", -4, "write denyoom ~touch", 2, -1, 1, cmdBitOp)
	def(b, "bitfield", -2, "write denyoom ~touch", 1, 1, 1, cmdBitField)
	def(b, "bitfield_ro", -2, "readonly fast", 1, 1, 1, cmdBitFieldRO)
	syntax["bitop"] = "operation destkey key [key ...]"
	syntax["bitfield"] = "key [GET encoding offset|[OVERFLOW WRAP|SAT|FAIL] SET encoding offset value|INCRBY encoding offset increment ...]"
	syntax["bitfield_ro"] = "key [GET encoding offset ...]"
}

func cmdBitOp(c *call) error {
	op := lower(c.args[1])
	switch op {
	case "and", "or", "xor":
	case "not":
		if len(c.args) != 4 {
			return rerr("ERR BITOP NOT must be called with a single source key.")
		}
	default:
		return errSyntax
	}
	srcs := make([][]byte, 0, len(c.args)-3)
	n := 0
	for _, key := range c.args[3:] {
		v, _, err := c.tx.GetString(c.db(), key)
		if err != nil {
			return err
		}
		srcs = append(srcs, v)
		n = max(n, len(v))
	}
	c.touch(c.db(), c.args[2])
	if n == 0 {
		if _, err := c.tx.Delete(c.db(), c.args[2]); err != nil {
			return err
		}
		c.w.int(0)
		return nil
	}
	if err := c.tx.SetString(c.db(), c.args[2], bitOp(op, srcs, n), 0, false); err != nil {
		return err
	}
	c.w.int(int64(n))
	return nil
}

// bitOp combines srcs byte by byte into a string of n bytes.
func bitOp(op string, srcs [][]byte, n int) []byte {
	out := make([]byte, n)
	if op == "not" {
		for i := range out {
			out[i] = ^byteAt(srcs[0], i)
		}
		return out
	}
	copy(out, srcs[0])
	for _, s := range srcs[1:] {
		for i := range out {
			b := byteAt(s, i)
			switch op {
			case "and":
				out[i] &= b
			case "or":
				out[i] |= b
			case "xor":
				out[i] ^= b
			}
		}
	}
	return out
}

func byteAt(s []byte, i int) byte {
	if i < len(s) {
		return s[i]
	}
	return 0
}
