package resp

import (
	"strings"

	"github.com/waqhq/waq/store/keyspace"
)

// XGROUP XACK and XREADGROUP's delivery.

func errNoGroup(key, group []byte) rerr {
	return rerr("NOGROUP No such key '" + string(key) + "' or consumer group '" + string(group) + "'")
}

func errSubSyntax(c *call) rerr {
	return rerr("ERR unknown subcommand or wrong number of arguments for '" + trunc(string(c.args[1]), 128) +
		"'. Try " + strings.ToUpper(string(c.args[0])) + " HELP.")
}

// xgroupOpen parses XGROUP's options after the ID (MKSTREAM, ENTRIESREAD)
// and opens the key, with Redis's errors for a missing key or group.
func xgroupOpen(c *call, needGroup bool) (*keyspace.XStream, *keyspace.Group, bool, int64, error) {
	mk, read := false, int64(-1)
	create, setid := eq(c.args[1], "create"), eq(c.args[1], "setid")
	for i := 5; i < len(c.args); i++ {
		switch {
		case create && eq(c.args[i], "mkstream"):
			mk = true
		case (create || setid) && eq(c.args[i], "entriesread") && i+1 < len(c.args):
			n, err := intArg(c.args[i+1])
			if err != nil {
				return nil, nil, false, 0, err
			}
			if n < 0 && n != -1 {
				return nil, nil, false, 0, rerr("ERR value for ENTRIESREAD must be positive or -1")
			}
			read, i = n, i+1
		default:
			return nil, nil, false, 0, errSubSyntax(c)
		}
	}
	s, err := c.stream(c.args[2])
	if err != nil || mk {
		return s, nil, mk, read, err
	}
	if s == nil {
		return nil, nil, mk, read, rerr("ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.")
	}
	g, err := s.Group(c.args[3])
	if err == nil && g == nil && needGroup {
		err = rerr("NOGROUP No such consumer group '" + string(c.args[3]) + "' for key name '" + string(c.args[2]) + "'")
	}
	return s, g, mk, read, err
}

func cmdXGroupCreate(c *call) error {
	if len(c.args) > 8 {
		return errSubSyntax(c)
	}
	s, _, _, read, err := xgroupOpen(c, false)
	if err != nil {
		return err
	}
	var id sid
	if string(c.args[4]) == "$" {
		if s != nil {
			id = s.Last
		}
	} else if id, _, err = idArg(c.args[4], 0, true, false); err != nil {
		return err
	}
	if s == nil {
		if s, err = c.tx.CreateStream(c.db(), c.args[2]); err != nil {
			return err
		}
		c.touch(c.db(), c.args[2])
		c.notify(nNew, "new", c.args[2])
	}
	g, err := s.Group(c.args[3])
	if err != nil {
		return err
	}
	if g != nil {
		return rerr("BUSYGROUP Consumer Group name already exists")
	}
	c.w.ok()
	c.notify(nStream, "xgroup-create", c.args[2])
	return s.PutGroup(&keyspace.Group{Name: c.args[3], Last: id, EntriesRead: read})
}

func cmdXGroupSetID(c *call) error {
	if len(c.args) != 5 && len(c.args) != 7 {
		return errSubSyntax(c)
	}
	s, g, _, read, err := xgroupOpen(c, true)
	if err != nil {
		return err
	}
	id := s.Last
	if string(c.args[4]) != "$" {
		if id, _, err = idArg(c.args[4], 0, false, false); err != nil {
			return err
		}
	}
	g.Last, g.EntriesRead = id, read
	c.w.ok()
	c.notify(nStream, "xgroup-setid", c.args[2])
	return s.PutGroup(g)
}

func cmdXGroupDestroy(c *call) error {
	s, _, _, _, err := xgroupOpen(c, false)
	if err != nil {
		return err
	}
	ok, err := s.DeleteGroup(c.args[3])
	c.w.bool(ok)
	if ok {
		c.notify(nStream, "xgroup-destroy", c.args[2])
		c.s.wakeStream(c, c.db(), c.args[2])
	}
	return err
}

func cmdXGroupCreateConsumer(c *call) error {
	s, _, _, _, err := xgroupOpen(c, true)
	if err != nil {
		return err
	}
	if cs, err := s.Consumer(c.args[3], c.args[4]); err != nil || cs != nil {
		c.w.int(0)
		return err
	}
	_, err = s.PutConsumer(c.args[3], c.args[4], c.streamNow())
	c.w.int(1)
	c.notify(nStream, "xgroup-createconsumer", c.args[2])
	return err
}

func cmdXGroupDelConsumer(c *call) error {
	s, _, _, _, err := xgroupOpen(c, true)
	if err != nil {
		return err
	}
	n, err := s.DeleteConsumer(c.args[3], c.args[4])
	c.w.int(max(n, 0))
	if n >= 0 {
		c.notify(nStream, "xgroup-delconsumer", c.args[2])
	}
	return err
}

func cmdXGroupHelp(c *call) error { return writeHelp(c, xgroupHelp) }

var xgroupHelp = []string{
	"XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
	"CREATE <key> <groupname> <id|$> [option]",
	"    Create a new consumer group. Options are:",
	"    * MKSTREAM",
	"      Create the empty stream if it does not exist.",
	"    * ENTRIESREAD entries_read",
	"      Set the group's entries_read counter (internal use).",
	"CREATECONSUMER <key> <groupname> <consumer>",
	"    Create a new consumer in the specified group.",
	"DELCONSUMER <key> <groupname> <consumer>",
	"    Remove the specified consumer.",
	"DESTROY <key> <groupname>",
	"    Remove the specified group.",
	"SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
	"    Set the current group ID and entries_read counter.",
}

// putConsumer notes the consumer's activity, creating it as XREADGROUP,
// XCLAIM and XAUTOCLAIM do, with its event.
func putConsumer(c *call, s *keyspace.XStream, key, group, name []byte, now int64) error {
	created, err := s.PutConsumer(group, name, now)
	if created && err == nil {
		c.notify(nStream, "xgroup-createconsumer", key)
	}
	return err
}

// cmdXAck: XACK key group id [id ...]; the IDs are checked only when the
// group exists.
func cmdXAck(c *call) error {
	s, err := c.stream(c.args[1])
	if err != nil {
		return err
	}
	var g *keyspace.Group
	if s != nil {
		if g, err = s.Group(c.args[2]); err != nil {
			return err
		}
	}
	if g == nil {
		c.w.int(0)
		return nil
	}
	ids, err := idArgs(c.args[3:])
	if err != nil {
		return err
	}
	n := int64(0)
	for _, id := range ids {
		ok, err := s.Ack(c.args[2], id)
		if err != nil {
			return err
		}
		if ok {
			n++
		}
	}
	c.w.int(n)
	return nil
}

// reply writes the entries key i serves: after its ID for XREAD; for
// XREADGROUP the new entries (>) or the consumer's pending ones.
func (x *xread) reply(c *call, s *keyspace.XStream, i int) error {
	gt := x.ids[i]
	if x.group == nil {
		start, _ := gt.Next()
		es, err := s.Range(start, keyspace.MaxStreamID, false, x.count)
		c.w.entries(es)
		return err
	}
	now := c.streamNow()
	if err := putConsumer(c, s, x.keys[i], x.group, x.consumer, now); err != nil {
		return err
	}
	if gt != keyspace.MaxStreamID {
		return x.history(c, s, gt, now)
	}
	g, err := s.Group(x.group)
	if err != nil {
		return err
	}
	start, _ := g.Last.Next()
	es, err := s.Range(start, keyspace.MaxStreamID, false, x.count)
	if err != nil {
		return err
	}
	c.w.entries(es)
	for _, e := range es {
		s.Delivered(g, e.ID)
		if !x.noack {
			p := &keyspace.Pending{ID: e.ID, Consumer: x.consumer, Delivered: now, Deliveries: 1}
			if err := s.PutPending(x.group, p); err != nil {
				return err
			}
		}
	}
	return s.PutGroup(g)
}

// history serves the consumer's pending entries after gt, counting a new
// delivery of each; an entry deleted since has null fields.
func (x *xread) history(c *call, s *keyspace.XStream, gt sid, now int64) error {
	start, _ := gt.Next()
	ps, err := s.PendingRange(x.group, x.consumer, start, keyspace.MaxStreamID, x.count)
	if err != nil {
		return err
	}
	c.w.array(len(ps))
	for _, p := range ps {
		e, err := s.Get(p.ID)
		if err != nil {
			return err
		}
		if e == nil {
			c.w.entry(keyspace.Entry{ID: p.ID})
			continue
		}
		c.w.entry(*e)
		p.Delivered, p.Deliveries = now, p.Deliveries+1
		if err := s.PutPending(x.group, &p); err != nil {
			return err
		}
	}
	return nil
}
