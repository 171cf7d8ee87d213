package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"text/tabwriter"
	"time"

	"github.com/waqhq/waq/store"
)

func queueUsage(w io.Writer) {
	fmt.Fprint(w, `Usage:
  waq queue [flags]

Shows the queue of a running waq serve (GET /v1/queue): whether sending is
paused, messages by state, queued messages by priority, and the gateway
instances with their state, rate, sends in the rate window and in the last
24 hours (of the daily cap), queued messages and those waiting on a paused
or disabled instance.

Flags:
  --json   print the server's answer as JSON
`)
	printSettings(w, clientFlags)
}

// queueStatus is the part of GET /v1/queue that waq queue shows.
type queueStatus struct {
	Paused     bool           `json:"paused"`
	Counts     map[string]int `json:"counts"`
	ByPriority map[string]int `json:"by_priority"`
	Instances  []struct {
		Name           string `json:"name"`
		Gateway        string `json:"gateway"`
		State          string `json:"state"`
		PausedReason   string `json:"paused_reason"`
		Rate           string `json:"rate"`
		SentLastWindow int    `json:"sent_last_window"`
		DailyCap       int    `json:"daily_cap"`
		SentLastDay    int    `json:"sent_last_day"`
		Queue          *struct {
			Queued  int  `json:"queued"`
			Waiting int  `json:"waiting"`
			Partial bool `json:"partial"`
		} `json:"queue"`
	} `json:"instances"`
	OldestQueuedAge float64 `json:"oldest_queued_age_seconds"`
}

func (c *cli) queue(ctx context.Context, args []string) error {
	raw, printed, err := c.fetch(ctx, "queue", "/v1/queue", args)
	if err != nil || printed {
		return err
	}
	var q queueStatus
	if err := json.Unmarshal(raw, &q); err != nil {
		return fmt.Errorf("queue: decode answer: %w", err)
	}
	printQueue(c.stdout, &q)
	return nil
}

func printQueue(w io.Writer, q *queueStatus) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	defer tw.Flush()
	sending := "running"
	if q.Paused {
		sending = "paused (POST /v1/queue/resume restarts it)"
	}
	fmt.Fprintf(tw, "sending:\t%s\n", sending)
	if q.OldestQueuedAge > 0 {
		age := time.Duration(q.OldestQueuedAge * float64(time.Second)).Round(time.Second)
		fmt.Fprintf(tw, "oldest queued:\t%s\n", age)
	}
	fmt.Fprintf(tw, "\nSTATE\tMESSAGES\n")
	for _, st := range store.Statuses {
		fmt.Fprintf(tw, "%s\t%d\n", st, q.Counts[string(st)])
	}
	fmt.Fprintf(tw, "\nPRIORITY\tQUEUED\n")
	for _, p := range store.Priorities {
		fmt.Fprintf(tw, "%s\t%d\n", p, q.ByPriority[string(p)])
	}
	fmt.Fprintln(tw)
	if len(q.Instances) == 0 {
		fmt.Fprintln(tw, "no gateway: messages wait (set WAQ_GATEWAY)")
		return
	}
	fmt.Fprintf(tw, "INSTANCE\tGATEWAY\tSTATE\tRATE\tSENT IN WINDOW\tLAST 24 H\tQUEUED\tWAITING\n")
	for _, in := range q.Instances {
		state := in.State
		if in.PausedReason != "" {
			state += ": " + in.PausedReason
		}
		day, queued, waiting := fmt.Sprint(in.SentLastDay), "-", "-"
		if in.DailyCap > 0 {
			day += fmt.Sprintf(" of %d", in.DailyCap)
		}
		if in.Queue != nil {
			queued, waiting = fmt.Sprint(in.Queue.Queued), fmt.Sprint(in.Queue.Waiting)
			if in.Queue.Partial { // counted in the first 100 000 queued only
				queued, waiting = queued+"+", waiting+"+"
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\n", in.Name, in.Gateway, state, in.Rate, in.SentLastWindow, day, queued, waiting)
	}
}

// fetch is the common part of a client command that shows what the server
// answers to GET path: its flags (the client's and --json), the call, and
// with --json the answer printed as it came (printed true).
func (c *cli) fetch(ctx context.Context, name, path string, args []string) (raw []byte, printed bool, err error) {
	fs := newFlagSet(name)
	asJSON := fs.Bool("json", false, "")
	b := bindConfig(fs, clientFlags...)
	if err := c.noArgs(fs, args); err != nil {
		return nil, false, err
	}
	cl, _, err := c.loadClient(b)
	if err != nil {
		return nil, false, err
	}
	if _, err := cl.call(ctx, http.MethodGet, path, nil, &raw); err != nil {
		return nil, false, err
	}
	if *asJSON {
		return raw, true, writeJSON(c.stdout, raw)
	}
	return raw, false, nil
}
