package rdb

import (
	"encoding/binary"
	"math"
)

// footer is the RDB version (2 bytes) and the CRC-64 (8 bytes).
const footer = 10

// Decode reads a DUMP payload. maxString bounds what its LZF-compressed
// strings may expand to, together. It returns ErrPayload when the payload is too short,
// of an RDB version after Version or fails its checksum, and an error
// wrapping ErrFormat when the value cannot be read (see ErrFormat).
func Decode(payload []byte, maxString int) (*Value, error) {
	n := len(payload)
	if n < footer {
		return nil, ErrPayload
	}
	ver := binary.LittleEndian.Uint16(payload[n-footer:])
	if ver > Version || binary.LittleEndian.Uint64(payload[n-8:]) != Checksum(payload[:n-8]) {
		return nil, ErrPayload
	}
	r := &reader{b: payload[:n-footer], max: maxString}
	typ, err := r.byte()
	if err != nil {
		return nil, err
	}
	v, err := r.value(typ)
	if err != nil {
		return nil, err
	}
	if r.left() != 0 {
		return nil, errFormat("bytes after the value")
	}
	return v, check(v)
}

// value reads a value of RDB type typ.
func (r *reader) value(typ byte) (*Value, error) {
	switch typ {
	case typeString:
		s, err := r.string()
		return &Value{Kind: String, Str: s}, err
	case typeList, typeSet:
		return r.plainElems(typ)
	case typeZSet, typeZSet2:
		return r.plainZSet(typ == typeZSet2)
	case typeHash:
		return r.plainHash()
	case typeListQuicklist, typeListQuicklist2:
		return r.quicklist(typ == typeListQuicklist2)
	case typeStreamListpacks, typeStreamListpacks2:
		return r.stream(typ == typeStreamListpacks2)
	}
	blob, err := r.string()
	if err != nil {
		return nil, err
	}
	switch typ {
	case typeListZiplist:
		return elems(List)(readZiplist(blob))
	case typeSetIntset:
		return elems(Set)(readIntset(blob))
	case typeHashZipmap:
		return pairs(Hash)(readZipmap(blob))
	case typeHashZiplist:
		return pairs(Hash)(readZiplist(blob))
	case typeHashListpack:
		return pairs(Hash)(readListpack(blob))
	case typeZSetZiplist:
		return pairs(ZSet)(readZiplist(blob))
	case typeZSetListpack:
		return pairs(ZSet)(readListpack(blob))
	}
	return nil, errFormat("unsupported value type")
}

// plainElems reads a list or set of strings.
func (r *reader) plainElems(typ byte) (*Value, error) {
	n, err := r.count(1)
	if err != nil {
		return nil, err
	}
	v := &Value{Kind: List, Elems: make([][]byte, 0, n)}
	if typ == typeSet {
		v.Kind = Set
	}
	for range n {
		e, err := r.string()
		if err != nil {
			return nil, err
		}
		v.Elems = append(v.Elems, e)
	}
	return v, nil
}

// plainHash reads a hash of field and value strings.
func (r *reader) plainHash() (*Value, error) {
	n, err := r.count(2)
	if err != nil {
		return nil, err
	}
	v := &Value{Kind: Hash, Pairs: make([][2][]byte, 0, n)}
	for range n {
		f, err := r.string()
		if err != nil {
			return nil, err
		}
		val, err := r.string()
		if err != nil {
			return nil, err
		}
		v.Pairs = append(v.Pairs, [2][]byte{f, val})
	}
	return v, nil
}

// plainZSet reads members and scores, as text (ZSET) or binary (ZSET_2).
func (r *reader) plainZSet(binary bool) (*Value, error) {
	n, err := r.count(2)
	if err != nil {
		return nil, err
	}
	v := &Value{Kind: ZSet, Members: make([]Member, 0, n)}
	for range n {
		m, err := r.string()
		if err != nil {
			return nil, err
		}
		var s float64
		if binary {
			s, err = r.binaryScore()
		} else {
			s, err = r.textScore()
		}
		if err != nil {
			return nil, err
		}
		v.Members = append(v.Members, Member{m, s})
	}
	return v, nil
}

// quicklist reads a list of nodes: ziplists (RDB_TYPE_LIST_QUICKLIST), or
// listpacks and plain elements (RDB_TYPE_LIST_QUICKLIST_2). Empty nodes
// are skipped, as Redis skips them.
func (r *reader) quicklist(v2 bool) (*Value, error) {
	n, err := r.count(2)
	if err != nil {
		return nil, err
	}
	v := &Value{Kind: List}
	for range n {
		container := uint64(quicklistNodePacked)
		if v2 {
			var enc bool
			if container, enc, err = r.length(); err != nil || enc {
				return nil, errOr(err, "bad quicklist container")
			}
		}
		blob, err := r.string()
		if err != nil {
			return nil, err
		}
		var es [][]byte
		switch {
		case len(blob) == 0:
			return nil, errFormat("empty quicklist node")
		case container == quicklistNodePlain:
			es = [][]byte{blob}
		case container != quicklistNodePacked:
			return nil, errFormat("bad quicklist container")
		case v2:
			es, err = readListpack(blob)
		default:
			es, err = readZiplist(blob)
		}
		if err != nil {
			return nil, err
		}
		v.Elems = append(v.Elems, es...)
	}
	return v, nil
}

func errOr(err error, what string) error {
	if err != nil {
		return err
	}
	return errFormat(what)
}

// elems turns the entries of a compact list or set into a Value.
func elems(k Kind) func([][]byte, error) (*Value, error) {
	return func(es [][]byte, err error) (*Value, error) {
		if err != nil {
			return nil, err
		}
		return &Value{Kind: k, Elems: es}, nil
	}
}

// pairs turns the entries of a compact hash or sorted set into a Value.
func pairs(k Kind) func([][]byte, error) (*Value, error) {
	return func(es [][]byte, err error) (*Value, error) { return pairsOf(k, es, err) }
}

func pairsOf(k Kind, es [][]byte, err error) (*Value, error) {
	if err != nil {
		return nil, err
	}
	if len(es)%2 != 0 {
		return nil, errFormat("odd number of entries")
	}
	v := &Value{Kind: k}
	for i := 0; i < len(es); i += 2 {
		if k == Hash {
			v.Pairs = append(v.Pairs, [2][]byte{es[i], es[i+1]})
			continue
		}
		s, err := parseScore(es[i+1])
		if err != nil {
			return nil, err
		}
		v.Members = append(v.Members, Member{es[i], s})
	}
	return v, nil
}

// check refuses what the keyspace cannot hold and Redis refuses too: empty
// collections, duplicate members or fields, NaN scores.
func check(v *Value) error {
	var keys [][]byte
	switch v.Kind {
	case String, Stream:
		return nil
	case List:
		if len(v.Elems) == 0 {
			return errFormat("empty list")
		}
		return nil
	case Set:
		keys = v.Elems
	case Hash:
		for _, p := range v.Pairs {
			keys = append(keys, p[0])
		}
	case ZSet:
		for _, m := range v.Members {
			if math.IsNaN(m.Score) {
				return errFormat("NaN score")
			}
			keys = append(keys, m.Member)
		}
	}
	if len(keys) == 0 {
		return errFormat("empty collection")
	}
	seen := make(map[string]struct{}, len(keys))
	for _, k := range keys {
		if _, dup := seen[string(k)]; dup {
			return errFormat("duplicate member")
		}
		seen[string(k)] = struct{}{}
	}
	return nil
}
