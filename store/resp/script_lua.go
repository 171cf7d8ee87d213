package resp

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"

	lua "github.com/yuin/gopher-lua"
)

// luaState is one sandboxed Lua 5.1 state (gopher-lua) of the pool. Its
// globals are Redis's: the base functions Redis keeps, the string, table
// and math libraries, bit, cjson, cmsgpack and redis; every other name is an error to read, and
// no global or library table may be changed ("Attempt to modify a readonly
// table"), so one script leaves nothing behind for the next.
type luaState struct {
	L       *lua.LState
	globals *lua.LTable // the real globals, behind the protected _G
	ro      map[*lua.LTable]bool
	run     *scriptRun // the script running, for redis.call
	rng     *rand.Rand // math.random's
	broken  bool       // stopped midway: not put back in the pool
	// lastLine is the script's line where its last error was raised.
	lastLine string
}

// luaAllowed are the globals Redis 7.0 keeps from Lua's base library.
var luaAllowed = map[string]bool{"xpcall": true, "tostring": true, "getfenv": true, "setmetatable": true,
	"next": true, "assert": true, "tonumber": true, "rawequal": true, "collectgarbage": true,
	"getmetatable": true, "rawset": true, "pcall": true, "coroutine": true, "type": true, "_G": true,
	"select": true, "unpack": true, "gcinfo": true, "pairs": true, "rawget": true, "loadstring": true,
	"ipairs": true, "_VERSION": true, "setfenv": true, "load": true, "error": true, "newproxy": true,
	"string": true, "table": true, "math": true, "bit": true, "cjson": true, "cmsgpack": true}

// Lua stack limits: deep recursion is an error, not a crash.
const (
	luaCallStack   = 200
	luaRegistry    = 1024
	luaRegistryMax = 1 << 20
)

func newLuaState(s *Server) *luaState {
	L := lua.NewState(lua.Options{SkipOpenLibs: true, CallStackSize: luaCallStack,
		RegistrySize: luaRegistry, RegistryMaxSize: luaRegistryMax})
	for _, lib := range []struct {
		name string
		open lua.LGFunction
	}{{lua.BaseLibName, lua.OpenBase}, {lua.TabLibName, lua.OpenTable}, {lua.StringLibName, lua.OpenString},
		{lua.MathLibName, lua.OpenMath}, {lua.CoroutineLibName, lua.OpenCoroutine}} {
		L.Push(L.NewFunction(lib.open))
		L.Push(lua.LString(lib.name))
		L.Call(1, 0)
	}
	ls := &luaState{L: L, globals: L.G.Global, ro: map[*lua.LTable]bool{}}
	ls.trim()
	g := ls.globals
	g.RawSetString("redis", ls.redisLib(s))
	g.RawSetString("bit", bitLib(L))
	g.RawSetString("cjson", cjsonLib(L))
	g.RawSetString("cmsgpack", msgpackLib(L))
	for _, name := range []string{"string", "table", "math", "coroutine", "redis", "bit", "cjson", "cmsgpack"} {
		if t, ok := g.RawGetString(name).(*lua.LTable); ok {
			g.RawSetString(name, ls.protect(t))
		}
	}
	meta := L.NewTable()
	meta.RawSetString("__index", L.NewFunction(luaNoGlobal))
	meta.RawSetString("__newindex", L.NewFunction(luaReadonly))
	L.SetMetatable(g, meta)
	env := ls.protect(g)
	g.RawSetString("_G", env)
	L.Env = env
	return ls
}

// trim drops the globals Redis does not keep and replaces the functions
// whose behaviour differs in Redis's sandbox.
func (ls *luaState) trim() {
	L, g := ls.L, ls.globals
	var drop []string
	g.ForEach(func(k, _ lua.LValue) {
		if name, ok := k.(lua.LString); !ok || !luaAllowed[string(name)] {
			drop = append(drop, k.String())
		}
	})
	for _, k := range drop {
		g.RawSetString(k, lua.LNil)
	}
	if str, ok := g.RawGetString("string").(*lua.LTable); ok {
		str.RawSetString("rep", L.NewFunction(luaStrRep))
		str.RawSetString("dump", lua.LNil) // Redis removes it: no binary chunks
	}
	if m, ok := g.RawGetString("math").(*lua.LTable); ok {
		ls.rng = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
		m.RawSetString("random", L.NewFunction(ls.random))
		m.RawSetString("randomseed", L.NewFunction(ls.randomseed))
	}
	g.RawSetString("error", L.NewFunction(luaErrorFn))
	g.RawSetString("rawset", L.NewFunction(ls.rawset))
	g.RawSetString("setmetatable", L.NewFunction(ls.setmetatable))
}

// protect returns an empty table reading through to t that refuses writes.
func (ls *luaState) protect(t *lua.LTable) *lua.LTable {
	L := ls.L
	p, meta := L.NewTable(), L.NewTable()
	meta.RawSetString("__index", t)
	meta.RawSetString("__newindex", L.NewFunction(luaReadonly))
	// getmetatable(p) gets a read-only view of meta
	view, vmeta := L.NewTable(), L.NewTable()
	vmeta.RawSetString("__index", meta)
	vmeta.RawSetString("__newindex", L.NewFunction(luaReadonly))
	vmeta.RawSetString("__metatable", lua.LFalse)
	L.SetMetatable(view, vmeta)
	meta.RawSetString("__metatable", view)
	L.SetMetatable(p, meta)
	ls.ro[p], ls.ro[view] = true, true
	return p
}

// random is Lua 5.1's math.random on the state's own generator.
func (ls *luaState) random(L *lua.LState) int {
	f := ls.rng.Float64()
	switch L.GetTop() {
	case 0:
		L.Push(lua.LNumber(f))
		return 1
	case 1, 2:
		lo, hi := 1, L.CheckInt(1)
		if L.GetTop() == 2 {
			lo, hi = hi, L.CheckInt(2)
		}
		if lo > hi {
			L.ArgError(L.GetTop(), "interval is empty")
		}
		L.Push(lua.LNumber(math.Floor(f*float64(hi-lo+1)) + float64(lo)))
		return 1
	}
	L.RaiseError("wrong number of arguments")
	return 0
}

// randomseed is math.randomseed; the seed may be a numeric string (ARGV).
func (ls *luaState) randomseed(L *lua.LState) int {
	n, ok := L.Get(1).(lua.LNumber)
	if s, isStr := L.Get(1).(lua.LString); isStr {
		f, err := strconv.ParseFloat(strings.TrimSpace(string(s)), 64)
		n, ok = lua.LNumber(f), err == nil
	}
	if !ok {
		L.ArgError(1, "number expected, got "+L.Get(1).Type().String())
	}
	seed := uint64(int64(n))
	ls.rng = rand.New(rand.NewPCG(seed, seed))
	return 0
}

func luaReadonly(L *lua.LState) int {
	L.RaiseError("Attempt to modify a readonly table")
	return 0
}

func luaNoGlobal(L *lua.LState) int {
	L.RaiseError("Script attempted to access nonexistent global variable '%s'", L.CheckAny(2).String())
	return 0
}

func (ls *luaState) rawset(L *lua.LState) int {
	t := L.CheckTable(1)
	if ls.ro[t] || t == ls.globals {
		L.Error(lua.LString("Attempt to modify a readonly table"), 0)
	}
	t.RawSet(L.CheckAny(2), L.CheckAny(3))
	L.SetTop(1)
	return 1
}

func (ls *luaState) setmetatable(L *lua.LState) int {
	t := L.CheckTable(1)
	if ls.ro[t] || t == ls.globals {
		L.Error(lua.LString("Attempt to modify a readonly table"), 0)
	}
	mt := L.Get(2)
	if _, ok := mt.(*lua.LTable); !ok && mt != lua.LNil {
		L.ArgError(2, "nil or table expected")
	}
	if cur, ok := L.GetMetatable(t).(*lua.LTable); ok && cur.RawGetString("__metatable") != lua.LNil {
		L.RaiseError("cannot change a protected metatable")
	}
	L.SetMetatable(t, mt)
	L.SetTop(1)
	return 1
}

// luaStrRep is string.rep bounded by the largest string a command accepts,
// so a script cannot take the server's memory in one call.
func luaStrRep(L *lua.LState) int {
	s := L.CheckString(1)
	n := L.CheckInt(2)
	if n <= 0 || s == "" {
		L.Push(lua.LString(""))
		return 1
	}
	if n > MaxBulkDefault/len(s) {
		L.RaiseError("resulting string too large")
	}
	L.Push(lua.LString(strings.Repeat(s, n)))
	return 1
}

// statePool keeps up to statePoolMax idle Lua states: making one takes
// about 300 µs and 200 KB, so they are kept across garbage collections
// (sync.Pool drops them at each).
type statePool struct {
	mu   sync.Mutex
	idle []*luaState
}

const statePoolMax = 8

func (p *statePool) get(s *Server) *luaState {
	p.mu.Lock()
	if n := len(p.idle); n > 0 {
		ls := p.idle[n-1]
		p.idle = p.idle[:n-1]
		p.mu.Unlock()
		return ls
	}
	p.mu.Unlock()
	return newLuaState(s)
}

func (p *statePool) put(ls *luaState) {
	p.mu.Lock()
	if len(p.idle) < statePoolMax {
		p.idle = append(p.idle, ls)
	}
	p.mu.Unlock()
}
