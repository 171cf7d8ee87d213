package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// waqRate is so high that the sender's limiter never makes a send wait.
const waqRate = "1000000/1s"

// buildWaq builds cmd/waq of the module at root into dir.
func buildWaq(ctx context.Context, root, dir string) (string, error) {
	bin := filepath.Join(dir, "waq")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/waq")
	cmd.Dir = root
	setDeathSignal(cmd) // a killed waqbench must not leave a build writing into its directory
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/waq: %w\n%s", err, out)
	}
	return bin, nil
}

// waqServer is one waq serve on a fresh data directory, sending through
// the Evolution gateway to the stand-in.
type waqServer struct {
	base  string // http://127.0.0.1:PORT
	pprof string // HOST:PORT of waq's profiles; "" without -pprof
	dir   string
	proc  *child
	http  *http.Client
}

// startWaq starts bin serve with its data under tmp, WAQ_CONCURRENCY
// concurrency and the stand-in at gateway as Evolution API, with its
// profiles served on a free port when profiles is set. Close it.
func startWaq(ctx context.Context, bin, tmp, gateway string, concurrency int, profiles bool) (*waqServer, error) {
	dir, err := os.MkdirTemp(tmp, "waq-")
	if err != nil {
		return nil, fmt.Errorf("waq: %w", err)
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(cleanEnv(),
		"WAQ_DATA_DIR="+dir, "WAQ_HTTP_ADDR="+addr, "WAQ_RESP_ADDR=",
		"WAQ_GATEWAY=evolution", "EVOLUTION_API_URL="+gateway,
		"EVOLUTION_API_KEY="+standInKey, "EVOLUTION_INSTANCE="+standInInstance,
		"WAQ_RATE="+waqRate, "WAQ_CONCURRENCY="+strconv.Itoa(concurrency))
	var pprofAddr string
	if profiles {
		if pprofAddr, err = freeAddr(); err != nil {
			return nil, err
		}
		cmd.Env = append(cmd.Env, "WAQ_PPROF_ADDR="+pprofAddr)
	}
	p, err := start("waq", cmd, filepath.Join(tmp, filepath.Base(dir)+".log"))
	if err != nil {
		return nil, err
	}
	w := &waqServer{base: "http://" + addr, pprof: pprofAddr, dir: dir, proc: p, http: newHTTPClient()}
	err = waitFor(ctx, p, 30*time.Second, func() error { return w.do(ctx, "GET", "/readyz", nil) })
	if err != nil {
		w.Close()
		return nil, err
	}
	return w, nil
}

// cleanEnv is waqbench's environment without the settings of a waq the
// user may run, which would otherwise reach the benchmarked one.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		switch {
		case strings.HasPrefix(kv, "WAQ_"), strings.HasPrefix(kv, "EVOLUTION_"),
			strings.HasPrefix(kv, "WHATSAPP_"), strings.HasPrefix(kv, "NOTIFY_SOCKET="):
		default:
			env = append(env, kv)
		}
	}
	return env
}

func newHTTPClient() *http.Client {
	return &http.Client{Timeout: time.Minute, Transport: &http.Transport{
		Proxy: nil, MaxIdleConns: 256, MaxIdleConnsPerHost: 256, IdleConnTimeout: time.Minute}}
}

// Close stops waq and removes its data.
func (w *waqServer) Close() {
	w.http.CloseIdleConnections()
	w.proc.stop()
	os.RemoveAll(w.dir)
}

// do makes one request and fails unless the answer is 2xx. The body is read
// to its end so that the connection is reused.
func (w *waqServer) do(ctx context.Context, method, path string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, method, w.base+path, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("waq %s %s: %w", method, path, err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := w.http.Do(req)
	if err != nil {
		return fmt.Errorf("waq %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("waq %s %s: %s: %s", method, path, resp.Status, bytes.TrimSpace(b))
	}
	return err
}

// enqueue queues message seq with POST /v1/messages.
func (w *waqServer) enqueue(ctx context.Context, seq int) error {
	return w.do(ctx, "POST", "/v1/messages", messageJSON(seq))
}

// enqueueBulk queues messages from to from+n-1 with POST /v1/messages/bulk.
func (w *waqServer) enqueueBulk(ctx context.Context, from, n int) error {
	var b bytes.Buffer
	b.WriteString(`{"messages":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(messageJSON(from + i))
	}
	b.WriteString(`]}`)
	return w.do(ctx, "POST", "/v1/messages/bulk", b.Bytes())
}

// pause and resume stop and restart the sending of the whole queue.
func (w *waqServer) pause(ctx context.Context) error {
	return w.do(ctx, "POST", "/v1/queue/pause", nil)
}
func (w *waqServer) resume(ctx context.Context) error {
	return w.do(ctx, "POST", "/v1/queue/resume", nil)
}

// dbSize returns the size of the data file.
func (w *waqServer) dbSize() (int64, error) {
	fi, err := os.Stat(filepath.Join(w.dir, "waq.db"))
	if err != nil {
		return 0, fmt.Errorf("waq.db size: %w", err)
	}
	return fi.Size(), nil
}
