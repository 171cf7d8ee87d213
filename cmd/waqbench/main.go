// Command waqbench measures waq against the stack it replaces (BullMQ 5 and
// ioredis on redis-server with appendonly yes, appendfsync everysec) on this
// machine, in one run, and prints the figures side by side with their
// ratios: single and bulk enqueue rates, drain rates through a local
// Evolution API stand-in, enqueue latencies, and the disk and memory a
// queued message takes. It starts every process it measures itself, in
// temporary directories that it removes, and stops them on any exit.
//
//	go run ./cmd/waqbench [-n 200000] [-only single32,drain50] [-waq PATH] [-json] [-pprof DIR]
//
// It is a benchmark, not a test: it never fails on speed. docs/benchmarks.md
// holds a run and how to read it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"
)

// figureNames are the names -only takes, in the order of the run.
var figureNames = []string{"single1", "single32", "bulk", "memory", "drain5", "drain50", "latency"}

type options struct {
	n         int
	only      []string
	waq       string
	bullmqDir string
	redis     string
	json      bool
	timeout   time.Duration
	pprof     string
}

func main() {
	o, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "waqbench:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	ctx, cancel := context.WithTimeoutCause(ctx, o.timeout, fmt.Errorf("waqbench: -timeout %s passed", o.timeout))
	err = run(ctx, o, os.Stdout, os.Stderr)
	cancel()
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "waqbench:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("waqbench", flag.ContinueOnError)
	fs.IntVar(&o.n, "n", 200000, "messages queued for the bulk and memory figures; the other figures scale from it")
	only := fs.String("only", "", "comma-separated figures to run, of "+strings.Join(figureNames, ","))
	fs.StringVar(&o.waq, "waq", "", "waq binary to measure (default: go build ./cmd/waq)")
	fs.StringVar(&o.bullmqDir, "bullmq", "", "directory of bench.mjs (default: cmd/waqbench/bullmq of the module)")
	fs.StringVar(&o.redis, "redis-server", "/usr/bin/redis-server", "redis-server binary")
	fs.BoolVar(&o.json, "json", false, "write the results as JSON")
	fs.DurationVar(&o.timeout, "timeout", time.Hour, "stop everything after this long")
	fs.StringVar(&o.pprof, "pprof", "", "write waq's CPU profiles of each figure's timed part into this directory, as FIGURE-NNN.prof (one a second)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if o.n < 1 {
		return o, fmt.Errorf("-n %d: queue at least 1 message", o.n)
	}
	o.only = figureNames
	if *only != "" {
		o.only = strings.Split(*only, ",")
		for _, f := range o.only {
			if !slices.Contains(figureNames, f) {
				return o, fmt.Errorf("-only: %q is not a figure; use %s", f, strings.Join(figureNames, ","))
			}
		}
	}
	return o, nil
}

// run sets up the temporary directory, waq's binary and the BullMQ script,
// runs the figures and writes the report. Its deferred calls remove
// everything it made, whatever happens.
func run(ctx context.Context, o options, stdout, stderr io.Writer) error {
	tmp, err := makeTmp()
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	b := &bench{tmp: tmp, redisBin: o.redis, waqBin: o.waq, sizes: sizesFor(o.n), progress: stderr, pprofDir: o.pprof}
	if o.pprof != "" {
		if err := os.MkdirAll(o.pprof, 0o755); err != nil {
			return err
		}
	}
	if err := b.prepare(ctx, o); err != nil {
		return err
	}
	rep := report{Date: time.Now(), Command: strings.Join(append([]string{"waqbench"}, os.Args[1:]...), " "), Sizes: b.sizes,
		CPUs: runtime.NumCPU(), LoadStart: loadAverage()}
	err = b.runFigures(ctx, o.only, func(rs []result) { rep.Results = append(rep.Results, rs...) })
	rep.LoadEnd = loadAverage()
	if len(rep.Results) > 0 {
		write := writeTable
		if o.json {
			write = writeJSON
		}
		err = errors.Join(err, write(stdout, rep))
	}
	return err
}

// prepare finds or builds waq and installs the BullMQ side's packages.
func (b *bench) prepare(ctx context.Context, o options) error {
	var root string
	if o.waq == "" || o.bullmqDir == "" {
		out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
		root = filepath.Dir(strings.TrimSpace(string(out)))
		if err != nil || filepath.Base(strings.TrimSpace(string(out))) != "go.mod" {
			return fmt.Errorf("run waqbench inside the waq module, or set -waq and -bullmq (go env GOMOD: %v)", err)
		}
	}
	if b.waqBin == "" {
		b.logf("building waq")
		bin, err := buildWaq(ctx, root, b.tmp)
		if err != nil {
			return err
		}
		b.waqBin = bin
	}
	dir := o.bullmqDir
	if dir == "" {
		dir = filepath.Join(root, "cmd", "waqbench", "bullmq")
	}
	var err error
	b.node, err = prepareBullMQ(ctx, dir)
	return err
}

// runFigures runs the chosen figures in order and hands their rows to add;
// bulk and memory come from one fill.
func (b *bench) runFigures(ctx context.Context, only []string, add func([]result)) error {
	steps := []struct {
		names []string
		run   func(context.Context) ([]result, error)
	}{
		{[]string{"single1"}, func(ctx context.Context) ([]result, error) { return b.singleEnqueue(ctx, 1) }},
		{[]string{"single32"}, func(ctx context.Context) ([]result, error) { return b.singleEnqueue(ctx, 32) }},
		{[]string{"bulk", "memory"}, b.fill},
		{[]string{"drain5"}, func(ctx context.Context) ([]result, error) { return b.drain(ctx, 5) }},
		{[]string{"drain50"}, func(ctx context.Context) ([]result, error) { return b.drain(ctx, 50) }},
		{[]string{"latency"}, b.latency},
	}
	for _, s := range steps {
		if !slices.ContainsFunc(s.names, func(n string) bool { return slices.Contains(only, n) }) {
			continue
		}
		b.logf("running %s", strings.Join(s.names, " and "))
		t0 := time.Now()
		rs, err := s.run(ctx)
		if err != nil {
			return fmt.Errorf("%s: %w", strings.Join(s.names, " and "), err)
		}
		b.logf("%s took %s", strings.Join(s.names, " and "), time.Since(t0).Round(time.Millisecond))
		add(rs)
	}
	return nil
}
