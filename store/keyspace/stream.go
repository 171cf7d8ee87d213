package keyspace

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"strconv"
)

// A stream keeps its records in resp_sub under the key's prefix, each kind
// behind one byte so that bbolt's order is the order Redis reports:
//
//	'm'                         -> last ID (16) max deleted ID (16) entries added (8)
//	'e' id(16)                  -> the entry: uvarint count, then uvarint length + bytes per field and value
//	'n' id(16)                  -> a node (Redis's listpack): live (8) deleted (8) bytes (8) last ID (16) master fields
//	'g' group                   -> last delivered ID (16) entries read (8)
//	'p' u32 len group id(16)    -> delivery time (8) deliveries (8) consumer
//	'c' u32 len group consumer  -> seen time (8)
//	'q' u32 len group u32 len consumer id(16) -> "" (the consumer's pending entries)
//
// IDs are ms then seq, big-endian, so entries and pending entries sort by ID.
// The stream's length is its Meta.Size; an empty stream stays a key, as in
// Redis. Nodes model Redis's macro nodes (their entry counts and an estimate
// of their listpack bytes) only so that approximate trimming (MAXLEN ~)
// removes what Redis would.
const (
	kindMeta     = 'm'
	kindEntry    = 'e'
	kindNode     = 'n'
	kindGroup    = 'g'
	kindPending  = 'p'
	kindConsumer = 'c'
	kindOwned    = 'q'
)

// StreamID is a stream entry's ID, ms-seq.
type StreamID struct{ Ms, Seq uint64 }

// MaxStreamID is the largest ID.
var MaxStreamID = StreamID{math.MaxUint64, math.MaxUint64}

// Cmp returns -1, 0 or 1 as id is before, equal to or after o.
func (id StreamID) Cmp(o StreamID) int {
	switch {
	case id.Ms < o.Ms || id.Ms == o.Ms && id.Seq < o.Seq:
		return -1
	case id == o:
		return 0
	}
	return 1
}

// Next returns the ID after id; false when id is the largest.
func (id StreamID) Next() (StreamID, bool) {
	switch {
	case id.Seq < math.MaxUint64:
		return StreamID{id.Ms, id.Seq + 1}, true
	case id.Ms < math.MaxUint64:
		return StreamID{id.Ms + 1, 0}, true
	}
	return StreamID{}, false
}

// Prev returns the ID before id; false when id is 0-0.
func (id StreamID) Prev() (StreamID, bool) {
	switch {
	case id.Seq > 0:
		return StreamID{id.Ms, id.Seq - 1}, true
	case id.Ms > 0:
		return StreamID{id.Ms - 1, math.MaxUint64}, true
	}
	return StreamID{}, false
}

// IsZero reports whether id is 0-0.
func (id StreamID) IsZero() bool { return id == StreamID{} }

// String formats id as Redis does: ms-seq.
func (id StreamID) String() string {
	return strconv.FormatUint(id.Ms, 10) + "-" + strconv.FormatUint(id.Seq, 10)
}

func (id StreamID) append(b []byte) []byte {
	return binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(b, id.Ms), id.Seq)
}

func readID(b []byte) StreamID {
	if len(b) < 16 {
		return StreamID{}
	}
	return StreamID{binary.BigEndian.Uint64(b), binary.BigEndian.Uint64(b[8:])}
}

// XStream is one stream key opened in a transaction. Its exported fields are
// the stream's counters; a write saves them with the key's metadata.
type XStream struct {
	t          *Tx
	db         int
	key        []byte
	m, old     *Meta
	Last       StreamID // the last ID added (XADD's floor)
	MaxDeleted StreamID // the largest ID deleted by XDEL
	Added      int64    // entries ever added
}

// Stream opens the stream at key; nil when key is missing; ErrWrongType.
func (t *Tx) Stream(db int, key []byte) (*XStream, error) {
	m, err := t.typed(db, key, Stream)
	if err != nil || m == nil {
		return nil, err
	}
	s := &XStream{t: t, db: db, key: key, m: m, old: m}
	v := t.sub.Get(s.sub(kindMeta))
	if len(v) >= 40 {
		s.Last, s.MaxDeleted = readID(v), readID(v[16:])
		s.Added = int64(binary.BigEndian.Uint64(v[32:]))
	}
	return s, nil
}

// CreateStream opens the stream at key, creating an empty one (saved at
// the first write) when key is missing; ErrWrongType, ErrKeyTooLong.
func (t *Tx) CreateStream(db int, key []byte) (*XStream, error) {
	if len(key) > MaxKeyLen {
		return nil, ErrKeyTooLong
	}
	s, err := t.Stream(db, key)
	if err != nil || s != nil {
		return s, err
	}
	return &XStream{t: t, db: db, key: key, m: &Meta{Type: Stream}}, nil
}

// Len is the number of entries.
func (s *XStream) Len() int64 { return s.m.Size }

// Save writes the stream's counters and metadata (creating the key).
func (s *XStream) Save() error {
	v := s.MaxDeleted.append(s.Last.append(make([]byte, 0, 40)))
	v = binary.BigEndian.AppendUint64(v, uint64(s.Added))
	if err := s.t.sub.Put(s.sub(kindMeta), v); err != nil {
		return err
	}
	n := *s.m
	if err := s.t.putMeta(s.db, s.key, &n, s.old); err != nil {
		return err
	}
	s.old = &n
	return nil
}

// sub is the subkey of kind followed by parts.
func (s *XStream) sub(kind byte, parts ...[]byte) []byte {
	n := 1
	for _, p := range parts {
		n += len(p)
	}
	b := append(subPrefix(s.db, s.key, n), kind)
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

func idBytes(id StreamID) []byte { return id.append(make([]byte, 0, 16)) }

// Entry is a stream entry: its ID and field-value pairs, flat.
type Entry struct {
	ID     StreamID
	Fields [][]byte
}

func encodeFields(fv [][]byte) []byte {
	b := binary.AppendUvarint(nil, uint64(len(fv)))
	for _, f := range fv {
		b = binary.AppendUvarint(b, uint64(len(f)))
		b = append(b, f...)
	}
	return b
}

var errCorrupt = errors.New("keyspace: corrupt stream record")

// decodeFields returns copies of the fields encoded in v.
func decodeFields(v []byte) ([][]byte, error) {
	n, k := binary.Uvarint(v)
	if k <= 0 || n > uint64(len(v)) {
		return nil, errCorrupt
	}
	v = v[k:]
	out := make([][]byte, 0, n)
	for i := uint64(0); i < n; i++ {
		l, k := binary.Uvarint(v)
		if k <= 0 || l > uint64(len(v)-k) {
			return nil, errCorrupt
		}
		out = append(out, bytes.Clone(v[k:k+int(l)]))
		v = v[k+int(l):]
	}
	return out, nil
}

// Get returns the entry with id; nil when there is none.
func (s *XStream) Get(id StreamID) (*Entry, error) {
	v := s.t.sub.Get(s.sub(kindEntry, idBytes(id)))
	if v == nil {
		return nil, nil
	}
	f, err := decodeFields(v)
	return &Entry{id, f}, err
}

// Range returns up to count entries (0: all) from start to end inclusive,
// from end down to start when rev.
func (s *XStream) Range(start, end StreamID, rev bool, count int64) ([]Entry, error) {
	var out []Entry
	if start.Cmp(end) > 0 {
		return nil, nil
	}
	p := s.sub(kindEntry)
	c := s.t.sub.Cursor()
	var k, v []byte
	if rev {
		k, v = c.Seek(s.sub(kindEntry, idBytes(end)))
		if k == nil || !bytes.Equal(k, s.sub(kindEntry, idBytes(end))) {
			k, v = c.Prev()
		}
	} else {
		k, v = c.Seek(s.sub(kindEntry, idBytes(start)))
	}
	for ; k != nil && bytes.HasPrefix(k, p) && (count == 0 || int64(len(out)) < count); k, v = step(c, rev) {
		id := readID(k[len(p):])
		if !rev && id.Cmp(end) > 0 || rev && id.Cmp(start) < 0 {
			break
		}
		f, err := decodeFields(v)
		if err != nil {
			return nil, err
		}
		out = append(out, Entry{id, f})
	}
	return out, nil
}

type cursor interface {
	Next() ([]byte, []byte)
	Prev() ([]byte, []byte)
}

func step(c cursor, rev bool) ([]byte, []byte) {
	if rev {
		return c.Prev()
	}
	return c.Next()
}

// First returns the first entry's ID, 0-0 when the stream is empty.
func (s *XStream) First() StreamID {
	es, _ := s.idRange(StreamID{}, MaxStreamID, false, 1)
	if len(es) == 0 {
		return StreamID{}
	}
	return es[0]
}

// LastEntry returns the last entry's ID, 0-0 when the stream is empty.
func (s *XStream) LastEntry() StreamID {
	es, _ := s.idRange(StreamID{}, MaxStreamID, true, 1)
	if len(es) == 0 {
		return StreamID{}
	}
	return es[0]
}

// idRange is Range without the fields.
func (s *XStream) idRange(start, end StreamID, rev bool, count int64) ([]StreamID, error) {
	es, err := s.Range(start, end, rev, count)
	ids := make([]StreamID, len(es))
	for i, e := range es {
		ids[i] = e.ID
	}
	return ids, err
}
