package rdb

// Streams: the radix tree of nodes (each a listpack in Redis's stream node
// layout, keyed by its master ID), the stream's counters, then its consumer
// groups with their pending entries (PEL) and consumers. Type 15 is Redis
// 5 to 6.2's (no first ID, max deleted ID, entries added or entries read),
// type 19 Redis 7.0's; 7.2's type 21 is refused as 7.0 refuses it.
const (
	typeStreamListpacks  = 15
	typeStreamListpacks2 = 19
)

// StreamID is a stream entry's ID, ms-seq.
type StreamID struct{ Ms, Seq uint64 }

func (id StreamID) cmp(o StreamID) int {
	switch {
	case id.Ms < o.Ms || id.Ms == o.Ms && id.Seq < o.Seq:
		return -1
	case id == o:
		return 0
	}
	return 1
}

func (id StreamID) isZero() bool { return id == StreamID{} }

// StreamValue is a stream's entries in nodes, its counters and its groups.
// Entries deleted but still in a node (XDEL, exact XTRIM) are not kept:
// reading drops them, writing never writes any.
type StreamValue struct {
	Nodes      []StreamNode
	Length     uint64
	Last       StreamID
	First      StreamID
	MaxDeleted StreamID
	Added      uint64
	Groups     []StreamGroup
}

// StreamNode is one of Redis's macro nodes: its master ID (the first ID
// ever added to it), the master entry's fields, its live entries and the
// number of entries deleted from it (read, never written).
type StreamNode struct {
	Master  StreamID
	Fields  [][]byte
	Entries []StreamEntry
	Deleted int
	last    StreamID // the last entry, deleted or not
}

// StreamEntry is an entry: its ID and its fields and values, flat.
type StreamEntry struct {
	ID     StreamID
	Fields [][]byte
}

// StreamGroup is a consumer group. EntriesRead is -1 when unknown.
type StreamGroup struct {
	Name        []byte
	Last        StreamID
	EntriesRead int64
	Pending     []StreamPending
	Consumers   []StreamConsumer
}

// StreamPending is an entry of a group's PEL; Consumer is the name of the
// consumer that owns it (the RDB lists a consumer's IDs with the consumer).
type StreamPending struct {
	ID         StreamID
	Delivered  int64 // Unix ms of the last delivery
	Deliveries uint64
	Consumer   []byte
}

// StreamConsumer is a consumer: its name and when it was last seen (Unix ms).
type StreamConsumer struct {
	Name []byte
	Seen int64
}

// stream reads a stream of type typeStreamListpacks or typeStreamListpacks2.
func (r *reader) stream(v2 bool) (*Value, error) {
	s := &StreamValue{}
	if err := r.streamNodes(s); err != nil {
		return nil, err
	}
	if err := r.streamCounters(s, v2); err != nil {
		return nil, err
	}
	n, err := r.plainLength()
	if err != nil {
		return nil, err
	}
	if n > uint64(r.left()) {
		return nil, errFormat("group count past the end")
	}
	for range n {
		g, err := r.streamGroup(s, v2)
		if err != nil {
			return nil, err
		}
		s.Groups = append(s.Groups, *g)
	}
	return &Value{Kind: Stream, Stream: s}, checkGroups(s)
}

// plainLength reads a length that is not one of the special forms.
func (r *reader) plainLength() (uint64, error) {
	n, enc, err := r.length()
	if err == nil && enc {
		err = errFormat("encoded length")
	}
	return n, err
}

func (r *reader) streamID() (StreamID, error) {
	ms, err := r.plainLength()
	if err != nil {
		return StreamID{}, err
	}
	seq, err := r.plainLength()
	return StreamID{ms, seq}, err
}

// streamNodes reads the radix tree: master IDs ascending, every node's
// entries after its master ID and after the previous node's.
func (r *reader) streamNodes(s *StreamValue) error {
	n, err := r.plainLength()
	if err != nil {
		return err
	}
	if n > uint64(r.left()/2) {
		return errFormat("node count past the end")
	}
	var prev *StreamID
	for range n {
		key, err := r.string()
		if err != nil {
			return err
		}
		if len(key) != 16 {
			return errFormat("stream node key is not an ID")
		}
		lp, err := r.string()
		if err != nil {
			return err
		}
		node, err := readStreamNode(rawID(key), lp, prev)
		if err != nil {
			return err
		}
		prev = &node.last
		s.Nodes = append(s.Nodes, *node)
	}
	return nil
}

// streamCounters reads the length and IDs after the nodes, and checks them
// against the entries read.
func (r *reader) streamCounters(s *StreamValue, v2 bool) error {
	var err error
	if s.Length, err = r.plainLength(); err != nil {
		return err
	}
	if s.Last, err = r.streamID(); err != nil {
		return err
	}
	live, first, last := s.live()
	if v2 {
		if s.First, err = r.streamID(); err != nil {
			return err
		}
		if s.MaxDeleted, err = r.streamID(); err != nil {
			return err
		}
		if s.Added, err = r.plainLength(); err != nil {
			return err
		}
	} else {
		s.First, s.Added = first, s.Length
	}
	switch {
	case s.Length != live:
		return errFormat("stream length does not match its entries")
	case live > 0 && last.cmp(s.Last) > 0:
		return errFormat("stream entry after the last ID")
	case s.Added < s.Length:
		return errFormat("fewer entries added than the stream holds")
	}
	return nil
}

// live counts the entries and returns the first and last.
func (s *StreamValue) live() (n uint64, first, last StreamID) {
	for _, nd := range s.Nodes {
		if len(nd.Entries) == 0 {
			continue
		}
		if n == 0 {
			first = nd.Entries[0].ID
		}
		n += uint64(len(nd.Entries))
		last = nd.Entries[len(nd.Entries)-1].ID
	}
	return n, first, last
}
