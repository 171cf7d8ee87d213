package store

import (
	"testing"
	"time"
)

func (b *bundle) sent(t testing.TB, to, gid string) *Message {
	t.Helper()
	m := b.enqueue(t, text(to, "hola"))
	b.lease(t)
	if _, err := b.s.MarkSent(m.ID, gid, TypeText, ""); err != nil {
		t.Fatalf("mark sent: %v", err)
	}
	return m
}

func TestReport(t *testing.T) {
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
func TestReportBeforeMarkSent(t *testing.T) {
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

func TestCleanPending(t *testing.T) {
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

func TestDefer(t *testing.T) {
	b := setup(t)
	m := b.enqueue(t, text("+34600111222", "hola"))
	b.lease(t)
	until := b.clock.Now().Add(time.Hour)
	got, err := b.s.Defer(m.ID, until, "outside the send window")
	if err != nil || got.Status != Scheduled || got.Attempts != 0 {
		t.Fatalf("defer: %+v %v", got, err)
	}
	if _, err := b.s.Defer(m.ID, until, ""); ErrorCode(err) != ECONFLICT {
		t.Fatalf("defer a scheduled message: %v, want conflict", err)
	}
	b.mustCheck(t)
	if n, _ := b.s.Promote(until.Add(-time.Second)); n != 0 {
		t.Fatalf("promoted %d before its time", n)
	}
	if n, _ := b.s.Promote(until); n != 1 {
		t.Fatalf("promoted %d at its time, want 1", n)
	}
	if st := b.status(t, m.ID); st != Queued {
		t.Fatalf("status %s, want queued", st)
	}
}

func TestRecordInbound(t *testing.T) {
	b := setup(t)
	m := b.sent(t, "+34600111222", "gw-1")
	m, _ = b.s.Message(m.ID)
	f := func(in Inbound, wantCreated bool, wantMsg string) {
		t.Helper()
		got, created, err := b.s.RecordInbound(in)
		if err != nil || created != wantCreated || got.MessageID != wantMsg {
			t.Fatalf("record %+v: %+v created %v err %v", in, got, created, err)
		}
	}
	f(Inbound{GatewayID: "in-1", From: "+34600111222", ReplyTo: "gw-1"}, true, m.ID)
	f(Inbound{GatewayID: "in-1", From: "+34600111222", ReplyTo: "gw-1"}, false, m.ID)
	f(Inbound{GatewayID: "in-2", From: "+34600111222", ReplyTo: "unknown"}, true, "")
	if _, _, err := b.s.RecordInbound(Inbound{From: "+34600111222"}); ErrorCode(err) != EINVALID {
		t.Fatalf("inbound without id: %v, want invalid", err)
	}
	all, err := b.s.InboundSince(time.Time{}, 10)
	if err != nil || len(all) != 2 {
		t.Fatalf("inbound since = %d, %v; want 2", len(all), err)
	}
	b.clock.Add(InboundRetention + time.Second)
	f(Inbound{GatewayID: "in-3", From: "+34600111222"}, true, "")
	n, err := b.s.CleanInbound(b.clock.Now().Add(-InboundRetention), 100)
	if err != nil || n != 2 {
		t.Fatalf("clean inbound = %d, %v; want 2", n, err)
	}
	f(Inbound{GatewayID: "in-1", From: "+34600111222"}, true, "") // forgotten, so new again
}

func TestInstanceState(t *testing.T) {
	b := setup(t)
	if st, err := b.s.Instance("sales-1"); err != nil || st.PausedReason != "" {
		t.Fatalf("unknown instance: %+v %v", st, err)
	}
	now := b.clock.Now()
	if err := b.s.SetInstance("sales-1", InstanceState{PausedReason: "logged out", PausedAt: &now}); err != nil {
		t.Fatal(err)
	}
	b.s.Close()
	b.s = b.open(t)
	if st, err := b.s.Instance("sales-1"); err != nil || st.PausedReason != "logged out" {
		t.Fatalf("after reopen: %+v %v", st, err)
	}
	if err := b.s.SetInstance("", InstanceState{}); ErrorCode(err) != EINVALID {
		t.Fatalf("empty name: %v", err)
	}
}
