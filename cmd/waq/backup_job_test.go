package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/waqhq/waq/scheduler"
	"github.com/waqhq/waq/store"
)

// backupMain is a Main on a real store in a temporary folder, holding n
// queued messages, whose ids it returns; only what the backup job uses.
func backupMain(t *testing.T, n int) (*Main, []string) {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), store.FileName), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	var ids []string
	for range n {
		m, _, err := st.Enqueue(&store.Message{To: "+34600111222", Text: "hola"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.ID)
	}
	return &Main{store: st, Logger: slog.New(slog.NewTextHandler(t.Output(), nil))}, ids
}

// dirNames lists the names in dir, sorted.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func touch(t *testing.T, path string, mtime time.Time) {
	t.Helper()
	if err := os.WriteFile(path, []byte("not a backup"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, mtime, mtime); err != nil {
		t.Fatal(err)
	}
}

// Ten nights with WAQ_BACKUP_KEEP=3 leave the three newest backups, each
// sound and holding the messages, and nothing else of the folder touched.
func TestNightlyBackupKeepsNewest(t *testing.T) {
	m, ids := backupMain(t, 5)
	dir := filepath.Join(t.TempDir(), "backups") // created by the job
	night := time.Date(2026, 3, 1, 3, 30, 0, 0, time.UTC)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"README", "waq-manual.db", "waq-2026.db"} {
		touch(t, filepath.Join(dir, name), night)
	}
	okBefore := backupsOK.Get()
	for i := range 10 {
		if _, err := m.backupInto(t.Context(), dir, 3, night.AddDate(0, 0, i)); err != nil {
			t.Fatalf("night %d: %v", i, err)
		}
	}
	want := []string{"README", "waq-2026.db", "waq-20260308-033000.db", "waq-20260309-033000.db", "waq-20260310-033000.db", "waq-manual.db"}
	if got := dirNames(t, dir); !slices.Equal(got, want) {
		t.Fatalf("backup folder:\n got %q\nwant %q", got, want)
	}
	if got := backupsOK.Get() - okBefore; got != 10 {
		t.Fatalf("waq_backups_total{result=ok} grew by %d, want 10", got)
	}
	if got := backupLastOK.Get(); got != float64(night.AddDate(0, 0, 9).Unix()) {
		t.Fatalf("waq_backup_last_success_timestamp_seconds = %v", got)
	}
	for _, name := range want[2:5] {
		path := filepath.Join(dir, name)
		if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
			t.Fatalf("%s: mode %v, want 0600 like the data file", name, fi.Mode())
		}
		assertBackupHolds(t, path, ids)
	}
}

// assertBackupHolds checks the file as waq check does and looks the
// messages up in it.
func assertBackupHolds(t *testing.T, path string, ids []string) {
	t.Helper()
	if err := checkFile(path); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	st, err := store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, id := range ids {
		if msg, err := st.Message(id); err != nil || msg.Status != store.Queued {
			t.Fatalf("%s: message %s: %v %v", path, id, msg, err)
		}
	}
}

// The job reads the folder and the count from the configuration.
func TestNightlyBackupUsesConfig(t *testing.T) {
	m, ids := backupMain(t, 1)
	m.Config.BackupDir, m.Config.BackupKeep = t.TempDir(), 7
	if err := m.nightlyBackup(t.Context()); err != nil {
		t.Fatal(err)
	}
	names := dirNames(t, m.Config.BackupDir)
	if len(names) != 1 || !backupFile.MatchString(names[0]) {
		t.Fatalf("backup folder: %q", names)
	}
	assertBackupHolds(t, filepath.Join(m.Config.BackupDir, names[0]), ids)
}

// A run that fails (here: waq stops in the middle) leaves no file behind
// and deletes none of the good backups, even when there are more than keep.
func TestNightlyBackupFailureKeepsOldCopies(t *testing.T) {
	m, _ := backupMain(t, 1)
	dir := t.TempDir()
	old := []string{"waq-20260101-033000.db", "waq-20260102-033000.db", "waq-20260103-033000.db"}
	for _, name := range old {
		touch(t, filepath.Join(dir, name), time.Now())
	}
	failedBefore := backupsFailed.Get()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := m.backupInto(ctx, dir, 1, time.Now()); err == nil {
		t.Fatal("a backup with a cancelled context succeeded")
	}
	if got := dirNames(t, dir); !slices.Equal(got, old) {
		t.Fatalf("after a failed run: %q, want %q", got, old)
	}
	if backupsFailed.Get() != failedBefore+1 {
		t.Fatal("waq_backups_total{result=failed} did not grow")
	}
}

// A copy that waq check refuses never gets a backup's name.
func TestWriteVerifiedRefusesBadFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "waq-20260101-033000.db")
	_, err := writeVerified(path, func(w io.Writer) (int64, error) {
		n, err := w.Write(make([]byte, 64<<10)) // zeros: no bbolt meta page
		return int64(n), err
	})
	if err == nil {
		t.Fatal("a file of zeros passed the check")
	}
	if got := dirNames(t, filepath.Dir(path)); len(got) != 0 {
		t.Fatalf("left behind: %q", got)
	}
}

// Temporary files of a killed run go once they are stale; a fresh one
// (perhaps a run in progress) stays. The backup just written stays even
// when the clock went back and an older run's name sorts after it.
func TestPruneBackups(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 3, 1, 3, 30, 0, 0, time.UTC)
	touch(t, filepath.Join(dir, ".waq-20260201-033000.db.tmp-123"), now.Add(-2*staleTemp))
	touch(t, filepath.Join(dir, ".waq-20260301-033000.db.tmp-456"), now)
	touch(t, filepath.Join(dir, "waq-20990101-000000.db"), now) // from a clock far ahead
	touch(t, filepath.Join(dir, "waq-20260301-033000.db"), now)
	removed, err := pruneBackups(dir, "waq-20260301-033000.db", 1, now)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{".waq-20260301-033000.db.tmp-456", "waq-20260301-033000.db"}
	if got := dirNames(t, dir); removed != 1 || !slices.Equal(got, want) {
		t.Fatalf("removed %d, left %q; want 1 and %q", removed, got, want)
	}
}

// Registered as main.go registers it, the job runs on the scheduler and
// writes a backup; BackupSpec is a schedule cron reads.
func TestBackupJobOnScheduler(t *testing.T) {
	m, ids := backupMain(t, 2)
	m.Config.BackupDir, m.Config.BackupKeep = t.TempDir(), 7
	sch := &scheduler.Scheduler{Store: m.store, Logger: m.Logger}
	if err := sch.AddJob(BackupSpec, BackupJob, m.nightlyBackup); err != nil {
		t.Fatal(err)
	}
	if err := sch.AddJob("@every 1s", BackupJob+"-now", m.nightlyBackup); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- sch.Run(ctx) }()
	deadline := time.Now().Add(waitDeadline)
	var backup string
	for backup == "" {
		for _, name := range dirNames(t, m.Config.BackupDir) {
			if backupFile.MatchString(name) {
				backup = filepath.Join(m.Config.BackupDir, name)
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("the scheduler wrote no backup")
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	assertBackupHolds(t, backup, ids)
}
