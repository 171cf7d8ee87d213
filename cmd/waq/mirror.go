package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/waqhq/waq/store/mirror"
)

func mirrorUsage(w io.Writer) {
	fmt.Fprint(w, `Usage:
  waq mirror [flags] redis://[user:pass@]host:port
  waq mirror --status | --stop

Follows a live Redis 7 as a replica (PSYNC): loads its RDB into waq's Redis
keyspace, replacing what it held, then applies its command stream, every
database. The place in the stream is stored with the keys, so following the
same URL again resumes without a full copy when the source still has the
history. BullMQ jobs are copied as keys; "waq cutover" turns them into
messages and releases them. A running waq serve does the work in the
background (POST /v1/admin/mirror); the command shows the first sync on the
standard error (a bar on a terminal, plain lines otherwise) and returns once
the mirror caught up; Ctrl-C only stops watching. When no server answers,
waq opens the data file of --data-dir and follows in the foreground until
Ctrl-C.

Flags:
  --status   show the server's mirror
  --stop     stop the server's mirror
  --json     print the status as JSON
`)
	printSettings(w, append([]string{"data-dir"}, clientFlags...))
}

// mirrorReply is the admin API's answer.
type mirrorReply struct {
	mirror.Status
	Keys int64 `json:"keys"`
}

func (c *cli) mirror(ctx context.Context, args []string) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	fs := newFlagSet("mirror")
	status, stopIt := fs.Bool("status", false, ""), fs.Bool("stop", false, "")
	asJSON := fs.Bool("json", false, "")
	b := bindConfig(fs, append([]string{"data-dir"}, clientFlags...)...)
	pos, err := c.parseArgs(fs, args)
	if err != nil {
		return err
	}
	if *status || *stopIt {
		if len(pos) > 0 || (*status && *stopIt) {
			return usagef("mirror", "--status and --stop take no URL, and not both")
		}
	} else if len(pos) != 1 {
		return usagef("mirror", "give one Redis URL, such as redis://127.0.0.1:6379")
	}
	cl, cfg, err := c.loadClient(b)
	if err != nil {
		return err
	}
	var reply mirrorReply
	switch {
	case *status:
		_, err = cl.call(ctx, http.MethodGet, "/v1/admin/mirror", nil, &reply)
	case *stopIt:
		_, err = cl.call(ctx, http.MethodDelete, "/v1/admin/mirror", nil, &reply)
	default:
		err = postProgress(ctx, cl, "/v1/admin/mirror", map[string]string{"url": pos[0]}, &reply, c.progressView("mirror"))
		if errors.Is(err, errNoServer) {
			return c.mirrorFile(ctx, cfg, pos[0])
		}
		if err != nil && ctx.Err() != nil { // Ctrl-C while watching the first sync
			fmt.Fprintln(c.stderr, "stopped watching; the mirror goes on in the server (waq mirror --status, waq mirror --stop)")
			return nil
		}
	}
	if err != nil {
		return fmt.Errorf("mirror: %w", err)
	}
	return c.printMirror(reply, *asJSON)
}

// mirrorFile follows url into the data file until ctx ends, printing the
// status every progressEvery.
func (c *cli) mirrorFile(ctx context.Context, cfg Config, url string) error {
	st, err := openDataFile(cfg, true)
	if err != nil {
		return fmt.Errorf("mirror: %w", err)
	}
	defer st.Close()
	level, err := parseLogLevel(cfg.LogLevel)
	if err != nil {
		return fmt.Errorf("mirror: %w", err)
	}
	m, err := mirror.New(st, mirror.Options{URL: url, Logger: newLogger(c.stderr, level, c.lookupEnv)})
	if err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	t := time.NewTicker(progressEvery)
	defer t.Stop()
	for {
		select {
		case err := <-done:
			if err != nil {
				return err
			}
			keys, _ := m.Keys()
			return c.printMirror(mirrorReply{Status: m.Status(), Keys: keys}, false)
		case <-t.C:
			keys, _ := m.Keys()
			_ = c.printMirror(mirrorReply{Status: m.Status(), Keys: keys}, false)
		}
	}
}

// progressEvery is how often a foreground mirror prints its status.
var progressEvery = 10 * time.Second

func (c *cli) printMirror(r mirrorReply, asJSON bool) error {
	if asJSON {
		raw, _ := json.Marshal(r)
		return writeJSON(c.stdout, raw)
	}
	fmt.Fprintf(c.stdout, "%s %s: offset %d (%d bytes behind), %d keys, %d full syncs, %d resumes\n",
		r.URL, r.State, r.Offset, r.LagBytes, r.Keys, r.FullSyncs, r.Continues)
	if r.LastError != "" {
		fmt.Fprintf(c.stdout, "  last error: %s\n", r.LastError)
	}
	return nil
}
