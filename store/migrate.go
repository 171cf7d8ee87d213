package store

import (
	"bytes"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// migrateMax bounds the records one migration transaction rewrites.
const migrateMax = 1000

// keyRecords in the meta bucket says every message record is recordV1, so
// that opening the file skips the scan.
var keyRecords = []byte("records")

// migrateRecords rewrites the JSON message records of files written before
// recordV1, migrateMax per transaction. A rewritten record is no longer JSON,
// so a migration cut short (a crash, a full disk) simply resumes at the next
// open; get reads both encodings meanwhile. A JSON record whose id is not its
// key stays as it is, for waq check to report. It returns how many records
// it rewrote.
func migrateRecords(db *bolt.DB) (int, error) {
	done := false
	_ = db.View(func(tx *bolt.Tx) error {
		done = bytes.Equal(tx.Bucket(bucketMeta).Get(keyRecords), []byte{recordV1})
		return nil
	})
	total := 0
	for after := []byte(nil); !done; {
		var n int
		err := db.Update(func(tx *bolt.Tx) (err error) {
			n, after, err = migrateBatch(tx, after)
			if err == nil && after == nil {
				done = true
				err = tx.Bucket(bucketMeta).Put(keyRecords, []byte{recordV1})
			}
			return err
		})
		if err != nil {
			return total, fmt.Errorf("migrate records: %w", err)
		}
		total += n
	}
	return total, nil
}

// migrateBatch rewrites up to migrateMax JSON records from key after on and
// returns where the next batch starts, nil at the end.
func migrateBatch(tx *bolt.Tx, after []byte) (int, []byte, error) {
	b := writable(tx, bucketMessages)
	type record struct{ key, data []byte }
	var batch []record
	c := b.Cursor()
	k, v := c.First()
	if after != nil {
		k, v = c.Seek(after)
	}
	for ; k != nil && len(batch) < migrateMax; k, v = c.Next() {
		if len(v) == 0 || v[0] != '{' {
			continue
		}
		m, err := decode(string(k), v)
		if err != nil || m.ID != string(k) {
			continue // waq check reports it
		}
		data, err := encodeRecord(nil, m)
		if err != nil {
			return 0, nil, err
		}
		batch = append(batch, record{bytes.Clone(k), data})
	}
	var next []byte
	if k != nil {
		next = bytes.Clone(k)
	}
	// The puts wait for the end of the scan: a cursor does not survive them.
	for _, r := range batch {
		if err := b.Put(r.key, r.data); err != nil {
			return 0, nil, err
		}
	}
	return len(batch), next, nil
}
