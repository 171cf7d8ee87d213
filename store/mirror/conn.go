package mirror

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Errors of the handshake, wrapped with the source's own words.
var (
	// ErrNotRedis: the source did not answer like a Redis server.
	ErrNotRedis = errors.New("mirror: source did not answer like Redis")
	// ErrAuth: the source wants a password, or refused the one given.
	ErrAuth = errors.New("mirror: source refused authentication")
	// ErrRefused: the source refused to replicate (PSYNC or REPLCONF failed).
	ErrRefused = errors.New("mirror: source refused replication")
)

// handshakeTimeout bounds each reply of the handshake; the RDB may then take
// longer, and the stream is bounded by streamTimeout.
const handshakeTimeout = 10 * time.Second

// source is a parsed redis:// or rediss:// URL.
type source struct {
	addr, user, pass string
	tls              *tls.Config
	public           string // the URL without its password, for status and logs
}

// parseURL reads a source URL; the database in its path is ignored, since a
// replica receives every database.
func parseURL(raw string) (source, error) {
	o, err := redis.ParseURL(raw)
	if err != nil {
		return source{}, fmt.Errorf("mirror: source URL: %w", err)
	}
	u, _ := url.Parse(raw)
	u.User = nil
	if o.Username != "" {
		u.User = url.User(o.Username)
	}
	return source{addr: o.Addr, user: o.Username, pass: o.Password, tls: o.TLSConfig, public: u.String()}, nil
}

// link is one replication connection.
type link struct {
	c  net.Conn
	dr *deadlineReader
	br *bufio.Reader
}

// deadlineReader gives every read of the connection its own deadline, so a
// silent source breaks the link whatever stage reads from it.
type deadlineReader struct {
	c       net.Conn
	timeout time.Duration
	tap     *rdbTap // while an RDB loads: sees every byte read
}

func (d *deadlineReader) Read(p []byte) (int, error) {
	_ = d.c.SetReadDeadline(time.Now().Add(d.timeout))
	n, err := d.c.Read(p)
	if d.tap != nil {
		d.tap.write(p[:n])
	}
	return n, err
}

// dial connects to the source.
func dial(ctx context.Context, src source) (*link, error) {
	d := &net.Dialer{Timeout: handshakeTimeout}
	var c net.Conn
	var err error
	if src.tls != nil {
		c, err = (&tls.Dialer{NetDialer: d, Config: src.tls}).DialContext(ctx, "tcp", src.addr)
	} else {
		c, err = d.DialContext(ctx, "tcp", src.addr)
	}
	if err != nil {
		return nil, fmt.Errorf("mirror: connect to %s: %w", src.addr, err)
	}
	dr := &deadlineReader{c: c, timeout: handshakeTimeout}
	return &link{c: c, dr: dr, br: bufio.NewReaderSize(dr, 64<<10)}, nil
}

// send writes one command as a RESP array.
func (l *link) send(args ...string) error {
	var b strings.Builder
	b.WriteString("*" + strconv.Itoa(len(args)) + "\r\n")
	for _, a := range args {
		b.WriteString("$" + strconv.Itoa(len(a)) + "\r\n" + a + "\r\n")
	}
	_ = l.c.SetWriteDeadline(time.Now().Add(handshakeTimeout))
	_, err := l.c.Write([]byte(b.String()))
	return err
}

// line reads one reply line, skipping the bare newlines a master sends to
// keep the link alive while it prepares the RDB. ErrNotRedis for a line
// that is not a simple reply, an error or a bulk header.
func (l *link) line() (string, error) {
	for {
		s, err := l.br.ReadString('\n')
		if err != nil {
			return "", fmt.Errorf("%w: %w", ErrNotRedis, err)
		}
		s = strings.TrimRight(s, "\r\n")
		if s == "" {
			continue
		}
		if !strings.ContainsAny(s[:1], "+-$") {
			return "", fmt.Errorf("%w: got %q", ErrNotRedis, trunc(s, 64))
		}
		return s, nil
	}
}

// call sends a command and wants a simple reply; an error reply is wrapped
// in bad.
func (l *link) call(bad error, args ...string) (string, error) {
	if err := l.send(args...); err != nil {
		return "", fmt.Errorf("mirror: %s: %w", args[0], err)
	}
	s, err := l.line()
	if err != nil {
		return "", err
	}
	if s[0] != '+' {
		return "", fmt.Errorf("%w: %s: %s", bad, args[0], trunc(s[1:], 200))
	}
	return s[1:], nil
}

// handshake authenticates and announces a replica that understands the
// diskless (EOF-marker) RDB and PSYNC2. ErrAuth when the source wants a
// password or refuses it, ErrNotRedis, ErrRefused.
func (l *link) handshake(src source) error {
	if src.pass != "" {
		args := []string{"AUTH", src.pass}
		if src.user != "" {
			args = []string{"AUTH", src.user, src.pass}
		}
		if _, err := l.call(ErrAuth, args...); err != nil {
			return err
		}
	}
	if err := l.send("PING"); err != nil {
		return fmt.Errorf("mirror: PING: %w", err)
	}
	s, err := l.line()
	if err != nil {
		return err
	}
	if strings.HasPrefix(s, "-NOAUTH") || strings.HasPrefix(s, "-WRONGPASS") {
		return fmt.Errorf("%w: %s (give it in the URL: redis://:password@host:port)", ErrAuth, s[1:])
	}
	if s[0] != '+' {
		return fmt.Errorf("%w: PING: %s", ErrRefused, s[1:])
	}
	port := "0"
	if a, ok := l.c.LocalAddr().(*net.TCPAddr); ok {
		port = strconv.Itoa(a.Port)
	}
	if _, err := l.call(ErrRefused, "REPLCONF", "listening-port", port); err != nil {
		return err
	}
	_, err = l.call(ErrRefused, "REPLCONF", "capa", "eof", "capa", "psync2")
	return err
}

// psync asks for a partial resync from (replid, offset), or a full one when
// replid is empty. It returns the answer: full reports +FULLRESYNC with the
// new replid and offset; otherwise +CONTINUE, with the new replid if the
// source changed it.
func (l *link) psync(replid string, offset int64) (full bool, id string, off int64, err error) {
	args := []string{"PSYNC", "?", "-1"}
	if replid != "" {
		args = []string{"PSYNC", replid, strconv.FormatInt(offset+1, 10)}
	}
	s, err := l.call(ErrRefused, args...)
	if err != nil {
		return false, "", 0, err
	}
	f := strings.Fields(s)
	switch {
	case len(f) == 3 && f[0] == "FULLRESYNC":
		off, err := strconv.ParseInt(f[2], 10, 64)
		if err != nil {
			return false, "", 0, fmt.Errorf("%w: %q", ErrNotRedis, s)
		}
		return true, f[1], off, nil
	case len(f) >= 1 && f[0] == "CONTINUE":
		id = replid
		if len(f) == 2 {
			id = f[1]
		}
		return false, id, offset, nil
	}
	return false, "", 0, fmt.Errorf("%w: PSYNC answered %q", ErrRefused, trunc(s, 200))
}

func trunc(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
