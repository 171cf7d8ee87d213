package resp

import (
	"github.com/waqhq/waq/store/keyspace"
)

// OBJECT reports what Redis 7.0 would: waq keeps every value one way, so
// ENCODING names the encoding Redis would have chosen. Hashes and sets keep
// theirs in the keyspace (converted one way, as Redis does, by the
// thresholds of CONFIG SET when written); strings and sorted sets are
// judged by their contents as they are now.

// pushLimits hands CONFIG SET's thresholds to the keyspace: to later
// transactions and to tx (nil outside one), which the rest of a pipeline
// shares.
func (s *Server) pushLimits(tx *keyspace.Tx) {
	l := keyspace.Limits{
		HashEntries:   s.setting("hash-max-listpack-entries"),
		HashValue:     s.setting("hash-max-listpack-value"),
		IntsetEntries: s.setting("set-max-intset-entries"),
	}
	s.ks.SetLimits(l)
	if tx != nil {
		tx.SetLimits(l)
	}
}

// sharedRefcount is what Redis answers for its shared integers 0-9999.
const sharedRefcount = 2147483647

func objectMeta(c *call) (*keyspace.Meta, error) {
	return c.tx.Meta(c.db(), c.args[2])
}

func cmdObjectEncoding(c *call) error {
	m, err := objectMeta(c)
	if err != nil || m == nil {
		c.w.null()
		return err
	}
	enc, err := encoding(c, m)
	if err != nil {
		return err
	}
	c.w.bulkString(enc)
	return nil
}

// encoding is the name Redis 7.0 gives the encoding of key's value m.
func encoding(c *call, m *keyspace.Meta) (string, error) {
	db, key := c.db(), c.args[2]
	switch m.Type {
	case keyspace.String:
		return stringEncoding(m.Value), nil
	case keyspace.List:
		return "quicklist", nil
	case keyspace.Stream:
		return "stream", nil
	case keyspace.Set, keyspace.Hash:
		compact, err := c.tx.Compact(db, key)
		switch {
		case !compact:
			return "hashtable", err
		case m.Type == keyspace.Set:
			return "intset", nil
		default:
			return "listpack", nil
		}
	default:
		return compactEncoding(c, m.Size, "zset-max-listpack-entries", "zset-max-listpack-value", "skiplist",
			func(fn func(a, b []byte) bool) error {
				return c.tx.ZScanMembers(db, key, nil, func(mb []byte, _ float64) bool { return fn(mb, nil) })
			})
	}
}

// stringEncoding follows tryObjectEncoding: an integer of up to 20 bytes
// is "int", up to 44 bytes "embstr", else "raw".
func stringEncoding(v []byte) string {
	if _, ok := parseInt(v); ok && len(v) <= 20 {
		return "int"
	}
	if len(v) <= 44 {
		return "embstr"
	}
	return "raw"
}

// compactEncoding: a listpack holds up to entries elements, none longer
// than value bytes.
func compactEncoding(c *call, size int64, entries, value, big string, scan func(func(a, b []byte) bool) error) (string, error) {
	if size > c.s.setting(entries) {
		return big, nil
	}
	limit := c.s.setting(value)
	small := true
	err := scan(func(a, b []byte) bool {
		small = int64(len(a)) <= limit && int64(len(b)) <= limit
		return small
	})
	if !small {
		return big, err
	}
	return "listpack", err
}

func cmdObjectRefcount(c *call) error {
	m, err := objectMeta(c)
	if err != nil || m == nil {
		c.w.null()
		return err
	}
	if n, ok := parseInt(m.Value); ok && m.Type == keyspace.String && n >= 0 && n < 10000 {
		c.w.int(sharedRefcount)
	} else {
		c.w.int(1)
	}
	return nil
}

// cmdObjectIdletime answers 0: waq does not track access times.
func cmdObjectIdletime(c *call) error {
	m, err := objectMeta(c)
	if err != nil || m == nil {
		c.w.null()
		return err
	}
	c.w.int(0)
	return nil
}

func cmdObjectFreq(c *call) error {
	m, err := objectMeta(c)
	if err != nil || m == nil {
		c.w.null()
		return err
	}
	return rerr("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.")
}

func cmdObjectHelp(c *call) error {
	help := []string{
		"OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
		"ENCODING <key>",
		"    Return the kind of internal representation used in order to store the value",
		"    associated with a <key>.",
		"FREQ <key>",
		"    Return the access frequency index of the <key>. The returned integer is",
		"    proportional to the logarithm of the recent access frequency of the key.",
		"IDLETIME <key>",
		"    Return the idle time of the <key>, that is the approximated number of",
		"    seconds elapsed since the last access to the key.",
		"REFCOUNT <key>",
		"    Return the number of references of the value associated with the specified",
		"    <key>.",
	}
	return writeHelp(c, help)
}
