package store

import (
	"encoding/base64"

	bolt "go.etcd.io/bbolt"
)

// Listing limits.
const (
	ListLimitDefault = 50
	ListLimitMax     = 1000
	listScanMax      = 10000 // records one page examines for campaign and phone filters
)

// Filter selects messages for Messages.
type Filter struct {
	Status   Status // all states when empty
	Campaign string
	Instance string // the instance a message is pinned to, or that sent it
	To       string
	Limit    int    // ListLimitDefault when 0
	Cursor   string // the NextCursor of the previous page
}

// Messages lists messages newest first: by creation without a state filter,
// by the time they entered the state with one. It returns a cursor for the
// next page, empty on the last. A page examines a bounded number of records,
// so a rare campaign or phone may come back as a short page with a cursor.
// It returns EINVALID for a bad state, limit or cursor.
func (s *Store) Messages(f Filter) ([]*Message, string, error) {
	if f.Status != "" && !f.Status.Valid() {
		return nil, "", FieldErrorf("status", "%q is not a message state", f.Status)
	}
	if f.Limit == 0 {
		f.Limit = ListLimitDefault
	}
	if f.Limit < 0 || f.Limit > ListLimitMax {
		return nil, "", FieldErrorf("limit", "must be between 1 and %d", ListLimitMax)
	}
	after, err := base64.RawURLEncoding.DecodeString(f.Cursor)
	if err != nil || len(after) > 0 && !cursorKey(f.Status, after) {
		return nil, "", FieldErrorf("cursor", "is not a cursor this server gave")
	}
	var out []*Message
	var next string
	err = s.view(func(tx *bolt.Tx) (err error) {
		out, next, err = list(tx, f, after)
		return err
	})
	return out, next, err
}

// cursorKey reports whether after is a key a page of the list of st ends
// on: a message id, or with a state its code, the time the message entered
// it and its id. Anything else would seek to an arbitrary place and answer
// a page that looks right.
func cursorKey(st Status, after []byte) bool {
	if st == "" {
		return validID(string(after))
	}
	return len(after) == 9+idLen && after[0] == st.code() && validID(string(after[9:]))
}

func list(tx *bolt.Tx, f Filter, after []byte) ([]*Message, string, error) {
	bucket, prefix, idAt := bucketMessages, []byte(nil), 0
	if f.Status != "" {
		bucket, prefix, idAt = bucketStates, []byte{f.Status.code()}, 9
	}
	c := tx.Bucket(bucket).Cursor()
	k := seekBefore(c, prefix, after)
	var out []*Message
	var last []byte // the last key examined: where the next page resumes
	for scanned := 0; k != nil && hasPrefix(k, prefix); k, _ = c.Prev() {
		if len(out) == f.Limit || scanned == listScanMax {
			return out, base64.RawURLEncoding.EncodeToString(last), nil
		}
		scanned, last = scanned+1, k
		m, err := get(tx, string(k[idAt:]))
		if err != nil {
			return nil, "", err
		}
		if (f.Campaign == "" || m.Campaign == f.Campaign) && (f.To == "" || m.To == f.To) && (f.Instance == "" || m.Instance == f.Instance) {
			out = append(out, m)
		}
	}
	return out, "", nil
}

// seekBefore places c on the last key with prefix that sorts before after
// (after empty: the last key with prefix).
func seekBefore(c *bolt.Cursor, prefix, after []byte) []byte {
	if len(after) > 0 {
		c.Seek(after)
		k, _ := c.Prev()
		return k
	}
	end := append(append([]byte{}, prefix...), 0xff)
	if len(prefix) == 0 {
		k, _ := c.Last()
		return k
	}
	if k, _ := c.Seek(end); k == nil {
		k, _ = c.Last()
		return k
	}
	k, _ := c.Prev()
	return k
}

func hasPrefix(k, prefix []byte) bool {
	return len(k) >= len(prefix) && string(k[:len(prefix)]) == string(prefix)
}
