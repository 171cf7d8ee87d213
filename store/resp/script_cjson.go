package resp

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// The library "cjson" of Redis's scripts (lua-cjson's API): encode and
// decode, cjson.null, and the settings the suite and BullMQ use.

type cjsonConf struct {
	encodeDepth, decodeDepth int
	invalidNumbers           bool
	null                     *lua.LUserData
}

func cjsonLib(L *lua.LState) *lua.LTable {
	conf := &cjsonConf{encodeDepth: 1000, decodeDepth: 1000, null: L.NewUserData()}
	t := L.NewTable()
	depth := func(p *int) lua.LGFunction {
		return func(L *lua.LState) int {
			if L.GetTop() >= 1 {
				n := L.CheckInt(1)
				if n < 1 || n > math.MaxInt32 {
					L.ArgError(1, "expected integer between 1 and 2147483647")
				}
				*p = n
			}
			L.Push(lua.LNumber(*p))
			return 1
		}
	}
	for name, fn := range map[string]lua.LGFunction{
		"encode": func(L *lua.LState) int {
			var b strings.Builder
			conf.encode(L, &b, L.CheckAny(1), 0)
			L.Push(lua.LString(b.String()))
			return 1
		},
		"decode": func(L *lua.LState) int {
			d := &jsonDecoder{L: L, s: L.CheckString(1), conf: conf}
			v := d.value(0)
			if d.skipSpace(); d.i < len(d.s) {
				d.fail("the end")
			}
			L.Push(v)
			return 1
		},
		"encode_max_depth": depth(&conf.encodeDepth),
		"decode_max_depth": depth(&conf.decodeDepth),
		"encode_invalid_numbers": func(L *lua.LState) int {
			if L.GetTop() >= 1 {
				conf.invalidNumbers = L.ToBool(1)
			}
			L.Push(lua.LBool(conf.invalidNumbers))
			return 1
		},
		"encode_keep_buffer":      luaTrue,
		"encode_number_precision": func(L *lua.LState) int { L.Push(lua.LNumber(14)); return 1 },
		"encode_sparse_array":     luaTrue,
		"decode_invalid_numbers":  luaTrue,
	} {
		t.RawSetString(name, L.NewFunction(fn))
	}
	t.RawSetString("null", conf.null)
	t.RawSetString("_NAME", lua.LString("cjson"))
	t.RawSetString("_VERSION", lua.LString("2.1.0"))
	return t
}

func luaTrue(L *lua.LState) int {
	L.Push(lua.LTrue)
	return 1
}

func (c *cjsonConf) encode(L *lua.LState, b *strings.Builder, v lua.LValue, depth int) {
	switch v := v.(type) {
	case *lua.LNilType:
		b.WriteString("null")
	case lua.LBool:
		b.WriteString(strconv.FormatBool(bool(v)))
	case lua.LNumber:
		f := float64(v)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			if !c.invalidNumbers {
				L.RaiseError("Cannot serialise number: must not be NaN or Inf")
			}
			b.WriteString(map[bool]string{true: "nan", false: strconv.FormatFloat(f, 'g', -1, 64)}[math.IsNaN(f)])
			return
		}
		b.WriteString(luaNumber(f))
	case lua.LString:
		jsonString(b, string(v))
	case *lua.LTable:
		if depth+1 > c.encodeDepth {
			L.RaiseError("Cannot serialise, excessive nesting (%d)", depth+1)
		}
		c.encodeTable(L, b, v, depth+1)
	case *lua.LUserData:
		if v == c.null {
			b.WriteString("null")
			return
		}
		L.RaiseError("Cannot serialise userdata: type not supported")
	default:
		L.RaiseError("Cannot serialise %s: type not supported", v.Type().String())
	}
}

// encodeTable writes an array when every key is a positive integer (holes
// as null, at most half empty past 10), else an object.
func (c *cjsonConf) encodeTable(L *lua.LState, b *strings.Builder, t *lua.LTable, depth int) {
	n, count, array := 0, 0, true
	luaPairs(t, func(k, _ lua.LValue) {
		f, ok := k.(lua.LNumber)
		if !ok || float64(f) < 1 || float64(f) != math.Floor(float64(f)) {
			array = false
			return
		}
		n, count = max(n, int(f)), count+1
	})
	if array && n > 0 {
		if n > 10 && n > 2*count {
			L.RaiseError("Cannot serialise table: excessively sparse array")
		}
		b.WriteByte('[')
		for i := 1; i <= n; i++ {
			if i > 1 {
				b.WriteByte(',')
			}
			c.encode(L, b, t.RawGetInt(i), depth)
		}
		b.WriteByte(']')
		return
	}
	b.WriteByte('{')
	first := true
	luaPairs(t, func(k, v lua.LValue) {
		if !first {
			b.WriteByte(',')
		}
		first = false
		switch k := k.(type) {
		case lua.LString:
			jsonString(b, string(k))
		case lua.LNumber:
			jsonString(b, luaNumber(float64(k)))
		default:
			L.RaiseError("Cannot serialise %s: table key must be a number or string", k.Type().String())
		}
		b.WriteByte(':')
		c.encode(L, b, v, depth)
	})
	b.WriteByte('}')
}

// luaNumber formats as Lua 5.1's tostring and lua-cjson ("%.14g").
func luaNumber(f float64) string { return fmt.Sprintf("%.14g", f) }

// jsonString writes s quoted as lua-cjson does: '/' and DEL escaped too,
// other bytes as they are.
func jsonString(b *strings.Builder, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"', '\\', '/':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if c < 0x20 || c == 0x7f {
				fmt.Fprintf(b, `\u%04x`, c)
			} else {
				b.WriteByte(c)
			}
		}
	}
	b.WriteByte('"')
}
