package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/waqhq/waq/phone"
	"github.com/waqhq/waq/sender/callback"
	"github.com/waqhq/waq/store"
	"github.com/waqhq/waq/store/importer"
	"github.com/waqhq/waq/store/keyspace"
)

func importUsage(w io.Writer) {
	fmt.Fprint(w, `Usage:
  waq import [flags] redis://[user:pass@]host:port[/db]

Copies a live Redis into waq's Redis keyspace by SCAN (any Redis, managed
ones too) and turns the BullMQ jobs it finds into messages held until
"waq cutover": waiting, paused, prioritized, active and delayed jobs, failed
ones (dead at cutover) and completed ones (sent history). Importing again
copies the keys again and adds only jobs not imported before. A running
waq serve does the work (POST /v1/admin/import); when no server answers,
waq opens the data file of --data-dir itself. Progress goes to the
standard error: a bar per phase on a terminal, plain lines otherwise.

Flags:
  --db LIST          databases to copy, such as 0,1 (default: the URL's, else all with keys)
  --prefix NAME      BullMQ key prefix (default bull)
  --map-to LIST      job data fields holding the phone (default to,phone,number)
  --map-text LIST    job data fields holding the text (default text,message,body)
  --map-priority LIST, --map-campaign LIST
                     the same for priority (default priority) and campaign (default campaign)
  --json             print the result as JSON

Numbers without a country code are read in the server's WAQ_DEFAULT_REGION,
or in --default-region when given. Jobs addressed to a WhatsApp id that is
no phone number (@lid, a group) are skipped and counted.
`)
	printSettings(w, importFlags)
}

// importFlags are the settings waq import takes as flags.
var importFlags = append([]string{"data-dir", "default-region"}, clientFlags...)

func (c *cli) importRedis(ctx context.Context, args []string) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	fs := newFlagSet("import")
	dbs := fs.String("db", "", "")
	prefix := fs.String("prefix", "", "")
	to, text := fs.String("map-to", "", ""), fs.String("map-text", "", "")
	prio, campaign := fs.String("map-priority", "", ""), fs.String("map-campaign", "", "")
	asJSON := fs.Bool("json", false, "")
	b := bindConfig(fs, importFlags...)
	pos, err := c.parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("import", "give one Redis URL, such as redis://127.0.0.1:6379")
	}
	req := importer.Request{URL: pos[0], BullMQPrefix: *prefix,
		Mapping: &importer.Mapping{To: list(*to), Text: list(*text), Priority: list(*prio), Campaign: list(*campaign)}}
	if req.DBs, err = parseDBs(*dbs); err != nil {
		return usagef("import", "--db: %v", err)
	}
	if f := fs.Lookup("default-region"); f.Value.String() != "" {
		req.DefaultRegion = f.Value.String() // else the server's own
	}
	res, err := c.runImport(ctx, b, req)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	if *asJSON {
		raw, _ := json.Marshal(res)
		return writeJSON(c.stdout, raw)
	}
	printImport(c.stdout, res)
	return nil
}

// runImport asks the server, or works on the data file when none answers,
// showing the progress either way.
func (c *cli) runImport(ctx context.Context, b *configFlags, req importer.Request) (*importer.Result, error) {
	cl, cfg, err := c.loadClient(b)
	if err != nil {
		return nil, err
	}
	res := new(importer.Result)
	err = postProgress(ctx, cl, "/v1/admin/import", req, res, c.progressView("import"))
	if !errors.Is(err, errNoServer) {
		return res, err
	}
	ctx, stop := watch(ctx, c.progressView("import"))
	defer stop()
	st, err := openDataFile(cfg, true)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	im := importer.New(st)
	if im.Region, err = phone.Region(cfg.DefaultRegion); err != nil {
		return nil, fmt.Errorf("WAQ_DEFAULT_REGION: %w", err)
	}
	return im.Import(ctx, req)
}

// openDataFile opens the data file of cfg for writing. With create it makes
// the file (and its directory) when missing, so that a new appliance can be
// filled before its first start. bbolt's lock makes it fail while a server
// holds the file. Callbacks of what it changes (a cutover's dead messages)
// go into the outbox, for the next waq serve to post.
func openDataFile(cfg Config, create bool) (*store.Store, error) {
	if _, err := os.Stat(cfg.DataFile()); err != nil && !create {
		return nil, fmt.Errorf("no server answers and there is no data file: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(cfg.DataFile()), 0o700); err != nil {
		return nil, fmt.Errorf("no server answers and the data directory cannot be made: %w", err)
	}
	st, err := store.Open(cfg.DataFile(), store.Options{Callbacks: callback.Rule(cfg.CallbackURL)})
	if err != nil {
		return nil, fmt.Errorf("no server answers and the data file cannot be opened: %w", err)
	}
	return st, nil
}

func list(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// parseDBs reads "0,1" into database numbers.
func parseDBs(s string) ([]int, error) {
	var dbs []int
	for _, f := range list(s) {
		n, err := strconv.Atoi(f)
		if err != nil || n < 0 || n >= keyspace.DBs {
			return nil, fmt.Errorf("%q is not a database number from 0 to %d", f, keyspace.DBs-1)
		}
		dbs = append(dbs, n)
	}
	return dbs, nil
}

func printImport(w io.Writer, r *importer.Result) {
	fmt.Fprintf(w, "copied %d keys (%d not copied)\n", r.Keys, r.SkippedKeys)
	fmt.Fprintf(w, "found %d BullMQ jobs: %d new messages held until cutover, %d skipped, %d imported before\n",
		r.Jobs, r.Messages, r.Skipped, max(r.Jobs-r.Messages-r.Skipped, 0))
	if r.NotPhone > 0 {
		fmt.Fprintf(w, "  %d skipped jobs are addressed to WhatsApp ids that are no phone numbers, such as %s\n",
			r.NotPhone, strings.Join(r.NotPhoneSample, ", "))
	}
	for _, n := range r.Notes {
		fmt.Fprintf(w, "  %s\n", n)
	}
	if r.Messages > 0 {
		fmt.Fprintln(w, `stop the old workers, then run "waq cutover" to send the held messages`)
	}
}
