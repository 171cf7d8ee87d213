package resp

import (
	"errors"
	"net"
	"sync/atomic"
)

// redcon parses whatever arrives, growing its buffer until a command is
// complete and looping over a declared argument count; a guardConn checks
// the RESP framing as bytes are read so that a declared length over the
// limits, an endless inline line or a flood of unparsed bytes closes the
// connection with Redis's protocol error instead of taking memory or CPU.
type guardListener struct {
	net.Listener
	max int
}

func (l *guardListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &guardConn{Conn: c, g: guard{maxBulk: int64(l.max)}}, nil
}

// Limits of the framing, as Redis's: 1M arguments, 64 KB inline commands.
const (
	maxArgs   = 1 << 20
	maxInline = 64 << 10
)

type guardConn struct {
	net.Conn
	g       guard
	pending atomic.Int64 // bytes read since the handler last ran
	// reads counts the reads that brought bytes; settled is reads when the
	// commands they brought last ran to the end or blocked (awaitOthers).
	reads, settled atomic.Uint64
}

var errGuard = errors.New("protocol limits exceeded")

func (c *guardConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.reads.Add(1)
		if msg := c.g.feed(p[:n]); msg != "" || c.pending.Add(int64(n)) > 2*c.g.maxBulk+maxInline {
			if msg == "" {
				msg = "too much unparsed data"
			}
			c.Conn.Write([]byte("-ERR Protocol error: " + msg + "\r\n"))
			return 0, errGuard
		}
	}
	return n, err
}

// consumed tells the guard that redcon parsed what was read.
func (c *guardConn) consumed() { c.pending.Store(0) }

type guardState byte

const (
	gStart guardState = iota
	gInline
	gCount
	gDollar
	gLen
	gBody
	gOff // after a framing error redcon reports: pass through
)

// guard follows RESP framing byte by byte without buffering.
type guard struct {
	maxBulk int64
	state   guardState
	num     int64 // the number being read, or the inline line's length
	digits  int
	args    int64 // arguments left in the current command
	skip    int64 // body bytes left, with the CRLF
}

// feed checks b and returns a protocol error message, or "".
func (g *guard) feed(b []byte) string {
	for i := 0; i < len(b); i++ {
		switch g.state {
		case gBody:
			n := min(g.skip, int64(len(b)-i))
			g.skip -= n
			i += int(n) - 1
			if g.skip == 0 {
				g.endArg()
			}
		case gStart:
			g.start(b[i])
		case gInline:
			if b[i] == '\n' {
				g.state = gStart
			} else if g.num++; g.num > maxInline {
				return "too big inline request"
			}
		case gCount, gLen:
			if msg := g.number(b[i]); msg != "" {
				return msg
			}
		case gDollar:
			if b[i] != '$' {
				g.state = gOff
			} else {
				g.state, g.num, g.digits = gLen, 0, 0
			}
		}
	}
	return ""
}

func (g *guard) start(c byte) {
	switch c {
	case '*':
		g.state, g.num, g.digits = gCount, 0, 0
	case '\r', '\n':
	default:
		g.state, g.num = gInline, 1
	}
}

// number reads the digits of "*N\r\n" or "$N\r\n".
func (g *guard) number(c byte) string {
	switch {
	case c >= '0' && c <= '9':
		if g.digits++; g.digits > 12 {
			return g.invalid()
		}
		g.num = g.num*10 + int64(c-'0')
		return ""
	case c == '\r' || (c == '-' && g.digits == 0):
		return ""
	case c != '\n':
		g.state = gOff
		return ""
	}
	if g.state == gCount {
		if g.num > maxArgs {
			return g.invalid()
		}
		g.args = g.num
		g.state = gDollar
		if g.args <= 0 {
			g.state = gStart
		}
		return ""
	}
	if g.num > g.maxBulk {
		return g.invalid()
	}
	g.state, g.skip = gBody, g.num+2
	return ""
}

func (g *guard) invalid() string {
	if g.state == gCount {
		return "invalid multibulk length"
	}
	return "invalid bulk length"
}

func (g *guard) endArg() {
	if g.args--; g.args <= 0 {
		g.state = gStart
	} else {
		g.state = gDollar
	}
}
