// Package rdb reads and writes single values in Redis's RDB format, the
// payloads the DUMP and RESTORE commands exchange: the value's type byte and
// encoding, the RDB version (2 bytes, little endian) and a CRC-64 of all
// that (8 bytes, little endian). It writes what Redis 7.0 writes (RDB
// version 10: listpacks for small hashes and sorted sets, a quicklist of
// listpacks for lists, an intset for small integer sets, streams as type 19)
// and reads every encoding Redis 7.0 loads for strings, lists, sets, sorted
// sets, hashes and streams, from its own and older versions (ziplists,
// zipmaps, LZF strings, type 15 streams). Reading
// checks every length, offset and count against the payload before it
// allocates, so a corrupt payload is an error, never a panic.
package rdb

import (
	"errors"
	"fmt"
	"hash/crc64"
)

// Version is the RDB version Redis 7.0 writes; payloads of later versions
// are refused, as Redis 7.0 refuses them.
const Version = 10

// Kind is a value's type.
type Kind uint8

// The kinds of value the keyspace holds.
const (
	String Kind = iota + 1
	List
	Set
	ZSet
	Hash
	Stream
)

// Value is one key's value: Str for a string, Elems for a list (in order) or
// a set, Pairs for a hash (field, value), Members for a sorted set, Stream
// for a stream.
type Value struct {
	Kind    Kind
	Str     []byte
	Elems   [][]byte
	Pairs   [][2][]byte
	Members []Member
	Stream  *StreamValue
}

// Member is one member of a sorted set.
type Member struct {
	Member []byte
	Score  float64
}

var (
	// ErrPayload is returned for a payload too short, of a later RDB
	// version or whose checksum does not match.
	ErrPayload = errors.New("rdb: DUMP payload version or checksum are wrong")
	// ErrFormat is returned for a payload whose value cannot be read: a
	// type other than the six above (modules, Redis 7.2's streams), a
	// length past the end, a corrupt listpack, ziplist or intset, an empty
	// collection, duplicate members, a NaN score, a stream whose entries,
	// counters, PEL or consumers disagree, bytes left over.
	ErrFormat = errors.New("rdb: bad data format")
)

// errFormat wraps ErrFormat with what was wrong.
func errFormat(what string) error { return fmt.Errorf("%w: %s", ErrFormat, what) }

// RDB value types (rdb.h), those waq reads or writes.
const (
	typeString          = 0
	typeList            = 1
	typeSet             = 2
	typeZSet            = 3
	typeHash            = 4
	typeZSet2           = 5
	typeHashZipmap      = 9
	typeListZiplist     = 10
	typeSetIntset       = 11
	typeZSetZiplist     = 12
	typeHashZiplist     = 13
	typeListQuicklist   = 14
	typeHashListpack    = 16
	typeZSetListpack    = 17
	typeListQuicklist2  = 18
	quicklistNodePlain  = 1
	quicklistNodePacked = 2
)

// jonesPoly is the CRC-64 "Jones" polynomial Redis uses for RDB files and
// DUMP payloads, in the reflected form hash/crc64 takes.
const jonesPoly = 0x95ac9329ac4bc9b5

var jonesTable = crc64.MakeTable(jonesPoly)

// Checksum is Redis's CRC-64: Jones polynomial, reflected, initial value 0
// and no final xor (hash/crc64 inverts before and after, so the inversions
// are undone here).
func Checksum(p []byte) uint64 {
	return ^crc64.Update(^uint64(0), jonesTable, p)
}
