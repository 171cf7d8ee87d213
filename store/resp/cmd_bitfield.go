package resp

import "math"

// BITFIELD and BITFIELD_RO, as Redis 7.0: integers of 1 to 64 bits
// (signed) or 1 to 63 bits (unsigned) at any bit offset of a string, bit 0
// being the most significant bit of the first byte.

var errBitfieldType = rerr("ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.")

type bfOpcode byte

const (
	bfGet bfOpcode = iota
	bfSet
	bfIncr
)

// Overflow behaviours of SET and INCRBY (OVERFLOW WRAP|SAT|FAIL).
const (
	bfWrap byte = iota
	bfSat
	bfFail
)

// bfArgs is how many arguments follow each operation's word.
var (
	bfArgs  = map[string]int{"get": 2, "set": 3, "incrby": 3, "overflow": 1}
	bfCodes = map[string]bfOpcode{"get": bfGet, "set": bfSet, "incrby": bfIncr}
)

type bfOp struct {
	code     bfOpcode
	signed   bool
	bits     int
	offset   int64
	arg      int64
	overflow byte
}

func cmdBitField(c *call) error   { return bitField(c, false) }
func cmdBitFieldRO(c *call) error { return bitField(c, true) }

// bitField parses every operation before running any, so a bad one
// changes nothing.
func bitField(c *call, readOnly bool) error {
	ops, err := bfParse(c, readOnly)
	if err != nil {
		return err
	}
	writes := false
	var end int64 // the byte after the last one a write touches
	for _, op := range ops {
		if op.code != bfGet {
			writes = true
			end = max(end, (op.offset+int64(op.bits)-1)>>3+1)
		}
	}
	v, _, err := c.tx.GetString(c.db(), c.args[1])
	if err != nil {
		return err
	}
	if writes {
		// A copy: v is the store's read-only page. Redis makes the string
		// long enough before it runs the operations, even those that fail
		// with OVERFLOW FAIL.
		nv := make([]byte, max(int64(len(v)), end))
		copy(nv, v)
		v = nv
	}
	c.w.array(len(ops))
	for _, op := range ops {
		bfRun(c.w, v, op)
	}
	if writes {
		c.touch(c.db(), c.args[1])
		return c.tx.SetString(c.db(), c.args[1], v, 0, true)
	}
	return nil
}

// bfParse reads the operations of c.args[2:].
func bfParse(c *call, readOnly bool) ([]bfOp, error) {
	var ops []bfOp
	overflow := bfWrap
	args := c.args[2:]
	for i := 0; i < len(args); i++ {
		word := lower(args[i])
		need, known := bfArgs[word]
		if !known || i+need >= len(args) {
			return nil, errSyntax
		}
		if word == "overflow" {
			switch lower(args[i+1]) {
			case "wrap":
				overflow = bfWrap
			case "sat":
				overflow = bfSat
			case "fail":
				overflow = bfFail
			default:
				return nil, rerr("ERR Invalid OVERFLOW type specified")
			}
			i++
			continue
		}
		op := bfOp{code: bfCodes[word], overflow: overflow}
		var err error
		if op.signed, op.bits, err = bfType(args[i+1]); err != nil {
			return nil, err
		}
		if op.offset, err = bfOffset(c, args[i+2], op.bits); err != nil {
			return nil, err
		}
		if op.code != bfGet {
			if readOnly {
				return nil, rerr("ERR BITFIELD_RO only supports the GET subcommand")
			}
			if op.arg, err = intArg(args[i+3]); err != nil {
				return nil, err
			}
		}
		ops = append(ops, op)
		i += need
	}
	return ops, nil
}

// bfType parses i1…i64 or u1…u63.
func bfType(b []byte) (signed bool, bits int, err error) {
	if len(b) < 2 || (b[0] != 'i' && b[0] != 'I' && b[0] != 'u' && b[0] != 'U') {
		return false, 0, errBitfieldType
	}
	n, ok := parseInt(b[1:])
	signed = b[0] == 'i' || b[0] == 'I'
	if !ok || n < 1 || (signed && n > 64) || (!signed && n > 63) {
		return false, 0, errBitfieldType
	}
	return signed, int(n), nil
}

// bfOffset parses an offset in bits, or #n for n times the type's width;
// the last bit must fall inside the longest string the server accepts.
func bfOffset(c *call, b []byte, bits int) (int64, error) {
	scale := int64(1)
	if len(b) > 0 && b[0] == '#' {
		b, scale = b[1:], int64(bits)
	}
	n, ok := parseInt(b)
	if !ok || n < 0 || n > math.MaxInt64/scale {
		return 0, errBitOffset
	}
	n *= scale
	if n>>3 >= int64(c.s.opt.MaxBulk) {
		return 0, errBitOffset
	}
	return n, nil
}
