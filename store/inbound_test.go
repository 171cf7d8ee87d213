package store

import (
	"testing"
	"time"
)

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
