package resp

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/waqhq/waq/store/keyspace"
)

// Scripts run inside their data transaction, so a long one holds the
// store's writers (as Redis's holds its event loop). Past
// busy-reply-threshold other connections get BUSY instead of waiting, and
// SCRIPT KILL stops a script that has not written through the Lua state's
// context.

const (
	errBusy       rerr = "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE."
	errBusyFn     rerr = "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE."
	errNotBusy    rerr = "NOTBUSY No scripts in execution right now."
	errUnkillable rerr = "UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command."
	errKilled          = "ERR Script killed by user with SCRIPT KILL..."
)

// scripting is a server's scripts: the cache, a pool of Lua states and the
// runs in progress.
type scripting struct {
	cache scriptCache
	funcs functions
	pool  statePool
	n     atomic.Int32
	mu    sync.Mutex
	runs  map[*scriptRun]struct{}
}

// scriptRun is one script being run.
type scriptRun struct {
	s      *Server
	cl     *client
	tx     *keyspace.Tx
	sc     *script
	ro     bool // EVAL_RO, EVALSHA_RO or flags=no-writes
	resp   int  // redis.setresp: the protocol of the replies redis.call converts
	start  time.Time
	ctx    context.Context
	cancel context.CancelFunc
	wrote  atomic.Bool
	killed atomic.Bool
	// aborted: SHUTDOWN stopped the script; its transaction is rolled back.
	aborted atomic.Bool
	fatal   error // a store error or a panic of a command: aborts the transaction
}

func (sg *scripting) begin(r *scriptRun) {
	r.ctx, r.cancel = context.WithCancel(context.Background())
	sg.mu.Lock()
	if sg.runs == nil {
		sg.runs = map[*scriptRun]struct{}{}
	}
	sg.runs[r] = struct{}{}
	sg.n.Store(int32(len(sg.runs)))
	sg.mu.Unlock()
}

func (sg *scripting) end(r *scriptRun) {
	r.cancel()
	sg.mu.Lock()
	delete(sg.runs, r)
	sg.n.Store(int32(len(sg.runs)))
	sg.mu.Unlock()
}

// busy returns Redis's BUSY error when a script of another client has run
// longer than threshold, else "".
func (sg *scripting) busy(cl *client, threshold time.Duration, now time.Time) rerr {
	if sg.n.Load() == 0 {
		return ""
	}
	sg.mu.Lock()
	defer sg.mu.Unlock()
	for r := range sg.runs {
		if r.cl != cl && now.Sub(r.start) >= threshold {
			if r.sc.fn != nil {
				return errBusyFn
			}
			return errBusy
		}
	}
	return ""
}

// kill stops the scripts in progress that have not written; it returns
// NOTBUSY when none runs and UNKILLABLE when each one running wrote.
func (sg *scripting) kill() error {
	sg.mu.Lock()
	defer sg.mu.Unlock()
	if len(sg.runs) == 0 {
		return errNotBusy
	}
	killed := false
	for r := range sg.runs {
		if !r.wrote.Load() {
			r.killed.Store(true)
			r.cancel()
			killed = true
		}
	}
	if !killed {
		return errUnkillable
	}
	return nil
}

// stopAll stops every script, written or not: the server is closing.
func (sg *scripting) stopAll() {
	sg.mu.Lock()
	defer sg.mu.Unlock()
	for r := range sg.runs {
		r.killed.Store(true)
		r.cancel()
	}
}

// scriptSeq counts the scripts a client runs in one transaction. The store
// may run a transaction again (when a neighbour in its commit fails), and a
// script killed the first time must not run again unkilled: its reply is
// kept by its place in the transaction until the client's next command.
type scriptSeq struct {
	tx     *keyspace.Tx
	n      int
	killed map[int]string // place -> the kill's error reply
}

// next returns the place of the script starting in tx, and the reply of its
// kill in an earlier run of the transaction, if any.
func (q *scriptSeq) next(tx *keyspace.Tx) (int, string) {
	if q.tx != tx {
		q.tx, q.n = tx, 0
	}
	q.n++
	return q.n - 1, q.killed[q.n-1]
}

func (q *scriptSeq) kill(at int, reply string) {
	if q.killed == nil {
		q.killed = map[int]string{}
	}
	q.killed[at] = reply
}

// allowBusy are the commands Redis 7.0 runs while a script is busy.
var allowBusy = map[string]bool{"auth": true, "hello": true, "multi": true, "discard": true, "quit": true,
	"watch": true, "unwatch": true, "reset": true, "script|kill": true, "function|kill": true,
	"function|stats": true, "shutdown": true}

// refuseBusy answers args with BUSY when another client's script is busy,
// as Redis does before running a command: inside MULTI the transaction
// fails, and EXEC discards it. It reports whether it answered.
func (s *Server) refuseBusy(cl *client, args [][]byte) bool {
	cl.scripts = scriptSeq{} // a new transaction starts
	if s.scripts.n.Load() == 0 {
		return false
	}
	cmd, e := check(args)
	if e != "" || allowBusy[cmd.name] {
		return false
	}
	threshold := time.Duration(s.setting("busy-reply-threshold")) * time.Millisecond
	if threshold <= 0 { // 0: never busy, as in Redis
		return false
	}
	busy := s.scripts.busy(cl, threshold, s.opt.Now())
	switch {
	case busy == "":
		return false
	case cmd.name == "exec":
		cl.endMulti()
		s.unwatch(cl)
		s.refuse(cl, args, "EXECABORT Transaction discarded because of: "+string(busy))
	case cl.multi:
		cl.aborted = true
		s.refuse(cl, args, string(busy))
	default:
		s.refuse(cl, args, string(busy))
	}
	return true
}
