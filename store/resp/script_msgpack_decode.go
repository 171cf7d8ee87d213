package resp

import (
	"encoding/binary"
	"math"

	lua "github.com/yuin/gopher-lua"
)

type msgpackDecoder struct {
	L     *lua.LState
	s     string
	i     int
	depth int
}

// msgpackDecodeDepth bounds the nesting of what unpack reads.
const msgpackDecodeDepth = 1000

func (d *msgpackDecoder) take(n int) string {
	if n < 0 || d.i+n > len(d.s) {
		d.L.RaiseError("Missing bytes in input.")
	}
	v := d.s[d.i : d.i+n]
	d.i += n
	return v
}

func (d *msgpackDecoder) uint(n int) uint64 {
	b := []byte(d.take(n))
	var v uint64
	for _, c := range b {
		v = v<<8 | uint64(c)
	}
	return v
}

func (d *msgpackDecoder) value() lua.LValue {
	c := d.take(1)[0]
	switch {
	case c <= 0x7f:
		return lua.LNumber(c)
	case c >= 0xe0:
		return lua.LNumber(int8(c))
	case c&0xe0 == 0xa0:
		return lua.LString(d.take(int(c & 0x1f)))
	case c&0xf0 == 0x90:
		return d.array(int(c & 0x0f))
	case c&0xf0 == 0x80:
		return d.mapOf(int(c & 0x0f))
	}
	switch c {
	case 0xc0:
		return lua.LNil
	case 0xc2:
		return lua.LFalse
	case 0xc3:
		return lua.LTrue
	case 0xca:
		return lua.LNumber(math.Float32frombits(uint32(d.uint(4))))
	case 0xcb:
		return lua.LNumber(math.Float64frombits(d.uint(8)))
	case 0xcc, 0xcd, 0xce, 0xcf:
		return lua.LNumber(d.uint(1 << (c - 0xcc)))
	case 0xd0:
		return lua.LNumber(int8(d.uint(1)))
	case 0xd1:
		return lua.LNumber(int16(d.uint(2)))
	case 0xd2:
		return lua.LNumber(int32(d.uint(4)))
	case 0xd3:
		return lua.LNumber(int64(d.uint(8)))
	case 0xd9, 0xc4:
		return lua.LString(d.take(int(d.uint(1))))
	case 0xda, 0xc5:
		return lua.LString(d.take(int(d.uint(2))))
	case 0xdb, 0xc6:
		return lua.LString(d.take(int(binary.BigEndian.Uint32([]byte(d.take(4))))))
	case 0xdc:
		return d.array(int(d.uint(2)))
	case 0xdd:
		return d.array(int(d.uint(4)))
	case 0xde:
		return d.mapOf(int(d.uint(2)))
	case 0xdf:
		return d.mapOf(int(d.uint(4)))
	}
	d.L.RaiseError("Bad data format in input.")
	return nil
}

// array reads n elements; each takes at least one byte, so a count beyond
// the input fails before anything large is allocated.
func (d *msgpackDecoder) array(n int) lua.LValue {
	if n > len(d.s)-d.i {
		d.L.RaiseError("Missing bytes in input.")
	}
	d.nest()
	defer func() { d.depth-- }()
	t := d.L.CreateTable(n, 0)
	for i := 1; i <= n; i++ {
		t.RawSetInt(i, d.value())
	}
	return t
}

func (d *msgpackDecoder) mapOf(n int) lua.LValue {
	if 2*n > len(d.s)-d.i {
		d.L.RaiseError("Missing bytes in input.")
	}
	d.nest()
	defer func() { d.depth-- }()
	t := d.L.NewTable()
	for i := 0; i < n; i++ {
		k := d.value()
		v := d.value()
		if f, ok := k.(lua.LNumber); k != lua.LNil && (!ok || !math.IsNaN(float64(f))) {
			t.RawSet(k, v)
		}
	}
	return t
}

func (d *msgpackDecoder) nest() {
	if d.depth++; d.depth > msgpackDecodeDepth {
		d.L.RaiseError("Too many nested data structures.")
	}
}
