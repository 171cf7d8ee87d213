package stats

import (
	"encoding/binary"
	"errors"
	"math"
	"slices"
)

// Counters are the pre-aggregated analytics of one time bucket and one
// dimension. Every field adds up across buckets, so any range is the sum of
// its buckets.
type Counters struct {
	Enqueued  uint64
	Sent      uint64 // accepted by the gateway (first tries and retries)
	Failed    uint64 // tries that failed, and deliveries the gateway reported failed
	Dead      uint64
	Delivered uint64
	Read      uint64
	Received  uint64 // inbound messages from contacts
	Retries   uint64 // sends that were not a message's first try

	ConversationsStarted uint64
	ConversationsEnded   uint64
	Handoffs             uint64
	Replied              uint64 // campaign messages answered within the reply window

	Leads          uint64
	QualifiedLeads uint64
	Appointments   uint64
	Sales          uint64
	Value          map[string]float64 // conversion value by currency ("EUR")

	QueueWait    Histogram // enqueue (or send_at) to sent, ms
	Latency      Histogram // gateway call, ms
	ResponseTime Histogram // a contact's message to the next reply, ms
}

// uints lists the counter fields in their encoded order. New fields go at
// the end: older records decode with them at zero.
func (c *Counters) uints() []*uint64 {
	return []*uint64{&c.Enqueued, &c.Sent, &c.Failed, &c.Dead, &c.Delivered, &c.Read, &c.Received, &c.Retries,
		&c.ConversationsStarted, &c.ConversationsEnded, &c.Handoffs, &c.Replied,
		&c.Leads, &c.QualifiedLeads, &c.Appointments, &c.Sales}
}

func (c *Counters) hists() []*Histogram {
	return []*Histogram{&c.QueueWait, &c.Latency, &c.ResponseTime}
}

// Add adds o to c.
func (c *Counters) Add(o *Counters) {
	dst, src := c.uints(), o.uints()
	for i := range dst {
		*dst[i] += *src[i]
	}
	for cur, v := range o.Value {
		if c.Value == nil {
			c.Value = make(map[string]float64)
		}
		c.Value[cur] += v
	}
	hd, hs := c.hists(), o.hists()
	for i := range hd {
		hd[i].Add(hs[i])
	}
}

// IsZero reports whether c counts nothing.
func (c *Counters) IsZero() bool {
	for _, p := range c.uints() {
		if *p != 0 {
			return false
		}
	}
	for _, h := range c.hists() {
		if h.Count() != 0 {
			return false
		}
	}
	return len(c.Value) == 0
}

// countersVersion is the first byte of an encoded record.
const countersVersion = 1

// Marshal encodes c compactly: the counters as uvarints, the values, then
// each histogram's non-empty buckets.
func (c *Counters) Marshal() []byte {
	b := make([]byte, 0, 64)
	b = append(b, countersVersion)
	for _, p := range c.uints() {
		b = binary.AppendUvarint(b, *p)
	}
	curs := make([]string, 0, len(c.Value))
	for cur := range c.Value {
		curs = append(curs, cur)
	}
	slices.Sort(curs)
	b = binary.AppendUvarint(b, uint64(len(curs)))
	for _, cur := range curs {
		b = binary.AppendUvarint(b, uint64(len(cur)))
		b = append(b, cur...)
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(c.Value[cur]))
	}
	for _, h := range c.hists() {
		b = h.appendTo(b)
	}
	return b
}

var errCorrupt = errors.New("stats: corrupt counters record")

// Unmarshal decodes a record written by Marshal into c, replacing it.
func (c *Counters) Unmarshal(b []byte) error {
	*c = Counters{}
	if len(b) == 0 || b[0] != countersVersion {
		return errCorrupt
	}
	r := reader{b: b[1:]}
	for _, p := range c.uints() {
		*p = r.uvarint()
	}
	if n := r.uvarint(); n > 0 && r.err == nil {
		c.Value = make(map[string]float64, n)
		for range n {
			cur := string(r.bytes(int(r.uvarint())))
			c.Value[cur] = math.Float64frombits(r.uint64())
		}
	}
	for _, h := range c.hists() {
		h.readFrom(&r)
	}
	return r.err
}

// reader decodes the parts of a record, remembering the first error.
type reader struct {
	b   []byte
	err error
}

func (r *reader) uvarint() uint64 {
	if r.err != nil || len(r.b) == 0 {
		return 0 // a shorter, older record: missing fields are zero
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = errCorrupt
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) bytes(n int) []byte {
	if r.err != nil || n < 0 || n > len(r.b) {
		r.err = errCorrupt
		return nil
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}

func (r *reader) uint64() uint64 {
	if v := r.bytes(8); v != nil {
		return binary.LittleEndian.Uint64(v)
	}
	return 0
}
