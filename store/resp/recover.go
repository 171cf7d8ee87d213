package resp

import (
	"errors"
	"runtime"
	"runtime/debug"

	"github.com/VictoriaMetrics/metrics"

	"github.com/waqhq/waq/store/keyspace"
)

// errInternal answers a command whose handler panicked. The panic is logged
// once (command name and stack, never the arguments) and counted in
// waq_panics_recovered_total{where="resp"}.
const errInternal rerr = "ERR internal error"

// errPanicked aborts the transaction of a command that panicked, so that
// whatever it wrote before the panic is rolled back.
var errPanicked = errors.New("command panicked")

// panicAt says which command of a group or an EXEC block panicked.
type panicAt struct{ i int }

func (p panicAt) Error() string { return errPanicked.Error() }
func (p panicAt) Unwrap() error { return errPanicked }

var respPanics = metrics.GetOrCreateCounter(`waq_panics_recovered_total{where="resp"}`)

// runCmd runs a command's handler, turning a panic into errPanicked.
func (s *Server) runCmd(c *call) (err error) {
	defer func() {
		if v := recover(); v != nil {
			s.recovered(c.cmd.name, v)
			err = errPanicked
		}
	}()
	if s.testHook != nil {
		s.testHook(c)
	}
	return c.cmd.run(c)
}

// recovered logs and counts a panic of command name. A runtime error's text
// is logged, as it quotes no data; any other panic value is not.
func (s *Server) recovered(name string, v any) {
	respPanics.Inc()
	attrs := []any{"cmd", name, "stack", string(debug.Stack())}
	if re, ok := v.(runtime.Error); ok {
		attrs = append(attrs, "err", re.Error())
	}
	s.log.Error("resp command panicked", attrs...)
}

// dispatchAll runs cmds in tx, answering those in skip with errInternal
// instead of running them. A panic returns panicAt, to run them all again
// with that one skipped: its writes are rolled back with the others', and it
// fails alone, as an error would, with its panic logged once.
func (s *Server) dispatchAll(cl *client, tx *keyspace.Tx, w *reply, cmds [][][]byte, skip map[int]bool) error {
	cl.events = cl.events[:0] // a transaction run again raises its events again
	for i, args := range cmds {
		if skip[i] {
			w.err(string(errInternal))
			continue
		}
		if err := s.dispatch(cl, tx, w, args); err != nil {
			if errors.Is(err, errPanicked) {
				return panicAt{i}
			}
			return err
		}
	}
	return nil
}

// isolated runs fn, which calls dispatchAll with skip, in a write or a read
// transaction, and again without each command that panicked.
func (s *Server) isolated(write bool, fn func(*keyspace.Tx) error, skip map[int]bool) error {
	for {
		var err error
		if write {
			err = s.ks.Update(fn)
		} else {
			err = s.ks.View(fn)
		}
		var p panicAt
		if !errors.As(err, &p) || skip[p.i] {
			return err
		}
		skip[p.i] = true
	}
}
