package main

import (
	"context"
	"fmt"
	"io"

	"github.com/waqhq/waq/store"
)

func checkUsage(w io.Writer) {
	fmt.Fprint(w, `Usage:
  waq check [FILE]

Verifies a data file: bbolt's own consistency check, then waq's invariants
(every message has the index entries its state implies, the counters match).
Prints "ok", or each problem and exits 1. FILE defaults to waq.db in
--data-dir. A file that waq serve holds open cannot be checked: check a
backup (waq backup --out FILE) instead.
`)
	printSettings(w, []string{"data-dir"})
}

func (c *cli) check(_ context.Context, args []string) error {
	fs := newFlagSet("check")
	b := bindConfig(fs, "data-dir")
	pos, err := c.parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return usagef("check", "check takes one file, got %d", len(pos))
	}
	cfg, err := b.Load(c.lookupEnv)
	if err != nil {
		return err
	}
	path := cfg.DataFile()
	if len(pos) == 1 {
		path = pos[0]
	}
	probs, err := store.Check(path)
	if err != nil {
		return fmt.Errorf("check %s: %w", path, err)
	}
	if len(probs) == 0 {
		fmt.Fprintln(c.stdout, "ok")
		return nil
	}
	for _, p := range probs {
		fmt.Fprintln(c.stdout, p)
	}
	return fmt.Errorf("check %s: %d problems found", path, len(probs))
}
