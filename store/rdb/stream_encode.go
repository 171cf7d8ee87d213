package rdb

import "encoding/binary"

// appendStream writes s as type 19, as Redis 7.0 does: its nodes as given
// (nodes without live entries are left out), the counters, the groups.
func appendStream(w []byte, s *StreamValue) []byte {
	w = append(w, typeStreamListpacks2)
	n := 0
	for _, nd := range s.Nodes {
		if len(nd.Entries) > 0 {
			n++
		}
	}
	w = appendLength(w, uint64(n))
	for i := range s.Nodes {
		nd := &s.Nodes[i]
		if len(nd.Entries) == 0 {
			continue
		}
		w = appendBlob(w, appendRawID(nil, nd.Master))
		w = appendBlob(w, streamNodeListpack(nd))
	}
	w = appendLength(w, s.Length)
	w = appendID(appendID(appendID(w, s.Last), s.First), s.MaxDeleted)
	w = appendLength(w, s.Added)
	w = appendLength(w, uint64(len(s.Groups)))
	for i := range s.Groups {
		w = appendGroup(w, &s.Groups[i])
	}
	return w
}

func appendID(w []byte, id StreamID) []byte { return appendLength(appendLength(w, id.Ms), id.Seq) }

func appendRawID(w []byte, id StreamID) []byte {
	return binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(w, id.Ms), id.Seq)
}

// appendGroup writes a group; its consumers' PELs list the IDs of the
// group's PEL whose Consumer is theirs, ascending.
func appendGroup(w []byte, g *StreamGroup) []byte {
	w = appendID(appendString(w, g.Name), g.Last)
	w = appendLength(w, uint64(g.EntriesRead))
	w = appendLength(w, uint64(len(g.Pending)))
	owned := map[string][]StreamID{}
	for _, p := range g.Pending {
		w = appendRawID(w, p.ID)
		w = binary.LittleEndian.AppendUint64(w, uint64(p.Delivered))
		w = appendLength(w, p.Deliveries)
		owned[string(p.Consumer)] = append(owned[string(p.Consumer)], p.ID)
	}
	w = appendLength(w, uint64(len(g.Consumers)))
	for _, c := range g.Consumers {
		w = binary.LittleEndian.AppendUint64(appendString(w, c.Name), uint64(c.Seen))
		ids := owned[string(c.Name)]
		w = appendLength(w, uint64(len(ids)))
		for _, id := range ids {
			w = appendRawID(w, id)
		}
	}
	return w
}
