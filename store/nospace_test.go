package store

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/waqhq/waq/internal/timetest"
	"github.com/waqhq/waq/store/disktest"
)

// A full disk fails writes with EFULL and loses nothing already stored; the
// store stays usable, notices by itself that space came back, and the file
// is sound after a reopen.
func TestDiskFull(t *testing.T) {
	dir := disktest.Small(t, "4m")
	b := &bundle{clock: timetest.NewClock(), path: filepath.Join(dir, FileName)}
	b.s = b.open(t)
	var acked []string
	enqueue := func(i int) error {
		m, _, err := b.s.Enqueue(text("+34600111222", fmt.Sprintf("%04d %s", i, strings.Repeat("x", 900))))
		if err == nil {
			acked = append(acked, m.ID)
		}
		return err
	}
	for i := range 10 {
		if err := enqueue(i); err != nil {
			t.Fatal(err)
		}
	}
	filler := disktest.Fill(t, dir)
	var err error
	for i := 10; i < 10000 && err == nil; i++ {
		err = enqueue(i)
	}
	if ErrorCode(err) != EFULL {
		t.Fatalf("enqueue on a full disk: %v, want %s", err, EFULL)
	}
	if since, full := b.s.DiskFull(); !full || !since.Equal(b.clock.Now()) {
		t.Fatalf("DiskFull after the failure: %v %v", since, full)
	}
	if err := enqueue(-1); ErrorCode(err) != EFULL {
		t.Fatalf("second enqueue on a full disk: %v", err)
	}
	// A small write may still fit in pages bbolt freed inside the file; the
	// disk stays marked full while it has no space left.
	if _, err := b.s.Lease(b.clock.Now().Add(time.Minute)); err != nil && ErrorCode(err) != EFULL {
		t.Fatalf("lease on a full disk: %v", err)
	}
	if _, full := b.s.DiskFull(); !full {
		t.Fatal("a write on the full disk cleared the mark")
	}
	if n, err := b.s.Counts(); err != nil || n.States[Queued]+n.States[Sending] != len(acked) {
		t.Fatalf("counts on a full disk: %v %v, want %d queued", n, err, len(acked))
	}

	disktest.Free(t, filler)
	timetest.WaitFor(t, "the probe to notice the free space", func() bool { _, full := b.s.DiskFull(); return !full })
	if err := enqueue(-2); err != nil {
		t.Fatalf("enqueue after space came back: %v", err)
	}
	if err := b.s.Close(); err != nil {
		t.Fatal(err)
	}
	if probs, err := Check(b.path); err != nil || len(probs) > 0 {
		t.Fatalf("check: %v %v", err, probs)
	}
	b.s = b.open(t)
	for _, id := range acked {
		if m, err := b.s.Message(id); err != nil || (m.Status != Queued && m.Status != Sending) {
			t.Fatalf("acknowledged message %s after the reopen: %+v %v", id, m, err)
		}
	}
	if n, err := b.s.Counts(); err != nil || n.States[Queued]+n.States[Sending] != len(acked) {
		t.Fatalf("counts after the reopen: %v %v, want %d queued", n, err, len(acked))
	}
	t.Logf("%d messages acknowledged, the rest refused with %s, all kept", len(acked), EFULL)
}

func TestIsNoSpace(t *testing.T) {
	f := func(err error, want bool) {
		t.Helper()
		if got := isNoSpace(err); got != want {
			t.Fatalf("isNoSpace(%v) = %v", err, got)
		}
	}
	f(nil, false)
	f(&os.PathError{Op: "write", Path: "waq.db", Err: syscall.ENOSPC}, true)
	f(fmt.Errorf("file resize error: %s", syscall.ENOSPC), true) // bbolt's grow drops the errno
	f(fmt.Errorf("file sync error: %s", syscall.EDQUOT), true)
	f(syscall.EIO, false)
	f(ErrClosed, false)
}
