package resp

import (
	"bytes"
	"time"
)

// The places commands are counted: dispatch for a command that ran or was
// refused by its arity; refuse for the refusals made before dispatch
// (NOAUTH, MULTI's queueing, BUSY).

// counted records a command that ran for d and wrote its reply at w.b[at:].
// c.counted marks an error reply already counted where it arose (a
// script's redis.call error it passes on), as Redis counts it once.
func (s *Server) counted(c *call, w *reply, at int, d time.Duration) {
	msg, isErr := errReplyAt(w, at)
	s.stats.ran(c.cmd, d, isErr)
	if isErr && !c.counted {
		s.stats.replied(msg)
	}
}

// refuse answers args with error msg without running it, counting a
// rejected call of its command.
func (s *Server) refuse(cl *client, args [][]byte, msg string) {
	cl.w.err(msg)
	s.stats.rejected(statCmd(args))
	s.stats.replied(msg)
}

// errReplyAt returns the message of the error reply at w.b[at:], if that
// reply is an error.
func errReplyAt(w *reply, at int) (string, bool) {
	if at >= len(w.b) || w.b[at] != '-' {
		return "", false
	}
	end := bytes.IndexByte(w.b[at:], '\r')
	if end < 0 {
		end = len(w.b) - at
	}
	return string(w.b[at+1 : at+end]), true
}

// statCmd is the command a refused call counts on: the subcommand when
// one is named and known, the command otherwise, nil for an unknown one.
// Unlike check, it finds a command whose arity is wrong.
func statCmd(args [][]byte) *command {
	cmd := lookup(args[0])
	if cmd == nil || cmd.sub == nil || len(args) < 2 {
		return cmd
	}
	return cmd.sub[lower(args[1])]
}

// cmdResetStat is CONFIG RESETSTAT: it zeroes the command and error
// statistics and the hit, miss and command counts of INFO stats.
func cmdResetStat(c *call) error {
	c.s.stats.reset()
	c.s.hits.Store(0)
	c.s.misses.Store(0)
	c.s.total.Store(0)
	c.w.ok()
	return nil
}

// wantCommandStats says whether INFO's arguments ask for commandstats,
// which Redis leaves out of plain INFO and INFO default.
func wantCommandStats(want map[string]bool) bool {
	return want["commandstats"] || want["all"] || want["everything"]
}
