package resp

import (
	"errors"
	"net"
	"syscall"
)

// peerGone reports whether the client of a blocked connection hung up: a
// peek at its socket that reads end-of-file. Nothing is consumed, so
// commands the client sent after the blocking one are still read in order.
// Connections other than TCP sockets are never judged gone.
func peerGone(cl *client) bool {
	if cl.conn == nil {
		return false
	}
	nc := cl.conn.NetConn()
	if g, ok := nc.(*guardConn); ok {
		nc = g.Conn
	}
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return false
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return false
	}
	gone := false
	var buf [1]byte
	err = raw.Control(func(fd uintptr) {
		n, _, err := syscall.Recvfrom(int(fd), buf[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		gone = n == 0 && err == nil || (err != nil && !errors.Is(err, syscall.EAGAIN) && !errors.Is(err, syscall.EINTR))
	})
	return err == nil && gone
}

// flushReplies sends the replies of a pipeline's earlier commands before a
// blocking one waits. redcon's own buffer is empty while a batch runs (its
// replies go out together after it), so writing to the socket keeps order.
func (s *Server) flushReplies(cl *client) {
	if cl.w.len() == 0 || cl.conn == nil {
		return
	}
	if nc := cl.conn.NetConn(); nc != nil {
		nc.Write(cl.w.b) // an error shows again at the connection's next write
	}
	cl.w.truncate(0)
}

var _ net.Conn = (*guardConn)(nil)
