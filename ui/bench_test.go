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

var benchBody = []byte(`{"to":"+34600111222","text":"Hola Ana, le confirmamos su visita al piso de la calle Mayor mañana a las 10:00","priority":"high","campaign":"visitas"}`)

// BenchmarkEnqueueHTTP posts single messages over keep-alive connections
// from 32 clients in flight, through the whole HTTP path to the fsynced
// commit: what a client of POST /v1/messages sees, on this machine's cores
// shared with the client's. Run with -cpuprofile to see where it goes.
func BenchmarkEnqueueHTTP(b *testing.B) {
	h, st := benchServer(b)
	srv := httptest.NewServer(h)
	defer srv.Close()
	d0 := st.DBStats()
	post32(b, srv.URL+"/v1/messages")
	d1 := st.DBStats()
	commits := float64(max(d1.Commits-d0.Commits, 1))
	b.ReportMetric(float64(d1.CommitWrites-d0.CommitWrites)/commits, "writes/commit")
	// A commit's cycle (elapsed time / commits) against the part of it the
	// disk takes (bbolt's page writes and fdatasyncs): the rest is the
	// requests' CPU and the linger, during which the disk is idle.
	b.ReportMetric(float64(b.Elapsed().Microseconds())/commits, "µs/commit")
	b.ReportMetric(float64(d1.WriteDuration-d0.WriteDuration)/1e3/commits, "write+sync-µs/commit")
	b.ReportMetric(float64(d1.PageWrites-d0.PageWrites)/commits, "pages/commit")
}

// BenchmarkHTTPFloor is BenchmarkEnqueueHTTP against a handler that answers
// 201 at once with a body of the same size: the cost of HTTP/1.1 itself on
// these cores, client and server together, which no enqueue can beat.
func BenchmarkHTTPFloor(b *testing.B) {
	answer := bytes.Repeat([]byte("x"), 420)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write(answer)
	}))
	defer srv.Close()
	post32(b, srv.URL+"/v1/messages")
}

// post32 posts benchBody to url from 32 clients in flight, b.N times in all.
func post32(b *testing.B, url string) {
	postParallel(b, url, benchBody, 32, 1)
}

// postParallel posts body to url from clients in flight, b.N times in all,
// and reports the messages (perRequest in each body) a second and the
// process's CPU per message, client and server together: what a loaded
// machine (other jobs on the cores, a slow fsync) does not move.
func postParallel(b *testing.B, url string, body []byte, clients, perRequest int) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 2 * clients}}
	b.SetParallelism(max(clients/runtime.GOMAXPROCS(0), 1))
	cpu := cpuTime()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			res, err := client.Post(url, "application/json", bytes.NewReader(body))
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
	msgs := float64(b.N * perRequest)
	b.ReportMetric(msgs/b.Elapsed().Seconds(), "msgs/s")
	b.ReportMetric(float64((cpuTime()-cpu).Nanoseconds())/1e3/msgs, "cpu-µs/msg")
}

// BenchmarkEnqueueBulkAPI posts bulk requests of 1000 messages through the
// handler, without the network, 4 in flight: the API's and the store's
// share of a bulk enqueue. b.N counts messages.
func BenchmarkEnqueueBulkAPI(b *testing.B) {
	h, _ := benchServer(b)
	body := bulkBody()
	b.SetParallelism(max(4/runtime.GOMAXPROCS(0), 1))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/v1/messages/bulk", bytes.NewReader(body)))
			if w.Code != http.StatusCreated {
				b.Errorf("answer %d %.200s", w.Code, w.Body)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N*store.BulkMax)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkEnqueueBulkHTTP is BenchmarkEnqueueBulkAPI over keep-alive
// connections, 4 in flight, as cmd/waqbench's bulk figure posts them: the
// HTTP transfer and the client's share on the same cores. b.N counts
// requests of 1000 messages.
func BenchmarkEnqueueBulkHTTP(b *testing.B) {
	h, _ := benchServer(b)
	srv := httptest.NewServer(h)
	defer srv.Close()
	postParallel(b, srv.URL+"/v1/messages/bulk", bulkBody(), 4, store.BulkMax)
}

// bulkBody is a bulk request of store.BulkMax copies of benchBody.
func bulkBody() []byte {
	body := append([]byte(`{"messages":[`), benchBody...)
	for range store.BulkMax - 1 {
		body = append(append(body, ','), benchBody...)
	}
	return append(body, "]}"...)
}

// benchServer returns the API's handler on a store in a temporary file.
func benchServer(b *testing.B) (http.Handler, *store.Store) {
	st, err := store.Open(filepath.Join(b.TempDir(), store.FileName), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return ui.NewServer(st, ui.Options{Version: "bench", MaxAttempts: 4}).Handler(), st
}
