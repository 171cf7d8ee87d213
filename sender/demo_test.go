package sender

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/waqhq/waq/internal/timetest"
	"github.com/waqhq/waq/store"
)

func TestDemoReachesRead(t *testing.T) {
	st := openStore(t, time.Now)
	d := NewDemo(&Receiver{Store: st, Logger: quiet()}, quiet())
	t.Cleanup(func() { d.Close() })
	cfg := fastConfig()
	cfg.Gateway = "demo"
	start(t, New(st, d, cfg))
	id := enqueue(t, st, store.High, "Hola")
	timetest.WaitFor(t, "read", func() bool { return message(t, st, id).Status == store.Read })
	m := message(t, st, id)
	if !strings.HasPrefix(m.GatewayMessageID, "demo-") || m.SentAt == nil || m.DeliveredAt == nil || m.ReadAt == nil {
		t.Fatalf("read message = %+v", m)
	}
	var seen []store.Status
	for _, c := range m.History {
		seen = append(seen, c.Status)
	}
	if got := joinStatuses(seen); !strings.HasSuffix(got, "sending sent delivered read") {
		t.Fatalf("history = %s", got)
	}
}

func TestDemoReplyHookAndClose(t *testing.T) {
	st := openStore(t, time.Now)
	var replied atomic.Value
	rcv := &Receiver{Store: st, Logger: quiet(), OnEvent: func(ev GatewayEvent, _ *store.Message, created bool) {
		if ev.Kind == EventInbound && created {
			replied.Store(ev.ReplyTo)
		}
	}}
	d := NewDemo(rcv, quiet())
	d.ack, d.read, d.ans = span{0, 10 * time.Millisecond}, span{0, 10 * time.Millisecond}, span{0, 10 * time.Millisecond}
	d.odds = 1
	start(t, New(st, d, fastConfig()))
	id := enqueue(t, st, store.Normal, "hi")
	timetest.WaitFor(t, "a reply", func() bool {
		gid, _ := replied.Load().(string)
		return gid != "" && gid == message(t, st, id).GatewayMessageID
	})
	in, err := st.InboundSince(time.Time{}, 10)
	if err != nil || len(in) != 1 || in[0].MessageID != id || in[0].Source != "demo" {
		t.Fatalf("inbound = %+v, %v; want one reply linked to %s", in, err, id)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	_, err = d.Send(context.Background(), &store.Message{ID: "x"})
	var se *SendError
	if !errors.As(err, &se) || se.Kind != Retryable {
		t.Fatalf("Send after Close = %v, want a retryable *SendError", err)
	}
}

func joinStatuses(ss []store.Status) string {
	var b strings.Builder
	for i, s := range ss {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(string(s))
	}
	return b.String()
}
