package store

import (
	"testing"
	"time"
)

func TestReportStatus(t *testing.T) {
	b := setup(t)
	m := b.sent(t, "+34600111222", "gw-1")
	at := b.clock.Now()
	f := func(st Status, wantChanged bool, wantStatus Status) {
		t.Helper()
		got, changed, err := b.s.ReportStatus("gw-1", st, at, "why")
		if err != nil || changed != wantChanged || got.Status != wantStatus {
			t.Fatalf("report %s: changed %v status %v err %v; want %v %v", st, changed, got.Status, err, wantChanged, wantStatus)
		}
	}
	f(Sent, false, Sent)
	f(Read, true, Read) // delivered skipped
	f(Delivered, false, Read)
	f(Read, false, Read)
	f(Failed, false, Read)
	got, _ := b.s.Message(m.ID)
	if got.DeliveredAt == nil || got.ReadAt == nil {
		t.Fatalf("read without delivered must set both times: %+v", got)
	}
	if _, _, err := b.s.ReportStatus("gw-1", Dead, at, ""); ErrorCode(err) != EINVALID {
		t.Fatalf("report dead: %v, want invalid", err)
	}
	if _, _, err := b.s.ReportStatus("", Sent, at, ""); ErrorCode(err) != EINVALID {
		t.Fatalf("report without id: %v, want invalid", err)
	}
	b.mustCheck(t)
}

// A webhook that arrives before the sender stored the gateway id is kept
// and applied by MarkSent.
func TestReportStatusBeforeMarkSent(t *testing.T) {
	b := setup(t)
	m := b.enqueue(t, text("+34600111222", "hola"))
	b.lease(t)
	at := b.clock.Now()
	for _, st := range []Status{Delivered, Delivered, Sent} {
		got, _, err := b.s.ReportStatus("early", st, at, "")
		if err != nil || got != nil {
			t.Fatalf("early report %s: %v %v", st, got, err)
		}
	}
	if n, _ := b.s.PendingReports(); n != 1 {
		t.Fatalf("pending ids = %d, want 1", n)
	}
	got, err := b.s.MarkSent(m.ID, "early", TypeText, "")
	if err != nil || got.Status != Delivered || got.DeliveredAt == nil {
		t.Fatalf("mark sent: %+v %v; want delivered", got, err)
	}
	if n, _ := b.s.PendingReports(); n != 0 {
		t.Fatalf("pending ids after mark sent = %d, want 0", n)
	}
	b.mustCheck(t)
}

func TestCleanPendingReports(t *testing.T) {
	b := setup(t)
	if _, _, err := b.s.ReportStatus("old", Sent, b.clock.Now(), ""); err != nil {
		t.Fatal(err)
	}
	b.clock.Add(time.Hour)
	if _, _, err := b.s.ReportStatus("new", Sent, b.clock.Now(), ""); err != nil {
		t.Fatal(err)
	}
	n, err := b.s.CleanPendingReports(b.clock.Now().Add(-time.Minute))
	if err != nil || n != 1 {
		t.Fatalf("clean pending = %d, %v; want 1", n, err)
	}
	if n, _ := b.s.PendingReports(); n != 1 {
		t.Fatalf("pending left = %d, want 1", n)
	}
}
