package resp

import (
	"crypto/subtle"
	"math"
)

func cmdAuth(c *call) error {
	if len(c.args) > 3 {
		return errSyntax
	}
	user, pass := "default", c.args[len(c.args)-1]
	if len(c.args) == 3 {
		user = string(c.args[1])
	}
	return c.auth(user, pass)
}

// auth checks a password the way Redis checks the default user's.
func (c *call) auth(user string, pass []byte) error {
	want := c.s.opt.Password
	if want == "" {
		if len(c.args) == 2 && eq(c.args[0], "auth") {
			return rerr("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?")
		}
		if user != "default" {
			return errWrongPass
		}
	} else if user != "default" || subtle.ConstantTimeCompare(pass, []byte(want)) != 1 {
		return errWrongPass
	}
	c.cl.authed = true
	if eq(c.args[0], "auth") {
		c.w.ok()
	}
	return nil
}

// cmdHello switches between RESP2 and RESP3 and authenticates, as Redis 7.0.
func cmdHello(c *call) error {
	proto := c.cl.w.resp3
	if len(c.args) >= 2 {
		v, ok := parseInt(c.args[1])
		if !ok {
			return rerr("ERR Protocol version is not an integer or out of range")
		}
		if v != 2 && v != 3 {
			return rerr("NOPROTO unsupported protocol version")
		}
		proto = v == 3
	}
	name, setName, err := helloOptions(c)
	if err != nil {
		return err
	}
	if !c.cl.authed {
		return rerr("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time")
	}
	if setName {
		if err := c.setName(name); err != nil {
			return err
		}
	}
	c.cl.setProto(proto)
	c.w.resp3 = proto
	helloReply(c)
	return nil
}

// helloOptions applies AUTH and returns the SETNAME of HELLO's options.
func helloOptions(c *call) (name []byte, setName bool, err error) {
	for j := 2; j < len(c.args); j++ {
		more := len(c.args) - j - 1
		switch {
		case eq(c.args[j], "auth") && more >= 2:
			if err := c.auth(string(c.args[j+1]), c.args[j+2]); err != nil {
				return nil, false, err
			}
			j += 2
		case eq(c.args[j], "setname") && more >= 1:
			name, setName = c.args[j+1], true
			j++
		default:
			return nil, false, rerr("ERR Syntax error in HELLO option '" + string(c.args[j]) + "'")
		}
	}
	return name, setName, nil
}

// helloReply writes HELLO's map.
func helloReply(c *call) {
	c.w.mapLen(7)
	for _, kv := range [][2]string{{"server", "redis"}, {"version", RedisVersion}} {
		c.w.bulkString(kv[0])
		c.w.bulkString(kv[1])
	}
	c.w.bulkString("proto")
	if c.w.resp3 {
		c.w.int(3)
	} else {
		c.w.int(2)
	}
	c.w.bulkString("id")
	c.w.int(c.cl.id)
	for _, kv := range [][2]string{{"mode", "standalone"}, {"role", "master"}} {
		c.w.bulkString(kv[0])
		c.w.bulkString(kv[1])
	}
	c.w.bulkString("modules")
	c.w.array(0)
}

func cmdPing(c *call) error {
	if !c.w.resp3 && c.cl.subs.total() > 0 && len(c.args) <= 2 {
		var msg []byte
		if len(c.args) == 2 {
			msg = c.args[1]
		}
		c.w.array(2) // RESP2 subscribed mode: "pong" and the message or ""
		c.w.bulkString("pong")
		c.w.bulk(msg)
		return nil
	}
	switch len(c.args) {
	case 1:
		c.w.simple("PONG")
	case 2:
		c.w.bulk(c.args[1])
	default:
		return errArity(c.cmd.name)
	}
	return nil
}

func cmdEcho(c *call) error {
	c.w.bulk(c.args[1])
	return nil
}

func cmdSelect(c *call) error {
	db, err := intArg(c.args[1])
	if err != nil {
		return err
	}
	if db < math.MinInt32 || db > math.MaxInt32 {
		return errIntRange
	}
	if db < 0 || db >= 16 {
		return errDBRange
	}
	c.cl.setDB(int(db))
	c.w.ok()
	return nil
}

func cmdQuit(c *call) error {
	c.cl.quit = true
	c.w.ok()
	return nil
}

func (c *call) setName(name []byte) error {
	for _, b := range name {
		if b < '!' || b > '~' {
			return rerr("ERR Client names cannot contain spaces, newlines or special characters.")
		}
	}
	c.cl.mu.Lock()
	c.cl.name = string(name)
	c.cl.mu.Unlock()
	return nil
}

func cmdClientSetName(c *call) error {
	if err := c.setName(c.args[2]); err != nil {
		return err
	}
	c.w.ok()
	return nil
}

func cmdClientGetName(c *call) error {
	c.cl.mu.Lock()
	name := c.cl.name
	c.cl.mu.Unlock()
	if name == "" {
		c.w.null()
	} else {
		c.w.bulkString(name)
	}
	return nil
}

func cmdClientID(c *call) error {
	c.w.int(c.cl.id)
	return nil
}

func cmdClientInfo(c *call) error {
	c.w.verbatim(c.cl.info(c.s.opt.Now()))
	return nil
}

func cmdClientList(c *call) error {
	c.w.verbatim(c.s.clientList(c.s.opt.Now()))
	return nil
}

func cmdOK(c *call) error {
	c.w.ok()
	return nil
}

func cmdEmptyArray(c *call) error {
	c.w.array(0)
	return nil
}

func cmdTime(c *call) error {
	now := c.s.opt.Now()
	c.w.array(2)
	c.w.bulkInt(now.Unix())
	c.w.bulkInt(int64(now.Nanosecond() / 1000))
	return nil
}
