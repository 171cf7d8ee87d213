package resp

import (
	"encoding/binary"
	"math"

	lua "github.com/yuin/gopher-lua"
)

// The library "cmsgpack" of Redis's scripts (lua-cmsgpack's API): pack,
// unpack, unpack_one and unpack_limit. BullMQ packs job options with it.

// msgpackDepth is how deep tables are packed; deeper ones pack as nil, so
// a table that holds itself ends.
const msgpackDepth = 16

func msgpackLib(L *lua.LState) *lua.LTable {
	t := L.NewTable()
	for name, fn := range map[string]lua.LGFunction{
		"pack": func(L *lua.LState) int {
			if L.GetTop() == 0 {
				L.RaiseError("bad argument #0 to 'pack' (MessagePack pack needs input.)")
			}
			var b []byte
			for i := 1; i <= L.GetTop(); i++ {
				b = msgpackEncode(b, L.Get(i), 0)
			}
			L.Push(lua.LString(b))
			return 1
		},
		"unpack":     func(L *lua.LState) int { return msgpackUnpack(L, L.CheckString(1), 0, 0, false) },
		"unpack_one": func(L *lua.LState) int { return msgpackUnpack(L, L.CheckString(1), 1, L.OptInt(2, 0), true) },
		"unpack_limit": func(L *lua.LState) int {
			return msgpackUnpack(L, L.CheckString(1), L.CheckInt(2), L.OptInt(3, 0), true)
		},
	} {
		t.RawSetString(name, L.NewFunction(fn))
	}
	t.RawSetString("_NAME", lua.LString("cmsgpack"))
	t.RawSetString("_VERSION", lua.LString("lua-cmsgpack 0.4.0"))
	return t
}

// luaPairs calls fn for each pair of t in the order of Lua's next().
func luaPairs(t *lua.LTable, fn func(k, v lua.LValue)) {
	for k, v := t.Next(lua.LNil); k != lua.LNil; k, v = t.Next(k) {
		fn(k, v)
	}
}

func msgpackEncode(b []byte, v lua.LValue, level int) []byte {
	switch v := v.(type) {
	case lua.LBool:
		if v {
			return append(b, 0xc3)
		}
		return append(b, 0xc2)
	case lua.LNumber:
		f := float64(v)
		if !math.IsInf(f, 0) && f == math.Trunc(f) && f >= math.MinInt64 && f < math.MaxInt64 {
			return msgpackInt(b, int64(f))
		}
		if float64(float32(f)) == f {
			return binary.BigEndian.AppendUint32(append(b, 0xca), math.Float32bits(float32(f)))
		}
		return binary.BigEndian.AppendUint64(append(b, 0xcb), math.Float64bits(f))
	case lua.LString:
		return append(msgpackHeader(b, len(v), 0xa0, 32, 0xd9, 0xda, 0xdb), v...)
	case *lua.LTable:
		if level >= msgpackDepth {
			return append(b, 0xc0)
		}
		return msgpackTable(b, v, level)
	}
	return append(b, 0xc0)
}

// msgpackTable packs an array when the keys are exactly 1..n, else a map.
func msgpackTable(b []byte, t *lua.LTable, level int) []byte {
	count, maxKey, array := 0, 0, true
	luaPairs(t, func(k, _ lua.LValue) {
		count++
		f, ok := k.(lua.LNumber)
		if !ok || f < 1 || float64(f) != math.Trunc(float64(f)) {
			array = false
			return
		}
		maxKey = max(maxKey, int(f))
	})
	if array && maxKey == count {
		b = msgpackHeader(b, count, 0x90, 16, 0, 0xdc, 0xdd)
		for i := 1; i <= count; i++ {
			b = msgpackEncode(b, t.RawGetInt(i), level+1)
		}
		return b
	}
	b = msgpackHeader(b, count, 0x80, 16, 0, 0xde, 0xdf)
	luaPairs(t, func(k, v lua.LValue) {
		b = msgpackEncode(b, k, level+1)
		b = msgpackEncode(b, v, level+1)
	})
	return b
}

// msgpackHeader writes a length: fixed (fix|n below fixMax), then 8 (if
// h8), 16 or 32 bits.
func msgpackHeader(b []byte, n int, fix byte, fixMax int, h8, h16, h32 byte) []byte {
	switch {
	case n < fixMax:
		return append(b, fix|byte(n))
	case h8 != 0 && n <= 0xff:
		return append(b, h8, byte(n))
	case n <= 0xffff:
		return binary.BigEndian.AppendUint16(append(b, h16), uint16(n))
	}
	return binary.BigEndian.AppendUint32(append(b, h32), uint32(n))
}

func msgpackInt(b []byte, n int64) []byte {
	switch {
	case n >= 0 && n <= 127:
		return append(b, byte(n))
	case n >= 0 && n <= 0xff:
		return append(b, 0xcc, byte(n))
	case n >= 0 && n <= 0xffff:
		return binary.BigEndian.AppendUint16(append(b, 0xcd), uint16(n))
	case n >= 0 && n <= 0xffffffff:
		return binary.BigEndian.AppendUint32(append(b, 0xce), uint32(n))
	case n >= 0:
		return binary.BigEndian.AppendUint64(append(b, 0xcf), uint64(n))
	case n >= -32:
		return append(b, byte(n))
	case n >= math.MinInt8:
		return append(b, 0xd0, byte(n))
	case n >= math.MinInt16:
		return binary.BigEndian.AppendUint16(append(b, 0xd1), uint16(n))
	case n >= math.MinInt32:
		return binary.BigEndian.AppendUint32(append(b, 0xd2), uint32(n))
	}
	return binary.BigEndian.AppendUint64(append(b, 0xd3), uint64(n))
}

// msgpackUnpack decodes up to limit objects (0: all) from offset; with
// withOffset the first result is the offset after them, or -1 at the end.
func msgpackUnpack(L *lua.LState, s string, limit, offset int, withOffset bool) int {
	if offset < 0 || offset > len(s) {
		L.RaiseError("Start offset %d greater than input length %d.", offset, len(s))
	}
	d := &msgpackDecoder{L: L, s: s, i: offset}
	var out []lua.LValue
	for d.i < len(s) && (limit <= 0 || len(out) < limit) {
		out = append(out, d.value())
	}
	if withOffset {
		next := d.i
		if next >= len(s) {
			next = -1
		}
		L.Push(lua.LNumber(next))
	}
	for _, v := range out {
		L.Push(v)
	}
	if withOffset {
		return len(out) + 1
	}
	return len(out)
}
