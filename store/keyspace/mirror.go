package keyspace

import (
	"encoding/json"
	"fmt"
)

// The mirror's place in its source's replication stream, kept in its own
// bucket and written in the same transaction as the commands it covers, so
// that after a crash the keyspace and the offset never disagree. It is kept
// here rather than in store/mirror because the keyspace behaves as a replica
// while it is there (store/resp's sweeper leaves expiry to the source). The
// bucket is made by the first SetMirrorState rather than registered with the
// store, so that "waq check" (read-only) does not report it missing in data
// files written before mirroring existed.
var (
	bucketMirror   = []byte("mirror")
	mirrorStateKey = []byte("state")
)

// MirrorState is where a mirror (package store/mirror) stands: the source's
// URL (without its password), replication id and the offset of the last
// stream byte applied, and the database selected there. A restart resumes with PSYNC ReplID Offset+1.
type MirrorState struct {
	URL    string `json:"url"`
	ReplID string `json:"replid"`
	Offset int64  `json:"offset"`
	DB     int    `json:"db"` // the database the stream was in at Offset
}

// MirrorState returns the stored mirror state and whether there is one.
func (t *Tx) MirrorState() (MirrorState, bool, error) {
	var m MirrorState
	b := t.tx.Bucket(bucketMirror)
	if b == nil {
		return m, false, nil
	}
	v := b.Get(mirrorStateKey)
	if v == nil {
		return m, false, nil
	}
	if err := json.Unmarshal(v, &m); err != nil {
		return m, false, fmt.Errorf("mirror state: %w", err)
	}
	return m, true, nil
}

// SetMirrorState stores m in t, replacing the previous state.
func (t *Tx) SetMirrorState(m MirrorState) error {
	v, err := json.Marshal(m)
	if err != nil {
		return err
	}
	b, err := t.tx.CreateBucketIfNotExists(bucketMirror)
	if err != nil {
		return err
	}
	return b.Put(mirrorStateKey, v)
}

// ClearMirrorState forgets the mirror state, as a full sync begins and
// after cutover.
func (t *Tx) ClearMirrorState() error {
	b := t.tx.Bucket(bucketMirror)
	if b == nil {
		return nil
	}
	return b.Delete(mirrorStateKey)
}
