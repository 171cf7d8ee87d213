package resp

import (
	"errors"
	"fmt"
	"strings"

	"github.com/waqhq/waq/store/keyspace"
)

// ErrRefused wraps the error reply a command got from Apply (unknown
// command, wrong arity, wrong type, …): the command changed nothing, and the
// transaction may go on.
var ErrRefused = errors.New("command refused")

// applier is a server without a store or listener: Apply borrows its command
// table and bookkeeping. WATCHes of the real server's clients are not told
// about applied writes.
var applier = New(nil, Options{})

// Apply runs one command of a replication stream (package store/mirror) in
// tx on database db, as if a client had sent it, and discards its reply. An
// error reply comes back wrapped in ErrRefused; any other error is the
// store's and should abort tx. SELECT, MULTI and EXEC are the caller's: it
// tracks the database and its own transaction.
func Apply(tx *keyspace.Tx, db int, args [][]byte) error {
	if len(args) == 0 {
		return ErrRefused
	}
	if cmd := lookup(args[0]); cmd != nil && cmd.noTx {
		return fmt.Errorf("%w: not a data command: %s", ErrRefused, strings.ToUpper(string(args[0])))
	}
	cl := &client{authed: true, db: db}
	var w reply
	if err := applier.dispatch(cl, tx, &w, args); err != nil {
		return err
	}
	if len(w.b) > 0 && w.b[0] == '-' {
		return fmt.Errorf("%w: %s", ErrRefused, strings.TrimSpace(string(w.b[1:])))
	}
	return nil
}
