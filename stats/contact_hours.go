package stats

import (
	"encoding/binary"
	"fmt"
	"time"

	"github.com/waqhq/waq/store/statsdb"
)

// hours is one contact's reads and replies by cell (weekday*24+hour in the
// tracker's zone, at the moment each happened): the history the best hour
// to send reads first. The hour buckets cannot give it: they have no
// contact dimension.
type hours [cellsN]struct{ read, replied uint32 }

// hoursVersion is the first byte of an encoded hours record.
const hoursVersion = 1

// ContactEventsCap bounds a contact's record: when its reads and replies
// pass it, every cell halves, so the record follows the contact's habits
// of late rather than of years ago.
const ContactEventsCap = 200

// fade halves every cell when h holds more than ContactEventsCap events.
func (h *hours) fade() {
	var n uint64
	for i := range h {
		n += uint64(h[i].read) + uint64(h[i].replied)
	}
	if n <= ContactEventsCap {
		return
	}
	for i := range h {
		h[i].read /= 2
		h[i].replied /= 2
	}
}

// marshal encodes h sparsely: the version, the number of non-empty cells,
// then each as cell, reads, replies (uvarints). A contact has few events,
// so a record is a few bytes.
func (h *hours) marshal() []byte {
	n := 0
	for i := range h {
		if h[i].read+h[i].replied > 0 {
			n++
		}
	}
	b := binary.AppendUvarint([]byte{hoursVersion}, uint64(n))
	for i := range h {
		if h[i].read+h[i].replied > 0 {
			b = binary.AppendUvarint(b, uint64(i))
			b = binary.AppendUvarint(b, uint64(h[i].read))
			b = binary.AppendUvarint(b, uint64(h[i].replied))
		}
	}
	return b
}

// add adds the record b (nil: nothing) to h; errCorrupt for a bad one.
func (h *hours) add(b []byte) error {
	if b == nil {
		return nil
	}
	if len(b) == 0 || b[0] != hoursVersion {
		return errCorrupt
	}
	r := reader{b: b[1:]}
	for n := r.uvarint(); n > 0 && r.err == nil; n-- {
		if len(r.b) < 3 { // a cell takes three uvarints of a byte or more
			return errCorrupt
		}
		i, rd, rp := r.uvarint(), r.uvarint(), r.uvarint()
		if i >= cellsN {
			return errCorrupt
		}
		h[i].read += uint32(rd)
		h[i].replied += uint32(rp)
	}
	return r.err
}

// grid returns h as a grid of reads and replies.
func (h *hours) grid() *grid {
	g := new(grid)
	for i := range h {
		g[i].read, g[i].replied = uint64(h[i].read), uint64(h[i].replied)
	}
	return g
}

// contactEvent counts a read (reply false) or a reply of phone at at in
// the hours the next flush adds to its record. t.mu must be held.
func (t *Tracker) contactEvent(phone string, at time.Time, reply bool) {
	if phone == "" {
		return
	}
	c := &t.hoursOf(phone)[cellOf(at, t.loc())]
	if reply {
		c.replied++
	} else {
		c.read++
	}
}

// hoursOf returns the pending hours of phone. t.mu must be held.
func (t *Tracker) hoursOf(phone string) *hours {
	if t.hours == nil {
		t.hours = make(map[string]*hours)
	}
	h := t.hours[phone]
	if h == nil {
		h = new(hours)
		t.hours[phone] = h
	}
	return h
}

// putHours adds the hours counted since the last flush to the stored
// records. An unreadable record is replaced, not added to.
func putHours(tx statsdb.Tx, pending map[string]*hours) error {
	for phone, h := range pending {
		sum := *h
		if sum.add(tx.Get(statsdb.ContactHours, []byte(phone))) != nil {
			sum = *h
		}
		sum.fade()
		if err := tx.Put(statsdb.ContactHours, []byte(phone), sum.marshal()); err != nil {
			return err
		}
	}
	return nil
}

// settleHours takes back the hours of a failed flush. t.mu must be held.
func (t *Tracker) settleHours(pending map[string]*hours) {
	for phone, h := range pending {
		cur := t.hoursOf(phone)
		for i := range h {
			cur[i].read += h[i].read
			cur[i].replied += h[i].replied
		}
	}
}

// contactGrid returns the stored reads and replies of contact by cell;
// an empty grid for a contact without a record.
func (r *Reader) contactGrid(contact string) (*grid, error) {
	var h hours
	err := statsdb.View(r.st, func(tx statsdb.Tx) error {
		return h.add(tx.Get(statsdb.ContactHours, []byte(contact)))
	})
	if err != nil {
		return nil, fmt.Errorf("contact hours: %w", err)
	}
	return h.grid(), nil
}
