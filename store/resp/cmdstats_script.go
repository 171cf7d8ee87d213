package resp

import (
	"errors"

	lua "github.com/yuin/gopher-lua"
)

// Scripts count errors as Redis 7.0 does: an error of a command called by
// redis.call or redis.pcall counts once, where it arose (on the command,
// in errorstats); the error table Lua gets carries Redis's field
// ignore_error_stats_update, and a script that raises it or returns it
// fails (failed_calls of EVAL) without counting the error again. An error
// the script makes itself (redis.error_reply, error(), a Lua runtime
// error) counts when EVAL replies with it.

const ignoreStats = "ignore_error_stats_update"

// refused is the error table of a command the script may not call as
// given (unknown, wrong arity, noscript, a write from a read-only script):
// a rejected call of that command.
func (r *scriptRun) refused(L *lua.LState, args [][]byte, msg string) *lua.LTable {
	t := errTable(L, msg)
	r.s.stats.rejected(statCmd(args))
	r.s.stats.replied(t.RawGetString("err").String())
	t.RawSetString(ignoreStats, lua.LTrue)
	return t
}

// markCounted marks v, the error table of a command the script called.
func markCounted(v lua.LValue) {
	if t, ok := v.(*lua.LTable); ok {
		t.RawSetString(ignoreStats, lua.LTrue)
	}
}

// countedValue reports whether v is an error table already counted.
func countedValue(v lua.LValue) bool {
	t, ok := v.(*lua.LTable)
	return ok && t.RawGetString(ignoreStats) == lua.LTrue
}

// countedErr is a script's error reply that was counted where it arose.
type countedErr struct{ rerr }

func isCounted(err error) bool {
	var ce countedErr
	return errors.As(err, &ce)
}
