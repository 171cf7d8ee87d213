package resp

import "strings"

// Pub/Sub commands (SUBSCRIBE, PUBLISH, PUBSUB, …), CLIENT REPLY and
// RESET, as Redis 7.0. The registry and the delivery are in pubsub.go and
// outbox.go.

// defPubSub adds the commands of this file to the table.
func defPubSub() {
	const (
		ps = "pubsub"
		c  = "connection"
		// ~push: the reply is a push, sent even under CLIENT REPLY OFF.
		sub = "pubsub noscript loading stale ~notx ~push"
		pub = "pubsub loading stale fast ~notx"
	)
	def(ps, "subscribe", -2, sub, 0, 0, 0, cmdSubscribe(subChannel))
	def(ps, "psubscribe", -2, sub, 0, 0, 0, cmdSubscribe(subPattern))
	def(ps, "ssubscribe", -2, sub, 1, -1, 1, cmdSubscribe(subShard))
	def(ps, "unsubscribe", -1, sub, 0, 0, 0, cmdUnsubscribe(subChannel))
	def(ps, "punsubscribe", -1, sub, 0, 0, 0, cmdUnsubscribe(subPattern))
	def(ps, "sunsubscribe", -1, sub, 1, -1, 1, cmdUnsubscribe(subShard))
	def(ps, "publish", 3, pub, 0, 0, 0, cmdPublish(subChannel))
	def(ps, "spublish", 3, pub, 1, 1, 1, cmdPublish(subShard))
	container(ps, "pubsub", -2, "~notx", nil)
	const info = "pubsub loading stale"
	def(ps, "pubsub|channels", -2, info, 0, 0, 0, cmdPubSubChannels(subChannel))
	def(ps, "pubsub|shardchannels", -2, info, 0, 0, 0, cmdPubSubChannels(subShard))
	def(ps, "pubsub|numsub", -2, info, 0, 0, 0, cmdPubSubNumSub(subChannel))
	def(ps, "pubsub|shardnumsub", -2, info, 0, 0, 0, cmdPubSubNumSub(subShard))
	def(ps, "pubsub|numpat", 2, info, 0, 0, 0, cmdPubSubNumPat)
	def(ps, "pubsub|help", 2, "loading stale", 0, 0, 0, cmdPubSubHelp)
	def(c, "client|reply", 3, "noscript loading stale", 0, 0, 0, cmdClientReply)
	def(c, "reset", 1, "noscript loading stale fast no_auth allow_busy ~notx ~noauth ~ctl", 0, 0, 0, cmdReset)
	for name, args := range map[string]string{
		"subscribe":    "channel [channel ...]",
		"psubscribe":   "pattern [pattern ...]",
		"ssubscribe":   "shardchannel [shardchannel ...]",
		"unsubscribe":  "[channel [channel ...]]",
		"punsubscribe": "[pattern [pattern ...]]",
		"sunsubscribe": "[shardchannel [shardchannel ...]]",
		"publish":      "channel message",
		"spublish":     "shardchannel message",
		"pubsub":       "CHANNELS [pattern]|NUMPAT|NUMSUB [channel ...]|SHARDCHANNELS [pattern]|SHARDNUMSUB [shardchannel ...]|HELP",
		"reset":        "",
	} {
		syntax[name] = args
	}
}

// subscribedOK are the commands a RESP2 client may send while subscribed.
var subscribedOK = map[string]bool{
	"subscribe": true, "psubscribe": true, "ssubscribe": true,
	"unsubscribe": true, "punsubscribe": true, "sunsubscribe": true,
	"ping": true, "quit": true, "reset": true,
}

// gate answers a command that a RESP2 client in subscribed mode may not
// send, after the unknown-command and arity checks as in Redis; it
// reports whether it answered.
func (s *Server) gate(cl *client, args [][]byte) bool {
	if cl.w.resp3 || cl.subs.total() == 0 {
		return false
	}
	cmd, e := check(args)
	switch {
	case e != "":
		cl.w.err(string(e))
	case !subscribedOK[cmd.name]:
		cl.w.err("ERR Can't execute '" + cmd.name + "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context")
	default:
		return false
	}
	return true
}

// silence drops the reply written from start under CLIENT REPLY OFF or
// SKIP (mode, as it was before the command), except a push's.
func (cl *client) silence(args [][]byte, start int, mode byte) {
	if mode == 0 {
		return
	}
	cmd, _ := check(args)
	if cmd != nil && cmd.name == "client|reply" {
		return // it set the mode itself
	}
	if cmd == nil || !strings.Contains(cmd.flags, "~push") {
		cl.w.truncate(start)
	}
	if mode == 's' {
		cl.replyMode = 0
	}
}

func cmdClientReply(c *call) error {
	switch {
	case eq(c.args[2], "on"):
		c.cl.replyMode = 0
		c.w.ok()
	case eq(c.args[2], "off"):
		c.cl.replyMode = 'f'
	case eq(c.args[2], "skip"):
		if c.cl.replyMode == 0 {
			c.cl.replyMode = 's'
		}
	default:
		return errSyntax
	}
	return nil
}

// cmdSubscribe confirms each name with a push: kind word, name, count.
func cmdSubscribe(k subKind) func(*call) error {
	return func(c *call) error {
		if c.cl.conn != nil { // nil in FuzzCommand's clients
			c.cl.out.start(c.cl.conn.NetConn())
		}
		for _, name := range c.args[1:] {
			n := c.s.subscribe(c.cl, k, string(name))
			subReply(c.w, subWords[k][0], name, n)
		}
		return nil
	}
}

// cmdUnsubscribe drops the names given, or every one of the kind; with
// none to drop it still answers once, with a null name.
func cmdUnsubscribe(k subKind) func(*call) error {
	return func(c *call) error {
		names := c.args[1:]
		if len(names) == 0 {
			for _, n := range c.s.subscribed(c.cl, k) {
				names = append(names, []byte(n))
			}
		}
		word := subWords[k][1]
		if len(names) == 0 {
			c.w.pushLen(3)
			c.w.bulkString(word)
			c.w.null()
			c.w.int(int64(c.cl.subs.count(k)))
			return nil
		}
		for _, name := range names {
			subReply(c.w, word, name, c.s.unsubscribe(c.cl, k, string(name)))
		}
		return nil
	}
}

func subReply(w *reply, word string, name []byte, n int) {
	w.pushLen(3)
	w.bulkString(word)
	w.bulk(name)
	w.int(int64(n))
}

func cmdPublish(k subKind) func(*call) error {
	return func(c *call) error {
		c.s.awaitSubscribers(c.cl)
		c.w.int(int64(c.s.publish(c.cl, c.w, k, c.args[1], c.args[2])))
		return nil
	}
}

func cmdPubSubChannels(k subKind) func(*call) error {
	return func(c *call) error {
		c.s.awaitSubscribers(c.cl)
		if len(c.args) > 3 {
			return rerr("ERR unknown subcommand or wrong number of arguments for '" + trunc(string(c.args[1]), 128) + "'. Try PUBSUB HELP.")
		}
		var pattern []byte
		if len(c.args) == 3 {
			pattern = c.args[2]
		}
		c.w.bulks(c.s.active(k, pattern))
		return nil
	}
}

func cmdPubSubNumSub(k subKind) func(*call) error {
	return func(c *call) error {
		c.s.awaitSubscribers(c.cl)
		c.w.array(2 * (len(c.args) - 2))
		for _, name := range c.args[2:] {
			c.w.bulk(name)
			c.w.int(int64(c.s.numSub(k, name)))
		}
		return nil
	}
}

func cmdPubSubNumPat(c *call) error {
	c.s.awaitSubscribers(c.cl)
	c.w.int(int64(c.s.numPat()))
	return nil
}

func cmdPubSubHelp(c *call) error {
	return writeHelp(c, []string{
		"PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
		"CHANNELS [<pattern>]",
		"    Return the currently active channels matching a <pattern> (default: '*').",
		"NUMPAT",
		"    Return number of subscriptions to patterns.",
		"NUMSUB [<channel> ...]",
		"    Return the number of subscribers for the specified channels, excluding",
		"    pattern subscriptions(default: no channels).",
		"SHARDCHANNELS [<pattern>]",
		"    Return the currently active shard level channels matching a <pattern> (default: '*').",
		"SHARDNUMSUB [<shardchannel> ...]",
		"    Return the number of subscribers for the specified shard level channel(s)",
	})
}

// cmdReset returns the connection to its state after connecting: no
// MULTI, WATCH, subscriptions or name, database 0, RESP2, replies on, and
// logged out when a password is set.
func cmdReset(c *call) error {
	cl := c.cl
	cl.endMulti()
	c.s.unwatch(cl)
	c.s.unsubscribeAll(cl)
	cl.setDB(0)
	cl.setProto(false)
	c.w.resp3 = false
	cl.replyMode = 0
	cl.mu.Lock()
	cl.name = ""
	cl.mu.Unlock()
	cl.authed = c.s.opt.Password == ""
	c.w.simple("RESET")
	return nil
}
