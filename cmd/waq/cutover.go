package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/waqhq/waq/store/importer"
	"github.com/waqhq/waq/store/mirror"
)

func cutoverUsage(w io.Writer) {
	fmt.Fprint(w, `Usage:
  waq cutover [flags]

Releases the messages "waq import" holds: they become queued (scheduled
when their delay is still ahead) and the sender takes them; those of failed
BullMQ jobs go to the dead-letter queue. Run it once the old workers are
stopped. After "waq mirror", it first stops the mirror and turns the BullMQ
jobs of the mirrored copy into held messages. Running it again releases
nothing more. A running waq serve does the work (POST /v1/admin/cutover);
when no server answers, waq opens the data file of --data-dir itself.
Progress goes to the standard error: a bar per phase on a terminal, plain
lines otherwise.
`)
	printSettings(w, append([]string{"data-dir"}, clientFlags...))
}

func (c *cli) cutover(ctx context.Context, args []string) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	fs := newFlagSet("cutover")
	b := bindConfig(fs, append([]string{"data-dir"}, clientFlags...)...)
	if err := c.noArgs(fs, args); err != nil {
		return err
	}
	cl, cfg, err := c.loadClient(b)
	if err != nil {
		return err
	}
	var reply struct {
		Released int `json:"released"`
	}
	err = postProgress(ctx, cl, "/v1/admin/cutover", nil, &reply, c.progressView("cutover"))
	if errors.Is(err, errNoServer) {
		wctx, stop := watch(ctx, c.progressView("cutover"))
		reply.Released, err = cutoverFile(wctx, cfg)
		stop()
	}
	if err != nil {
		return fmt.Errorf("cutover: %w", err)
	}
	fmt.Fprintf(c.stdout, "released %d held messages\n", reply.Released)
	return nil
}

// cutoverFile is the cutover on the data file, reporting its progress
// through ctx (see watch).
func cutoverFile(ctx context.Context, cfg Config) (int, error) {
	st, err := openDataFile(cfg, false)
	if err != nil {
		return 0, err
	}
	defer st.Close()
	im := importer.New(st)
	im.Region = cfg.DefaultRegion
	if _, err := mirror.Translate(ctx, st, im, importer.PrefixDefault, importer.DefaultMapping()); err != nil {
		return 0, err
	}
	return im.Cutover(ctx)
}
