package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strconv"
	"time"
)

// Under systemd (Type=notify) waq tells the service manager when it is
// ready, when it stops, and that it is alive, as sd_notify(3) does: one
// datagram per message to the unix socket named by $NOTIFY_SOCKET. The
// standard library is enough for that, so waq links no libsystemd.
//
// The watchdog ping is sent only while the data file answers a read: a waq
// whose store hangs stops pinging, and systemd kills and restarts it
// (WatchdogSec= in systemd/waq.service).

// notifyStopWait bounds how long stopping waits for a watchdog check that
// hangs on the store.
const notifyStopWait = time.Second

// notifier writes sd_notify messages to one socket.
type notifier struct {
	addr *net.UnixAddr
	log  *slog.Logger
}

// newNotifier returns the notifier of $NOTIFY_SOCKET, or nil when waq does
// not run under a service manager that asked for notifications. A name
// starting with '@' is an abstract socket; Go's net package maps the '@' to
// the leading NUL byte the kernel wants.
func newNotifier(lookupEnv func(string) (string, bool), log *slog.Logger) *notifier {
	name, _ := lookupEnv("NOTIFY_SOCKET")
	if name == "" || name[0] != '/' && name[0] != '@' {
		return nil
	}
	return &notifier{addr: &net.UnixAddr{Name: name, Net: "unixgram"}, log: log}
}

// send writes one message, such as "READY=1" or "WATCHDOG=1". A nil
// notifier sends nothing.
func (n *notifier) send(state string) error {
	if n == nil {
		return nil
	}
	conn, err := net.DialUnix("unixgram", nil, n.addr)
	if err != nil {
		return fmt.Errorf("sd_notify: %w", err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte(state)); err != nil {
		return fmt.Errorf("sd_notify: %w", err)
	}
	return nil
}

// watchdogInterval returns how often to ping: half of $WATCHDOG_USEC, as
// sd_watchdog_enabled(3) advises, or 0 when no watchdog is set for this
// process ($WATCHDOG_PID, when present, names the process it is for).
func watchdogInterval(lookupEnv func(string) (string, bool)) time.Duration {
	usec, _ := lookupEnv("WATCHDOG_USEC")
	n, err := strconv.ParseInt(usec, 10, 64)
	if err != nil || n <= 0 {
		return 0
	}
	if pid, ok := lookupEnv("WATCHDOG_PID"); ok && pid != "" && pid != strconv.Itoa(os.Getpid()) {
		return 0
	}
	return time.Duration(n) * time.Microsecond / 2
}

// startNotify tells systemd that waq is ready and, when a watchdog is set,
// pings it every half period while healthy returns nil. The returned stop
// ends the pings and sends STOPPING=1; call it before closing the store, so
// that a slow graceful stop is not taken for a hang. Outside systemd it
// does nothing.
func startNotify(ctx context.Context, lookupEnv func(string) (string, bool), log *slog.Logger, healthy func() error) (stop func()) {
	n := newNotifier(lookupEnv, log)
	if n == nil {
		return func() {}
	}
	if err := n.send("READY=1\nSTATUS=serving"); err != nil {
		log.Warn("cannot tell systemd waq is ready", "err", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if every := watchdogInterval(lookupEnv); every > 0 {
			n.watchdog(ctx, every, healthy)
		}
	}()
	return func() {
		cancel()
		select {
		case <-done:
		case <-time.After(notifyStopWait): // healthy hangs: stop anyway
		}
		if err := n.send("STOPPING=1\nSTATUS=stopping"); err != nil {
			log.Warn("cannot tell systemd waq is stopping", "err", err)
		}
	}
}

// watchdog pings every interval until ctx ends, skipping the ping while
// healthy fails. It logs once when the store stops answering and once when
// it answers again, rather than at every tick.
func (n *notifier) watchdog(ctx context.Context, every time.Duration, healthy func() error) {
	t := time.NewTicker(every)
	defer t.Stop()
	failing := false
	for {
		err := healthy()
		switch {
		case err != nil && !failing:
			n.log.Error("store does not answer: watchdog ping skipped", "err", err)
			n.send("STATUS=store does not answer; watchdog ping skipped")
		case err == nil && failing:
			n.log.Info("store answers again: watchdog pings resume")
			n.send("STATUS=serving")
		}
		failing = err != nil
		if err == nil {
			if err := n.send("WATCHDOG=1"); err != nil {
				n.log.Warn("watchdog ping failed", "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// storeAnswers is the watchdog's health check: a read transaction on the
// data file, as cheap as any.
func (m *Main) storeAnswers() error {
	_, err := m.store.Paused()
	return err
}
