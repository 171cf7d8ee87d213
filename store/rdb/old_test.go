package rdb

import (
	"encoding/binary"
	"strconv"
	"strings"
	"testing"
)

// ziplist builds a ziplist of raw entries (encoding and data), each given
// its previous length, as Redis before 7.0 wrote them.
func ziplist(entries ...[]byte) []byte {
	p := make([]byte, zlHeader)
	prev, tail := 0, zlHeader
	for _, e := range entries {
		tail = len(p)
		n := len(p)
		if prev < 254 {
			p = append(p, byte(prev))
		} else {
			p = binary.LittleEndian.AppendUint32(append(p, 254), uint32(prev))
		}
		p = append(p, e...)
		prev = len(p) - n
	}
	p = append(p, 0xff)
	binary.LittleEndian.PutUint32(p, uint32(len(p)))
	binary.LittleEndian.PutUint32(p[4:], uint32(tail))
	binary.LittleEndian.PutUint16(p[8:], uint16(len(entries)))
	return p
}

// zlStr is a ziplist string entry of up to 63 bytes.
func zlStr(s string) []byte { return append([]byte{byte(len(s))}, s...) }

// TestZiplistEncodings reads every ziplist encoding (the values of Redis's
// own "ziplist of various encodings" tests).
func TestZiplistEncodings(t *testing.T) {
	x300 := strings.Repeat("x", 300)
	x70000 := strings.Repeat("x", 70000)
	entries := [][]byte{
		{0xfe, 127},                         // int8
		{0xc0, 0xff, 0x7f},                  // int16 32767
		{0xf0, 0x00, 0x00, 0x80},            // int24 -8388608
		{0xd0, 0xff, 0xff, 0xff, 0x7f},      // int32
		{0xe0, 0, 0, 0, 0, 0, 0, 0, 0x80},   // int64 min
		{0xf1},                              // immediate 0
		{0xfd},                              // immediate 12
		zlStr(strings.Repeat("x", 31)),      // 6-bit length
		append([]byte{0x41, 0x2c}, x300...), // 14-bit length
		append(binary.BigEndian.AppendUint32([]byte{0x80}, 70000), x70000...),
	}
	want := []string{"127", "32767", "-8388608", "2147483647", "-9223372036854775808", "0", "12", strings.Repeat("x", 31), x300, x70000}
	got, err := readZiplist(ziplist(entries...))
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if string(got[i]) != want[i] {
			t.Errorf("entry %d = %.40q, want %.40q", i, got[i], want[i])
		}
	}
	zl := ziplist(entries...)
	zl[4]++ // the tail offset
	if _, err := readZiplist(zl); err == nil {
		t.Error("bad tail offset: no error")
	}
}

// TestOldTypes reads the types Redis 7.0 no longer writes but loads.
func TestOldTypes(t *testing.T) {
	zl := ziplist(zlStr("a"), zlStr("1"), zlStr("b"), []byte{0xf3})
	blob := func(typ byte, b []byte) []byte { return payload(appendBlob([]byte{typ}, b), 9) }
	zipmap := []byte{2, 1, 'f', 1, 0, 'v', 2, 'g', 'h', 3, 1, 'x', 'y', 'z', '!', 0xff}
	f := func(name string, p []byte, want string) {
		t.Run(name, func(t *testing.T) {
			v, err := Decode(p, 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			if got := show(v); got != want {
				t.Errorf("got %s, want %s", got, want)
			}
		})
	}
	f("list ziplist", blob(typeListZiplist, zl), "[a 1 b 2]")
	f("hash ziplist", blob(typeHashZiplist, zl), "{a:1 b:2}")
	f("zset ziplist", blob(typeZSetZiplist, zl), "{a:1 b:2}")
	f("hash zipmap", blob(typeHashZipmap, zipmap), "{f:v gh:xyz}")
	quick := appendBlob(appendBlob([]byte{typeListQuicklist, 2}, zl), ziplist(zlStr("c")))
	f("quicklist of ziplists", payload(quick, 9), "[a 1 b 2 c]")
	plain := appendBlob(appendLength([]byte{typeListQuicklist2, 1}, quicklistNodePlain), []byte("big"))
	f("quicklist plain node", payload(plain, 10), "[big]")
	f("zset text scores", payload([]byte{typeZSet, 2, 1, 'a', 3, '1', '.', '5', 1, 'b', 254}, 9), "{a:1.5 b:+Inf}")
	f("list", payload([]byte{typeList, 2, 1, 'a', 0xc0, 7}, 6), "[a 7]")
	lzf := []byte{typeString, 0xc3, 6, 11, 2, 'a', 'b', 'c', 0xc0, 2} // "abc", then 8 bytes from 3 back
	f("lzf string", payload(lzf, 10), "abcabcabcab")
}

func show(v *Value) string {
	var b strings.Builder
	switch v.Kind {
	case String:
		return string(v.Str)
	case List, Set:
		b.WriteString("[")
		for i, e := range v.Elems {
			if i > 0 {
				b.WriteString(" ")
			}
			b.Write(e)
		}
		b.WriteString("]")
	case Hash:
		b.WriteString("{")
		for i, p := range v.Pairs {
			if i > 0 {
				b.WriteString(" ")
			}
			b.WriteString(string(p[0]) + ":" + string(p[1]))
		}
		b.WriteString("}")
	case ZSet:
		b.WriteString("{")
		for i, m := range v.Members {
			if i > 0 {
				b.WriteString(" ")
			}
			b.WriteString(string(m.Member) + ":" + strconvF(m.Score))
		}
		b.WriteString("}")
	}
	return b.String()
}

func strconvF(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
