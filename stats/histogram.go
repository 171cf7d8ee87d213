package stats

import (
	"encoding/binary"
	"math"
	"time"
)

// Histogram buckets: bucket i holds durations up to 2^(i/4) ms, four
// buckets per doubling (each about 19% wider than the one before), from
// 1 ms to about 49 days. A quantile is known within that 19%.
const (
	histBuckets   = 128
	histPerDouble = 4
)

// Histogram counts durations in fixed log-scale buckets, so histograms of
// any buckets and dimensions add up exactly.
type Histogram struct {
	buckets [histBuckets]uint64
	SumMS   uint64 // for exact averages
	n       uint64 // the count, so adding an empty histogram costs nothing
}

// bucketOf returns the bucket of d: the smallest i with d <= 2^(i/4) ms.
func bucketOf(d time.Duration) int {
	ms := float64(d) / float64(time.Millisecond)
	if ms <= 1 {
		return 0
	}
	i := int(math.Ceil(math.Log2(ms) * histPerDouble))
	return min(i, histBuckets-1)
}

// upper returns the largest duration bucket i holds.
func upper(i int) time.Duration {
	return time.Duration(math.Exp2(float64(i)/histPerDouble) * float64(time.Millisecond))
}

// Observe counts one duration; negative ones count as zero.
func (h *Histogram) Observe(d time.Duration) {
	d = max(d, 0)
	h.buckets[bucketOf(d)]++
	h.SumMS += uint64(d / time.Millisecond)
	h.n++
}

// Add adds o to h.
func (h *Histogram) Add(o *Histogram) {
	if o.n == 0 {
		return
	}
	for i, n := range o.buckets {
		h.buckets[i] += n
	}
	h.SumMS += o.SumMS
	h.n += o.n
}

// Count returns how many durations h holds.
func (h *Histogram) Count() uint64 { return h.n }

// Mean returns the average duration, 0 for an empty histogram.
func (h *Histogram) Mean() time.Duration {
	n := h.Count()
	if n == 0 {
		return 0
	}
	return time.Duration(h.SumMS/n) * time.Millisecond
}

// Quantile returns the upper bound of the bucket that holds quantile q
// (0 < q <= 1), 0 for an empty histogram.
func (h *Histogram) Quantile(q float64) time.Duration {
	n := h.Count()
	if n == 0 {
		return 0
	}
	rank := uint64(math.Ceil(q * float64(n)))
	var seen uint64
	for i, c := range h.buckets {
		if seen += c; seen >= max(rank, 1) {
			return upper(i)
		}
	}
	return upper(histBuckets - 1)
}

// appendTo encodes h: its sum, the count of non-empty buckets, then each
// as (index, count).
func (h *Histogram) appendTo(b []byte) []byte {
	b = binary.AppendUvarint(b, h.SumMS)
	n := 0
	for _, c := range h.buckets {
		if c != 0 {
			n++
		}
	}
	b = binary.AppendUvarint(b, uint64(n))
	for i, c := range h.buckets {
		if c != 0 {
			b = binary.AppendUvarint(b, uint64(i))
			b = binary.AppendUvarint(b, c)
		}
	}
	return b
}

func (h *Histogram) readFrom(r *reader) {
	h.SumMS = r.uvarint()
	n := r.uvarint()
	for range n {
		i, c := r.uvarint(), r.uvarint()
		if i >= histBuckets {
			r.err = errCorrupt
			return
		}
		h.buckets[i] = c
		h.n += c
	}
}
