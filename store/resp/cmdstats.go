package resp

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Redis 7.0's per-command and per-error statistics (INFO commandstats,
// INFO errorstats, total_error_replies). A command that ran counts in calls
// and usec, and in failed_calls when it replied with an error; a command
// refused before it ran (wrong arity, NOAUTH, BUSY, an error while queueing
// in MULTI, a command a script may not call) counts in rejected_calls only.
// Every error reply counts once under its code, the first word of the
// message.

// cmdCounter is one command's counts: atomics, so that counting takes no
// lock on the path every command takes.
type cmdCounter struct {
	calls, usec, rejected, failed atomic.Int64
}

// maxErrorCodes bounds errorstats, as Redis does (128): codes beyond it are
// counted in total_error_replies only, so that clients sending arbitrary
// error codes through scripts cannot grow the table without end.
const maxErrorCodes = 128

// cmdStats holds the counters of one server. cmds is built once in
// newCmdStats and only read afterwards; errors is guarded by mu, taken only
// on error replies.
type cmdStats struct {
	cmds   map[*command]*cmdCounter
	total  atomic.Int64 // total_error_replies
	mu     sync.Mutex
	errors map[string]int64
}

func newCmdStats() *cmdStats {
	st := &cmdStats{cmds: map[*command]*cmdCounter{}, errors: map[string]int64{}}
	for _, c := range commands {
		st.cmds[c] = &cmdCounter{}
		for _, sub := range c.sub {
			st.cmds[sub] = &cmdCounter{}
		}
	}
	return st
}

// ran counts a command that ran for d, failed when its reply was an error.
func (st *cmdStats) ran(cmd *command, d time.Duration, failed bool) {
	ct := st.cmds[cmd]
	if ct == nil {
		return
	}
	ct.calls.Add(1)
	ct.usec.Add(d.Microseconds())
	if failed {
		ct.failed.Add(1)
	}
}

// rejected counts a command refused before it ran; cmd may be nil (an
// unknown command or subcommand), which counts nowhere.
func (st *cmdStats) rejected(cmd *command) {
	if ct := st.cmds[cmd]; ct != nil {
		ct.rejected.Add(1)
	}
}

// replied counts one error reply of message msg (without its "-").
func (st *cmdStats) replied(msg string) {
	st.total.Add(1)
	code := errorCode(msg)
	st.mu.Lock()
	defer st.mu.Unlock()
	if _, ok := st.errors[code]; ok || len(st.errors) < maxErrorCodes {
		st.errors[code]++
	}
}

// errorCode is Redis's code of an error message: its first word when a
// space comes within 32 bytes, else ERR.
func errorCode(msg string) string {
	head := msg[:min(len(msg), 31)]
	if i := strings.IndexByte(head, ' '); i > 0 {
		return msg[:i]
	}
	return "ERR"
}

// reset is CONFIG RESETSTAT.
func (st *cmdStats) reset() {
	for _, ct := range st.cmds {
		ct.calls.Store(0)
		ct.usec.Store(0)
		ct.rejected.Store(0)
		ct.failed.Store(0)
	}
	st.total.Store(0)
	st.mu.Lock()
	clear(st.errors)
	st.mu.Unlock()
}

// writeCommands writes INFO commandstats: the commands called or rejected
// since the last reset, by name.
func (st *cmdStats) writeCommands(b *strings.Builder) {
	type row struct {
		name string
		ct   *cmdCounter
	}
	var rows []row
	for cmd, ct := range st.cmds {
		if ct.calls.Load() > 0 || ct.rejected.Load() > 0 || ct.failed.Load() > 0 {
			rows = append(rows, row{cmd.name, ct})
		}
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].name < rows[j].name })
	for _, r := range rows {
		calls, usec := r.ct.calls.Load(), r.ct.usec.Load()
		perCall := 0.0
		if calls > 0 {
			perCall = float64(usec) / float64(calls)
		}
		fmt.Fprintf(b, "cmdstat_%s:calls=%d,usec=%d,usec_per_call=%.2f,rejected_calls=%d,failed_calls=%d\r\n",
			r.name, calls, usec, perCall, r.ct.rejected.Load(), r.ct.failed.Load())
	}
}

// writeErrors writes INFO errorstats, by code.
func (st *cmdStats) writeErrors(b *strings.Builder) {
	st.mu.Lock()
	codes := make([]string, 0, len(st.errors))
	for code := range st.errors {
		codes = append(codes, code)
	}
	counts := make(map[string]int64, len(codes))
	for _, code := range codes {
		counts[code] = st.errors[code]
	}
	st.mu.Unlock()
	sort.Strings(codes)
	for _, code := range codes {
		fmt.Fprintf(b, "errorstat_%s:count=%d\r\n", code, counts[code])
	}
}
