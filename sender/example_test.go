package sender_test

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/waqhq/waq/sender"
	"github.com/waqhq/waq/store"
)

// A webhook's events, parsed by a gateway package, go through a Receiver:
// a status that comes before the sender stored the gateway id is kept and
// applied when it is, and a repeat changes nothing.
func ExampleReceiver() {
	dir, _ := os.MkdirTemp("", "waq-example")
	defer os.RemoveAll(dir)
	st, _ := store.Open(filepath.Join(dir, store.FileName), store.Options{})
	defer st.Close()
	r := &sender.Receiver{Store: st, Logger: slog.New(slog.DiscardHandler)}

	m, _, _ := st.Enqueue(&store.Message{To: "+34600111222", Text: "Su cita es mañana a las 10:00"})
	_, _ = st.Lease(time.Now().Add(time.Minute))
	delivered := sender.GatewayEvent{Kind: sender.EventStatus, Source: "evolution", Name: "messages.update",
		GatewayID: "3EB0C7D9A1B2C3D4E5F6", Status: store.Delivered}
	res, _ := r.Apply([]sender.GatewayEvent{delivered}) // the webhook outran the sender
	fmt.Printf("before the send is recorded: %+v\n", res)

	m, _ = st.MarkSent(m.ID, "3EB0C7D9A1B2C3D4E5F6", store.TypeText, "sales-1")
	fmt.Println("after:", m.Status)

	res, _ = r.Apply([]sender.GatewayEvent{delivered})
	fmt.Printf("a repeat: %+v\n", res)
	// Output:
	// before the send is recorded: {Applied:0 Duplicates:0 Pending:1 Ignored:0 Rejected:0}
	// after: delivered
	// a repeat: {Applied:0 Duplicates:1 Pending:0 Ignored:0 Rejected:0}
}

// Pacing for a WhatsApp number on Evolution API (Baileys): random gaps,
// a daily cap that grows over two weeks, campaigns only in the day.
func ExamplePacing() {
	lo, hi, _ := sender.ParseGap("8s-30s")
	madrid, _ := time.LoadLocation("Europe/Madrid")
	w, _ := sender.ParseWindow("09:00-21:00", madrid)
	p := sender.Pacing{GapMin: lo, GapMax: hi, DailyCap: 300, WarmupStart: 20, WarmupDays: 14, Window: w}
	fmt.Println(p.Validate() == nil, p)
	// Output:
	// true gap 8s-30s, daily cap 300, warm-up from 20, window 09:00-21:00 Europe/Madrid
}
