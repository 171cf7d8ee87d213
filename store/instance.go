package store

import (
	"encoding/json"
	"time"

	bolt "go.etcd.io/bbolt"
)

// InstanceState is what waq remembers about a gateway instance across
// restarts: a pause the gateway caused (a banned or logged-out number must
// not be tried again just because waq restarted) and when its warm-up
// began.
type InstanceState struct {
	PausedReason string     `json:"paused_reason,omitempty"`
	PausedAt     *time.Time `json:"paused_at,omitempty"`
	WarmupFrom   *time.Time `json:"warmup_from,omitempty"`
}

// Instance returns the stored state of the named instance; the zero state
// when none was stored.
func (s *Store) Instance(name string) (InstanceState, error) {
	var st InstanceState
	err := s.view(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketInstances).Get([]byte(name))
		if v == nil {
			return nil
		}
		if err := json.Unmarshal(v, &st); err != nil {
			return Errorf(EINTERNAL, "instance %s: %v", name, err)
		}
		return nil
	})
	return st, err
}

// SetInstance stores the state of the named instance. It returns EINVALID
// for an empty name.
func (s *Store) SetInstance(name string, st InstanceState) error {
	if name == "" {
		return Errorf(EINVALID, "an instance needs a name")
	}
	v, err := json.Marshal(st)
	if err != nil {
		return err
	}
	return s.update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketInstances).Put([]byte(name), v)
	})
}
