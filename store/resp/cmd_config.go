package resp

import (
	"math"
	"strconv"
	"strings"
	"sync"
)

// param is one setting CONFIG GET shows. The encoding thresholds can be
// changed with CONFIG SET; they change only what OBJECT ENCODING answers,
// since waq stores every collection one way. The others are read only.
type param struct {
	name, alias string
	min, max    int64 // the range CONFIG SET accepts; min > max: read only
	def         string
}

// params are Redis 7.0's names and defaults (those of a redis-server started
// without a configuration file).
var params = []param{
	{name: "appendonly", def: "no", min: 1},
	{name: "busy-reply-threshold", alias: "lua-time-limit", def: "5000", max: math.MaxInt64}, // BUSY after it: script_busy.go
	{name: "databases", def: "16", min: 1},
	{name: "hash-max-listpack-entries", alias: "hash-max-ziplist-entries", def: "512", max: math.MaxInt64},
	{name: "hash-max-listpack-value", alias: "hash-max-ziplist-value", def: "64", max: math.MaxInt64},
	{name: "list-compress-depth", def: "0", max: math.MaxInt32},
	{name: "list-max-listpack-size", alias: "list-max-ziplist-size", def: "-2", min: math.MinInt32, max: math.MaxInt32},
	{name: "maxclients", def: "10000", min: 1},
	{name: "maxmemory", def: "0", min: 1},
	{name: "maxmemory-policy", def: "noeviction", min: 1},
	{name: "notify-keyspace-events", def: "", min: 1},
	{name: "proto-max-bulk-len", min: 1},
	{name: "sanitize-dump-payload", def: "yes", min: 1}, // RESTORE always checks the whole payload
	{name: "save", def: "", min: 1},
	{name: "set-max-intset-entries", def: "512", max: math.MaxInt64},
	{name: "stream-node-max-bytes", def: "4096", max: math.MaxInt64},  // where XADD cuts a node
	{name: "stream-node-max-entries", def: "100", max: math.MaxInt64}, // (only MAXLEN ~ sees it)
	{name: "timeout", def: "0", min: 1},
	{name: "zset-max-listpack-entries", alias: "zset-max-ziplist-entries", def: "128", max: math.MaxInt64},
	{name: "zset-max-listpack-value", alias: "zset-max-ziplist-value", def: "64", max: math.MaxInt64},
}

// settings are one server's values of the settable params.
type settings struct {
	mu sync.Mutex
	v  map[string]int64
}

// get returns the value of a settable param by its name (not alias).
func (s *Server) setting(name string) int64 {
	s.conf.mu.Lock()
	defer s.conf.mu.Unlock()
	if v, ok := s.conf.v[name]; ok {
		return v
	}
	p := findParam(name)
	n, _ := strconv.ParseInt(p.def, 10, 64)
	return n
}

func findParam(name string) *param {
	for i := range params {
		if p := &params[i]; strings.EqualFold(p.name, name) || (p.alias != "" && strings.EqualFold(p.alias, name)) {
			return p
		}
	}
	return nil
}

func (p *param) value(s *Server) string {
	switch {
	case p.name == "notify-keyspace-events":
		return formatNotify(s.ps.notify.Load())
	case p.name == "proto-max-bulk-len":
		return strconv.Itoa(s.opt.MaxBulk) // the server's own, as APPEND and SETRANGE use it
	case p.min <= p.max:
		return strconv.FormatInt(s.setting(p.name), 10)
	}
	return p.def
}

// cmdConfigGet follows Redis 7.0: a name without glob characters is
// answered under the spelling asked; a pattern matches names and aliases.
func cmdConfigGet(c *call) error {
	var out []string
	seen := map[string]bool{}
	add := func(name string, p *param) {
		if !seen[name] {
			seen[name] = true
			out = append(out, name, p.value(c.s))
		}
	}
	for _, a := range c.args[2:] {
		if !strings.ContainsAny(string(a), "[*?") {
			if p := findParam(string(a)); p != nil {
				add(string(a), p)
			}
			continue
		}
		pat := []byte(strings.ToLower(string(a)))
		for i := range params {
			p := &params[i]
			for _, n := range []string{p.name, p.alias} {
				if n != "" && match(pat, []byte(n)) {
					add(n, p)
				}
			}
		}
	}
	c.w.mapLen(len(out) / 2)
	for _, s := range out {
		c.w.bulkString(s)
	}
	return nil
}

// cmdConfigSet checks every pair before it sets any, as Redis does. A read
// only setting may be "set" to its current value, which is what test
// harnesses restoring a setting do.
func cmdConfigSet(c *call) error {
	if len(c.args)%2 != 0 {
		return errSyntax
	}
	type pair struct {
		p *param
		n int64
	}
	var set []pair
	seen := map[string]bool{}
	for i := 2; i < len(c.args); i += 2 {
		name, val := string(c.args[i]), string(c.args[i+1])
		p := findParam(name)
		if p == nil {
			return rerr("ERR Unknown option or number of arguments for CONFIG SET - '" + name + "'")
		}
		fail := "ERR CONFIG SET failed (possibly related to argument '" + name + "') - "
		if seen[strings.ToLower(name)] { // an alias and its name are not duplicates: the last wins
			return rerr(fail + "duplicate parameter")
		}
		seen[strings.ToLower(name)] = true
		if p.name == "notify-keyspace-events" {
			n, ok := parseNotify(val)
			if !ok {
				return rerr(fail + "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.")
			}
			set = append(set, pair{p, n})
			continue
		}
		if p.min > p.max {
			if val != p.value(c.s) {
				return rerr(fail + "waq does not change this setting (its WAQ_* settings configure it)")
			}
			continue
		}
		n, ok := parseInt([]byte(val))
		if !ok {
			return rerr(fail + "argument couldn't be parsed into an integer")
		}
		if n < p.min || n > p.max {
			return rerr(fail + "argument must be between " + strconv.FormatInt(p.min, 10) + " and " +
				strconv.FormatInt(p.max, 10) + " inclusive")
		}
		set = append(set, pair{p, n})
	}
	c.s.conf.mu.Lock()
	if c.s.conf.v == nil {
		c.s.conf.v = map[string]int64{}
	}
	for _, s := range set {
		c.s.conf.v[s.p.name] = s.n
		if s.p.name == "notify-keyspace-events" {
			c.s.ps.notify.Store(s.n)
		}
	}
	c.s.conf.mu.Unlock()
	c.s.pushLimits(c.tx)
	c.w.ok()
	return nil
}

// cmdFunctionFlush: waq has no functions (no scripting), so there is
// nothing to flush; the harnesses and clients that flush first go on.
func cmdFunctionFlush(c *call) error {
	if len(c.args) > 3 {
		return rerr("ERR unknown subcommand or wrong number of arguments for 'FLUSH'. Try FUNCTION HELP.")
	}
	if len(c.args) == 3 && !eq(c.args[2], "async") && !eq(c.args[2], "sync") {
		return rerr("ERR FUNCTION FLUSH only supports SYNC|ASYNC option")
	}
	c.w.ok()
	return nil
}

// cmdFunctionList answers an empty list after Redis's checks of the options.
func cmdFunctionList(c *call) error {
	code, lib := false, false
	for i := 2; i < len(c.args); i++ {
		switch a := c.args[i]; {
		case !code && eq(a, "withcode"):
			code = true
		case !lib && eq(a, "libraryname"):
			if i == len(c.args)-1 {
				return rerr("ERR library name argument was not given")
			}
			lib = true
			i++
		default:
			return rerr("ERR Unknown argument " + string(a))
		}
	}
	c.w.array(0)
	return nil
}
