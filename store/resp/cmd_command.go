package resp

import "strings"

// cmdCommand answers COMMAND: every command's info.
func cmdCommand(c *call) error {
	cs := sortedCommands()
	c.w.array(len(cs))
	for _, cmd := range cs {
		commandInfo(c.w, cmd)
	}
	return nil
}

func cmdCommandCount(c *call) error {
	c.w.int(int64(len(commands)))
	return nil
}

func cmdCommandList(c *call) error {
	cs := sortedCommands()
	c.w.array(len(cs))
	for _, cmd := range cs {
		c.w.bulkString(cmd.name)
	}
	return nil
}

func cmdCommandInfo(c *call) error {
	if len(c.args) == 2 {
		return cmdCommand(c)
	}
	c.w.array(len(c.args) - 2)
	for _, a := range c.args[2:] {
		if cmd := lookup(a); cmd != nil {
			commandInfo(c.w, cmd)
		} else {
			c.w.nullArray()
		}
	}
	return nil
}

// commandInfo writes Redis 7's ten-element command description.
func commandInfo(w *reply, cmd *command) {
	w.array(10)
	w.bulkString(cmd.name)
	w.int(int64(cmd.arity))
	fs := cmd.redisFlags()
	w.setLen(len(fs)) // flags, categories, tips, key specs, subcommands: sets in RESP3
	for _, f := range fs {
		w.simple(f)
	}
	w.int(int64(cmd.first))
	w.int(int64(cmd.last))
	w.int(int64(cmd.step))
	w.setLen(1)
	w.simple("@" + cmd.group)
	w.setLen(0) // tips
	w.setLen(0) // key specs
	subs := make([]*command, 0, len(cmd.sub))
	for _, s := range cmd.sub {
		subs = append(subs, s)
	}
	w.setLen(len(subs))
	for _, s := range subs {
		commandInfo(w, s)
	}
}

// cmdCommandDocs gives a summary and group per command, enough for
// redis-cli's hints and Redis Commander.
func cmdCommandDocs(c *call) error {
	cs := sortedCommands()
	if len(c.args) > 2 {
		cs = cs[:0]
		for _, a := range c.args[2:] {
			if cmd := lookup(a); cmd != nil {
				cs = append(cs, cmd)
			}
		}
	}
	c.w.mapLen(len(cs))
	for _, cmd := range cs {
		c.w.bulkString(cmd.name)
		args := syntax[cmd.name]
		if args == "" {
			c.w.mapLen(3)
		} else {
			c.w.mapLen(4)
		}
		c.w.bulkString("summary")
		c.w.bulkString(strings.ToUpper(cmd.name) + " as in Redis 7.0")
		c.w.bulkString("since")
		c.w.bulkString("1.0.0")
		c.w.bulkString("group")
		c.w.bulkString(cmd.group)
		if args != "" {
			// One string argument named by the whole line: redis-cli
			// prints it as is for the hint.
			c.w.bulkString("arguments")
			c.w.array(1)
			c.w.mapLen(2)
			c.w.bulkString("name")
			c.w.bulkString(args)
			c.w.bulkString("type")
			c.w.bulkString("string")
		}
	}
	return nil
}
