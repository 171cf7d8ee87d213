package resp

import (
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// defScripting adds EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT with
// Redis 7.0's flags. EVAL and EVALSHA run in a write transaction (a script
// may write; waq's own "write" mark, not shown by COMMAND), the _RO forms
// in a read one.
func defScripting() {
	const sc = "scripting"
	const flags = "noscript stale skip_monitor no_mandatory_keys movablekeys"
	def(sc, "eval", -3, flags, 0, 0, 0, cmdEval).write = true
	def(sc, "evalsha", -3, flags, 0, 0, 0, cmdEvalSha).write = true
	def(sc, "eval_ro", -3, "readonly "+flags, 0, 0, 0, cmdEval)
	def(sc, "evalsha_ro", -3, "readonly "+flags, 0, 0, 0, cmdEvalSha)
	container(sc, "script", -2, "~notx", nil)
	def(sc, "script|load", 3, "noscript stale", 0, 0, 0, cmdScriptLoad)
	def(sc, "script|exists", -3, "noscript", 0, 0, 0, cmdScriptExists)
	def(sc, "script|flush", -2, "noscript", 0, 0, 0, cmdScriptFlush)
	def(sc, "script|kill", 2, "noscript allow_busy", 0, 0, 0, cmdScriptKill)
	def(sc, "script|help", 2, "loading stale", 0, 0, 0, cmdScriptHelp)
	defFunctions()
	defShutdown()
	for name, args := range map[string]string{
		"eval":       "script numkeys [key [key ...]] [arg [arg ...]]",
		"evalsha":    "sha1 numkeys [key [key ...]] [arg [arg ...]]",
		"eval_ro":    "script numkeys [key [key ...]] [arg [arg ...]]",
		"evalsha_ro": "sha1 numkeys [key [key ...]] [arg [arg ...]]",
		"script":     "LOAD script|EXISTS sha1 [sha1 ...]|FLUSH [ASYNC|SYNC]|KILL|HELP",
	} {
		syntax[name] = args
	}
}

func cmdEval(c *call) error {
	keys, argv, err := evalArgs(c)
	if err != nil {
		return err
	}
	sc, err := c.s.scripts.cache.load(c.args[1])
	if err != nil {
		return err
	}
	return c.runScript(sc, keys, argv)
}

func cmdEvalSha(c *call) error {
	keys, argv, err := evalArgs(c)
	if err != nil {
		return err
	}
	sc := c.s.scripts.cache.get(string(c.args[1]))
	if sc == nil {
		return rerr("NOSCRIPT No matching script. Please use EVAL.")
	}
	return c.runScript(sc, keys, argv)
}

// evalArgs splits "numkeys key … arg …" as Redis checks it.
func evalArgs(c *call) (keys, argv [][]byte, err error) {
	n, err := intArg(c.args[2])
	if err != nil {
		return nil, nil, err
	}
	if n > int64(len(c.args)-3) {
		return nil, nil, rerr("ERR Number of keys can't be greater than number of args")
	}
	if n < 0 {
		return nil, nil, rerr("ERR Number of keys can't be negative")
	}
	return c.args[3 : 3+n], c.args[3+n:], nil
}

func cmdScriptLoad(c *call) error {
	sc, err := c.s.scripts.cache.load(c.args[2])
	if err != nil {
		return err
	}
	c.w.bulkString(sc.sha)
	return nil
}

func cmdScriptExists(c *call) error {
	c.w.array(len(c.args) - 2)
	for _, sha := range c.args[2:] {
		c.w.bool(c.s.scripts.cache.get(string(sha)) != nil)
	}
	return nil
}

func cmdScriptFlush(c *call) error {
	if len(c.args) > 3 || (len(c.args) == 3 && !eq(c.args[2], "sync") && !eq(c.args[2], "async")) {
		return rerr("ERR SCRIPT FLUSH only support SYNC|ASYNC option")
	}
	c.s.scripts.cache.flush()
	c.w.ok()
	return nil
}

func cmdScriptKill(c *call) error {
	if err := c.s.scripts.kill(); err != nil {
		return err
	}
	c.w.ok()
	return nil
}

func cmdScriptHelp(c *call) error {
	lines := []string{
		"SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
		"EXISTS <sha1> [<sha1> ...]",
		"    Return information about the existence of the scripts in the script cache.",
		"FLUSH [ASYNC|SYNC]",
		"    Flush the Lua scripts cache. Scripts are kept in memory only.",
		"KILL",
		"    Kill the currently executing Lua script.",
		"LOAD <script>",
		"    Load a script into the scripts cache without executing it.",
	}
	return writeHelp(c, lines)
}

// runScript runs sc in the call's transaction. A Lua error ends the script
// with an error reply; what it wrote before stays, as in Redis. It returns
// only what aborts the transaction: a store error, a panic of a command
// (errPanicked) or errShutdown.
func (c *call) runScript(sc *script, keys, argv [][]byte) error {
	ro := c.cmd.name == "eval_ro" || c.cmd.name == "evalsha_ro" || c.cmd.name == "fcall_ro"
	if ro && sc.shebang && !sc.noWrite {
		return rerr("ERR Can not execute a script with write flag using *_ro command.")
	}
	at, killed := c.cl.scripts.next(c.tx)
	if killed != "" { // this transaction runs again; the script stays killed
		c.w.err(killed)
		return nil
	}
	r := &scriptRun{s: c.s, cl: c.cl, tx: c.tx, sc: sc, ro: ro || sc.noWrite, resp: 2, start: c.s.opt.Now()}
	sg := &c.s.scripts
	ls, release := sg.acquire(c.s, sc)
	defer release()
	db := c.cl.db
	sg.begin(r)
	ret, lerr := ls.exec(r, keys, argv)
	sg.end(r)
	// SELECT inside a script changes only the script's database, and CLIENT
	// LIST shows EVAL, not the script's last command.
	c.cl.setDB(db)
	c.cl.touch(c.cmd.name, c.s.opt.Now())
	switch {
	case r.fatal != nil:
		return r.fatal
	case r.aborted.Load():
		return errShutdown
	case r.killed.Load():
		msg := errKilled + " script: " + sc.sha + ", on @" + sc.chunk() + ":" + ls.lastLine + "."
		c.cl.scripts.kill(at, msg)
		c.w.err(msg)
		ls.broken = true // a state stopped midway is not reused
	case lerr != nil:
		c.counted = isCounted(lerr)
		c.w.err(lerr.Error())
	default:
		c.counted = countedValue(ret)
		luaToReply(c.w, ret, r.resp, 0)
	}
	return nil
}

// acquire returns a Lua state for sc, and the function that gives it back:
// a state of the pool for a script, the functions' own state for FCALL.
func (sg *scripting) acquire(s *Server, sc *script) (*luaState, func()) {
	if sc.fn != nil {
		sg.funcs.mu.Lock()
		return sg.funcs.state(s), sg.funcs.mu.Unlock
	}
	ls := sg.pool.get(s)
	return ls, func() {
		if !ls.broken {
			sg.pool.put(ls)
		}
	}
}

func (sc *script) chunk() string {
	if sc.fn != nil {
		return "user_function"
	}
	return "user_script"
}

// exec runs the script's function with KEYS and ARGV set; it returns the
// value returned or the error reply Redis would give.
func (ls *luaState) exec(r *scriptRun, keys, argv [][]byte) (lua.LValue, error) {
	L := ls.L
	ls.run = r
	ls.globals.RawSetString("KEYS", luaArray(L, keys))
	ls.globals.RawSetString("ARGV", luaArray(L, argv))
	L.SetContext(r.ctx)
	defer func() {
		L.RemoveContext()
		ls.globals.RawSetString("KEYS", lua.LNil)
		ls.globals.RawSetString("ARGV", lua.LNil)
		ls.run = nil
		L.SetTop(0)
	}()
	nargs := 0
	if r.sc.fn != nil { // FCALL: the callback gets KEYS and ARGV as arguments
		L.Push(r.sc.fn)
		L.Push(luaArray(L, keys))
		L.Push(luaArray(L, argv))
		nargs = 2
	} else {
		L.Push(L.NewFunctionFromProto(r.sc.proto))
	}
	if err := L.PCall(nargs, 1, L.NewFunction(ls.errHandler)); err != nil {
		return nil, ls.scriptError(r, err)
	}
	return L.Get(-1), nil
}

func luaArray(L *lua.LState, vs [][]byte) *lua.LTable {
	t := L.CreateTable(len(vs), 0)
	for i, v := range vs {
		t.RawSetInt(i+1, lua.LString(v))
	}
	return t
}

// errHandler runs where the error was raised: it makes the error a table
// {err=…} and adds the script's line, as Redis's handler does.
func (ls *luaState) errHandler(L *lua.LState) int {
	v := L.Get(1)
	t, ok := v.(*lua.LTable)
	if !ok {
		t = L.NewTable()
		t.RawSetString("err", lua.LString("ERR "+luaMessage(v.String())))
	}
	ls.lastLine = "?"
	for level := 1; ; level++ {
		dbg, ok := L.GetStack(level)
		if !ok {
			break
		}
		if _, err := L.GetInfo("Sl", dbg, nil); err != nil || dbg.What == "G" || dbg.CurrentLine < 0 {
			continue
		}
		src := dbg.Source
		if src == "user_script" || src == "user_function" {
			src = "@" + src
		}
		ls.lastLine = strconv.Itoa(dbg.CurrentLine)
		t.RawSetString("source", lua.LString(src))
		t.RawSetString("line", lua.LString(ls.lastLine))
		break
	}
	L.Push(t)
	return 1
}

// scriptError is the error reply of a failed script: "<err> script: <sha>,
// on <source>:<line>." when the error's place is known.
func (ls *luaState) scriptError(r *scriptRun, err error) error {
	ae, ok := err.(*lua.ApiError)
	if !ok {
		return rerr("ERR Error running script " + r.sc.sha + ", " + trunc(err.Error(), 100))
	}
	t, ok := ae.Object.(*lua.LTable)
	if !ok {
		return rerr("ERR Error running script " + r.sc.sha + ", " + trunc(ae.Object.String(), 100))
	}
	msg := t.RawGetString("err").String()
	src, line := t.RawGetString("source"), t.RawGetString("line")
	if src != lua.LNil && line != lua.LNil {
		msg += " script: " + r.sc.sha + ", on " + src.String() + ":" + line.String() + "."
	}
	if countedValue(t) {
		return countedErr{rerr(strings.TrimPrefix(msg, "-"))}
	}
	return rerr(strings.TrimPrefix(msg, "-"))
}
