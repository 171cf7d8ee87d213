package resp

import (
	"sort"
	"strings"
)

// command is one entry of the command table; COMMAND INFO, COUNT and DOCS
// are generated from it. flags are Redis's, space-separated; the words
// starting with ~ are ours: ~notx (runs outside a data transaction),
// ~noauth (allowed before AUTH), ~ctl (runs, not queued, inside MULTI),
// ~touch (the handler tells WATCH which keys it changed, not the table).
type command struct {
	name              string
	arity             int
	flags             string
	first, last, step int
	group             string
	run               func(*call) error
	sub               map[string]*command

	write, noTx, noAuth, multiCtl, selfTouch, blocking bool
}

var commands = map[string]*command{}

func def(group string, name string, arity int, flags string, first, last, step int, run func(*call) error) *command {
	c := &command{name: name, arity: arity, flags: flags, first: first, last: last, step: step, group: group, run: run}
	for _, f := range strings.Fields(flags) {
		switch f {
		case "write":
			c.write = true
		case "blocking":
			c.blocking = true
		case "~notx":
			c.noTx = true
		case "~noauth":
			c.noAuth = true
		case "~ctl":
			c.multiCtl = true
		case "~touch":
			c.selfTouch = true
		}
	}
	if i := strings.IndexByte(name, '|'); i > 0 {
		parent := commands[name[:i]]
		parent.sub[name[i+1:]] = c
		c.noTx, c.noAuth, c.multiCtl = parent.noTx, parent.noAuth, parent.multiCtl
		if parent.write {
			c.write = true
		}
		return c
	}
	commands[name] = c
	return c
}

// container defines a command with subcommands (CLIENT, CONFIG, …); run
// answers it without a subcommand, when Redis allows that.
func container(group, name string, arity int, flags string, run func(*call) error) {
	c := def(group, name, arity, flags, 0, 0, 0, run)
	c.sub = map[string]*command{}
	if run == nil {
		c.run = func(*call) error { return errArity(name) }
	}
}

// lookup returns the command named by arg (any case), or nil.
func lookup(arg []byte) *command {
	var buf [32]byte
	if len(arg) > len(buf) {
		return nil
	}
	b := buf[:len(arg)]
	for i, c := range arg {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		b[i] = c
	}
	return commands[string(b)]
}

// sortedCommands lists the table by name.
func sortedCommands() []*command {
	cs := make([]*command, 0, len(commands))
	for _, c := range commands {
		cs = append(cs, c)
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].name < cs[j].name })
	return cs
}

// redisFlags are the command's flags as COMMAND INFO shows them.
func (c *command) redisFlags() []string {
	var fs []string
	for _, f := range strings.Fields(c.flags) {
		if !strings.HasPrefix(f, "~") {
			fs = append(fs, f)
		}
	}
	return fs
}
