package rdb

import (
	"encoding/binary"
	"math"
)

func rawID(p []byte) StreamID {
	return StreamID{binary.BigEndian.Uint64(p), binary.BigEndian.Uint64(p[8:])}
}

func (r *reader) rawID() (StreamID, error) {
	p, err := r.take(16)
	if err != nil {
		return StreamID{}, err
	}
	return rawID(p), nil
}

func (r *reader) millis() (int64, error) {
	p, err := r.take(8)
	if err != nil {
		return 0, err
	}
	return int64(binary.LittleEndian.Uint64(p)), nil
}

// streamGroup reads a group: name, last ID, entries read (type 19; type 15
// estimates it as Redis 7.0 does on loading), the PEL, the consumers.
func (r *reader) streamGroup(s *StreamValue, v2 bool) (*StreamGroup, error) {
	name, err := r.string()
	if err != nil {
		return nil, err
	}
	g := &StreamGroup{Name: name}
	if g.Last, err = r.streamID(); err != nil {
		return nil, err
	}
	if v2 {
		n, err := r.plainLength()
		if err != nil {
			return nil, err
		}
		g.EntriesRead = int64(n) // -1 (unknown) is saved as its unsigned form
		if g.EntriesRead < -1 {
			return nil, errFormat("bad entries read")
		}
	} else {
		g.EntriesRead = s.distance(g.Last)
	}
	if err := r.streamPEL(g); err != nil {
		return nil, err
	}
	return g, r.streamConsumers(g)
}

// streamPEL reads the group's pending entries, IDs ascending.
func (r *reader) streamPEL(g *StreamGroup) error {
	n, err := r.plainLength()
	if err != nil {
		return err
	}
	if n > uint64(r.left()/25) {
		return errFormat("PEL count past the end")
	}
	for i := range n {
		var p StreamPending
		if p.ID, err = r.rawID(); err != nil {
			return err
		}
		if i > 0 && p.ID.cmp(g.Pending[i-1].ID) <= 0 {
			return errFormat("PEL out of order")
		}
		if p.Delivered, err = r.millis(); err != nil {
			return err
		}
		if p.Deliveries, err = r.plainLength(); err != nil {
			return err
		}
		if p.Deliveries > math.MaxInt64 {
			return errFormat("bad delivery count")
		}
		g.Pending = append(g.Pending, p)
	}
	return nil
}

// streamConsumers reads the consumers; each of a consumer's IDs must be in
// the group's PEL and owned by no other consumer.
func (r *reader) streamConsumers(g *StreamGroup) error {
	n, err := r.plainLength()
	if err != nil {
		return err
	}
	if n > uint64(r.left()/10) {
		return errFormat("consumer count past the end")
	}
	at := make(map[StreamID]int, len(g.Pending))
	for i, p := range g.Pending {
		at[p.ID] = i
	}
	for range n {
		var c StreamConsumer
		if c.Name, err = r.string(); err != nil {
			return err
		}
		if c.Seen, err = r.millis(); err != nil {
			return err
		}
		k, err := r.plainLength()
		if err != nil {
			return err
		}
		if k > uint64(r.left()/16) {
			return errFormat("consumer PEL past the end")
		}
		for range k {
			id, err := r.rawID()
			if err != nil {
				return err
			}
			i, ok := at[id]
			if !ok || g.Pending[i].Consumer != nil {
				return errFormat("consumer PEL entry not in the group's PEL")
			}
			g.Pending[i].Consumer = c.Name
		}
		g.Consumers = append(g.Consumers, c)
	}
	return nil
}

// checkGroups refuses duplicate group or consumer names and PEL entries
// that no consumer owns, as Redis's deep sanitization does.
func checkGroups(s *StreamValue) error {
	groups := map[string]bool{}
	for _, g := range s.Groups {
		if groups[string(g.Name)] {
			return errFormat("duplicate consumer group")
		}
		groups[string(g.Name)] = true
		cs := map[string]bool{}
		for _, c := range g.Consumers {
			if cs[string(c.Name)] {
				return errFormat("duplicate consumer")
			}
			cs[string(c.Name)] = true
		}
		for _, p := range g.Pending {
			if p.Consumer == nil {
				return errFormat("PEL entry without a consumer")
			}
		}
	}
	return nil
}

// distance is the number of entries added up to id, -1 when it cannot be
// known: how Redis 7.0 estimates a group's entries read when it loads a
// type 15 stream, which has none.
func (s *StreamValue) distance(id StreamID) int64 {
	if s.Added == 0 {
		return 0
	}
	if s.Length == 0 && id.cmp(s.Last) <= 0 {
		return int64(s.Added)
	}
	switch id.cmp(s.Last) {
	case 0:
		return int64(s.Added)
	case 1:
		return -1
	}
	if s.MaxDeleted.isZero() || s.MaxDeleted.cmp(s.First) < 0 {
		switch id.cmp(s.First) {
		case -1:
			return int64(s.Added - s.Length)
		case 0:
			return int64(s.Added - s.Length + 1)
		}
	}
	return -1
}
