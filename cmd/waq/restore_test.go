package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/waqhq/waq/store"
)

// The restore of docs/operations.md, step by step: a running waq takes its
// nightly backup; more is enqueued; waq stops; the backup is checked and
// copied over the data file; waq starts again and holds exactly what the
// backup held.
func TestRestoreFromNightlyBackup(t *testing.T) {
	cfg := testConfig(t.TempDir(), GatewayNone) // no gateway: messages stay queued
	cfg.BackupDir = filepath.Join(t.TempDir(), "backups")
	m, _ := startMain(t, cfg)
	env := map[string]string{"WAQ_URL": "http://" + m.HTTPAddr(), "WAQ_API_KEY": testKey}
	send := func(text string) string {
		t.Helper()
		code, out, errOut := runCLI(t, env, "send", "--to", "+34600111222", "--text", text)
		if code != 0 {
			t.Fatalf("send: exit %d, stderr %q", code, errOut)
		}
		return strings.Fields(out)[0]
	}
	before := []string{send("uno"), send("dos"), send("tres")}
	if err := m.nightlyBackup(t.Context()); err != nil {
		t.Fatalf("backup: %v", err)
	}
	after := send("cuatro") // not in the backup
	if err := m.Close(); err != nil {
		t.Fatalf("stop: %v", err)
	}

	backup := newestBackup(t, cfg.BackupDir)
	if code, out, _ := runCLI(t, nil, "check", backup); code != 0 || out != "ok\n" {
		t.Fatalf("waq check %s: exit %d, %q", backup, code, out)
	}
	copyFile(t, backup, cfg.DataFile())

	_, cl := startMain(t, cfg)
	for _, id := range before {
		waitStatus(t, cl, id, store.Queued)
	}
	var msg store.Message
	if _, err := cl.call(t.Context(), http.MethodGet, "/v1/messages/"+after, nil, &msg); err == nil {
		t.Fatalf("message %s, enqueued after the backup, is still there: %+v", after, msg)
	}
}

// newestBackup returns the path of the newest nightly backup in dir.
func newestBackup(t *testing.T, dir string) string {
	t.Helper()
	names := dirNames(t, dir)
	if len(names) == 0 || !backupFile.MatchString(names[len(names)-1]) {
		t.Fatalf("no backup in %s: %q", dir, names)
	}
	return filepath.Join(dir, names[len(names)-1])
}

// copyFile is the "cp" of the restore: it replaces dst with src's bytes.
func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o600); err != nil {
		t.Fatal(err)
	}
}
