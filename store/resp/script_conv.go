package resp

import (
	"bytes"
	"math"
	"strconv"

	lua "github.com/yuin/gopher-lua"
)

// The conversions Redis documents between replies and Lua values. A
// command called from a script writes its reply into a buffer (RESP2, or
// RESP3 after redis.setresp(3)), which respToLua reads back.

// respToLua converts the reply at b[at:] and returns the offset after it;
// isErr marks an error reply, converted to {err=…}.
func respToLua(L *lua.LState, b []byte, at int) (v lua.LValue, next int, isErr bool) {
	if at >= len(b) {
		return lua.LFalse, at, false
	}
	end := bytes.Index(b[at:], []byte("\r\n"))
	if end < 0 {
		return lua.LFalse, len(b), false
	}
	line, next := string(b[at+1:at+end]), at+end+2
	switch b[at] {
	case '+':
		t := L.NewTable()
		t.RawSetString("ok", lua.LString(line))
		return t, next, false
	case '-':
		t := L.NewTable()
		t.RawSetString("err", lua.LString(line))
		return t, next, true
	case ':':
		n, _ := strconv.ParseInt(line, 10, 64)
		return lua.LNumber(n), next, false
	case '$', '=':
		n, _ := strconv.Atoi(line)
		if n < 0 {
			return lua.LFalse, next, false
		}
		s := string(b[next : next+n])
		if b[at] == '=' {
			t, inner := L.NewTable(), L.NewTable()
			inner.RawSetString("format", lua.LString(s[:min(3, len(s))]))
			inner.RawSetString("string", lua.LString(s[min(4, len(s)):]))
			t.RawSetString("verbatim_string", inner)
			return t, next + n + 2, false
		}
		return lua.LString(s), next + n + 2, false
	case '*', '~', '%':
		return respAggregate(L, b, b[at], line, next)
	case '_':
		return lua.LNil, next, false
	case '#':
		return lua.LBool(line == "t"), next, false
	case ',':
		f, _ := strconv.ParseFloat(line, 64)
		return wrapped(L, "double", lua.LNumber(f)), next, false
	case '(':
		return wrapped(L, "big_number", lua.LString(line)), next, false
	}
	return lua.LFalse, next, false
}

func wrapped(L *lua.LState, field string, v lua.LValue) *lua.LTable {
	t := L.NewTable()
	t.RawSetString(field, v)
	return t
}

// respAggregate converts an array (a table), a RESP3 set ({set={m=true}})
// or map ({map={k=v}}).
func respAggregate(L *lua.LState, b []byte, kind byte, line string, next int) (lua.LValue, int, bool) {
	n, _ := strconv.Atoi(line)
	if n < 0 {
		return lua.LFalse, next, false
	}
	t := L.NewTable()
	for i := 0; i < n; i++ {
		var v lua.LValue
		v, next, _ = respToLua(L, b, next)
		switch kind {
		case '*':
			t.RawSetInt(i+1, v)
		case '~':
			t.RawSet(v, lua.LTrue)
		case '%':
			var val lua.LValue
			val, next, _ = respToLua(L, b, next)
			t.RawSet(v, val)
		}
	}
	switch kind {
	case '~':
		return wrapped(L, "set", t), next, false
	case '%':
		return wrapped(L, "map", t), next, false
	}
	return t, next, false
}

// luaReplyDepth bounds the nesting of a script's reply (a table that holds
// itself would never end).
const luaReplyDepth = 1000

// luaToReply writes a script's return value as Redis does: a number as an
// integer (truncated), a string as a bulk string, true as 1 and false as
// null, {ok=…} and {err=…} as status and error, and
// {double=…}, {map=…}, {set=…}, {big_number=…} as RESP3's types; any other
// table as an array of its elements up to the first nil. Booleans follow
// the script's protocol (redis.setresp): RESP2's 1 and null, else booleans.
func luaToReply(w *reply, v lua.LValue, resp, depth int) {
	switch v := v.(type) {
	case lua.LString:
		w.bulkString(string(v))
	case lua.LNumber:
		w.int(luaInt(float64(v)))
	case lua.LBool:
		switch {
		case resp == 3 && w.resp3 && bool(v):
			w.b = append(w.b, "#t\r\n"...)
		case resp == 3 && w.resp3:
			w.b = append(w.b, "#f\r\n"...)
		case resp == 3:
			w.bool(bool(v))
		case bool(v):
			w.int(1)
		default:
			w.null()
		}
	case *lua.LTable:
		if depth >= luaReplyDepth {
			w.err("ERR reached lua stack limit")
			return
		}
		luaTableReply(w, v, resp, depth)
	default:
		w.null()
	}
}

func luaTableReply(w *reply, t *lua.LTable, resp, depth int) {
	if s, ok := t.RawGetString("err").(lua.LString); ok {
		w.err(string(s))
		return
	}
	if s, ok := t.RawGetString("ok").(lua.LString); ok {
		w.simple(string(s))
		return
	}
	if f, ok := t.RawGetString("double").(lua.LNumber); ok {
		w.double(float64(f))
		return
	}
	if s, ok := t.RawGetString("big_number").(lua.LString); ok {
		if w.resp3 {
			w.b = append(append(append(w.b, '('), s...), '\r', '\n')
		} else {
			w.bulkString(string(s))
		}
		return
	}
	if m, ok := t.RawGetString("map").(*lua.LTable); ok {
		luaMapReply(w, m, resp, depth)
		return
	}
	if s, ok := t.RawGetString("set").(*lua.LTable); ok {
		var keys []lua.LValue
		luaPairs(s, func(k, _ lua.LValue) { keys = append(keys, k) })
		w.setLen(len(keys))
		for _, k := range keys {
			luaToReply(w, k, resp, depth+1)
		}
		return
	}
	n := 0
	for t.RawGetInt(n+1) != lua.LNil {
		n++
	}
	w.array(n)
	for i := 1; i <= n; i++ {
		luaToReply(w, t.RawGetInt(i), resp, depth+1)
	}
}

func luaMapReply(w *reply, m *lua.LTable, resp, depth int) {
	var kv []lua.LValue
	luaPairs(m, func(k, v lua.LValue) { kv = append(kv, k, v) })
	w.mapLen(len(kv) / 2)
	for _, x := range kv {
		luaToReply(w, x, resp, depth+1)
	}
}

// luaInt is C's (long long) cast of a Lua number, saturated.
func luaInt(f float64) int64 {
	switch {
	case math.IsNaN(f):
		return math.MinInt64
	case f >= math.MaxInt64:
		return math.MaxInt64
	case f <= math.MinInt64:
		return math.MinInt64
	}
	return int64(f)
}
