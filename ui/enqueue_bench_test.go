package ui_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"
)

// POST /v1/messages through the handler, without the network: 32 callers
// on the 2 cores, each answered after its commit is fsynced. It measures
// the API's share of an enqueue (reading and decoding the body, checking,
// storing, writing the answer).
// Run: go test ./ui -run '^$' -bench EnqueueAPI -benchtime 2s
func BenchmarkEnqueueAPI(b *testing.B) {
	h, _ := benchServer(b)
	body := `{"to":"+34600111222","text":"Hola, su pedido 000123 sale hoy. Responda STOP para no recibir más.",` +
		`"priority":"high","campaign":"black-friday-2026"}`
	b.SetParallelism(16) // 16 per core: 32 callers
	cpu := cpuTime()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/v1/messages", strings.NewReader(body)))
			if w.Code != http.StatusCreated {
				b.Errorf("answer %d %s", w.Code, w.Body)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/float64(b.N), "cpu-µs/msg")
}

// cpuTime returns the CPU time the process used so far, in every thread:
// what an enqueue costs whatever the disk's fsync latency of the moment.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
