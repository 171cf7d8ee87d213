package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/waqhq/waq/store"
)

func backupUsage(w io.Writer) {
	fmt.Fprint(w, `Usage:
  waq backup --out FILE [flags]

Writes a consistent copy of the data file to FILE. A running waq serve
streams it (GET /v1/backup); when no server answers, waq opens the data file
of --data-dir itself, read-only. FILE appears whole or not at all.

Flags:
  --out FILE   where to write the copy
`)
	printSettings(w, append([]string{"data-dir"}, clientFlags...))
}

func (c *cli) backup(ctx context.Context, args []string) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	fs := newFlagSet("backup")
	out := fs.String("out", "", "")
	b := bindConfig(fs, append([]string{"data-dir"}, clientFlags...)...)
	if err := c.noArgs(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usagef("backup", "--out is required")
	}
	cl, cfg, err := c.loadClient(b)
	if err != nil {
		return err
	}
	from := cl.url
	n, err := writeAtomic(*out, func(w io.Writer) (int64, error) {
		return backupFromServer(ctx, cl, w)
	})
	if errors.Is(err, errNoServer) {
		from = cfg.DataFile()
		n, err = writeAtomic(*out, func(w io.Writer) (int64, error) {
			return backupFromFile(from, w)
		})
	}
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	fmt.Fprintf(c.stdout, "wrote %s (%d bytes) from %s\n", *out, n, from)
	return nil
}

func backupFromServer(ctx context.Context, cl *client, w io.Writer) (int64, error) {
	resp, err := cl.open(ctx, http.MethodGet, "/v1/backup", nil)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(w, resp.Body)
	if err == nil && resp.ContentLength >= 0 && n != resp.ContentLength {
		err = fmt.Errorf("the server sent %d of %d bytes", n, resp.ContentLength)
	}
	return n, err
}

func backupFromFile(path string, w io.Writer) (int64, error) {
	if _, err := os.Stat(path); err != nil {
		return 0, fmt.Errorf("no server answers and there is no data file: %w", err)
	}
	st, err := store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		return 0, err
	}
	defer st.Close()
	return st.Backup(w)
}

// writeAtomic writes path through a temporary file (mode 0600, as the data
// file) in the same directory, synced and renamed into place, so path is
// never left half written.
func writeAtomic(path string, write func(io.Writer) (int64, error)) (n int64, err error) {
	return writeChecked(path, write, nil)
}

// writeChecked is writeAtomic that runs check, when given, on the synced
// temporary file and keeps the old path when it fails.
func writeChecked(path string, write func(io.Writer) (int64, error), check func(string) error) (n int64, err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return 0, err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if n, err = write(f); err != nil {
		return 0, err
	}
	if err = f.Sync(); err != nil {
		return 0, err
	}
	if err = f.Close(); err != nil {
		return 0, err
	}
	if check != nil {
		if err = check(f.Name()); err != nil {
			return 0, err
		}
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return 0, err
	}
	return n, syncDir(filepath.Dir(path))
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
