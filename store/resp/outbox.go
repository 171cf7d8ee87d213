package resp

import (
	"bytes"
	"net"
	"sync"
)

// outboxLimit is the most output a subscriber may have waiting; past it the
// connection is closed, as Redis's client-output-buffer-limit for pubsub
// clients (32mb hard) does, so a reader that stopped reading cannot make
// publishers fill memory.
const outboxLimit = 32 << 20

// outbox writes a subscriber's socket. Publishers never write a socket
// themselves (a slow reader must not stall them): they append to buf and a
// writer goroutine, started at the connection's first subscription, sends
// it. While the connection's own commands run (busy), messages wait in held
// and follow the commands' replies, so a SUBSCRIBE's confirmation precedes
// the messages it brought. Connections that never subscribe keep redcon's
// writes (on is false). A message is encoded once per publish and shared
// by every outbox it is queued in: buf and held are lists of segments.
type outbox struct {
	mu        sync.Mutex
	on, busy  bool
	buf, held net.Buffers
	size      int // bytes in buf and held
	kick      chan struct{}
	done      chan struct{}
	wmu       sync.Mutex // held while buf is written, so writes keep their order
	nc        net.Conn
}

// start makes the goroutine write the connection from now on.
func (o *outbox) start(nc net.Conn) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.on || nc == nil {
		return
	}
	o.on, o.nc = true, nc
	o.kick, o.done = make(chan struct{}, 1), make(chan struct{})
	go o.loop()
}

func (o *outbox) loop() {
	for {
		select {
		case <-o.kick:
			o.drain()
		case <-o.done:
			return
		}
	}
}

// drain writes what is in buf; a failed write closes the connection.
func (o *outbox) drain() {
	o.wmu.Lock()
	defer o.wmu.Unlock()
	o.mu.Lock()
	b := o.buf
	o.buf = nil
	for _, seg := range b {
		o.size -= len(seg)
	}
	o.mu.Unlock()
	if len(b) == 0 {
		return
	}
	if _, err := b.WriteTo(o.nc); err != nil {
		o.nc.Close()
	}
}

// begin marks the connection's commands running.
func (o *outbox) begin() {
	o.mu.Lock()
	o.busy = true
	o.mu.Unlock()
}

// end queues the replies b of the commands that ran, then the messages held
// meanwhile, and lets publishers queue directly again; it reports false
// when redcon writes this connection.
func (o *outbox) end(b []byte) bool {
	return o.queue(b, false)
}

// waiting queues b before the connection waits in a blocking command:
// messages flow meanwhile, as Redis sends them to a blocked client; begin
// marks the commands running again once it returns.
func (o *outbox) waiting(b []byte) bool {
	return o.queue(b, false)
}

// queue does end and waiting under one lock, so that no message is held
// after the held ones were moved.
func (o *outbox) queue(b []byte, busy bool) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.on {
		return false
	}
	if len(b) > 0 {
		o.buf = append(o.buf, bytes.Clone(b))
		o.size += len(b)
	}
	o.buf = append(o.buf, o.held...)
	o.held = nil
	o.busy = busy
	o.wake()
	return true
}

func (o *outbox) wake() {
	select {
	case o.kick <- struct{}{}:
	default:
	}
}

// push queues one encoded message from a publisher; msg is shared and
// must not change.
func (o *outbox) push(msg []byte) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.on {
		return
	}
	if o.size+len(msg) > outboxLimit {
		o.nc.Close() // the reader fell too far behind; Redis drops it too
		return
	}
	o.size += len(msg)
	if o.busy {
		o.held = append(o.held, msg)
		return
	}
	o.buf = append(o.buf, msg)
	o.wake()
}

// stop ends the goroutine when the connection closes.
func (o *outbox) stop() {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.on {
		o.on = false
		close(o.done)
	}
}

// flush writes what is queued now, before the connection closes (QUIT).
func (o *outbox) flush() {
	o.mu.Lock()
	on := o.on
	o.mu.Unlock()
	if on {
		o.drain()
	}
}
