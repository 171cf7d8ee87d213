package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

func serveUsage(w io.Writer) {
	fmt.Fprint(w, `Usage:
  waq serve [flags]

Runs waq: the HTTP API, webhooks and status page, the rate-limited sender
and the scheduler, on one data file. SIGINT or SIGTERM stops it gracefully:
HTTP first, then in-flight sends are waited for, then the file is closed.
A second signal ends it at once; the next start requeues what was sending.

Flags:
  --demo   same as --gateway demo: a simulated WhatsApp, for trying waq out

A flag wins over its environment variable, the variable over the --config
file, the file over the default.
`)
	printSettings(w, serveFlags())
}

func (c *cli) serve(ctx context.Context, args []string) error {
	fs := newFlagSet("serve")
	demo := fs.Bool("demo", false, "")
	b := bindConfig(fs, serveFlags()...)
	if err := c.noArgs(fs, args); err != nil {
		return err
	}
	if gw := fs.Lookup("gateway").Value.String(); *demo && gw != "" && gw != GatewayDemo {
		return usagef("serve", "--demo and --gateway %s contradict each other", gw)
	}
	cfg, err := b.Load(c.lookupEnv)
	if err != nil {
		return err
	}
	if *demo {
		cfg.Gateway = GatewayDemo
	}
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("invalid configuration:\n  %s", strings.ReplaceAll(err.Error(), "\n", "\n  "))
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	level, _ := parseLogLevel(cfg.LogLevel) // checked by Validate
	m := NewMain(cfg, newLogger(c.stderr, level, c.lookupEnv))
	if err := m.Run(ctx); err != nil {
		return err
	}
	stopNotify := startNotify(ctx, c.lookupEnv, m.Logger, m.storeAnswers) // READY=1, watchdog
	err = m.Wait(ctx)
	stop() // from here a second signal ends the process at once
	if err == nil {
		m.Logger.Info("stopping", "cause", context.Cause(ctx).Error())
	}
	stopNotify() // STOPPING=1
	return errors.Join(err, m.Close())
}
