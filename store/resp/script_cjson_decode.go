package resp

import (
	"strconv"
	"strings"
	"unicode/utf8"

	lua "github.com/yuin/gopher-lua"
)

// jsonDecoder is cjson.decode: JSON text to Lua values, null as cjson.null,
// strings byte for byte as they are (escapes resolved, \u as UTF-8).
type jsonDecoder struct {
	L    *lua.LState
	s    string
	i    int
	conf *cjsonConf
}

func (d *jsonDecoder) fail(want string) {
	d.L.RaiseError("Expected %s but found %s at character %d", want, d.token(), d.i+1)
}

// token names the token at d.i as lua-cjson's errors do.
func (d *jsonDecoder) token() string {
	if d.i >= len(d.s) {
		return "T_END"
	}
	switch c := d.s[d.i]; {
	case c == '-' || (c >= '0' && c <= '9'):
		return "T_NUMBER"
	case strings.HasPrefix(d.s[d.i:], "true") || strings.HasPrefix(d.s[d.i:], "false"):
		return "T_BOOLEAN"
	case strings.HasPrefix(d.s[d.i:], "null"):
		return "T_NULL"
	default:
		if name, ok := map[byte]string{'{': "T_OBJ_BEGIN", '}': "T_OBJ_END", '[': "T_ARR_BEGIN", ']': "T_ARR_END",
			'"': "T_STRING", ':': "T_COLON", ',': "T_COMMA"}[c]; ok {
			return name
		}
	}
	return "invalid token"
}

func (d *jsonDecoder) skipSpace() {
	for d.i < len(d.s) && (d.s[d.i] == ' ' || d.s[d.i] == '\t' || d.s[d.i] == '\n' || d.s[d.i] == '\r') {
		d.i++
	}
}

func (d *jsonDecoder) value(depth int) lua.LValue {
	d.skipSpace()
	if d.i >= len(d.s) {
		d.fail("value")
	}
	switch c := d.s[d.i]; {
	case c == '{' || c == '[':
		if depth+1 > d.conf.decodeDepth {
			d.L.RaiseError("Found too many nested data structures (%d) at character %d", depth+1, d.i+1)
		}
		if c == '{' {
			return d.object(depth + 1)
		}
		return d.array(depth + 1)
	case c == '"':
		return lua.LString(d.str())
	case c == '-' || (c >= '0' && c <= '9'):
		return d.number()
	}
	for word, v := range map[string]lua.LValue{"true": lua.LTrue, "false": lua.LFalse, "null": d.conf.null} {
		if len(d.s)-d.i >= len(word) && d.s[d.i:d.i+len(word)] == word {
			d.i += len(word)
			return v
		}
	}
	d.fail("value")
	return nil
}

func (d *jsonDecoder) object(depth int) lua.LValue {
	t := d.L.NewTable()
	d.i++
	if d.skipSpace(); d.i < len(d.s) && d.s[d.i] == '}' {
		d.i++
		return t
	}
	for {
		if d.skipSpace(); d.i >= len(d.s) || d.s[d.i] != '"' {
			d.fail("object key string")
		}
		k := d.str()
		if d.skipSpace(); d.i >= len(d.s) || d.s[d.i] != ':' {
			d.fail("colon")
		}
		d.i++
		t.RawSetString(k, d.value(depth))
		if d.skipSpace(); d.i < len(d.s) && d.s[d.i] == ',' {
			d.i++
			continue
		}
		if d.i < len(d.s) && d.s[d.i] == '}' {
			d.i++
			return t
		}
		d.fail("comma or object end")
	}
}

func (d *jsonDecoder) array(depth int) lua.LValue {
	t := d.L.NewTable()
	d.i++
	if d.skipSpace(); d.i < len(d.s) && d.s[d.i] == ']' {
		d.i++
		return t
	}
	for n := 1; ; n++ {
		t.RawSetInt(n, d.value(depth))
		if d.skipSpace(); d.i < len(d.s) && d.s[d.i] == ',' {
			d.i++
			continue
		}
		if d.i < len(d.s) && d.s[d.i] == ']' {
			d.i++
			return t
		}
		d.fail("comma or array end")
	}
}

func (d *jsonDecoder) number() lua.LValue {
	start := d.i
	for d.i < len(d.s) && stringsContainsByte("+-0123456789.eE", d.s[d.i]) {
		d.i++
	}
	f, err := strconv.ParseFloat(d.s[start:d.i], 64)
	if err != nil {
		d.i = start
		d.fail("value")
	}
	return lua.LNumber(f)
}

func stringsContainsByte(set string, c byte) bool {
	for i := 0; i < len(set); i++ {
		if set[i] == c {
			return true
		}
	}
	return false
}

// str reads a string at d.i (at its opening quote).
func (d *jsonDecoder) str() string {
	d.i++
	var b []byte
	for d.i < len(d.s) {
		c := d.s[d.i]
		switch {
		case c == '"':
			d.i++
			return string(b)
		case c == '\\':
			b = d.escape(b)
		default:
			b = append(b, c)
			d.i++
		}
	}
	d.fail("string end")
	return ""
}

func (d *jsonDecoder) escape(b []byte) []byte {
	if d.i+1 >= len(d.s) {
		d.fail("escape")
	}
	c := d.s[d.i+1]
	d.i += 2
	if r, ok := map[byte]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}[c]; ok {
		return append(b, r)
	}
	if c != 'u' {
		d.fail("valid escape")
	}
	r := d.hex4()
	if r >= 0xd800 && r < 0xdc00 && d.i+1 < len(d.s) && d.s[d.i] == '\\' && d.s[d.i+1] == 'u' {
		d.i += 2
		lo := d.hex4()
		r = 0x10000 + (r-0xd800)<<10 + (lo - 0xdc00)
	}
	return utf8.AppendRune(b, rune(r))
}

func (d *jsonDecoder) hex4() int {
	if d.i+4 > len(d.s) {
		d.fail("unicode escape")
	}
	n, err := strconv.ParseUint(d.s[d.i:d.i+4], 16, 16)
	if err != nil {
		d.fail("unicode escape")
	}
	d.i += 4
	return int(n)
}
