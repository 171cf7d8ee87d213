package resp

import (
	"math"
	"math/bits"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// The library "bit" of Redis's scripts (LuaBitOp's API): 32-bit operations
// on numbers, whose results are signed 32-bit integers.

func bitLib(L *lua.LState) *lua.LTable {
	t := L.NewTable()
	fold := func(op func(a, b uint32) uint32) lua.LGFunction {
		return func(L *lua.LState) int {
			r := toBit(L, 1)
			for i := 2; i <= L.GetTop(); i++ {
				r = op(r, toBit(L, i))
			}
			L.Push(bitNum(r))
			return 1
		}
	}
	shift := func(op func(x uint32, n uint) uint32) lua.LGFunction {
		return func(L *lua.LState) int {
			L.Push(bitNum(op(toBit(L, 1), uint(toBit(L, 2)&31))))
			return 1
		}
	}
	for name, fn := range map[string]lua.LGFunction{
		"tobit":   func(L *lua.LState) int { L.Push(bitNum(toBit(L, 1))); return 1 },
		"bnot":    func(L *lua.LState) int { L.Push(bitNum(^toBit(L, 1))); return 1 },
		"bswap":   func(L *lua.LState) int { L.Push(bitNum(bits.ReverseBytes32(toBit(L, 1)))); return 1 },
		"tohex":   bitToHex,
		"band":    fold(func(a, b uint32) uint32 { return a & b }),
		"bor":     fold(func(a, b uint32) uint32 { return a | b }),
		"bxor":    fold(func(a, b uint32) uint32 { return a ^ b }),
		"lshift":  shift(func(x uint32, n uint) uint32 { return x << n }),
		"rshift":  shift(func(x uint32, n uint) uint32 { return x >> n }),
		"arshift": shift(func(x uint32, n uint) uint32 { return uint32(int32(x) >> n) }),
		"rol":     shift(func(x uint32, n uint) uint32 { return bits.RotateLeft32(x, int(n)) }),
		"ror":     shift(func(x uint32, n uint) uint32 { return bits.RotateLeft32(x, -int(n)) }),
	} {
		t.RawSetString(name, L.NewFunction(fn))
	}
	return t
}

// toBit converts argument i as LuaBitOp does: rounded to an integer, taken
// modulo 2^32.
func toBit(L *lua.LState, i int) uint32 {
	f := float64(L.CheckNumber(i))
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0
	}
	f = math.RoundToEven(f)
	if f >= -(1<<63) && f < 1<<63 {
		return uint32(int64(f))
	}
	return uint32(int64(math.Mod(f, 1<<32)))
}

func bitNum(x uint32) lua.LNumber { return lua.LNumber(int32(x)) }

// bitToHex is bit.tohex(x [, n]): n hex digits (8 by default), upper case
// when n is negative.
func bitToHex(L *lua.LState) int {
	x := toBit(L, 1)
	n := 8
	if L.GetTop() >= 2 {
		n = int(int32(toBit(L, 2)))
	}
	upper := n < 0
	if upper {
		n = -n
	}
	n = min(n, 8)
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := n - 1; i >= 0; i-- {
		b[i] = digits[x&15]
		x >>= 4
	}
	s := string(b)
	if upper {
		s = strings.ToUpper(s)
	}
	L.Push(lua.LString(s))
	return 1
}
