package stats

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/waqhq/waq/store"
)

func openStore(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), store.FileName), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestCountersRoundTrip(t *testing.T) {
	var c Counters
	c.Sent, c.Read, c.Sales = 3, 2, 1
	c.Value = map[string]float64{"EUR": 1200.5, "USD": 3}
	c.QueueWait.Observe(1500 * time.Millisecond)
	c.ResponseTime.Observe(90 * time.Second)
	var got Counters
	if err := got.Unmarshal(c.Marshal()); err != nil {
		t.Fatal(err)
	}
	if got.Sent != 3 || got.Read != 2 || got.Sales != 1 || got.Value["EUR"] != 1200.5 ||
		got.QueueWait.Count() != 1 || got.ResponseTime.SumMS != 90000 {
		t.Fatalf("round trip = %+v", got)
	}
	for _, bad := range [][]byte{nil, {9}, {countersVersion, 0xff}} {
		if err := got.Unmarshal(bad); err == nil {
			t.Fatalf("Unmarshal(%v) accepted", bad)
		}
	}
	var old Counters // a record from before later fields: they decode as zero
	if err := old.Unmarshal([]byte{countersVersion, 5}); err != nil || old.Enqueued != 5 || old.Sent != 0 {
		t.Fatalf("short record = %+v, %v", old, err)
	}
}

func TestHistogramQuantiles(t *testing.T) {
	var h Histogram
	for i := 1; i <= 100; i++ {
		h.Observe(time.Duration(i) * time.Millisecond)
	}
	f := func(q float64, lo, hi time.Duration) {
		t.Helper()
		if got := h.Quantile(q); got < lo || got > hi {
			t.Fatalf("q%.2f = %s, want within [%s, %s]", q, got, lo, hi)
		}
	}
	f(0.5, 50*time.Millisecond, 60*time.Millisecond) // within one bucket (19%)
	f(0.99, 99*time.Millisecond, 118*time.Millisecond)
	if m := h.Mean(); m != 50*time.Millisecond {
		t.Fatalf("mean = %s, want 50ms", m)
	}
	var empty Histogram
	if empty.Quantile(0.5) != 0 || empty.Mean() != 0 {
		t.Fatal("an empty histogram must answer 0")
	}
}

// A delta lands in its minute, hour and local day, in every dimension.
func TestAddDeltas(t *testing.T) {
	st := openStore(t)
	madrid, _ := time.LoadLocation("Europe/Madrid")
	at := time.Date(2026, 3, 28, 23, 30, 0, 0, time.UTC) // 00:30 on the 29th in Madrid
	d := Delta{At: at, Campaign: "spring", Instance: "sales-1", Type: "text", Counters: Counters{Sent: 1}}
	if err := AddDeltas(st, madrid, []Delta{d, d}); err != nil {
		t.Fatal(err)
	}
	f := func(l Level, start time.Time, dim string, want uint64) {
		t.Helper()
		c, err := ReadRecord(st, l, start, dim)
		if err != nil || c.Sent != want {
			t.Fatalf("%s %s %q: sent %d, %v; want %d", l, start, dim, c.Sent, err, want)
		}
	}
	day := time.Date(2026, 3, 29, 0, 0, 0, 0, madrid)
	for _, dim := range []string{DimAll, DimCampaign("spring"), DimInstance("sales-1"), DimCampaignInstance("spring", "sales-1"), DimType("text")} {
		f(Minute, at, dim, 2)
		f(Hour, Hour.Start(at, madrid), dim, 2)
		f(Day, day, dim, 2)
	}
	f(Day, time.Date(2026, 3, 28, 0, 0, 0, 0, madrid), DimAll, 0)
	if next := Day.Next(day, madrid); next.Sub(day) != 23*time.Hour {
		t.Fatalf("the day clocks move forward lasts %s, want 23h", next.Sub(day))
	}
}
