package resp

import (
	"context"
	"log/slog"
	"math"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// redisLib builds the table "redis" of the scripts: call and pcall run
// waq's command table inside the script's transaction.
func (ls *luaState) redisLib(s *Server) *lua.LTable {
	L := ls.L
	t := L.NewTable()
	fns := map[string]lua.LGFunction{
		"call":         func(L *lua.LState) int { return ls.call(L, true) },
		"pcall":        func(L *lua.LState) int { return ls.call(L, false) },
		"sha1hex":      luaSha1hex,
		"error_reply":  luaErrorReply,
		"status_reply": luaStatusReply,
		"setresp":      ls.setresp,
		"log":          func(L *lua.LState) int { return luaLog(L, s.log) },
		"set_repl":     func(*lua.LState) int { return 0 },
		"replicate_commands": func(L *lua.LState) int {
			L.Push(lua.LTrue)
			return 1
		},
		"breakpoint": func(L *lua.LState) int {
			L.Push(lua.LFalse)
			return 1
		},
		"debug":         func(*lua.LState) int { return 0 },
		"acl_check_cmd": luaACLCheck,
	}
	for name, fn := range fns {
		t.RawSetString(name, L.NewFunction(fn))
	}
	for name, v := range map[string]lua.LValue{
		"LOG_DEBUG": lua.LNumber(0), "LOG_VERBOSE": lua.LNumber(1), "LOG_NOTICE": lua.LNumber(2), "LOG_WARNING": lua.LNumber(3),
		"REPL_NONE": lua.LNumber(0), "REPL_AOF": lua.LNumber(1), "REPL_SLAVE": lua.LNumber(2), "REPL_REPLICA": lua.LNumber(2),
		"REPL_ALL": lua.LNumber(3), "REDIS_VERSION": lua.LString(RedisVersion), "REDIS_VERSION_NUM": lua.LNumber(0x07000f),
	} {
		t.RawSetString(name, v)
	}
	return t
}

// errTable is Redis's error value in Lua: {err="CODE message"}. A message
// given as "-CODE message" keeps its code, any other gets ERR.
func errTable(L *lua.LState, msg string) *lua.LTable {
	if rest, ok := strings.CutPrefix(msg, "-"); ok {
		if code, m, found := strings.Cut(rest, " "); found {
			msg = code + " " + m
		} else {
			msg = "ERR " + rest
		}
	} else {
		msg = "ERR " + msg
	}
	t := L.NewTable()
	t.RawSetString("err", lua.LString(strings.TrimRight(msg, "\r\n")))
	return t
}

// call is redis.call (raise) and redis.pcall: the command's reply as a Lua
// value, or its error raised or returned as {err=…}.
func (ls *luaState) call(L *lua.LState, raise bool) int {
	r := ls.run
	n := L.GetTop()
	if n == 0 {
		L.Error(errTable(L, "Please specify at least one argument for this redis lib call"), 0)
	}
	args := make([][]byte, n)
	for i := 1; i <= n; i++ {
		switch v := L.Get(i).(type) {
		case lua.LString:
			args[i-1] = []byte(v)
		case lua.LNumber:
			args[i-1] = []byte(formatLuaArg(float64(v)))
		default:
			L.Error(errTable(L, "Lua redis lib command arguments must be strings or integers"), 0)
		}
	}
	if r == nil {
		L.RaiseError("redis.call can only be called inside a script invocation")
	}
	v, isErr := r.command(L, args)
	if isErr && raise {
		L.Error(v, 0)
	}
	L.Push(v)
	return 1
}

// formatLuaArg writes a number argument as Redis does ("%.17g").
func formatLuaArg(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e17 {
		return strconv.FormatInt(int64(f), 10)
	}
	return strconv.FormatFloat(f, 'g', 17, 64)
}

// command runs one redis.call in the script's transaction and converts its
// reply; isErr says the value is an error table.
func (r *scriptRun) command(L *lua.LState, args [][]byte) (lua.LValue, bool) {
	cmd, e := check(args)
	switch {
	case e != "" && strings.HasPrefix(string(e), "ERR wrong number"):
		return r.refused(L, args, "Wrong number of args calling Redis command from script"), true
	case e != "":
		return r.refused(L, args, "Unknown Redis command called from script"), true
	case scriptDenied(cmd):
		return r.refused(L, args, "This Redis command is not allowed from script"), true
	case cmd.write && r.ro:
		return r.refused(L, args, "Write commands are not allowed from read-only scripts."), true
	case (cmd.name == "xread" || cmd.name == "xreadgroup") && blockOption(args):
		return r.refused(L, args, cmd.name+" command is not allowed with BLOCK option from scripts"), true
	}
	if cmd.write {
		r.wrote.Store(true)
	}
	w := reply{resp3: r.resp == 3}
	if err := r.s.dispatch(r.cl, r.tx, &w, args); err != nil {
		r.fatal = err
		r.cancel() // the transaction is aborted: end the script now
		L.RaiseError("%s", err.Error())
	}
	v, _, isErr := respToLua(L, w.b, 0)
	if isErr {
		markCounted(v) // counted by dispatch
	}
	return v, isErr
}

// scriptDenied reports whether scripts may not call cmd (Redis's noscript).
func scriptDenied(cmd *command) bool {
	if noscriptExtra[cmd.name] {
		return true
	}
	for _, f := range strings.Fields(cmd.flags) {
		if f == "noscript" {
			return true
		}
	}
	return false
}

// noscriptExtra are commands Redis 7.0 flags noscript that waq's table
// does not list so (the blocking ones, which would wait forever inside a
// transaction).
var noscriptExtra = map[string]bool{"blpop": true, "brpop": true, "brpoplpush": true, "blmove": true,
	"bzpopmin": true, "bzpopmax": true, "eval": true, "evalsha": true, "eval_ro": true, "evalsha_ro": true}

func (ls *luaState) setresp(L *lua.LState) int {
	if L.GetTop() != 1 {
		L.Error(errTable(L, "redis.setresp() requires one argument."), 0)
	}
	n := L.CheckInt(1)
	if n != 2 && n != 3 {
		L.Error(errTable(L, "RESP version must be 2 or 3."), 0)
	}
	if ls.run != nil {
		ls.run.resp = n
	}
	return 0
}

func luaSha1hex(L *lua.LState) int {
	if L.GetTop() != 1 {
		L.RaiseError("wrong number of arguments")
	}
	L.Push(lua.LString(sha1hex([]byte(L.ToString(1)))))
	return 1
}

func luaErrorReply(L *lua.LState) int {
	s, ok := L.Get(1).(lua.LString)
	if L.GetTop() != 1 || !ok {
		L.Push(errTable(L, "wrong number or type of arguments"))
		return 1
	}
	msg := string(s)
	if !strings.HasPrefix(msg, "-") {
		msg = "-" + msg
	}
	L.Push(errTable(L, msg))
	return 1
}

func luaStatusReply(L *lua.LState) int {
	s, ok := L.Get(1).(lua.LString)
	if L.GetTop() != 1 || !ok {
		L.Push(errTable(L, "wrong number or type of arguments"))
		return 1
	}
	t := L.NewTable()
	t.RawSetString("ok", s)
	L.Push(t)
	return 1
}

// luaLog is redis.log(level, message, …), written to waq's logger.
func luaLog(L *lua.LState, log *slog.Logger) int {
	if L.GetTop() < 2 {
		L.Error(errTable(L, "redis.log() requires two arguments or more."), 0)
	}
	lv, ok := L.Get(1).(lua.LNumber)
	if !ok {
		L.Error(errTable(L, "First argument must be a number (log level)."), 0)
	}
	if lv < 0 || lv > 3 {
		L.Error(errTable(L, "Invalid debug level."), 0)
	}
	parts := make([]string, 0, L.GetTop()-1)
	for i := 2; i <= L.GetTop(); i++ {
		parts = append(parts, L.ToString(i))
	}
	level := []slog.Level{slog.LevelDebug, slog.LevelDebug, slog.LevelInfo, slog.LevelWarn}[int(lv)]
	log.Log(context.Background(), level, "resp script", "msg", strings.Join(parts, " "))
	return 0
}

func luaACLCheck(L *lua.LState) int {
	if L.GetTop() < 1 {
		L.Error(errTable(L, "Please specify at least one argument for this redis lib call"), 0)
	}
	args := make([][]byte, L.GetTop())
	for i := range args {
		args[i] = []byte(L.ToString(i + 1))
	}
	if cmd, e := check(args); cmd == nil && e != "" && !strings.HasPrefix(string(e), "ERR wrong number") {
		L.Error(errTable(L, "Invalid command passed to redis.acl_check_cmd()"), 0)
	}
	L.Push(lua.LTrue)
	return 1
}

// blockOption reports whether XREAD or XREADGROUP asks to block (an
// option before STREAMS); scripts may not.
func blockOption(args [][]byte) bool {
	for _, a := range args[1:] {
		switch {
		case eq(a, "streams"):
			return false
		case eq(a, "block"):
			return true
		}
	}
	return false
}
