package resp

import (
	"context"
	"encoding/csv"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestRedisBenchmark runs redis-benchmark against redis-server and waq in
// the same run and prints a Markdown table for docs/benchmarks.md. It is
// opt-in: WAQ_RESP_BENCH=1 (WAQ_RESP_BENCH_N requests per test, 100000 by
// default).
//
//	WAQ_RESP_BENCH=1 go test ./store/resp -run RedisBenchmark -v
func TestRedisBenchmark(t *testing.T) {
	if os.Getenv("WAQ_RESP_BENCH") == "" {
		t.Skip("set WAQ_RESP_BENCH=1 to run redis-benchmark against both servers")
	}
	if _, err := exec.LookPath("redis-benchmark"); err != nil {
		t.Skip("redis-benchmark is not installed (apt-get install redis-tools): skipped")
	}
	n := os.Getenv("WAQ_RESP_BENCH_N")
	if n == "" {
		n = "100000"
	}
	redis := startRedis(t)
	waq, st := startWaq(t, Options{})
	commits0, txs0 := st.CommitStats()
	want := runBenchmark(t, redis, n)
	got := runBenchmark(t, waq, n)
	commits, txs := st.CommitStats()
	fmt.Printf("\n| test | redis-server 7.0 req/s | waq req/s | waq / redis |\n| --- | ---: | ---: | ---: |\n")
	for _, name := range []string{"SET", "GET", "INCR", "LPUSH", "HSET", "ZADD"} {
		r, w := want[name], got[name]
		fmt.Printf("| %s | %.0f | %.0f | %.2f |\n", name, r, w, w/r)
	}
	fmt.Printf("\nwaq: %d fsynced commits carried %d transactions (pipelines)\n", commits-commits0, txs-txs0)
}

// runBenchmark returns requests per second by test name.
func runBenchmark(t *testing.T, addr, n string) map[string]float64 {
	host, port, _ := net.SplitHostPort(addr)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "redis-benchmark", "-h", host, "-p", port, "-n", n, "-r", "100000",
		"-P", "16", "-t", "set,get,incr,lpush,hset,zadd", "--csv").Output()
	if err != nil {
		t.Fatalf("redis-benchmark %s: %v\n%s", addr, err, out)
	}
	rows, err := csv.NewReader(strings.NewReader(string(out))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	res := map[string]float64{}
	for _, row := range rows[1:] {
		var rps float64
		fmt.Sscan(row[1], &rps)
		res[strings.Fields(row[0])[0]] = rps
	}
	return res
}
