package rdb

import (
	"bytes"
	"encoding/hex"
	"errors"
	"testing"
)

// redisStream is redis-server 7.0.15's DUMP after XADD s 1-1 a 1 b hello,
// XADD s 1-2 a 2 b x, XADD s 5-0 c 3, XGROUP CREATE s g 0, XREADGROUP GROUP
// g c1 COUNT 2 STREAMS s >.
const redisStream = "130110000000000000000100000000000000014043430000001900030100010201816102816202000102010001000101018568656c6c6f0605010201000101010201817802050100010401dfff02010181630203010601ff03050001010000030101670102020200000000000000010000000000000001a8805b49a20100000100000000000000010000000000000002a8805b49a20100000101026331a8805b49a20100000200000000000000010000000000000001000000000000000100000000000000020a00f0ad139d5207e308"

// legacyStream is the type 15 payload of Redis's test "Loading from legacy
// (Redis <= v6.2.x, rdb_ver < 10) persistence" (an LZF-compressed node
// with deleted entries, a PEL naming trimmed entries).
const legacyStream = "0f011000000000000000010000000000000000c3404a405716570000002300020104010101846461746105000103010020010381610204200a0001400a0062600a0002400a0063600a4022018164200a4039200a0065600a0005400a0066200a00ff02060002026731050004000000000000000100000000000000003ef783437a01000001000000000000000200000000000000003ef783437a01000001000000000000000400000000000000003ef783437a01000001000000000000000500000000000000003ef783437a0100000101036331313ef783437a01000004000000000000000100000000000000000000000000000002000000000000000000000000000000040000000000000000000000000000000500000000000000000267320000000009003d52ef6867521dfa"

func unhex(t testing.TB, s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestStreamRedisPayload(t *testing.T) {
	p := unhex(t, redisStream)
	v, err := Decode(p, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	s := v.Stream
	if v.Kind != Stream || s.Length != 3 || s.Added != 3 || s.Last != (StreamID{5, 0}) || s.First != (StreamID{1, 1}) {
		t.Fatalf("stream = %+v", s)
	}
	if len(s.Nodes) != 1 || len(s.Nodes[0].Entries) != 3 || string(s.Nodes[0].Entries[2].Fields[0]) != "c" {
		t.Fatalf("nodes = %+v", s.Nodes)
	}
	g := s.Groups[0]
	if string(g.Name) != "g" || g.EntriesRead != 2 || len(g.Pending) != 2 || string(g.Pending[1].Consumer) != "c1" {
		t.Fatalf("group = %+v", g)
	}
	if got := Encode(v, DefaultLimits); !bytes.Equal(got, p) {
		t.Fatalf("re-encoded:\n%x\nwant\n%x", got, p)
	}
}

func TestStreamLegacyPayload(t *testing.T) {
	v, err := Decode(unhex(t, legacyStream), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	s := v.Stream
	if s.Length != 2 || s.Added != 2 || !s.MaxDeleted.isZero() || s.First != (StreamID{5, 0}) || s.Last != (StreamID{6, 0}) {
		t.Fatalf("stream = %+v", s)
	}
	if len(s.Groups) != 2 || s.Groups[0].EntriesRead != 1 || s.Groups[1].EntriesRead != 0 {
		t.Fatalf("groups = %+v", s.Groups)
	}
	if len(s.Groups[0].Pending) != 4 || len(s.Groups[0].Consumers) != 1 {
		t.Fatalf("group g1 = %+v", s.Groups[0])
	}
	if _, err := Decode(Encode(v, DefaultLimits), 1<<20); err != nil {
		t.Fatalf("re-encoded: %v", err)
	}
}

// TestStreamCorrupt tries every truncation and every one-byte change of
// both payloads (with the checksum fixed up): an error wrapping ErrFormat
// or a stream that encodes and decodes again, never a panic.
func TestStreamCorrupt(t *testing.T) {
	for _, h := range []string{redisStream, legacyStream} {
		p := unhex(t, h)
		body, ver := p[:len(p)-10], uint16(p[len(p)-10])
		try := func(b []byte) {
			v, err := Decode(payload(b, ver), 1<<20)
			if err != nil {
				if !errors.Is(err, ErrFormat) {
					t.Fatalf("%x: %v", b, err)
				}
				return
			}
			if _, err := Decode(Encode(v, DefaultLimits), 1<<20); err != nil {
				t.Fatalf("%x: re-encoded: %v", b, err)
			}
		}
		for n := range body {
			try(body[:n])
		}
		for i := range body {
			for _, x := range []byte{0x01, 0x80, 0xff} {
				b := bytes.Clone(body)
				b[i] ^= x
				try(b)
			}
		}
	}
}

// TestStreamInconsistent writes streams whose parts disagree: each is
// refused on reading, as Redis's deep sanitization refuses them.
func TestStreamInconsistent(t *testing.T) {
	entry := func(ms uint64, fv ...string) StreamEntry {
		e := StreamEntry{ID: StreamID{ms, 0}}
		for _, f := range fv {
			e.Fields = append(e.Fields, []byte(f))
		}
		return e
	}
	base := func() *StreamValue {
		return &StreamValue{
			Nodes: []StreamNode{{Master: StreamID{1, 0}, Fields: [][]byte{[]byte("a")},
				Entries: []StreamEntry{entry(1, "a", "1"), entry(2, "b", "2")}}},
			Length: 2, Last: StreamID{2, 0}, First: StreamID{1, 0}, Added: 2,
			Groups: []StreamGroup{{Name: []byte("g"), Last: StreamID{2, 0}, EntriesRead: 2,
				Pending:   []StreamPending{{ID: StreamID{1, 0}, Delivered: 7, Deliveries: 1, Consumer: []byte("c")}},
				Consumers: []StreamConsumer{{Name: []byte("c"), Seen: 7}}}},
		}
	}
	if _, err := Decode(Encode(&Value{Kind: Stream, Stream: base()}, DefaultLimits), 1<<20); err != nil {
		t.Fatalf("base stream: %v", err)
	}
	f := func(name string, change func(s *StreamValue)) {
		s := base()
		change(s)
		_, err := Decode(Encode(&Value{Kind: Stream, Stream: s}, DefaultLimits), 1<<20)
		if !errors.Is(err, ErrFormat) {
			t.Errorf("%s: error %v, want ErrFormat", name, err)
		}
	}
	f("length", func(s *StreamValue) { s.Length = 3 })
	f("added", func(s *StreamValue) { s.Added = 1 })
	f("last ID", func(s *StreamValue) { s.Last = StreamID{1, 5} })
	f("entries out of order", func(s *StreamValue) { s.Nodes[0].Entries[1].ID = StreamID{1, 0} })
	f("entry before master", func(s *StreamValue) { s.Nodes[0].Master = StreamID{1, 1} })
	f("nodes out of order", func(s *StreamValue) {
		s.Nodes = append(s.Nodes, StreamNode{Master: StreamID{2, 0}, Entries: []StreamEntry{entry(3, "x", "y")}})
		s.Length, s.Added, s.Last = 3, 3, StreamID{3, 0}
	})
	f("entry without fields", func(s *StreamValue) { s.Nodes[0].Entries[1].Fields = nil })
	f("PEL without consumer", func(s *StreamValue) { s.Groups[0].Pending[0].Consumer = []byte("nobody") })
	f("PEL out of order", func(s *StreamValue) {
		g := &s.Groups[0]
		g.Pending = append(g.Pending, StreamPending{ID: StreamID{0, 5}, Consumer: []byte("c")})
	})
	f("duplicate group", func(s *StreamValue) { s.Groups = append(s.Groups, s.Groups[0]) })
	f("duplicate consumer", func(s *StreamValue) {
		g := &s.Groups[0]
		g.Consumers = append(g.Consumers, g.Consumers[0])
	})
}
