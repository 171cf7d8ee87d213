package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"
)

// decode reads the record of message id, in either encoding: JSON (written
// before recordV1) or recordV1.
func decode(id string, data []byte) (*Message, error) {
	m := new(Message)
	switch {
	case len(data) > 0 && data[0] == recordV1:
		r := recordReader{s: string(data[1:])} // one copy: every string field shares it
		r.message(m)
		if r.err != nil {
			return nil, fmt.Errorf("decode message %s: %w", id, r.err)
		}
		m.ID = id
	default:
		if err := json.Unmarshal(data, m); err != nil {
			return nil, fmt.Errorf("decode message %s: %w", id, err)
		}
	}
	return m, nil
}

// recordReader reads a record; its first error sticks and turns every
// later read into a zero value.
type recordReader struct {
	s   string
	err error
}

func (r *recordReader) message(m *Message) {
	opts := r.uvarint()
	if opts&^optAll != 0 {
		r.fail()
	}
	m.Type = readEnum(r, types)
	m.Priority = readEnum(r, Priorities)
	m.Status = readEnum(r, Statuses)
	m.To = r.string()
	m.Attempts, m.MaxAttempts = int(r.varint()), int(r.varint())
	m.CreatedAt = r.time(epoch)
	m.UpdatedAt = r.time(m.CreatedAt)
	r.optional(m, opts)
	if r.err == nil && r.s != "" {
		r.fail() // bytes after the last field
	}
}

func (r *recordReader) optional(m *Message, opts uint64) {
	strs := func(bit uint64, s *string) {
		if opts&bit != 0 {
			*s = r.string()
		}
	}
	times := func(bit uint64, t **time.Time) {
		if opts&bit != 0 {
			v := r.time(m.CreatedAt)
			*t = &v
		}
	}
	strs(optText, &m.Text)
	if opts&optMedia != 0 {
		m.Media = &Media{URL: r.string(), Kind: r.string(), Caption: r.string(), Filename: r.string()}
	}
	if opts&optTemplate != 0 {
		m.Template = r.template()
	}
	times(optSendAt, &m.SendAt)
	times(optNextAttemptAt, &m.NextAttemptAt)
	times(optSentAt, &m.SentAt)
	times(optDeliveredAt, &m.DeliveredAt)
	times(optReadAt, &m.ReadAt)
	times(optLeaseUntil, &m.LeaseUntil)
	strs(optLastError, &m.LastError)
	strs(optGatewayMessageID, &m.GatewayMessageID)
	strs(optCampaign, &m.Campaign)
	strs(optInstance, &m.Instance)
	strs(optIdempotencyKey, &m.IdempotencyKey)
	if opts&optMetadata != 0 {
		r.json(&m.Metadata)
	}
	strs(optCallbackURL, &m.CallbackURL)
	if opts&optFallbackTemplate != 0 {
		m.FallbackTemplate = r.template()
	}
	strs(optSentAs, &m.SentAs)
	if opts&optHistory != 0 {
		m.History = r.history(m.CreatedAt)
	}
	strs(optVariant, &m.Variant)
	strs(optTriedBy, &m.TriedBy)
}

func (r *recordReader) history(created time.Time) []Change {
	n := r.uvarint()
	if n > uint64(len(r.s)) { // each entry takes 3 bytes at least
		r.fail()
		return nil
	}
	h := make([]Change, n)
	for i := range h {
		h[i].Status = readEnum(r, Statuses)
		h[i].At = r.time(created)
		h[i].Note = r.string()
	}
	return h
}

func (r *recordReader) template() *Template {
	t := &Template{Name: r.string(), Language: r.string()}
	r.json(&t.Components)
	return t
}

func (r *recordReader) json(v any) {
	if s := r.string(); r.err == nil {
		if err := json.Unmarshal([]byte(s), v); err != nil {
			r.err = err
		}
	}
}

func (r *recordReader) fail() {
	if r.err == nil {
		r.err = errRecord
	}
	r.s = ""
}

func (r *recordReader) uvarint() uint64 {
	var v uint64
	for i := 0; i < len(r.s) && i < binary.MaxVarintLen64; i++ {
		c := r.s[i]
		if c < 0x80 {
			if i == binary.MaxVarintLen64-1 && c > 1 {
				break // overflows 64 bits
			}
			r.s = r.s[i+1:]
			return v | uint64(c)<<(7*i)
		}
		v |= uint64(c&0x7f) << (7 * i)
	}
	r.fail()
	return 0
}

func (r *recordReader) varint() int64 {
	u := r.uvarint()
	return int64(u>>1) ^ -int64(u&1) // zigzag, as binary.AppendVarint writes it
}

func (r *recordReader) string() string {
	n := r.uvarint()
	if n > uint64(len(r.s)) {
		r.fail()
		return ""
	}
	s := r.s[:n]
	r.s = r.s[n:]
	return s
}

func (r *recordReader) byte() byte {
	if r.s == "" {
		r.fail()
		return 0
	}
	c := r.s[0]
	r.s = r.s[1:]
	return c
}

func readEnum[S ~string](r *recordReader, list []S) S {
	switch c := r.byte(); {
	case int(c) < len(list):
		return list[c]
	case c == enumOther:
		return S(r.string())
	}
	r.fail()
	return ""
}

func (r *recordReader) time(base time.Time) time.Time {
	d := r.varint()
	if d != timeEscape {
		return base.Add(time.Duration(d))
	}
	sec, nsec := r.varint(), r.uvarint()
	if nsec >= 1e9 {
		r.fail()
	}
	return time.Unix(sec, int64(nsec)).UTC()
}
