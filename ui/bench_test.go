package ui_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/waqhq/waq/store"
	"github.com/waqhq/waq/ui"
)

// BenchmarkEnqueueHTTP posts single messages over keep-alive connections
// from 32 clients in flight, through the whole HTTP path to the fsynced
// commit: what a client of POST /v1/messages sees, on this machine's cores
// shared with the client's. Run with -cpuprofile to see where it goes.
func BenchmarkEnqueueHTTP(b *testing.B) {
	st, err := store.Open(filepath.Join(b.TempDir(), store.FileName), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	srv := httptest.NewServer(ui.NewServer(st, ui.Options{Version: "bench", MaxAttempts: 4}).Handler())
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	body := []byte(`{"to":"+34600111222","text":"Hola Ana, le confirmamos su visita al piso de la calle Mayor mañana a las 10:00","priority":"high","campaign":"visitas"}`)
	b.SetParallelism(max(32/runtime.GOMAXPROCS(0), 1))
	c0, w0 := st.CommitStats()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			res, err := client.Post(srv.URL+"/v1/messages", "application/json", bytes.NewReader(body))
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusCreated {
				b.Errorf("status %d", res.StatusCode)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	c1, w1 := st.CommitStats()
	b.ReportMetric(float64(w1-w0)/float64(max(c1-c0, 1)), "writes/commit")
}
