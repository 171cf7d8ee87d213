package store

import (
	"encoding/json"
	"fmt"
	"os"
	"sync"
	"syscall"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Each enqueue returns only after its commit is fsynced; the callers share
// commits. Run: go test ./store -run '^$' -bench . -benchtime 2s
func BenchmarkEnqueue(b *testing.B) {
	for _, callers := range []int{1, 8, 32, 64} {
		b.Run(fmt.Sprintf("callers=%d", callers), func(b *testing.B) { enqueueBench(b, callers, false) })
	}
}

// The same without fsync (bbolt's NoSync), to see the CPU an enqueue costs
// apart from the disk. Not durable: a measuring tool only.
func BenchmarkEnqueueNoSync(b *testing.B) {
	for _, callers := range []int{1, 32} {
		b.Run(fmt.Sprintf("callers=%d", callers), func(b *testing.B) { enqueueBench(b, callers, true) })
	}
}

func enqueueBench(b *testing.B, callers int, nosync bool) {
	bb := setup(b)
	bb.s.db.NoSync = nosync
	var wg sync.WaitGroup
	cpu := cpuTime()
	b.ResetTimer()
	for c := 0; c < callers; c++ {
		n := b.N / callers
		if c < b.N%callers {
			n++
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < n; i++ {
				if _, _, err := bb.s.Enqueue(text("+34600111222", "Hola, su cita es mañana a las 10:00")); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	commits, writes := bb.s.CommitStats()
	b.ReportMetric(float64(writes)/float64(commits), "writes/commit")
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/float64(b.N), "cpu-µs/msg")
	// Where a commit's time goes: the committer is never idle under load, so
	// a commit lasts elapsed/commits; bbolt times the spill (B+tree splits,
	// page allocation) and the writes with their two fdatasyncs (pages,
	// then meta); the rest is the callers' puts in the transaction.
	tx := bb.s.db.Stats().TxStats
	per := func(d time.Duration) float64 { return float64(d.Microseconds()) / float64(commits) }
	b.ReportMetric(per(b.Elapsed()), "µs/commit")
	b.ReportMetric(per(tx.GetWriteTime()), "write+sync-µs/commit")
	b.ReportMetric(per(tx.GetSpillTime()), "spill-µs/commit")
}

// cpuTime returns the CPU time the process used so far, in every thread:
// what an enqueue costs whatever the disk's fsync latency of the moment.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// One bulk request of 1000 messages: one commit.
func BenchmarkEnqueueBulk1000(b *testing.B) {
	bb := setup(b)
	ms := make([]*Message, BulkMax)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j := range ms {
			ms[j] = text("+34600111222", "Hola, su cita es mañana a las 10:00")
		}
		if _, err := bb.s.EnqueueBulk(ms); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*BulkMax)/b.Elapsed().Seconds(), "msgs/s")
}

// Dequeue is a lease and the record of its outcome, as the sender does it,
// with 5 workers (the default concurrency) over a backlog.
func BenchmarkDequeue(b *testing.B) {
	bb := setup(b)
	fill(b, bb.s, b.N)
	deadline := time.Now().Add(time.Hour)
	var wg sync.WaitGroup
	b.ResetTimer()
	for w := 0; w < 5; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				m, err := bb.s.Lease(deadline)
				if err == ErrEmpty {
					return
				} else if err != nil {
					b.Error(err)
					return
				}
				if _, err := bb.s.MarkSent(m.ID, "g"+m.ID, TypeText, ""); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// The data file's size per queued message, with typical messages (a phone,
// a 60-character text, a priority and a campaign) enqueued in bulk requests.
// Run: go test ./store -run '^$' -bench FileSize -benchtime 1x
func BenchmarkFileSize(b *testing.B) {
	const n = 200_000
	defer func(f float64) { fillSequential = f }(fillSequential)
	for _, fill := range []float64{0.5, fillSequential} {
		b.Run(fmt.Sprintf("fill=%.1f", fill), func(b *testing.B) {
			fillSequential = fill
			for i := 0; i < b.N; i++ {
				size, used := fileSize(b, n)
				b.ReportMetric(float64(size)/n, "file-B/msg")
				b.ReportMetric(float64(used)/n, "pages-B/msg")
			}
		})
	}
}

// fileSize enqueues n typical messages in a new file and returns the file's
// size and the bytes of its pages in use (the file grows ahead, by bbolt's
// AllocSize).
func fileSize(b *testing.B, n int) (size, used int64) {
	bb := setup(b)
	for done := 0; done < n; done += BulkMax {
		ms := make([]*Message, min(n-done, BulkMax))
		for j := range ms {
			ms[j] = typical(done + j)
		}
		if _, err := bb.s.EnqueueBulk(ms); err != nil {
			b.Fatal(err)
		}
	}
	_ = bb.s.view(func(tx *bolt.Tx) error {
		used = int64(tx.Size()) - int64(bb.s.db.Stats().FreePageN)*int64(tx.DB().Info().PageSize)
		return nil
	})
	if err := bb.s.Close(); err != nil {
		b.Fatal(err)
	}
	fi, err := os.Stat(bb.path)
	if err != nil {
		b.Fatal(err)
	}
	return fi.Size(), used
}

// typical is a message as the campaigns send them.
func typical(i int) *Message {
	prio := []Priority{Normal, High, Normal, Low}[i%4]
	return &Message{To: fmt.Sprintf("+3460%07d", i), Priority: prio, Campaign: "black-friday-2026",
		Text: fmt.Sprintf("Hola, su pedido %06d sale hoy. Responda STOP para no recibir más.", i)}
}

func fill(b *testing.B, s *Store, n int) {
	for n > 0 {
		ms := make([]*Message, min(n, BulkMax))
		for j := range ms {
			ms[j] = text("+34600111222", "x")
		}
		if _, err := s.EnqueueBulk(ms); err != nil {
			b.Fatal(err)
		}
		n -= len(ms)
	}
}

// Baselines, run in the same command as the benchmarks above so that the
// figures can be read as ratios: a bare bbolt put of a message-sized value,
// one Update (one fsync) per put, and the same through bbolt's own Batch
// with its defaults.
func BenchmarkBaselineBolt(b *testing.B) {
	value := make([]byte, 420) // about the size of a stored text message
	for _, c := range []struct {
		name    string
		callers int
		batch   bool
	}{{"update/callers=1", 1, false}, {"update/callers=64", 64, false}, {"batch/callers=64", 64, true}} {
		b.Run(c.name, func(b *testing.B) {
			bb := setup(b)
			db := bb.s.db
			var seq sync.Mutex
			next := uint64(0)
			put := func() error {
				f := db.Update
				if c.batch {
					f = db.Batch
				}
				seq.Lock()
				next++
				k := []byte(fmt.Sprintf("%020d", next))
				seq.Unlock()
				return f(func(tx *bolt.Tx) error { return tx.Bucket(bucketMessages).Put(k, value) })
			}
			var wg sync.WaitGroup
			b.ResetTimer()
			for w := 0; w < c.callers; w++ {
				n := b.N / c.callers
				if w < b.N%c.callers {
					n++
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; i < n; i++ {
						if err := put(); err != nil {
							b.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}

// sink keeps a benchmark's result on the heap, as a put in bbolt does.
var sink []byte

// The record and the answer of a typical queued message, written and read
// the way the code before recordV1 did (JSON by reflection) and the way it
// does now, in one run.
func BenchmarkRecord(b *testing.B) {
	bb := setup(b)
	m := bb.enqueue(b, typical(7))
	j, err := json.Marshal((*legacy)(m))
	if err != nil {
		b.Fatal(err)
	}
	r, err := encodeRecord(nil, m)
	if err != nil {
		b.Fatal(err)
	}
	f := func(name string, size int, fn func() error) {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if err := fn(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(size), "bytes")
		})
	}
	f("encode/json", len(j), func() error { _, err := json.Marshal((*legacy)(m)); return err })
	f("encode/v1", len(r), func() (err error) { sink, err = encodeRecord(make([]byte, 0, 192), m); return err })
	f("decode/json", len(j), func() error { _, err := decode(m.ID, j); return err })
	f("decode/v1", len(r), func() error { _, err := decode(m.ID, r); return err })
	f("answer/reflection", len(j), func() error { _, err := json.Marshal((*legacy)(m)); return err })
	f("answer/appender", len(j), func() error { _, err := json.Marshal(m); return err })
	f("answer/append", len(j), func() (err error) { sink, err = m.AppendJSON(make([]byte, 0, 512)); return err })
	f("validate", 0, m.Validate)
}
