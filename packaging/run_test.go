package packaging

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// envLine matches a setting in waq.env, commented out or not.
var envLine = regexp.MustCompile(`(?m)^#?([A-Z][A-Z0-9_]*)=`)

// The packaged waq.env lists every setting `waq serve --help` knows, and
// WAQ_URL for the client commands: an operator finds each one there.
func TestEnvFileListsEverySetting(t *testing.T) {
	b := build(t)
	help, err := exec.Command(filepath.Join(b.root, "usr/bin/waq"), "serve", "--help").CombinedOutput()
	if err != nil {
		t.Fatalf("waq serve --help: %v\n%s", err, help)
	}
	env, err := os.ReadFile(filepath.Join(b.root, "etc/waq/waq.env"))
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, m := range envLine.FindAllSubmatch(env, -1) {
		listed[string(m[1])] = true
	}
	want := regexp.MustCompile(`\(([A-Z][A-Z0-9_]+)[,)]`).FindAllSubmatch(help, -1)
	if len(want) < 30 {
		t.Fatalf("found only %d settings in waq serve --help:\n%s", len(want), help)
	}
	for _, m := range append(want, [][]byte{nil, []byte("WAQ_URL")}) {
		if !listed[string(m[1])] {
			t.Errorf("%s is not in waq.env", m[1])
		}
	}
}

// The packaged binary, on the packaged waq.env with every setting
// uncommented (so every default written there is one waq accepts), runs as
// systemd runs it: READY=1 on $NOTIFY_SOCKET, watchdog pings, and on
// SIGTERM STOPPING=1 and exit 0, with JSON logs on a non-terminal stderr.
func TestPackagedBinaryUnderSystemd(t *testing.T) {
	b := build(t)
	dir := t.TempDir()
	env, err := os.ReadFile(filepath.Join(b.root, "etc/waq/waq.env"))
	if err != nil {
		t.Fatal(err)
	}
	env = regexp.MustCompile(`(?m)^#([A-Z][A-Z0-9_]*=)`).ReplaceAll(env, []byte("$1"))
	env = append(env, []byte("\nWAQ_DATA_DIR="+dir+"/data\nWAQ_BACKUP_DIR="+dir+"/backups\nWAQ_HTTP_ADDR=127.0.0.1:0\nWAQ_RESP_ADDR=\n")...)
	config := filepath.Join(dir, "waq.env")
	if err := os.WriteFile(config, env, 0o600); err != nil {
		t.Fatal(err)
	}
	notify := listenNotify(t, filepath.Join(dir, "notify.sock"))
	stderr, err := os.Create(filepath.Join(dir, "stderr")) // a file: not a terminal
	if err != nil {
		t.Fatal(err)
	}
	defer stderr.Close()
	cmd := exec.Command(filepath.Join(b.root, "usr/bin/waq"), "serve", "--config", config)
	cmd.Env = []string{"NOTIFY_SOCKET=" + filepath.Join(dir, "notify.sock"), "WATCHDOG_USEC=100000"}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	waitNotify(t, notify, "READY=1", stderr.Name())
	waitNotify(t, notify, "WATCHDOG=1", stderr.Name())
	checkLiveMetrics(t, stderr.Name())
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waitNotify(t, notify, "STOPPING=1", stderr.Name())
	err = cmd.Wait()
	logs, _ := os.ReadFile(stderr.Name())
	if err != nil {
		t.Fatalf("waq serve: %v\n%s", err, logs)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(logs)), "\n") {
		if !json.Valid([]byte(line)) {
			t.Errorf("not a JSON log line: %s", line)
		}
	}
}

// listenNotify plays systemd's end of $NOTIFY_SOCKET.
func listenNotify(t *testing.T, path string) <-chan string {
	t.Helper()
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	got := make(chan string, 100)
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := conn.Read(buf)
			if err != nil {
				return
			}
			got <- string(buf[:n])
		}
	}()
	return got
}

// waitNotify waits for a message starting with want; on a timeout it shows
// waq's log.
func waitNotify(t *testing.T, got <-chan string, want, logFile string) {
	t.Helper()
	timeout := time.After(15 * time.Second)
	for {
		select {
		case msg := <-got:
			if strings.HasPrefix(msg, want) {
				return
			}
		case <-timeout:
			logs, _ := os.ReadFile(logFile)
			t.Fatalf("no %s from waq; its log:\n%s", want, logs)
		}
	}
}

// checkLiveMetrics reads /metrics of the waq whose log is logFile and
// checks that the Go and process metrics the dashboard and the alerts use
// are there (waq's own are checked against the code in TestGrafanaDashboard:
// some appear only after their first event).
func checkLiveMetrics(t *testing.T, logFile string) {
	t.Helper()
	logs, _ := os.ReadFile(logFile)
	m := regexp.MustCompile(`"msg":"waq started","http":"([^"]+)"`).FindSubmatch(logs)
	if m == nil {
		t.Fatalf("no start line with the HTTP address:\n%s", logs)
	}
	resp, err := http.Get("http://" + string(m[1]) + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	for _, name := range referencedMetrics(t) {
		if !strings.HasPrefix(name, "waq_") && !regexp.MustCompile(`(?m)^`+name+`[ {]`).Match(body) {
			t.Errorf("%s is not in /metrics", name)
		}
	}
}
