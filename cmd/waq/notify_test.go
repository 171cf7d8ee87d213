package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// envOf turns a map into a lookupEnv function.
func envOf(env map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := env[k]
		return v, ok
	}
}

// listenNotify plays systemd's side of $NOTIFY_SOCKET at name (a path, or
// an abstract name starting with '@') and returns the messages it gets.
func listenNotify(t *testing.T, name string) <-chan string {
	t.Helper()
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: name, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	got := make(chan string, 1000)
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := conn.Read(buf)
			if err != nil {
				return
			}
			got <- string(buf[:n])
		}
	}()
	return got
}

// expectNotify waits for a message that starts with want and returns the
// ones that came before it.
func expectNotify(t *testing.T, got <-chan string, want string) []string {
	t.Helper()
	var before []string
	timeout := time.After(waitDeadline)
	for {
		select {
		case msg := <-got:
			if strings.HasPrefix(msg, want) {
				return before
			}
			before = append(before, msg)
		case <-timeout:
			t.Fatalf("no %q from waq; got %q", want, before)
		}
	}
}

func TestNewNotifier(t *testing.T) {
	f := func(socket string, want bool) {
		t.Helper()
		n := newNotifier(envOf(map[string]string{"NOTIFY_SOCKET": socket}), slog.Default())
		if (n != nil) != want {
			t.Fatalf("NOTIFY_SOCKET=%q: notifier %v, want %v", socket, n != nil, want)
		}
	}
	f("", false)                   // not under systemd
	f("relative.sock", false)      // systemd only passes absolute or abstract names
	f("/run/systemd/notify", true) // the usual one
	f("@/org/freedesktop/x", true) // abstract
	if err := (*notifier)(nil).send("READY=1"); err != nil {
		t.Fatalf("nil notifier: %v", err)
	}
}

func TestWatchdogInterval(t *testing.T) {
	pid := strconv.Itoa(os.Getpid())
	f := func(usec, wdPID string, want time.Duration) {
		t.Helper()
		env := map[string]string{"WATCHDOG_USEC": usec}
		if wdPID != "" {
			env["WATCHDOG_PID"] = wdPID
		}
		if got := watchdogInterval(envOf(env)); got != want {
			t.Fatalf("WATCHDOG_USEC=%q WATCHDOG_PID=%q: %v, want %v", usec, wdPID, got, want)
		}
	}
	f("", "", 0)
	f("soon", "", 0)
	f("0", "", 0)
	f("-5", "", 0)
	f("30000000", "", 15*time.Second) // WatchdogSec=30s: ping every 15 s
	f("30000000", pid, 15*time.Second)
	f("30000000", "1", 0) // the watchdog is another process's
}

// READY=1 comes first, WATCHDOG=1 follows while the store answers, stops
// while it does not (so systemd would restart waq), resumes when it answers
// again, and STOPPING=1 comes last; over a socket file and an abstract one.
func TestStartNotify(t *testing.T) {
	f := func(socket string) {
		t.Helper()
		got := listenNotify(t, socket)
		var broken atomic.Bool
		healthy := func() error {
			if broken.Load() {
				return errors.New("store hangs")
			}
			return nil
		}
		env := envOf(map[string]string{"NOTIFY_SOCKET": socket, "WATCHDOG_USEC": "20000"})
		stop := startNotify(t.Context(), env, slog.New(slog.NewTextHandler(t.Output(), nil)), healthy)
		if before := expectNotify(t, got, "READY=1"); len(before) > 0 {
			t.Fatalf("before READY=1: %q", before)
		}
		expectNotify(t, got, "WATCHDOG=1")

		broken.Store(true)
		expectNotify(t, got, "STATUS=store does not answer")
		time.Sleep(100 * time.Millisecond) // five periods
		broken.Store(false)
		if before := expectNotify(t, got, "STATUS=serving"); len(before) > 0 {
			t.Fatalf("pings while the store did not answer: %q", before)
		}
		expectNotify(t, got, "WATCHDOG=1")

		stop()
		expectNotify(t, got, "STOPPING=1")
	}
	f(filepath.Join(t.TempDir(), "notify.sock"))
	f(fmt.Sprintf("@waq-test-notify-%d", os.Getpid()))
}

// Without $NOTIFY_SOCKET nothing is sent and stop returns at once.
func TestStartNotifyOutsideSystemd(t *testing.T) {
	called := false
	stop := startNotify(t.Context(), envOf(nil), slog.Default(), func() error { called = true; return nil })
	stop()
	if called {
		t.Fatal("the health check ran without a watchdog")
	}
}

// waq serve under a fake systemd: READY=1 once it answers HTTP, watchdog
// pings from the real store, STOPPING=1 when it is told to stop.
func TestServeNotifiesSystemd(t *testing.T) {
	socket := filepath.Join(t.TempDir(), "notify.sock")
	got := listenNotify(t, socket)
	env := map[string]string{"WAQ_RESP_ADDR": "", "NOTIFY_SOCKET": socket, "WATCHDOG_USEC": "50000"}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan int)
	go func() {
		code, _, _ := runCLIContext(ctx, env, "serve", "--demo", "--data-dir", t.TempDir(), "--http-addr", "127.0.0.1:0")
		done <- code
	}()
	expectNotify(t, got, "READY=1")
	for range 3 {
		expectNotify(t, got, "WATCHDOG=1")
	}
	cancel()
	expectNotify(t, got, "STOPPING=1")
	if code := <-done; code != 0 {
		t.Fatalf("serve exited %d", code)
	}
}
