package resp

import (
	"bytes"
	"strconv"
)

// Which keyspace events the commands raise, as Redis 7.0 names them. A
// command's events are decided from its reply (did it change anything?)
// and, for DEL, from which keys existed before it ran; the handlers do not
// take part.

// How a command's reply says it changed its key.
const (
	onOK       byte = iota // any reply but an error
	onChange               // a positive integer, or a non-null, non-empty reply
	onExisting             // each key argument that existed before (DEL, UNLINK)
	onExpire               // ":1": "expire", or "del" when the time was past
	onSet                  // SET: "+OK", or GET's reply
)

type cmdEvent struct {
	class int64
	name  string
	rule  byte
	gone  bool // an emptied collection was deleted: "del" follows
}

var cmdEvents = map[string]cmdEvent{
	"set": {nString, "set", onSet, false}, "setnx": {nString, "set", onChange, false},
	"setex": {nString, "set", onOK, false}, "psetex": {nString, "set", onOK, false},
	"getset": {nString, "set", onOK, false}, "append": {nString, "append", onOK, false},
	"incr": {nString, "incrby", onOK, false}, "decr": {nString, "incrby", onOK, false},
	"incrby": {nString, "incrby", onOK, false}, "decrby": {nString, "incrby", onOK, false},
	"incrbyfloat": {nString, "incrbyfloat", onOK, false}, "setrange": {nString, "setrange", onOK, false},
	"getdel": {nGeneric, "del", onChange, false},
	"del":    {nGeneric, "del", onExisting, false}, "unlink": {nGeneric, "del", onExisting, false},
	"expire": {nGeneric, "expire", onExpire, false}, "pexpire": {nGeneric, "expire", onExpire, false},
	"expireat": {nGeneric, "expire", onExpire, false}, "pexpireat": {nGeneric, "expire", onExpire, false},
	"persist": {nGeneric, "persist", onChange, false},
	"lpush":   {nList, "lpush", onOK, false}, "rpush": {nList, "rpush", onOK, false},
	"lpushx": {nList, "lpush", onChange, false}, "rpushx": {nList, "rpush", onChange, false},
	"lpop": {nList, "lpop", onChange, true}, "rpop": {nList, "rpop", onChange, true},
	"lset": {nList, "lset", onOK, false}, "linsert": {nList, "linsert", onChange, false},
	"lrem": {nList, "lrem", onChange, true}, "ltrim": {nList, "ltrim", onOK, true},
	"sadd": {nSet, "sadd", onChange, false}, "srem": {nSet, "srem", onChange, true},
	"spop": {nSet, "spop", onChange, true},
	"zadd": {nZSet, "zadd", onChange, false}, "zincrby": {nZSet, "zincr", onOK, false},
	"zrem":    {nZSet, "zrem", onChange, true},
	"zpopmin": {nZSet, "zpopmin", onChange, true}, "zpopmax": {nZSet, "zpopmax", onChange, true},
	"zremrangebyscore": {nZSet, "zremrangebyscore", onChange, true},
	"zremrangebyrank":  {nZSet, "zremrangebyrank", onChange, true},
	"zremrangebylex":   {nZSet, "zremrangebylex", onChange, true},
	"hset":             {nHash, "hset", onOK, false}, "hmset": {nHash, "hset", onOK, false},
	"hsetnx": {nHash, "hset", onChange, false}, "hdel": {nHash, "hdel", onChange, true},
	"hincrby": {nHash, "hincrby", onOK, false}, "hincrbyfloat": {nHash, "hincrbyfloat", onOK, false},
}

// ownEvents are the commands whose handlers raise their events themselves
// with c.notify, "new" first when they create the key (as Redis raises it
// on adding the key, before the command's own event): the stream commands,
// which alone know whether they trimmed, deleted or created something.
var ownEvents = map[string]bool{"xadd": true, "xgroup|create": true}

// notifyBefore notes which key arguments exist before the command runs:
// all of them for DEL and UNLINK, the write command's keys when "new"
// events are on.
func notifyBefore(c *call) []bool {
	flags := c.s.ps.notify.Load()
	ev := cmdEvents[c.cmd.name]
	del := ev.rule == onExisting && flags&ev.class != 0
	fresh := flags&nNew != 0 && c.cmd.write && !ownEvents[c.cmd.name]
	if !del && !fresh {
		return nil
	}
	existed := make([]bool, len(c.args))
	for _, i := range keyArgs(c) {
		m, err := c.tx.Meta(c.db(), c.args[i])
		existed[i] = err != nil || m != nil
	}
	return existed
}

// keyArgs are the indexes of c's key arguments, from the table.
func keyArgs(c *call) []int {
	last := c.cmd.last
	if last < 0 {
		last += len(c.args)
	}
	var at []int
	for i := c.cmd.first; c.cmd.first > 0 && i <= last && i < len(c.args); i += max(c.cmd.step, 1) {
		at = append(at, i)
	}
	return at
}

// notifyNew queues "new" for the keys the command created.
func notifyNew(c *call, existed []bool) {
	if c.s.ps.notify.Load()&nNew == 0 || existed == nil || !c.cmd.write || ownEvents[c.cmd.name] {
		return
	}
	for _, i := range keyArgs(c) {
		if m, err := c.tx.Meta(c.db(), c.args[i]); !existed[i] && err == nil && m != nil {
			c.notify(nNew, "new", c.args[i])
		}
	}
}

// notifyAfter queues the command's events, judged from its reply.
func notifyAfter(c *call, reply []byte, existed []bool) {
	if len(reply) > 0 && reply[0] != '-' {
		notifyNew(c, existed)
	}
	ev, ok := cmdEvents[c.cmd.name]
	if !ok || len(reply) == 0 || reply[0] == '-' || c.s.ps.notify.Load()&(ev.class|nGeneric) == 0 {
		return
	}
	key := c.args[1]
	switch ev.rule {
	case onExisting:
		for i, k := range c.args {
			if i > 0 && existed != nil && existed[i] {
				c.notify(ev.class, ev.name, k)
			}
		}
		return
	case onExpire:
		if string(reply) == ":1\r\n" {
			if m, err := c.tx.Meta(c.db(), key); err == nil && m == nil {
				c.notify(nGeneric, "del", key)
			} else {
				c.notify(nGeneric, ev.name, key)
			}
		}
		return
	case onChange:
		if !changed(reply) {
			return
		}
	case onSet:
		if string(reply) != "+OK\r\n" && !hasWord(c.args[3:], "get") {
			return
		}
	}
	c.notify(ev.class, ev.name, key)
	if ev.gone {
		if m, err := c.tx.Meta(c.db(), key); err == nil && m == nil {
			c.notify(nGeneric, "del", key)
		}
	}
}

// changed reports a reply that says something changed: a positive
// integer, or anything but a null or an empty array.
func changed(reply []byte) bool {
	switch {
	case reply[0] == ':':
		n, err := strconv.ParseInt(string(bytes.TrimSpace(reply[1:])), 10, 64)
		return err == nil && n > 0
	case bytes.Equal(reply, []byte("$-1\r\n")), bytes.Equal(reply, []byte("*-1\r\n")),
		bytes.Equal(reply, []byte("_\r\n")), bytes.Equal(reply, []byte("*0\r\n")):
		return false
	}
	return true
}

func hasWord(args [][]byte, word string) bool {
	for _, a := range args {
		if eq(a, word) {
			return true
		}
	}
	return false
}
