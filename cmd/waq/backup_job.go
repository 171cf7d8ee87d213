package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/VictoriaMetrics/metrics"
	"github.com/waqhq/waq/store"
)

// The nightly backup (WAQ_BACKUP_DIR, WAQ_BACKUP_KEEP), a scheduler job.
// Cron specs are read in UTC: 03:30 UTC is 04:30 or 05:30 in Madrid, when
// the agency sends nothing.
const (
	BackupSpec = "30 3 * * *"
	BackupJob  = "nightly-backup"
)

// A nightly backup is waq-YYYYMMDD-HHMMSS.db, in UTC, so names sort by
// time. Pruning touches only files with exactly this shape: anything else
// in the folder (a copy an operator made, a README) is left alone.
const backupLayout = "20060102-150405"

var (
	backupFile = regexp.MustCompile(`^waq-[0-9]{8}-[0-9]{6}\.db$`)
	// backupTemp is what writeVerified leaves behind when waq dies while
	// writing; os.CreateTemp puts digits where its pattern has '*'.
	backupTemp = regexp.MustCompile(`^\.waq-[0-9]{8}-[0-9]{6}\.db\.tmp-[0-9]+$`)
)

// staleTemp is how old a leftover temporary file must be before a later
// run deletes it: far longer than any backup takes.
const staleTemp = time.Hour

// Metrics of the job, for the alert "no good backup for a day".
var (
	backupsOK     = metrics.NewCounter(`waq_backups_total{result="ok"}`)
	backupsFailed = metrics.NewCounter(`waq_backups_total{result="failed"}`)
	backupLastOK  = metrics.NewGauge(`waq_backup_last_success_timestamp_seconds`, nil)
)

// nightlyBackup writes a verified copy of the data file into BackupDir and
// keeps the newest BackupKeep of them. It is the scheduler job BackupJob.
func (m *Main) nightlyBackup(ctx context.Context) error {
	_, err := m.backupInto(ctx, m.Config.BackupDir, m.Config.BackupKeep, time.Now())
	return err
}

// backupInto writes waq-<now>.db into dir through a temporary file that is
// synced, checked with store.Check and only then renamed into place, so a
// file with the backup name is always whole and sound. Only after that are
// the oldest backups beyond keep deleted: a run that fails never costs a
// good copy. It returns the path written.
func (m *Main) backupInto(ctx context.Context, dir string, keep int, now time.Time) (path string, err error) {
	begin := time.Now()
	defer func() {
		if err != nil {
			backupsFailed.Inc()
		}
	}()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("nightly backup: %w", err)
	}
	path = filepath.Join(dir, "waq-"+now.UTC().Format(backupLayout)+".db")
	n, err := writeVerified(path, func(w io.Writer) (int64, error) {
		return m.store.Backup(ctxWriter{ctx, w})
	})
	if err != nil {
		return "", fmt.Errorf("nightly backup %s: %w", path, err)
	}
	backupsOK.Inc()
	backupLastOK.Set(float64(now.Unix()))
	removed, err := pruneBackups(dir, filepath.Base(path), keep, now)
	m.Logger.Info("nightly backup written", "path", path, "bytes", n, "removed", removed,
		"ms", time.Since(begin).Milliseconds())
	if err != nil {
		return path, fmt.Errorf("nightly backup: prune %s: %w", dir, err)
	}
	return path, nil
}

// writeVerified is writeAtomic with a store.Check of the synced temporary
// file before the rename, so a corrupt copy never gets a backup's name.
func writeVerified(path string, write func(io.Writer) (int64, error)) (int64, error) {
	return writeChecked(path, write, checkFile)
}

// checkFile is waq check: nil when the file is sound, else its first
// problems.
func checkFile(path string) error {
	probs, err := store.Check(path)
	if err != nil {
		return fmt.Errorf("check: %w", err)
	}
	if len(probs) > 0 {
		return fmt.Errorf("check found %d problems: %s", len(probs), strings.Join(probs[:min(3, len(probs))], "; "))
	}
	return nil
}

// pruneBackups keeps the backup just written and the newest keep-1 others
// of dir, deleting the older ones, and deletes the temporary files older
// than staleTemp that a killed run left. The one just written is kept even
// when the clock went back and others look newer. It returns how many
// backups it deleted.
func pruneBackups(dir, written string, keep int, now time.Time) (int, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, err
	}
	var backups []string
	for _, e := range entries {
		switch name := e.Name(); {
		case !e.Type().IsRegular() || name == written:
		case backupFile.MatchString(name):
			backups = append(backups, name)
		case backupTemp.MatchString(name):
			if fi, err := e.Info(); err == nil && now.Sub(fi.ModTime()) > staleTemp {
				os.Remove(filepath.Join(dir, name))
			}
		}
	}
	slices.Sort(backups) // oldest first: the names hold the time
	others := max(keep, 1) - 1
	removed := 0
	for _, name := range backups[:max(0, len(backups)-others)] {
		if err := os.Remove(filepath.Join(dir, name)); err != nil {
			return removed, err
		}
		removed++
	}
	return removed, nil
}

// ctxWriter fails the writes once ctx ends, so that a backup still running
// when waq stops gives up rather than holding the store's close.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}
