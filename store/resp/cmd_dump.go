package resp

import (
	"errors"

	"github.com/waqhq/waq/store/keyspace"
	"github.com/waqhq/waq/store/rdb"
)

// DUMP and RESTORE exchange values in Redis's RDB format (package
// store/rdb), so that a key moves between waq and Redis 7.0 either way.
// They are registered here rather than in the suite's table to keep that
// shared file untouched; the order of init functions does not matter to
// def.
func init() {
	const g = "generic"
	def(g, "dump", 2, "readonly", 1, 1, 1, cmdDump)
	def(g, "restore", -4, "write denyoom ~touch", 1, 1, 1, cmdRestore)
	syntax["dump"] = "key"
	syntax["restore"] = "key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency]"
}

const (
	errBusyKey    rerr = "BUSYKEY Target key name already exists."
	errBadTTL     rerr = "ERR Invalid TTL value, must be >= 0"
	errBadPayload rerr = "ERR DUMP payload version or checksum are wrong"
	errBadFormat  rerr = "ERR Bad data format"
)

// cmdDump: DUMP key. The payload is in the encoding Redis 7.0 would use for
// the same contents under the CONFIG SET thresholds.
func cmdDump(c *call) error {
	v, err := dumpValue(c, c.db(), c.args[1])
	if err != nil || v == nil {
		c.w.null()
		return err
	}
	c.w.bulk(rdb.Encode(v, c.s.rdbLimits()))
	return nil
}

// rdbLimits are the thresholds OBJECT ENCODING also uses.
func (s *Server) rdbLimits() rdb.Limits {
	return rdb.Limits{
		HashEntries:   s.setting("hash-max-listpack-entries"),
		HashValue:     s.setting("hash-max-listpack-value"),
		ZSetEntries:   s.setting("zset-max-listpack-entries"),
		ZSetValue:     s.setting("zset-max-listpack-value"),
		SetIntEntries: s.setting("set-max-intset-entries"),
		ListNode:      s.setting("list-max-listpack-size"),
	}
}

// restoreOpts are RESTORE's options after the payload.
type restoreOpts struct {
	replace, absTTL bool
	idle, freq      bool // accepted and checked; waq tracks neither
}

// parseRestoreOpts reads the options in Redis's order: IDLETIME and FREQ
// exclude each other (the second is a syntax error), and their values are
// checked as they come.
func parseRestoreOpts(args [][]byte) (restoreOpts, error) {
	var o restoreOpts
	for j := 0; j < len(args); j++ {
		more := j+1 < len(args)
		switch {
		case eq(args[j], "replace"):
			o.replace = true
		case eq(args[j], "absttl"):
			o.absTTL = true
		case eq(args[j], "idletime") && more && !o.freq:
			n, err := intArg(args[j+1])
			if err != nil {
				return o, err
			}
			if n < 0 {
				return o, rerr("ERR Invalid IDLETIME value, must be >= 0")
			}
			o.idle, j = true, j+1
		case eq(args[j], "freq") && more && !o.idle:
			n, err := intArg(args[j+1])
			if err != nil {
				return o, err
			}
			if n < 0 || n > 255 {
				return o, rerr("ERR Invalid FREQ value, must be >= 0 and <= 255")
			}
			o.freq, j = true, j+1
		default:
			return o, errSyntax
		}
	}
	return o, nil
}

// cmdRestore: RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME
// seconds] [FREQ frequency]. The checks run in Redis's order: options, an
// existing key, the TTL, the payload's version and checksum, its contents.
// A payload that does not read whole is refused before anything is written.
func cmdRestore(c *call) error {
	db, key := c.db(), c.args[1]
	o, err := parseRestoreOpts(c.args[4:])
	if err != nil {
		return err
	}
	old, err := c.tx.Meta(db, key)
	if err != nil {
		return err
	}
	if old != nil && !o.replace {
		return errBusyKey
	}
	at, err := restoreExpiry(c, o.absTTL)
	if err != nil {
		return err
	}
	v, err := decodePayload(c, key)
	if err != nil {
		return err
	}
	if at != 0 && at <= c.tx.Now() { // already expired: only the old key goes
		if old != nil {
			c.touch(db, key)
			_, err = c.tx.Delete(db, key)
		}
		c.w.ok()
		return err
	}
	if err := writeRDB(c, db, key, v, at); err != nil {
		return err
	}
	c.touch(db, key)
	c.w.ok()
	return nil
}

// restoreExpiry reads the TTL argument as Unix ms, 0 for none.
func restoreExpiry(c *call, abs bool) (int64, error) {
	ttl, err := intArg(c.args[2])
	switch {
	case err != nil:
		return 0, err
	case ttl < 0:
		return 0, errBadTTL
	case ttl == 0 || abs:
		return ttl, nil
	case ttl > maxInt-c.tx.Now():
		return 0, rerr("ERR invalid expire time in 'restore' command")
	}
	return ttl + c.tx.Now(), nil
}

// decodePayload reads the payload into a value the keyspace can hold.
func decodePayload(c *call, key []byte) (*rdb.Value, error) {
	v, err := rdb.Decode(c.args[3], c.s.opt.MaxBulk)
	switch {
	case errors.Is(err, rdb.ErrPayload):
		return nil, errBadPayload
	case err != nil:
		return nil, errBadFormat
	}
	if v.Kind == rdb.Stream {
		return v, checkStreamLen(key, v.Stream)
	}
	return v, keyspace.CheckLen(key, fromRDB(v).subkeys()...)
}
