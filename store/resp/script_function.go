package resp

import (
	"context"
	"sort"
	"strings"
	"sync"
	"time"

	lua "github.com/yuin/gopher-lua"
)

// Functions (FUNCTION LOAD, FCALL): libraries of named Lua callbacks. They
// live in one Lua state of their own, used by one call at a time, and in
// memory only (Redis saves them in its RDB file; waq's clients load them
// again, as after SCRIPT FLUSH).

// library is one loaded library: its code and its functions.
type library struct {
	name, code string
	funcs      map[string]*script
	flags      map[string][]string // function -> its flags, for FUNCTION LIST
}

type functions struct {
	mu   sync.Mutex // held while a function or a library's code runs
	ls   *luaState
	libs map[string]*library
	fns  map[string]*script
	// loading is the library FUNCTION LOAD is running the code of.
	loading *library
}

// loadAPI are the fields of "redis" a library's code may use while it is
// loaded (redis.call is not one).
var loadAPI = map[string]bool{"register_function": true, "log": true, "LOG_DEBUG": true, "LOG_VERBOSE": true,
	"LOG_NOTICE": true, "LOG_WARNING": true, "REDIS_VERSION": true, "REDIS_VERSION_NUM": true, "setresp": true}

// state returns the functions' Lua state, made on first use; f.mu is held.
func (f *functions) state(s *Server) *luaState {
	if f.ls != nil {
		return f.ls
	}
	ls := newLuaState(s)
	L := ls.L
	proxy := ls.globals.RawGetString("redis").(*lua.LTable)
	meta := proxy.Metatable.(*lua.LTable) // not GetMetatable: __metatable hides it
	real := meta.RawGetString("__index").(*lua.LTable)
	real.RawSetString("register_function", L.NewFunction(f.register))
	meta.RawSetString("__index", L.NewFunction(func(L *lua.LState) int {
		k := L.Get(2)
		if name, ok := k.(lua.LString); f.loading != nil && (!ok || !loadAPI[string(name)]) {
			L.RaiseError("Script attempted to access nonexistent global variable '%s'", k.String())
		}
		L.Push(real.RawGet(k))
		return 1
	}))
	f.ls = ls
	return ls
}

// validName is Redis's rule for library and function names.
func validName(s string) bool {
	for _, c := range s {
		if !(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
			return false
		}
	}
	return s != ""
}

const errBadName = "Library names can only contain letters, numbers, or underscores(_) and must be at least one character long"

// register is redis.register_function(name, callback) or
// redis.register_function{function_name=, callback=, flags=, description=}.
func (f *functions) register(L *lua.LState) int {
	lib := f.loading
	if lib == nil {
		L.Error(lua.LString("redis.register_function can only be called on FUNCTION LOAD command"), 0)
	}
	var name lua.LValue
	var cb lua.LValue
	var flags []string
	if t, ok := L.Get(1).(*lua.LTable); ok && L.GetTop() == 1 {
		luaPairs(t, func(k, v lua.LValue) {
			switch k.String() {
			case "function_name":
				name = v
			case "callback":
				cb = v
			case "description":
			case "flags":
				flags = registerFlags(L, v)
			default:
				L.Error(lua.LString("unknown argument given to redis.register_function"), 0)
			}
		})
	} else if L.GetTop() == 2 {
		name, cb = L.Get(1), L.Get(2)
	} else {
		L.Error(lua.LString("wrong number of arguments to redis.register_function"), 0)
	}
	fname, ok := name.(lua.LString)
	if !ok || !validName(string(fname)) {
		L.Error(lua.LString(errBadName), 0)
	}
	fn, ok := cb.(*lua.LFunction)
	if !ok {
		L.Error(lua.LString("second argument to redis.register_function must be a function"), 0)
	}
	if lib.funcs[string(fname)] != nil {
		L.Error(lua.LString("Function already exists in the library"), 0)
	}
	sc := &script{sha: string(fname), fn: fn}
	for _, fl := range flags {
		sc.noWrite = sc.noWrite || fl == "no-writes"
	}
	sc.shebang = true // FCALL_RO needs no-writes
	lib.funcs[string(fname)] = sc
	lib.flags[string(fname)] = flags
	return 0
}

func registerFlags(L *lua.LState, v lua.LValue) []string {
	t, ok := v.(*lua.LTable)
	if !ok {
		L.Error(lua.LString("flags argument to redis.register_function must be a table representing function flags"), 0)
	}
	var out []string
	for i := 1; i <= t.Len(); i++ {
		s, ok := t.RawGetInt(i).(lua.LString)
		if !ok || !scriptFlags[string(s)] {
			L.Error(lua.LString("unknown flag given"), 0)
		}
		out = append(out, string(s))
	}
	return out
}

// load runs a library's code and installs its functions; it returns the
// library's name or Redis's error.
func (f *functions) load(s *Server, code string, replace bool) (string, error) {
	name, body, err := libraryHeader(code)
	if err != nil {
		return "", err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.libs[name] != nil && !replace {
		return "", rerr("ERR Library '" + name + "' already exists")
	}
	sc, err := compileScript("", []byte(body), "user_function")
	if err != nil {
		return "", err
	}
	lib := &library{name: name, code: code, funcs: map[string]*script{}, flags: map[string][]string{}}
	if err := f.runLoad(s, sc, lib); err != nil {
		return "", err
	}
	if len(lib.funcs) == 0 {
		return "", rerr("ERR No functions registered")
	}
	for fn := range lib.funcs {
		for _, other := range f.libs {
			if other.name != name && other.funcs[fn] != nil {
				return "", rerr("ERR Function " + fn + " already exists")
			}
		}
	}
	f.remove(name)
	if f.libs == nil {
		f.libs, f.fns = map[string]*library{}, map[string]*script{}
	}
	f.libs[name] = lib
	for fn, sc := range lib.funcs {
		f.fns[fn] = sc
	}
	return name, nil
}

// runLoad runs the library's code, for at most half a second (Redis's
// limit for FUNCTION LOAD).
func (f *functions) runLoad(s *Server, sc *script, lib *library) error {
	ls := f.state(s)
	L := ls.L
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	f.loading = lib
	L.SetContext(ctx)
	defer func() {
		f.loading = nil
		L.RemoveContext()
		L.SetTop(0)
	}()
	L.Push(L.NewFunctionFromProto(sc.proto))
	if err := L.PCall(0, 0, L.NewFunction(ls.errHandler)); err != nil {
		msg := err.Error()
		if ae, ok := err.(*lua.ApiError); ok {
			if t, ok := ae.Object.(*lua.LTable); ok {
				msg = t.RawGetString("err").String()
			}
		}
		return rerr("ERR Error registering functions: " + msg)
	}
	return nil
}

// libraryHeader reads "#!lua name=<library>" and returns the name and the
// code after the line (a blank line in its place keeps the line numbers).
func libraryHeader(code string) (name, body string, err error) {
	if !strings.HasPrefix(code, "#!") {
		return "", "", rerr("ERR Missing library metadata")
	}
	line, rest, _ := strings.Cut(code, "\n")
	parts := strings.Fields(line[2:])
	if len(parts) == 0 || !strings.EqualFold(parts[0], "lua") {
		engine := ""
		if len(parts) > 0 {
			engine = parts[0]
		}
		return "", "", rerr("ERR Engine '" + engine + "' not found")
	}
	for _, p := range parts[1:] {
		v, ok := strings.CutPrefix(p, "name=")
		if !ok {
			return "", "", rerr("ERR Invalid metadata value given: " + p)
		}
		name = v
	}
	if name == "" {
		return "", "", rerr("ERR Library name was not given")
	}
	if !validName(name) {
		return "", "", rerr("ERR " + errBadName)
	}
	return name, "\n" + rest, nil
}

// remove deletes a library and its functions; f.mu is held.
func (f *functions) remove(name string) bool {
	lib := f.libs[name]
	if lib == nil {
		return false
	}
	for fn := range lib.funcs {
		delete(f.fns, fn)
	}
	delete(f.libs, name)
	return true
}

func (f *functions) get(name string) *script {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.fns[name]
}

func (f *functions) flush() {
	f.mu.Lock()
	f.libs, f.fns = nil, nil
	f.mu.Unlock()
}

// sorted returns the libraries by name.
func (f *functions) sorted() []*library {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]*library, 0, len(f.libs))
	for _, l := range f.libs {
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}
