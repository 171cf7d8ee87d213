package resp

import "sort"

// defFunctions adds FCALL, FCALL_RO and FUNCTION LOAD, DELETE and KILL, and
// gives FUNCTION FLUSH and LIST (cmd_config.go's checks) the libraries.
func defFunctions() {
	const sc = "scripting"
	const flags = "noscript stale skip_monitor no_mandatory_keys movablekeys"
	def(sc, "fcall", -3, flags, 0, 0, 0, cmdFCall).write = true
	def(sc, "fcall_ro", -3, "readonly "+flags, 0, 0, 0, cmdFCall)
	def(sc, "function|load", -3, "write denyoom noscript", 0, 0, 0, cmdFunctionLoad)
	def(sc, "function|delete", 3, "write noscript", 0, 0, 0, cmdFunctionDelete)
	def(sc, "function|kill", 2, "noscript allow_busy", 0, 0, 0, cmdScriptKill)
	def(sc, "function|flush", -2, "write noscript", 0, 0, 0, cmdFunctionFlushAll)
	def(sc, "function|list", -2, "noscript", 0, 0, 0, cmdFunctionListAll)
	syntax["fcall"] = "function numkeys [key [key ...]] [arg [arg ...]]"
	syntax["fcall_ro"] = syntax["fcall"]
	syntax["function"] = "LOAD [REPLACE] function-code|DELETE library-name|FLUSH [ASYNC|SYNC]|KILL|LIST [LIBRARYNAME library-name-pattern] [WITHCODE]"
}

func cmdFCall(c *call) error {
	keys, argv, err := evalArgs(c)
	if err != nil {
		return err
	}
	sc := c.s.scripts.funcs.get(string(c.args[1]))
	if sc == nil {
		return rerr("ERR Function not found")
	}
	return c.runScript(sc, keys, argv)
}

func cmdFunctionLoad(c *call) error {
	replace := len(c.args) == 4 && eq(c.args[2], "replace")
	if len(c.args) > 4 || (len(c.args) == 4 && !replace) {
		return rerr("ERR Unknown option given: " + string(c.args[2]))
	}
	name, err := c.s.scripts.funcs.load(c.s, string(c.args[len(c.args)-1]), replace)
	if err != nil {
		return err
	}
	c.w.bulkString(name)
	return nil
}

func cmdFunctionDelete(c *call) error {
	f := &c.s.scripts.funcs
	f.mu.Lock()
	ok := f.remove(string(c.args[2]))
	f.mu.Unlock()
	if !ok {
		return rerr("ERR Library not found")
	}
	c.w.ok()
	return nil
}

func cmdFunctionFlushAll(c *call) error {
	if err := cmdFunctionFlush(c); err != nil {
		return err
	}
	c.s.scripts.funcs.flush()
	return nil
}

// cmdFunctionListAll answers FUNCTION LIST [LIBRARYNAME pattern] [WITHCODE].
func cmdFunctionListAll(c *call) error {
	start := c.w.len()
	if err := cmdFunctionList(c); err != nil { // the options' checks
		return err
	}
	c.w.truncate(start)
	code, pattern := false, []byte(nil)
	for i := 2; i < len(c.args); i++ {
		if eq(c.args[i], "withcode") {
			code = true
		} else {
			pattern, i = c.args[i+1], i+1
		}
	}
	var libs []*library
	for _, l := range c.s.scripts.funcs.sorted() {
		if pattern == nil || match(pattern, []byte(l.name)) {
			libs = append(libs, l)
		}
	}
	c.w.array(len(libs))
	for _, l := range libs {
		c.listLibrary(l, code)
	}
	return nil
}

func (c *call) listLibrary(l *library, code bool) {
	w := c.w
	n := 3
	if code {
		n = 4
	}
	w.mapLen(n)
	w.bulkString("library_name")
	w.bulkString(l.name)
	w.bulkString("engine")
	w.bulkString("LUA")
	w.bulkString("functions")
	w.array(len(l.funcs))
	for _, name := range sortedKeys(l.funcs) {
		w.mapLen(3)
		w.bulkString("name")
		w.bulkString(name)
		w.bulkString("description")
		w.null()
		w.bulkString("flags")
		w.setLen(len(l.flags[name]))
		for _, f := range l.flags[name] {
			w.simple(f)
		}
	}
	if code {
		w.bulkString("library_code")
		w.bulkString(l.code)
	}
}

func sortedKeys(m map[string]*script) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
