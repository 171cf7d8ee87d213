package resp

import (
	"errors"
	"strings"
	"time"

	"github.com/tidwall/redcon"

	"github.com/waqhq/waq/store/keyspace"
)

// call is one command being run: its arguments, the connection and the
// transaction (nil for commands that run outside one).
type call struct {
	s    *Server
	cl   *client
	tx   *keyspace.Tx
	w    *reply
	cmd  *command
	args [][]byte
	// counted marks an error reply already counted in INFO errorstats
	// (cmdstats_hook.go).
	counted bool
}

func (c *call) db() int { return c.cl.db }

// run answers the commands of one socket read. Runs of data commands share
// one transaction (a write one if any of them writes); connection commands
// and MULTI blocks are taken one at a time.
func (s *Server) run(cl *client, cmds []redcon.Command) {
	for i := 0; i < len(cmds) && !cl.quit; {
		start, mode := cl.w.len(), cl.replyMode
		// RESP2 subscribed mode (pubsub.go) or a busy script (script_busy.go) refused it
		if s.gate(cl, cmds[i].Args) || s.refuseBusy(cl, cmds[i].Args) {
			cl.silence(cmds[i].Args, start, mode)
			i++
			continue
		}
		n := s.groupLen(cl, cmds[i:])
		if n == 0 {
			cmd := lookup(cmds[i].Args[0])
			blocking := cmd != nil && cmd.blocking && !cl.multi
			if blocking {
				s.flushReplies(cl) // the client sees what came before while this one waits
			}
			s.runAlone(cl, cmds[i].Args)
			if blocking {
				cl.out.begin() // after the wait, in which messages flowed (outbox.waiting)
			}
			cl.silence(cmds[i].Args, start, mode)
			i++
			continue
		}
		s.runGroup(cl, cmds[i:i+n])
		i += n
	}
}

// groupLen counts the leading commands that can share a transaction.
func (s *Server) groupLen(cl *client, cmds []redcon.Command) int {
	if cl.multi || !cl.authed || cl.replyMode != 0 || cl.subs.total() > 0 {
		return 0
	}
	n := 0
	for n < len(cmds) && n < s.opt.PipelineTxMax {
		cmd := lookup(cmds[n].Args[0])
		if cmd == nil || cmd.noTx {
			break
		}
		n++
	}
	return n
}

// runAlone handles a connection command, an unauthenticated client, or a
// command queued inside MULTI.
func (s *Server) runAlone(cl *client, args [][]byte) {
	cmd := lookup(args[0])
	switch {
	case !cl.multi && !cl.authed:
		if _, e := check(args); e != "" {
			s.refuse(cl, args, string(e)) // Redis checks name and arity before AUTH
		} else if !cmd.noAuth {
			s.refuse(cl, args, string(errNoAuth))
		} else {
			s.runChecked(cl, args)
		}
	case cl.multi && (cmd == nil || !cmd.multiCtl):
		s.queue(cl, args)
	case cmd != nil && !cmd.noTx:
		s.runGroup(cl, []redcon.Command{{Args: args}})
	default:
		s.runChecked(cl, args)
	}
}

// runChecked runs a command outside a data transaction.
func (s *Server) runChecked(cl *client, args [][]byte) {
	start := cl.w.len()
	if err := s.dispatch(cl, nil, &cl.w, args); err != nil {
		s.log.Error("resp command", "err", err)
		cl.w.truncate(start)
		cl.w.err("ERR " + err.Error())
		s.stats.replied("ERR " + err.Error())
	}
}

// runGroup runs data commands in one transaction and keeps their replies
// only once it committed; a failed commit answers each with the error.
func (s *Server) runGroup(cl *client, cmds []redcon.Command) {
	write := false
	all := make([][][]byte, len(cmds))
	for i, c := range cmds {
		write = write || lookup(c.Args[0]).write
		all[i] = c.Args
	}
	start, db := cl.w.len(), cl.db
	skip := map[int]bool{}
	fn := func(tx *keyspace.Tx) error {
		cl.w.truncate(start)
		cl.setDB(db)
		return s.dispatchAll(cl, tx, &cl.w, all, skip)
	}
	err := s.isolated(write, fn, skip)
	s.sendEvents(cl, err == nil)
	if err != nil {
		s.log.Error("resp transaction", "err", err)
		cl.w.truncate(start)
		cl.setDB(db)
		for range cmds {
			cl.w.err("ERR " + err.Error())
			s.stats.replied("ERR " + err.Error())
		}
	}
}

// dispatch checks a command's name and arity and runs it, writing its reply.
// It returns only errors of the store, which abort the transaction.
func (s *Server) dispatch(cl *client, tx *keyspace.Tx, w *reply, args [][]byte) error {
	s.total.Add(1)
	cmd, e := check(args)
	if e != "" {
		w.err(string(e))
		s.stats.rejected(statCmd(args))
		s.stats.replied(string(e))
		return nil
	}
	cl.touch(cmd.name, s.opt.Now())
	c := &call{s: s, cl: cl, tx: tx, w: w, cmd: cmd, args: args}
	if cmd.write && tx != nil && !cmd.selfTouch {
		s.touchKeys(c)
	}
	start, t0 := w.len(), time.Now()
	var existed []bool
	if s.notifying() && tx != nil {
		existed = notifyBefore(c) // keyspace events (notify_cmds.go)
	}
	err := s.runCmd(c)
	if err != nil {
		w.truncate(start) // a reply written before a failed write
	} else if s.notifying() && tx != nil {
		notifyAfter(c, w.b[start:], existed)
	}
	if errors.Is(err, errPanicked) && tx == nil {
		w.err(string(errInternal)) // nothing to roll back
		err = nil
	}
	if err = finish(w, err); err == nil {
		s.counted(c, w, start, time.Since(t0))
	}
	return err
}

// finish writes a Redis error reply for err, or returns err when it is not one.
func finish(w *reply, err error) error {
	var re rerr
	switch {
	case err == nil:
		return nil
	case errors.As(err, &re):
		w.err(string(re))
	case errors.Is(err, keyspace.ErrWrongType), errors.Is(err, keyspace.ErrKeyTooLong):
		w.err(err.Error())
	default:
		return err
	}
	return nil
}

// check finds the command and checks its arity, returning Redis's error.
func check(args [][]byte) (*command, rerr) {
	cmd := lookup(args[0])
	if cmd == nil {
		return nil, unknown(args)
	}
	if n := len(args); (cmd.arity > 0 && n != cmd.arity) || n < -cmd.arity {
		return nil, errArity(cmd.name)
	}
	if cmd.sub != nil && len(args) > 1 {
		sub := cmd.sub[lower(args[1])]
		if sub == nil {
			return nil, rerr("ERR unknown subcommand '" + trunc(string(args[1]), 128) + "'. Try " + strings.ToUpper(cmd.name) + " HELP.")
		}
		if n := len(args); (sub.arity > 0 && n != sub.arity) || n < -sub.arity {
			return nil, errArity(sub.name)
		}
		return sub, ""
	}
	return cmd, ""
}

// unknown is Redis's reply to an unknown command, with up to 128 bytes of
// its arguments.
func unknown(args [][]byte) rerr {
	var b strings.Builder
	for _, a := range args[1:] {
		if b.Len() >= 128 {
			break
		}
		b.WriteString("'" + trunc(string(a), 128-b.Len()) + "' ")
	}
	return rerr("ERR unknown command '" + trunc(string(args[0]), 128) + "', with args beginning with: " + b.String())
}

func trunc(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// touchKeys tells WATCH that the command's keys are being written.
func (s *Server) touchKeys(c *call) {
	if c.cmd.first == 0 {
		return
	}
	last := c.cmd.last
	if last < 0 {
		last = len(c.args) + last
	}
	step := max(c.cmd.step, 1)
	for i := c.cmd.first; i <= last && i < len(c.args); i += step {
		c.touch(c.db(), c.args[i])
	}
}
