package mirror

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/hdt3213/rdb/core"
	"github.com/hdt3213/rdb/model"
	"github.com/waqhq/waq/store/keyspace"
)

// loadBatch is how many keys of the RDB share one bbolt transaction: big
// enough to amortise the fsync, small enough to keep a transaction's pages
// in memory.
const loadBatch = 500

// eofMarkLen is the length of the diskless transfer's random end marker.
const eofMarkLen = 40

// rdbReader reads the bulk header after +FULLRESYNC and returns a reader of
// the RDB and a function to call once it is parsed, which consumes what
// follows it (the rest of a sized bulk, or the EOF marker).
func (l *link) rdbReader() (*bufio.Reader, func() error, error) {
	s, err := l.line()
	if err != nil {
		return nil, nil, err
	}
	if s[0] != '$' {
		return nil, nil, fmt.Errorf("%w: expected the RDB, got %q", ErrRefused, trunc(s, 200))
	}
	if mark, ok := strings.CutPrefix(s[1:], "EOF:"); ok && len(mark) == eofMarkLen {
		// The decoder reads exactly up to the checksum from a bufio.Reader
		// of at least its own size, which l.br is; the marker follows.
		return l.br, func() error {
			got := make([]byte, eofMarkLen)
			if _, err := io.ReadFull(l.br, got); err != nil {
				return fmt.Errorf("mirror: RDB end marker: %w", err)
			}
			if string(got) != mark {
				return fmt.Errorf("mirror: RDB end marker mismatch")
			}
			return nil
		}, nil
	}
	n, err := strconv.ParseInt(s[1:], 10, 64)
	if err != nil || n < 0 {
		return nil, nil, fmt.Errorf("%w: bad RDB length %q", ErrNotRedis, trunc(s, 64))
	}
	lr := io.LimitReader(l.br, n)
	return bufio.NewReaderSize(lr, 64<<10), func() error {
		_, err := io.Copy(io.Discard, lr)
		return err
	}, nil
}

// loader applies RDB objects to the keyspace in batches.
type loader struct {
	ks      *keyspace.Keyspace
	tap     *rdbTap // nil: hashes in byte order
	batch   []model.RedisObject
	orders  [][]string // the fields of batch's hashes in Redis's order, when known
	keys    int64      // applied
	skipped int64      // modules: not kept
}

// load parses the RDB from r into the (already flushed) keyspace.
func (ld *loader) load(r io.Reader) error {
	var failed error
	err := core.NewDecoder(r).Parse(func(o model.RedisObject) bool {
		var order []string
		if ld.tap != nil {
			raw := ld.tap.take()
			if _, ok := o.(*model.HashObject); ok && raw != nil {
				order = hashOrder(raw)
			}
		}
		ld.batch, ld.orders = append(ld.batch, o), append(ld.orders, order)
		if len(ld.batch) >= loadBatch {
			failed = ld.flush()
		}
		return failed == nil
	})
	if err == nil {
		err = failed
	}
	if err == nil {
		err = ld.flush()
	}
	if err != nil {
		return fmt.Errorf("mirror: load RDB: %w", err)
	}
	return nil
}

// flush writes the batch in one transaction.
func (ld *loader) flush() error {
	if len(ld.batch) == 0 {
		return nil
	}
	var n, skip int64
	err := ld.ks.UpdateNoExpiry(func(tx *keyspace.Tx) error {
		n, skip = 0, 0
		for i, o := range ld.batch {
			ok, err := putObject(tx, o, ld.orders[i])
			if err != nil {
				return fmt.Errorf("key %q: %w", trunc(o.GetKey(), 64), err)
			}
			if ok {
				n++
			} else {
				skip++
			}
		}
		return nil
	})
	ld.keys += n
	ld.skipped += skip
	ld.batch, ld.orders = ld.batch[:0], ld.orders[:0]
	return err
}

// putObject writes one RDB object with its expiry and reports whether its
// type is one the keyspace holds. order is a hash's fields in Redis's
// order, if known.
func putObject(tx *keyspace.Tx, o model.RedisObject, order []string) (bool, error) {
	db, key := o.GetDBIndex(), []byte(o.GetKey())
	var exp int64
	if e := o.GetExpiration(); e != nil {
		exp = e.UnixMilli()
	}
	var err error
	switch v := o.(type) {
	case *model.StringObject:
		return true, tx.SetString(db, key, bytes.Clone(v.Value), exp, false)
	case *model.ListObject:
		err = tx.LReplace(db, key, v.Values)
	case *model.HashObject:
		for _, f := range fieldOrder(v.Hash, order) {
			if _, err = tx.HSet(db, key, []byte(f), v.Hash[f]); err != nil {
				break
			}
		}
	case *model.SetObject:
		for _, m := range v.Members {
			if _, err = tx.SAdd(db, key, m); err != nil {
				break
			}
		}
	case *model.ZSetObject:
		for _, e := range v.Entries {
			if _, err = tx.ZAdd(db, key, []byte(e.Member), e.Score); err != nil {
				break
			}
		}
	case *model.StreamObject:
		err = putStream(tx, db, key, v)
	default:
		return false, nil
	}
	if err == nil && exp != 0 {
		_, err = tx.SetExpire(db, key, exp)
	}
	return true, err
}
