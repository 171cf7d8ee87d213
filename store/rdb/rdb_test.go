package rdb

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"
)

// payload frames body (type byte and value) as a DUMP payload of version ver.
func payload(body []byte, ver uint16) []byte {
	p := binary.LittleEndian.AppendUint16(bytes.Clone(body), ver)
	return binary.LittleEndian.AppendUint64(p, Checksum(p))
}

func roundTrip(t *testing.T, v *Value, lim Limits) (*Value, byte) {
	t.Helper()
	p := Encode(v, lim)
	got, err := Decode(p, 1<<20)
	if err != nil {
		t.Fatalf("decode own payload %q: %v", p, err)
	}
	return got, p[0]
}

func TestRoundTrip(t *testing.T) {
	long := strings.Repeat("x", 70)
	ints := [][]byte{[]byte("-70000"), []byte("3"), []byte("128"), []byte("-1")}
	small := DefaultLimits
	tiny := Limits{HashEntries: 1, HashValue: 64, ZSetEntries: 1, ZSetValue: 64, SetIntEntries: 1, ListNode: 2}
	f := func(name string, v *Value, lim Limits, typ byte) {
		t.Run(name, func(t *testing.T) {
			got, gotTyp := roundTrip(t, v, lim)
			if gotTyp != typ {
				t.Errorf("type byte %d, want %d", gotTyp, typ)
			}
			if v.Kind == ZSet {
				if len(got.Members) != len(v.Members) {
					t.Fatalf("members %v, want %v", got.Members, v.Members)
				}
				return
			}
			if !equalValue(got, v) {
				t.Errorf("got %+v, want %+v", got, v)
			}
		})
	}
	for _, s := range []string{"", "a", "0", "-1", "127", "-128", "32767", "-32768", "2147483647", "-2147483648", "2147483648", "01", "-0", long} {
		f("string "+s, &Value{Kind: String, Str: []byte(s)}, small, typeString)
	}
	elems := [][]byte{[]byte("a"), []byte("1"), []byte("-4096"), []byte("4095"), []byte("-32769"), []byte("8388608"),
		[]byte("-2147483649"), []byte("9223372036854775807"), []byte("-9223372036854775808"), []byte("9223372036854775808"),
		[]byte(long), bytes.Repeat([]byte("y"), 5000), []byte("")}
	f("list", &Value{Kind: List, Elems: elems}, small, typeListQuicklist2)
	f("list in nodes of 2", &Value{Kind: List, Elems: elems}, tiny, typeListQuicklist2)
	f("intset", &Value{Kind: Set, Elems: ints}, small, typeSetIntset)
	f("int set over the limit", &Value{Kind: Set, Elems: ints}, tiny, typeSet)
	f("set", &Value{Kind: Set, Elems: [][]byte{[]byte("a"), []byte("1")}}, small, typeSet)
	pairs := [][2][]byte{{[]byte("f"), []byte("1")}, {[]byte("g"), []byte(long)}}
	f("hash with a long value", &Value{Kind: Hash, Pairs: pairs}, small, typeHash)
	f("hash", &Value{Kind: Hash, Pairs: pairs[:1]}, small, typeHashListpack)
	ms := []Member{{[]byte("a"), 1}, {[]byte("b"), -2.5}, {[]byte("c"), math.Inf(1)}, {[]byte("d"), 0.1}}
	f("zset", &Value{Kind: ZSet, Members: ms}, small, typeZSetListpack)
	f("big zset", &Value{Kind: ZSet, Members: ms}, tiny, typeZSet2)
}

func TestZSetScoresExact(t *testing.T) {
	ms := []Member{{[]byte("a"), 0.1}, {[]byte("b"), 1e300}, {[]byte("c"), -1.5e-7}, {[]byte("d"), 1 << 60}, {[]byte("e"), math.Inf(-1)}}
	for _, lim := range []Limits{DefaultLimits, {ZSetEntries: 0}} {
		got, _ := roundTrip(t, &Value{Kind: ZSet, Members: ms}, lim)
		want := map[string]float64{}
		for _, m := range ms {
			want[string(m.Member)] = m.Score
		}
		for _, m := range got.Members {
			if want[string(m.Member)] != m.Score {
				t.Errorf("%s: score %v, want %v", m.Member, m.Score, want[string(m.Member)])
			}
		}
	}
}

func equalValue(a, b *Value) bool {
	if a.Kind != b.Kind || !bytes.Equal(a.Str, b.Str) || len(a.Elems) != len(b.Elems) || len(a.Pairs) != len(b.Pairs) {
		return false
	}
	set := map[string]bool{}
	for _, e := range a.Elems {
		set[string(e)] = true
	}
	for i, e := range b.Elems {
		if a.Kind == List && !bytes.Equal(a.Elems[i], e) || !set[string(e)] {
			return false
		}
	}
	for i, p := range b.Pairs {
		if !bytes.Equal(a.Pairs[i][0], p[0]) || !bytes.Equal(a.Pairs[i][1], p[1]) {
			return false
		}
	}
	return true
}

// TestBadPayloads: every corruption is an error of the right kind.
func TestBadPayloads(t *testing.T) {
	good := Encode(&Value{Kind: Hash, Pairs: [][2][]byte{{[]byte("f"), []byte("v")}}}, DefaultLimits)
	f := func(name string, p []byte, want error) {
		t.Run(name, func(t *testing.T) {
			if _, err := Decode(p, 1<<20); !errors.Is(err, want) {
				t.Errorf("Decode(%q) = %v, want %v", p, err, want)
			}
		})
	}
	f("empty", nil, ErrPayload)
	f("too short", good[:9], ErrPayload)
	bad := bytes.Clone(good)
	bad[len(bad)-1] ^= 1
	f("checksum", bad, ErrPayload)
	f("version 11", payload(good[:len(good)-10], 11), ErrPayload)
	f("version 9 is read", payload(good[:len(good)-10], 9), nil)
	body := good[:len(good)-10]
	for i := 1; i < len(body); i++ {
		f("truncated at "+strconv.Itoa(i), payload(body[:i], Version), ErrFormat)
	}
	f("trailing byte", payload(append(bytes.Clone(body), 0), Version), ErrFormat)
	f("stream type", payload([]byte{15, 0}, Version), ErrFormat)
	f("unknown length", payload([]byte{0, 0x82}, Version), ErrFormat)
	f("string past the end", payload([]byte{0, 5, 'a'}, Version), ErrFormat)
	f("64-bit count", payload([]byte{1, 0x81, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 'a'}, Version), ErrFormat)
	f("empty list", payload([]byte{1, 0}, Version), ErrFormat)
	f("duplicate set member", payload([]byte{2, 2, 1, 'a', 1, 'a'}, Version), ErrFormat)
	f("duplicate hash field", payload([]byte{4, 2, 1, 'a', 1, 'x', 1, 'a', 1, 'y'}, Version), ErrFormat)
	f("NaN score", payload([]byte{3, 1, 1, 'a', 253}, Version), ErrFormat)
	f("bad score text", payload([]byte{3, 1, 1, 'a', 1, 'x'}, Version), ErrFormat)
	f("lzf longer than said", payload([]byte{0, 0xc3, 2, 3, 1, 'a', 'b'}, Version), ErrFormat)
	f("lzf reference before the start", payload([]byte{0, 0xc3, 2, 5, 0x20, 0x05}, Version), ErrFormat)
	f("lzf huge length", payload([]byte{0, 0xc3, 1, 0x81, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0}, Version), ErrFormat)
	lzf2 := []byte{1, 2, 0xc3, 6, 11, 2, 'a', 'b', 'c', 0xc0, 2, 0xc3, 6, 11, 2, 'a', 'b', 'c', 0xc0, 2}
	if _, err := Decode(payload(lzf2, Version), 21); !errors.Is(err, ErrFormat) {
		t.Errorf("two LZF strings of 11 bytes under a limit of 21: %v", err)
	}
	if _, err := Decode(payload(lzf2, Version), 22); err != nil {
		t.Errorf("two LZF strings of 11 bytes under a limit of 22: %v", err)
	}
	f("quicklist empty node", payload([]byte{18, 1, 1, 0}, Version), ErrFormat)
	f("quicklist bad container", payload([]byte{18, 1, 3, 1, 'a'}, Version), ErrFormat)
}

// TestBadListpacks corrupts each byte of a listpack and a ziplist in turn:
// the result is an error or a value, never a panic.
func TestBadListpacks(t *testing.T) {
	lp := writeListpack([][]byte{[]byte("a"), []byte("12"), []byte("-5000"), []byte(strings.Repeat("z", 70))})
	if _, err := readListpack(lp); err != nil {
		t.Fatal(err)
	}
	f := func(name string, blob []byte) {
		for i := range blob {
			for _, x := range []byte{0, 0xff, 0x80, 0xf0, 0xfe, blob[i] + 1} {
				c := bytes.Clone(blob)
				c[i] = x
				readListpack(c)
				readZiplist(c)
				readIntset(c)
				readZipmap(c)
			}
		}
	}
	f("listpack", lp)
	f("intset", intset([]int64{1, 2, 70000}))
	for _, c := range []struct {
		name string
		blob []byte
	}{
		{"listpack count", append(bytes.Clone(lp[:4]), 9, 0)},
	} {
		if _, err := readListpack(c.blob); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
	unsorted := []byte{2, 0, 0, 0, 2, 0, 0, 0, 2, 0, 1, 0}
	if _, err := readIntset(unsorted); err == nil {
		t.Error("intset out of order: no error")
	}
}

func FuzzDecode(f *testing.F) {
	for _, v := range []*Value{
		{Kind: String, Str: []byte("hello")},
		{Kind: List, Elems: [][]byte{[]byte("a"), []byte("1")}},
		{Kind: Set, Elems: [][]byte{[]byte("1"), []byte("2")}},
		{Kind: Hash, Pairs: [][2][]byte{{[]byte("f"), []byte("v")}}},
		{Kind: ZSet, Members: []Member{{[]byte("m"), 1.5}}},
	} {
		f.Add(Encode(v, DefaultLimits)[1:])
	}
	for _, h := range []string{redisStream, legacyStream} {
		p := unhex(f, h)
		f.Add(p[:len(p)-10])
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		v, err := Decode(payload(body, Version), 1<<16)
		if err != nil {
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("error %v is not ErrFormat", err)
			}
			return
		}
		if _, err := Decode(Encode(v, DefaultLimits), 1<<16); err != nil {
			t.Fatalf("re-encoded value does not decode: %v", err)
		}
	})
}

func TestChecksum(t *testing.T) {
	// The check value of CRC-64/Jones as Redis computes it (crc64.c's test).
	if got := Checksum([]byte("123456789")); got != 0xe9c6d914c4b8d9ca {
		t.Fatalf("checksum = %#x, want 0xe9c6d914c4b8d9ca", got)
	}
}
