package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"
)

// A message record is recordV1 then, in this order: a uvarint bitmap saying
// which optional fields follow; type, priority and status as enums; to;
// attempts and max_attempts as varints; created_at; updated_at; then each
// optional field whose bit is set, in the order of the opt constants. The id
// is the record's key and is not repeated. Strings are a uvarint length and
// the bytes. An enum is the value's index in its list, or enumOther and the
// string. Times are varint nanoseconds from a base (the Unix epoch for
// created_at, created_at for the others), or timeEscape, Unix seconds and
// nanoseconds for a time that far from its base. Metadata and template
// components are JSON, as a client sent them. Records written before this
// encoding are JSON objects, which start with '{', never with recordV1.
const recordV1 = 0x01

const (
	optText = 1 << iota
	optMedia
	optTemplate
	optSendAt
	optNextAttemptAt
	optSentAt
	optDeliveredAt
	optReadAt
	optLeaseUntil
	optLastError
	optGatewayMessageID
	optCampaign
	optInstance
	optIdempotencyKey
	optMetadata
	optCallbackURL
	optFallbackTemplate
	optSentAs
	optHistory
	optVariant // added after the first recordV1 files: older records lack the bit, and read with no variant
	optTriedBy // added after optVariant, the same way: older records read with no tried_by
	optAll     = optTriedBy<<1 - 1
)

const (
	enumOther  = 0xff
	timeEscape = math.MinInt64
)

var (
	types     = []string{TypeText, TypeMedia, TypeTemplate}
	epoch     = time.Unix(0, 0).UTC()
	errRecord = errors.New("record is cut short or malformed")
)

// encodeRecord appends the record of m to b.
func encodeRecord(b []byte, m *Message) ([]byte, error) {
	opts := presence(m)
	b = append(b, recordV1)
	b = binary.AppendUvarint(b, opts)
	b = appendEnum(b, m.Type, types)
	b = appendEnum(b, m.Priority, Priorities)
	b = appendEnum(b, m.Status, Statuses)
	b = appendString(b, m.To)
	b = binary.AppendVarint(b, int64(m.Attempts))
	b = binary.AppendVarint(b, int64(m.MaxAttempts))
	b = appendTime(b, m.CreatedAt, epoch)
	b = appendTime(b, m.UpdatedAt, m.CreatedAt)
	return appendOptional(b, m, opts)
}

// presence returns the bitmap of the optional fields m has. A field is absent
// when the JSON record would omit it, so both encodings read back the same.
func presence(m *Message) uint64 {
	has := [...]bool{m.Text != "", m.Media != nil, m.Template != nil,
		m.SendAt != nil, m.NextAttemptAt != nil, m.SentAt != nil,
		m.DeliveredAt != nil, m.ReadAt != nil, m.LeaseUntil != nil,
		m.LastError != "", m.GatewayMessageID != "",
		m.Campaign != "", m.Instance != "", m.IdempotencyKey != "",
		len(m.Metadata) > 0, m.CallbackURL != "",
		m.FallbackTemplate != nil, m.SentAs != "", len(m.History) > 0, m.Variant != "",
		m.TriedBy != ""}
	var opts uint64
	for i, on := range has { // in the order of the opt constants
		if on {
			opts |= 1 << i
		}
	}
	return opts
}

func appendOptional(b []byte, m *Message, opts uint64) ([]byte, error) {
	var err error
	strs := func(bit uint64, s string) {
		if opts&bit != 0 {
			b = appendString(b, s)
		}
	}
	times := func(bit uint64, t *time.Time) {
		if opts&bit != 0 {
			b = appendTime(b, *t, m.CreatedAt)
		}
	}
	strs(optText, m.Text)
	if opts&optMedia != 0 {
		b = appendString(appendString(appendString(appendString(b, m.Media.URL), m.Media.Kind), m.Media.Caption), m.Media.Filename)
	}
	if opts&optTemplate != 0 {
		b, err = appendTemplate(b, m.Template)
	}
	times(optSendAt, m.SendAt)
	times(optNextAttemptAt, m.NextAttemptAt)
	times(optSentAt, m.SentAt)
	times(optDeliveredAt, m.DeliveredAt)
	times(optReadAt, m.ReadAt)
	times(optLeaseUntil, m.LeaseUntil)
	strs(optLastError, m.LastError)
	strs(optGatewayMessageID, m.GatewayMessageID)
	strs(optCampaign, m.Campaign)
	strs(optInstance, m.Instance)
	strs(optIdempotencyKey, m.IdempotencyKey)
	if opts&optMetadata != 0 && err == nil {
		b, err = appendJSON(b, m.Metadata)
	}
	strs(optCallbackURL, m.CallbackURL)
	if opts&optFallbackTemplate != 0 && err == nil {
		b, err = appendTemplate(b, m.FallbackTemplate)
	}
	strs(optSentAs, m.SentAs)
	if opts&optHistory != 0 {
		b = binary.AppendUvarint(b, uint64(len(m.History)))
		for _, c := range m.History {
			b = appendString(appendTime(appendEnum(b, c.Status, Statuses), c.At, m.CreatedAt), c.Note)
		}
	}
	strs(optVariant, m.Variant)
	strs(optTriedBy, m.TriedBy)
	if err != nil {
		return nil, fmt.Errorf("encode message: %w", err)
	}
	return b, nil
}

func appendTemplate(b []byte, t *Template) ([]byte, error) {
	b = appendString(appendString(b, t.Name), t.Language)
	return appendJSON(b, t.Components)
}

// appendJSON appends v as a length-prefixed JSON value.
func appendJSON(b []byte, v any) ([]byte, error) {
	j, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return appendString(b, string(j)), nil
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

func appendEnum[S ~string](b []byte, v S, list []S) []byte {
	for i, w := range list {
		if v == w {
			return append(b, byte(i))
		}
	}
	return appendString(append(b, enumOther), string(v))
}

// appendTime appends t as nanoseconds from base, or escaped when the
// difference does not fit in a time.Duration. Round(0) drops the monotonic
// readings of the real clock, which Sub and Equal would otherwise prefer to
// the wall clock that the record and the index keys hold.
func appendTime(b []byte, t, base time.Time) []byte {
	t, base = t.Round(0), base.Round(0)
	if d := t.Sub(base); d != timeEscape && base.Add(d).Equal(t) {
		return binary.AppendVarint(b, int64(d))
	}
	b = binary.AppendVarint(b, timeEscape)
	b = binary.AppendVarint(b, t.Unix())
	return binary.AppendUvarint(b, uint64(t.Nanosecond()))
}
