package resp

import (
	"net"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestWatchGoneReset: a peer that closes with replies it never read resets
// the connection (no end of file); the watch must still report it gone, or
// the blocked client stays counted until the next poll (type/list's
// "client unblock tests" then unblocked the wrong client and hung).
func TestWatchGoneReset(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	peer, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	srv, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	gone, stop := watchGone(srv)
	defer stop()
	if _, err := srv.Write([]byte("+OK\r\n")); err != nil { // a reply the peer never reads
		t.Fatal(err)
	}
	waitFor(t, func() bool { // the reply reached the peer's receive queue
		tc := peer.(*net.TCPConn)
		raw, _ := tc.SyscallConn()
		n := 0
		raw.Control(func(fd uintptr) { n, _ = unix.IoctlGetInt(int(fd), unix.SIOCINQ) })
		return n > 0
	})
	peer.Close() // with unread data: a reset
	select {
	case <-gone:
	case <-time.After(5 * time.Second):
		t.Fatal("the reset was not seen")
	}
}

// waitFor polls cond until it holds, failing after 5 s.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(5 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(end) {
			t.Fatal("condition not reached")
		}
	}
}
