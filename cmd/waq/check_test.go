package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/waqhq/waq/store"
)

// makeDataDir creates a data directory whose waq.db holds the given
// texts as queued messages, closed, and returns the directory.
func makeDataDir(t *testing.T, texts ...string) string {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(filepath.Join(dir, store.FileName), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range texts {
		if _, _, err := st.Enqueue(&store.Message{To: "+34600111222", Text: text}); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestCheck(t *testing.T) {
	dir := makeDataDir(t, "one", "two")
	path := filepath.Join(dir, store.FileName)
	code, out, errOut := runCLI(t, nil, "check", path)
	if code != 0 || out != "ok\n" || errOut != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	// Without FILE, the data file of WAQ_DATA_DIR.
	code, out, _ = runCLI(t, map[string]string{"WAQ_DATA_DIR": dir}, "check")
	if code != 0 || out != "ok\n" {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
}

func TestCheckBadFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "junk.db")
	if err := os.WriteFile(path, []byte(strings.Repeat("not a bbolt file ", 1000)), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, nil, "check", path)
	if code != 1 || out != "" || !strings.HasPrefix(errOut, "waq: check "+path+": ") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	code, _, errOut = runCLI(t, nil, "check", filepath.Join(t.TempDir(), "missing.db"))
	if code != 1 || !strings.Contains(errOut, "missing.db") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
}

// With no server running, waq backup copies the data file itself.
func TestBackupFromFile(t *testing.T) {
	dir := makeDataDir(t, "one", "two", "three")
	out := filepath.Join(t.TempDir(), "copy.db")
	env := map[string]string{"WAQ_URL": refusedURL(t)}
	code, stdout, errOut := runCLI(t, env, "backup", "--out", out, "--data-dir", dir)
	data := filepath.Join(dir, store.FileName)
	if code != 0 || !strings.HasPrefix(stdout, "wrote "+out+" (") || !strings.HasSuffix(stdout, " bytes) from "+data+"\n") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, errOut)
	}
	if probs, err := store.Check(out); err != nil || len(probs) > 0 {
		t.Fatalf("backup check: %v %q", err, probs)
	}
	st, err := store.Open(out, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c, err := st.Counts()
	if err != nil || c.States[store.Queued] != 3 {
		t.Fatalf("backup counts %+v, err %v", c, err)
	}
}

func TestBackupNoServerNoFile(t *testing.T) {
	env := map[string]string{"WAQ_URL": refusedURL(t), "WAQ_DATA_DIR": filepath.Join(t.TempDir(), "none")}
	dir := t.TempDir()
	code, _, errOut := runCLI(t, env, "backup", "--out", filepath.Join(dir, "b.db"))
	if code != 1 || !strings.Contains(errOut, "no server answers and there is no data file") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	assertOnlyFile(t, dir)
}
