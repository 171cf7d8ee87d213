package resp

// COMMAND GETKEYS command [arg ...]: the keys a command would touch, as
// Redis 7.0 finds them from its key specs.

// numKeysAt is where the numkeys argument sits for the commands that take
// one; their keys follow it (after a destination key at 1 for the *STORE
// commands).
var numKeysAt = map[string]int{
	"zunion": 1, "zinter": 1, "zdiff": 1, "zintercard": 1, "sintercard": 1,
	"lmpop": 1, "zmpop": 1, "blmpop": 2, "bzmpop": 2,
	"zunionstore": 2, "zinterstore": 2, "zdiffstore": 2,
}

func cmdCommandGetKeys(c *call) error {
	args := c.args[2:]
	cmd := lookup(args[0])
	if cmd != nil && cmd.sub != nil {
		cmd = cmd.sub[lower(args[1])]
	}
	switch n := len(args); {
	case cmd == nil:
		return rerr("ERR Invalid command specified")
	case !hasKeys(cmd):
		return rerr("ERR The command has no key arguments")
	case (cmd.arity > 0 && n != cmd.arity) || n < -cmd.arity:
		return rerr("ERR Invalid number of arguments specified for command")
	}
	keys, ok := commandKeys(cmd, args)
	if !ok {
		return rerr("ERR Invalid arguments specified for command")
	}
	c.w.bulks(keys)
	return nil
}

// hasKeys reports whether cmd names keys; shard channels are not keys.
func hasKeys(cmd *command) bool {
	_, numKeys := numKeysAt[cmd.name]
	return (cmd.first > 0 || numKeys) && cmd.group != "pubsub"
}

// commandKeys picks the keys out of args; false when args do not hold them.
func commandKeys(cmd *command, args [][]byte) ([][]byte, bool) {
	if at, ok := numKeysAt[cmd.name]; ok {
		n, isInt := parseInt(args[at])
		if !isInt || n <= 0 || n > int64(len(args)-at-1) {
			return nil, false
		}
		keys := args[at+1 : at+1+int(n)]
		if at == 2 && cmd.first == 1 {
			keys = append([][]byte{args[1]}, keys...)
		}
		return keys, true
	}
	if cmd.name == "sort" || cmd.name == "sort_ro" {
		return sortKeys(args), true
	}
	last := cmd.last
	if last < 0 {
		last += len(args)
	}
	var keys [][]byte
	for i := cmd.first; i <= last && i < len(args); i += max(cmd.step, 1) {
		keys = append(keys, args[i])
	}
	return keys, len(keys) > 0
}

// sortKeys is SORT's key and the destination of its last STORE, skipping
// the arguments of LIMIT, BY and GET as Redis does.
func sortKeys(args [][]byte) [][]byte {
	keys := [][]byte{args[1]}
	var store []byte
	for i := 2; i < len(args); i++ {
		switch {
		case eq(args[i], "limit"):
			i += 2
		case eq(args[i], "get"), eq(args[i], "by"):
			i++
		case eq(args[i], "store") && i+1 < len(args):
			store = args[i+1]
			i++
		}
	}
	if store != nil {
		keys = append(keys, store)
	}
	return keys
}
