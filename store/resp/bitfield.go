package resp

import "math"

// The integer arithmetic of BITFIELD: reading and writing a field of a
// string and the overflow rules of SET and INCRBY.

// bfRun runs op on v (already long enough for a write) and writes its
// reply: the value (GET), the old value (SET), the new value (INCRBY), or
// a null when OVERFLOW FAIL refused the change.
func bfRun(w *reply, v []byte, op bfOp) {
	old := bfRead(v, op.offset, op.bits)
	if op.signed {
		old = signExtend(old, op.bits)
	}
	if op.code == bfGet {
		w.int(int64(old))
		return
	}
	value, incr := op.arg, int64(0)
	if op.code == bfIncr {
		value, incr = int64(old), op.arg
	}
	next, over := bfAdd(value, incr, op.bits, op.signed, op.overflow)
	if over && op.overflow == bfFail {
		w.null()
		return
	}
	bfWrite(v, op.offset, op.bits, uint64(next))
	if op.code == bfSet {
		w.int(int64(old))
	} else {
		w.int(next)
	}
}

// bfRead reads bits bits at offset, most significant first; bits past the
// end of v read as zero.
func bfRead(v []byte, offset int64, bits int) uint64 {
	var n uint64
	for i := int64(0); i < int64(bits); i++ {
		bit := offset + i
		n <<= 1
		if byteIdx := bit >> 3; byteIdx < int64(len(v)) && v[byteIdx]&(0x80>>(bit&7)) != 0 {
			n |= 1
		}
	}
	return n
}

func bfWrite(v []byte, offset int64, bits int, n uint64) {
	for i := 0; i < bits; i++ {
		bit := offset + int64(i)
		mask := byte(0x80) >> (bit & 7)
		if n&(1<<(bits-1-i)) != 0 {
			v[bit>>3] |= mask
		} else {
			v[bit>>3] &^= mask
		}
	}
}

func signExtend(n uint64, bits int) uint64 {
	if bits < 64 && n&(1<<(bits-1)) != 0 {
		n |= math.MaxUint64 << bits
	}
	return n
}

// bfAdd returns value+incr for a field of bits bits, wrapped or saturated
// when it does not fit, and whether it did not fit.
func bfAdd(value, incr int64, bits int, signed bool, overflow byte) (int64, bool) {
	if signed {
		return bfAddSigned(value, incr, bits, overflow)
	}
	return bfAddUnsigned(uint64(value), incr, bits, overflow)
}

func bfAddSigned(value, incr int64, bits int, overflow byte) (int64, bool) {
	hi := int64(math.MaxInt64)
	if bits < 64 {
		hi = 1<<(bits-1) - 1
	}
	lo := -hi - 1
	sum := value + incr // wraps in two's complement, as the WRAP result needs
	over := value > hi || (incr > 0 && value > hi-incr)
	under := value < lo || (incr < 0 && value < lo-incr)
	switch {
	case !over && !under:
		return sum, false
	case overflow == bfSat && over:
		return hi, true
	case overflow == bfSat:
		return lo, true
	}
	return int64(signExtend(uint64(sum)&(math.MaxUint64>>(64-bits)), bits)), true
}

func bfAddUnsigned(value uint64, incr int64, bits int, overflow byte) (int64, bool) {
	hi := uint64(1)<<bits - 1
	over := value > hi || (incr > 0 && uint64(incr) > hi-value)
	under := incr < 0 && value <= hi && uint64(-incr) > value
	sum := value + uint64(incr)
	switch {
	case !over && !under:
		return int64(sum), false
	case overflow == bfSat && over:
		return int64(hi), true
	case overflow == bfSat:
		return 0, true
	}
	return int64(sum & hi), true
}
