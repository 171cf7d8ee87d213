//go:build linux

package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/waqhq/waq/sender/evolution/evolutiontest"
	"github.com/waqhq/waq/store"
)

func noEnv(string) (string, bool) { return "", false }

// journalPair is a service's standard error as systemd sets it up, and
// journald's end of it; env is $JOURNAL_STREAM naming that stream.
func journalPair(t *testing.T) (stderr, journald *os.File, env func(string) (string, bool)) {
	t.Helper()
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	stderr, journald = os.NewFile(uintptr(fds[0]), "stderr"), os.NewFile(uintptr(fds[1]), "journald")
	t.Cleanup(func() { stderr.Close(); journald.Close() })
	var st syscall.Stat_t
	if err := syscall.Fstat(fds[0], &st); err != nil {
		t.Fatal(err)
	}
	stream := fmt.Sprintf("%d:%d", st.Dev, st.Ino)
	return stderr, journald, func(k string) (string, bool) { return stream, k == "JOURNAL_STREAM" }
}

// On the journal's stream every line starts with its syslog priority, as
// sd-daemon(3) describes, then the JSON record: journalctl -p warning
// shows warnings and errors only.
func TestJournalPriorities(t *testing.T) {
	stderr, journald, env := journalPair(t)
	log := newLogger(stderr, slog.LevelDebug, env).With("part", "test")
	log.Debug("d")
	log.Info("i")
	log.Warn("w")
	log.WithGroup("g").Error("e", "k", 1)
	lines := bufio.NewScanner(journald)
	for _, want := range []string{"<7>", "<6>", "<4>", "<3>"} {
		if !lines.Scan() {
			t.Fatal(lines.Err())
		}
		rest, ok := strings.CutPrefix(lines.Text(), want)
		if !ok || !json.Valid([]byte(rest)) || !strings.Contains(rest, `"part":"test"`) {
			t.Fatalf("line %q, want %s then a JSON record", lines.Text(), want)
		}
	}
}

// Without $JOURNAL_STREAM, or with one that names another stream (a child
// whose standard error was redirected inherits the variable), lines are
// plain JSON.
func TestNoPriorityOffJournal(t *testing.T) {
	stderr, journald, _ := journalPair(t)
	_, _, otherEnv := journalPair(t)
	f := func(name string, env func(string) (string, bool)) {
		t.Helper()
		newLogger(stderr, slog.LevelInfo, env).Warn("w")
		line, err := bufio.NewReader(journald).ReadString('\n')
		if err != nil || !strings.HasPrefix(line, "{") {
			t.Fatalf("%s: line %q, %v", name, line, err)
		}
	}
	f("no JOURNAL_STREAM", noEnv)
	f("another stream", otherEnv)
}

// WAQ_LOG_LEVEL drops the records below it.
func TestLogLevel(t *testing.T) {
	f := func(level string, want []string) {
		t.Helper()
		l, err := parseLogLevel(level)
		if err != nil {
			t.Fatal(err)
		}
		var logs lockedBuffer
		log := newLogger(&logs, l, noEnv)
		log.Debug("d")
		log.Info("i")
		log.Warn("w")
		log.Error("e")
		var got []string
		for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
			var r struct{ Msg string }
			json.Unmarshal([]byte(line), &r)
			got = append(got, r.Msg)
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Fatalf("level %s logged %v, want %v", level, got, want)
		}
	}
	f("debug", []string{"d", "i", "w", "e"})
	f("info", []string{"i", "w", "e"})
	f("WARN", []string{"w", "e"})
	f("error", []string{"e"})
}

// A message's whole life through the Evolution fake at debug level, with
// the webhook token in the URL, logs no text, phone number or key.
func TestLogsHoldNoSecretsEvolution(t *testing.T) {
	const (
		phone  = "+34600987654"
		text   = "Hola Ana, su cita es el martes"
		reply  = "Perfecto, alli estare"
		token  = "webhook-token-xyz"
		evoKey = "evolution-key-abc"
	)
	evo := evolutiontest.New(evoKey, "sales-1")
	t.Cleanup(evo.Close)
	var logs lockedBuffer
	cfg := testConfig(t.TempDir(), GatewayEvolution)
	cfg.WebhookToken, cfg.LogLevel = token, "debug"
	cfg.Evolution = EvolutionConfig{APIURL: evo.URL, APIKey: evoKey, Instance: "sales-1"}
	level, err := parseLogLevel(cfg.LogLevel)
	if err != nil {
		t.Fatal(err)
	}
	m := NewMain(cfg, newLogger(&logs, level, noEnv))
	cl, id := runAndSend(t, m, phone, text)
	sent := waitStatus(t, cl, id, store.Sent)
	hook := "http://" + m.HTTPAddr() + "/v1/webhooks/evolution?token=" + token
	if code, body := post(t, hook, evolutiontest.StatusUpdate("sales-1", sent.GatewayMessageID, "READ")); code != 200 {
		t.Fatalf("webhook: %d %s", code, body)
	}
	waitStatus(t, cl, id, store.Read)
	jid := strings.TrimPrefix(phone, "+") + "@s.whatsapp.net"
	post(t, hook, evolutiontest.InboundReply("sales-1", "in-1", jid, reply, sent.GatewayMessageID))
	post(t, "http://"+m.HTTPAddr()+"/v1/webhooks/evolution?token=wrong-"+token, evolutiontest.Inbound("sales-1", "in-2", jid, reply))
	cl.call(t.Context(), http.MethodGet, "/v1/nothing/"+phone, nil, nil)
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	all := logs.String()
	if !strings.Contains(all, `"level":"DEBUG"`) {
		t.Errorf("no debug line: the test would not see what debug logs:\n%s", all)
	}
	for _, secret := range []string{text, reply, phone, strings.TrimPrefix(phone, "+"), "600987654", testKey, token, evoKey} {
		if strings.Contains(all, secret) {
			t.Errorf("the logs hold %q:\n%s", secret, all)
		}
	}
}
