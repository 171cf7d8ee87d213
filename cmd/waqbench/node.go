package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/waqhq/waq/sender"
	"github.com/waqhq/waq/store"
)

// bullMQ runs bench.mjs, the replaced stack's side: BullMQ 5 and ioredis as
// pinned by package-lock.json.
type bullMQ struct {
	dir string // holds bench.mjs, package.json and node_modules
}

// prepareBullMQ installs the locked packages with npm ci when node_modules
// is missing.
func prepareBullMQ(ctx context.Context, dir string) (*bullMQ, error) {
	if _, err := os.Stat(filepath.Join(dir, "bench.mjs")); err != nil {
		return nil, fmt.Errorf("bullmq: %w (set -bullmq to cmd/waqbench/bullmq)", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "bullmq")); err == nil {
		return &bullMQ{dir: dir}, nil
	}
	cmd := exec.CommandContext(ctx, "npm", "ci", "--no-audit", "--no-fund")
	cmd.Dir = dir
	setDeathSignal(cmd)
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("npm ci in %s: %w\n%s", dir, err, out)
	}
	return &bullMQ{dir: dir}, nil
}

// nodeRun is one bench.mjs process. It writes lines on stdout: "ready" when
// it waits for "go" on stdin, and its result as one JSON object last.
type nodeRun struct {
	proc  *child
	stdin io.WriteCloser
	lines chan string // stdout, closed at its end
}

// run starts bench.mjs for mode with opts (JSON) against Redis at addr.
func (b *bullMQ) run(tmp, addr, mode string, opts any) (*nodeRun, error) {
	js, err := json.Marshal(opts)
	if err != nil {
		return nil, fmt.Errorf("bullmq %s: %w", mode, err)
	}
	cmd := exec.Command("node", filepath.Join(b.dir, "bench.mjs"), mode, string(js))
	// BullMQ's jobs get waq's retry policy, from the constants that own it.
	cmd.Env = append(cleanEnv(), "REDIS_ADDR="+addr,
		fmt.Sprintf("BENCH_ATTEMPTS=%d", store.MaxAttemptsDefault),
		fmt.Sprintf("BENCH_BACKOFF_MS=%d", sender.RetryBaseDefault.Milliseconds()))
	r, w, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("bullmq %s: %w", mode, err)
	}
	cmd.Stdout = w
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("bullmq %s: %w", mode, err)
	}
	p, err := start("node "+mode, cmd, filepath.Join(tmp, "node-"+mode+".log"))
	w.Close()
	if err != nil {
		r.Close()
		return nil, err
	}
	n := &nodeRun{proc: p, stdin: stdin, lines: make(chan string, 16)}
	go func() {
		defer r.Close()
		sc := bufio.NewScanner(r)
		sc.Buffer(nil, 64<<20) // the latency result lists every message
		for sc.Scan() {
			n.lines <- sc.Text()
		}
		close(n.lines)
	}()
	return n, nil
}

// next returns the next line the script writes.
func (n *nodeRun) next(ctx context.Context, timeout time.Duration) (string, error) {
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case line, ok := <-n.lines:
		if !ok {
			<-n.proc.done
			return "", fmt.Errorf("%s ended (%v):\n%s", n.proc.name, n.proc.err, n.proc.tail())
		}
		return line, nil
	case <-ctx.Done():
		return "", context.Cause(ctx)
	case <-t.C:
		return "", fmt.Errorf("%s wrote nothing for %s:\n%s", n.proc.name, timeout, n.proc.tail())
	}
}

// waitReady waits for the script's "ready" line.
func (n *nodeRun) waitReady(ctx context.Context, timeout time.Duration) error {
	line, err := n.next(ctx, timeout)
	if err == nil && line != "ready" {
		err = fmt.Errorf("%s: want ready, got %q", n.proc.name, line)
	}
	return err
}

// goOn tells a script that waits after "ready" to go on.
func (n *nodeRun) goOn() error {
	_, err := io.WriteString(n.stdin, "go\n")
	return err
}

// result reads the script's JSON result into v and waits for it to exit.
func (n *nodeRun) result(ctx context.Context, timeout time.Duration, v any) error {
	line, err := n.next(ctx, timeout)
	if err != nil {
		return err
	}
	if err := json.Unmarshal([]byte(line), v); err != nil {
		return fmt.Errorf("%s: result %q: %w", n.proc.name, line, err)
	}
	select {
	case <-n.proc.done:
	case <-time.After(stopGrace):
	}
	return nil
}

// Close ends the script if it is still running.
func (n *nodeRun) Close() {
	n.stdin.Close()
	n.proc.stop()
}
