package keyspace

// A group's entries-read counter and lag, as Redis 7.0 keeps them: exact
// while no deleted entry lies ahead of the group, estimated from the
// stream's counters otherwise, unknown (-1) when neither works.

// tombstonesFrom reports whether an entry deleted by XDEL may lie at or
// after start.
func (s *XStream) tombstonesFrom(start StreamID) bool {
	if s.m.Size == 0 || s.MaxDeleted.IsZero() {
		return false
	}
	if s.First().Cmp(s.MaxDeleted) > 0 {
		return false
	}
	return start.Cmp(s.MaxDeleted) <= 0
}

// distance is the number of entries added up to id, or -1 when it cannot
// be known.
func (s *XStream) distance(id StreamID) int64 {
	if s.Added == 0 {
		return 0
	}
	if s.m.Size == 0 && id.Cmp(s.Last) < 1 {
		return s.Added
	}
	switch id.Cmp(s.Last) {
	case 0:
		return s.Added
	case 1:
		return -1
	}
	first := s.First()
	if s.MaxDeleted.IsZero() || s.MaxDeleted.Cmp(first) < 0 {
		switch id.Cmp(first) {
		case -1:
			return s.Added - s.m.Size
		case 0:
			return s.Added - s.m.Size + 1
		}
	}
	return -1
}

// Delivered moves g past id, an entry being delivered, counting it.
func (s *XStream) Delivered(g *Group, id StreamID) {
	if id.Cmp(g.Last) <= 0 {
		return
	}
	if g.EntriesRead != -1 && !s.tombstonesFrom(id) {
		g.EntriesRead++
	} else if s.Added != 0 {
		g.EntriesRead = s.distance(id)
	}
	g.Last = id
}

// Lag is the number of entries g has yet to read; false when unknown.
func (s *XStream) Lag(g *Group) (int64, bool) {
	if s.Added == 0 {
		return 0, true
	}
	if g.EntriesRead != -1 && !s.tombstonesFrom(g.Last) {
		return s.Added - g.EntriesRead, true
	}
	if n := s.distance(g.Last); n != -1 {
		return s.Added - n, true
	}
	return 0, false
}
