package resp

import (
	"errors"
	"net"
	"slices"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
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
	if cl.out.waiting(cl.w.b) { // a subscriber's writes go through its outbox
		cl.w.truncate(0)
		return
	}
	if cl.w.len() == 0 || cl.conn == nil {
		return
	}
	if nc := cl.conn.NetConn(); nc != nil {
		nc.Write(cl.w.b) // an error shows again at the connection's next write
	}
	cl.w.truncate(0)
}

var _ net.Conn = (*guardConn)(nil)

// settle records that the commands cl received so far ran or blocked.
func (cl *client) settle() {
	if g := cl.guard(); g != nil {
		g.settled.Store(g.reads.Load())
	}
}

func (cl *client) guard() *guardConn {
	if cl.conn == nil {
		return nil
	}
	g, _ := cl.conn.NetConn().(*guardConn)
	return g
}

// pendingReads is how many reads cl's commands must have settled for the
// commands it has now (read, or still in its socket) to have run or
// blocked; 0 when it has none.
func (cl *client) pendingReads() uint64 {
	g := cl.guard()
	if g == nil {
		return 0
	}
	if r := g.reads.Load(); r > g.settled.Load() {
		return r
	}
	sc, ok := g.Conn.(syscall.Conn)
	if !ok {
		return 0
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return 0
	}
	n := 0
	raw.Control(func(fd uintptr) {
		n, _ = unix.IoctlGetInt(int(fd), unix.SIOCINQ)
	})
	if n > 0 {
		return g.reads.Load() + 1
	}
	return 0
}

// awaitOthers waits, at most Options.PeersWait, until the commands that other
// connections had received when cl's blocking command came have run or
// blocked. Redis runs commands one at a time in the order they come; waq
// runs connections in parallel, so without this a blocking command sent
// just after another one on another connection could queue, or be served,
// before it. Commands that come later are not waited for (a CLIENT UNBLOCK
// sent once this one blocked must find it blocked). Of two blocking
// commands waiting for each other, the older connection's goes first
// (test harnesses open and use their clients in order).
func (s *Server) awaitOthers(cl *client) {
	cl.awaiting.Store(true)
	defer cl.awaiting.Store(false)
	type wait struct {
		o    *client
		upto uint64
	}
	var waits []wait
	s.mu.Lock()
	others := make([]*client, 0, len(s.clients))
	for _, o := range s.clients {
		if o != cl {
			others = append(others, o)
		}
	}
	s.mu.Unlock()
	for _, o := range others {
		if n := o.pendingReads(); n > 0 {
			waits = append(waits, wait{o, n})
		}
	}
	deadline := time.Now().Add(s.opt.PeersWait)
	for _, w := range waits {
		for time.Now().Before(deadline) && w.o.guard().settled.Load() < w.upto &&
			!(w.o.awaiting.Load() && w.o.id > cl.id) {
			time.Sleep(200 * time.Microsecond)
		}
	}
}

// awaitWatchers waits, at most Options.PeersWait, until the commands that clients
// watching keys have sent so far have run, before a woken blocked client
// serves itself. Redis ran them before the write that woke it, so an EXEC
// sent just before that write must not find its watched keys touched by the
// pop or move the write woke. Without watchers it costs nothing.
func (s *Server) awaitWatchers(cl *client) {
	if s.watching.Load() == 0 {
		return
	}
	s.mu.Lock()
	var watchers []*client
	for _, cls := range s.watch {
		for o := range cls {
			if o != cl && !slices.Contains(watchers, o) {
				watchers = append(watchers, o)
			}
		}
	}
	s.mu.Unlock()
	deadline := time.Now().Add(s.opt.PeersWait)
	for _, o := range watchers {
		g, upto := o.guard(), o.pendingReads()
		for g != nil && g.settled.Load() < upto && time.Now().Before(deadline) {
			time.Sleep(200 * time.Microsecond) // polling: the peer's goroutine signals nothing
		}
	}
}

// watchHangup returns a channel closed when cl's peer hangs up while it is
// blocked, and a stop function to call before the connection reads again.
func watchHangup(cl *client) (<-chan struct{}, func()) {
	if cl.conn == nil {
		return make(chan struct{}), func() {}
	}
	nc := cl.conn.NetConn()
	if g, ok := nc.(*guardConn); ok {
		nc = g.Conn
	}
	return watchGone(nc)
}

// watchGone waits on the netpoller for nc to become readable and peeks:
// end-of-file, or an error such as the reset a peer sends when it closes
// with replies it never read (test harnesses do), closes the channel; data
// (a command sent after the blocking one) ends the watch, leaving the
// 250 ms checks.
func watchGone(nc net.Conn) (<-chan struct{}, func()) {
	gone := make(chan struct{})
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return gone, func() {}
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return gone, func() {}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		var buf [1]byte
		raw.Read(func(fd uintptr) bool {
			n, _, err := syscall.Recvfrom(int(fd), buf[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
			if errors.Is(err, syscall.EAGAIN) || errors.Is(err, syscall.EINTR) {
				return false // wait until readable
			}
			if err != nil || n == 0 { // reset, or end of file
				close(gone)
			}
			return true
		})
	}()
	return gone, func() {
		nc.SetReadDeadline(time.Now()) // ends the watch's wait
		<-done
		nc.SetReadDeadline(time.Time{})
	}
}
