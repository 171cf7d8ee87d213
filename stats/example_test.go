package stats_test

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/waqhq/waq/stats"
	"github.com/waqhq/waq/store"
)

// Counters written for a day in Madrid are read back as that day's
// message figures, for all traffic and for one campaign.
func ExampleReader() {
	dir, _ := os.MkdirTemp("", "waq-example")
	defer os.RemoveAll(dir)
	st, _ := store.Open(filepath.Join(dir, store.FileName), store.Options{})
	defer st.Close()
	madrid, _ := time.LoadLocation("Europe/Madrid")
	at := time.Date(2026, 11, 26, 10, 30, 0, 0, madrid)
	_ = stats.AddDeltas(st, madrid, []stats.Delta{
		{At: at, Campaign: "otoño", Counters: stats.Counters{Sent: 3, Delivered: 3, Read: 2}},
		{At: at.Add(time.Hour), Counters: stats.Counters{Sent: 1, Delivered: 1}},
	})
	r, _ := stats.NewReader(st, madrid, func() time.Time { return at.Add(24 * time.Hour) })
	defer r.Close()
	from, to := time.Date(2026, 11, 26, 0, 0, 0, 0, madrid), time.Date(2026, 11, 27, 0, 0, 0, 0, madrid)
	all, _ := r.Messages(stats.DimAll, from, to)
	fall, _ := r.Messages(stats.Filter("otoño", ""), from, to)
	fmt.Printf("all: sent %d, read rate %.2f\n", all.Sent, all.ReadRate)
	fmt.Printf("otoño: sent %d, read rate %.2f\n", fall.Sent, fall.ReadRate)
	// Output:
	// all: sent 4, read rate 0.50
	// otoño: sent 3, read rate 0.67
}
