package resp

import (
	"github.com/waqhq/waq/store/keyspace"
)

// XINFO STREAM [FULL [COUNT n]], GROUPS, CONSUMERS, HELP.

func xinfoStream(c *call) (*keyspace.XStream, error) {
	s, err := c.stream(c.args[2])
	if err == nil && s == nil {
		err = errNoSuchKey
	}
	return s, err
}

func cmdXInfoStream(c *call) error {
	full, count := false, int64(10)
	switch opts := c.args[3:]; {
	case len(opts) == 0:
	case len(opts) != 1 && len(opts) != 3 || !eq(opts[0], "full"):
		return errSubSyntax(c)
	case len(opts) == 3 && !eq(opts[1], "count"):
		return errSubSyntax(c)
	case len(opts) == 3:
		n, err := intArg(opts[2])
		if err != nil {
			return err
		}
		if n < 0 {
			n = 10
		}
		full, count = true, n
	default:
		full = true
	}
	s, err := xinfoStream(c)
	if err != nil {
		return err
	}
	if full {
		c.w.mapLen(9)
	} else {
		c.w.mapLen(10)
	}
	nodes := s.Nodes()
	c.w.bulkString("length")
	c.w.int(s.Len())
	c.w.bulkString("radix-tree-keys")
	c.w.int(nodes)
	c.w.bulkString("radix-tree-nodes")
	c.w.int(nodes + 1) // Redis counts its radix tree's inner nodes; an estimate
	c.w.bulkString("last-generated-id")
	c.w.bulkString(s.Last.String())
	c.w.bulkString("max-deleted-entry-id")
	c.w.bulkString(s.MaxDeleted.String())
	c.w.bulkString("entries-added")
	c.w.int(s.Added)
	c.w.bulkString("recorded-first-entry-id")
	c.w.bulkString(s.First().String())
	if full {
		return xinfoFull(c, s, count)
	}
	gs, err := s.Groups()
	if err != nil {
		return err
	}
	c.w.bulkString("groups")
	c.w.int(int64(len(gs)))
	for _, rev := range []bool{false, true} {
		c.w.bulkString(map[bool]string{false: "first-entry", true: "last-entry"}[rev])
		es, err := s.Range(keyspace.StreamID{}, keyspace.MaxStreamID, rev, 1)
		if err != nil {
			return err
		}
		if len(es) == 0 {
			c.w.null()
		} else {
			c.w.entry(es[0])
		}
	}
	return nil
}

func xinfoFull(c *call, s *keyspace.XStream, count int64) error {
	es, err := s.Range(keyspace.StreamID{}, keyspace.MaxStreamID, false, count)
	if err != nil {
		return err
	}
	c.w.bulkString("entries")
	c.w.entries(es)
	gs, err := s.Groups()
	if err != nil {
		return err
	}
	c.w.bulkString("groups")
	c.w.array(len(gs))
	for _, g := range gs {
		c.w.mapLen(7)
		groupHead(c, s, g, false)
		ps, err := s.PendingRange(g.Name, nil, keyspace.StreamID{}, keyspace.MaxStreamID, 0)
		if err != nil {
			return err
		}
		c.w.bulkString("pel-count")
		c.w.int(int64(len(ps)))
		c.w.bulkString("pending")
		n := int64(len(ps))
		if count > 0 {
			n = min(n, count)
		}
		c.w.array(int(n))
		for i, p := range ps {
			if count > 0 && int64(i) >= count {
				break
			}
			c.w.array(4)
			c.w.bulkString(p.ID.String())
			c.w.bulk(p.Consumer)
			c.w.int(p.Delivered)
			c.w.int(p.Deliveries)
		}
		if err := fullConsumers(c, s, g, count); err != nil {
			return err
		}
	}
	return nil
}

func fullConsumers(c *call, s *keyspace.XStream, g *keyspace.Group, count int64) error {
	cs, err := s.Consumers(g.Name)
	if err != nil {
		return err
	}
	c.w.bulkString("consumers")
	c.w.array(len(cs))
	for _, k := range cs {
		c.w.mapLen(4)
		c.w.bulkString("name")
		c.w.bulk(k.Name)
		c.w.bulkString("seen-time")
		c.w.int(k.Seen)
		c.w.bulkString("pel-count")
		c.w.int(k.Pending)
		ps, err := s.PendingRange(g.Name, k.Name, keyspace.StreamID{}, keyspace.MaxStreamID, count)
		if err != nil {
			return err
		}
		c.w.bulkString("pending")
		c.w.array(len(ps))
		for _, p := range ps {
			c.w.array(3)
			c.w.bulkString(p.ID.String())
			c.w.int(p.Delivered)
			c.w.int(p.Deliveries)
		}
	}
	return nil
}

// groupHead writes a group's name, last delivered ID, entries read and
// lag; with the counts of XINFO GROUPS when counts.
func groupHead(c *call, s *keyspace.XStream, g *keyspace.Group, counts bool) {
	c.w.bulkString("name")
	c.w.bulk(g.Name)
	if counts {
		cs, _ := s.Consumers(g.Name)
		c.w.bulkString("consumers")
		c.w.int(int64(len(cs)))
		c.w.bulkString("pending")
		c.w.int(s.PendingCount(g.Name, nil))
	}
	c.w.bulkString("last-delivered-id")
	c.w.bulkString(g.Last.String())
	c.w.bulkString("entries-read")
	if g.EntriesRead != -1 {
		c.w.int(g.EntriesRead)
	} else {
		c.w.null()
	}
	c.w.bulkString("lag")
	if lag, ok := s.Lag(g); ok {
		c.w.int(lag)
	} else {
		c.w.null()
	}
}

func cmdXInfoGroups(c *call) error {
	s, err := xinfoStream(c)
	if err != nil {
		return err
	}
	gs, err := s.Groups()
	if err != nil {
		return err
	}
	c.w.array(len(gs))
	for _, g := range gs {
		c.w.mapLen(6)
		groupHead(c, s, g, true)
	}
	return nil
}

func cmdXInfoConsumers(c *call) error {
	s, err := xinfoStream(c)
	if err != nil {
		return err
	}
	g, err := s.Group(c.args[3])
	if err != nil {
		return err
	}
	if g == nil {
		return rerr("NOGROUP No such consumer group '" + string(c.args[3]) + "' for key name '" + string(c.args[2]) + "'")
	}
	cs, err := s.Consumers(g.Name)
	if err != nil {
		return err
	}
	now := c.streamNow()
	c.w.array(len(cs))
	for _, k := range cs {
		c.w.mapLen(3)
		c.w.bulkString("name")
		c.w.bulk(k.Name)
		c.w.bulkString("pending")
		c.w.int(k.Pending)
		c.w.bulkString("idle")
		c.w.int(max(now-k.Seen, 0))
	}
	return nil
}

func cmdXInfoHelp(c *call) error {
	lines := []string{
		"XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
		"CONSUMERS <key> <groupname>",
		"    Show consumers of <groupname>.",
		"GROUPS <key>",
		"    Show the stream consumer groups.",
		"STREAM <key> [FULL [COUNT <count>]",
		"    Show information about the stream.",
	}
	return writeHelp(c, lines)
}
