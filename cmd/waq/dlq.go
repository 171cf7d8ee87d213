package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/waqhq/waq/store"
)

func dlqUsage(w io.Writer) {
	fmt.Fprint(w, `Usage:
  waq dlq list [--limit N] [--cursor C] [--json]
  waq dlq retry ID [ID...]
  waq dlq retry-all [--campaign NAME]

Lists the dead-letter queue of a running waq serve, newest first, or
requeues dead messages with fresh attempts (POST /v1/dlq/retry).

Flags:
  --limit N         messages per page of list (default 50)
  --cursor C        the page after C, as list prints it
  --campaign NAME   retry-all retries only this campaign's messages
  --json            print the server's answer as JSON
`)
	printSettings(w, clientFlags)
}

// dlqList is the answer of GET /v1/dlq.
type dlqList struct {
	Messages   []store.Message `json:"messages"`
	NextCursor string          `json:"next_cursor"`
}

func (c *cli) dlq(ctx context.Context, args []string) error {
	fs := newFlagSet("dlq")
	limit := fs.Int("limit", 50, "")
	cursor := fs.String("cursor", "", "")
	campaign := fs.String("campaign", "", "")
	asJSON := fs.Bool("json", false, "")
	b := bindConfig(fs, clientFlags...)
	pos, err := c.parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usagef("dlq", "say list, retry ID or retry-all")
	}
	cl, _, err := c.loadClient(b)
	if err != nil {
		return err
	}
	switch sub, ids := pos[0], pos[1:]; {
	case sub == "list" && len(ids) == 0:
		return c.dlqList(ctx, cl, *limit, *cursor, *asJSON)
	case sub == "retry" && len(ids) > 0:
		return c.dlqRetry(ctx, cl, map[string]any{"ids": ids}, *asJSON)
	case sub == "retry":
		return usagef("dlq", "retry needs the ids of the messages (or use retry-all)")
	case sub == "retry-all" && len(ids) == 0:
		var body any // an empty body retries every dead message
		if *campaign != "" {
			body = map[string]any{"campaign": *campaign}
		}
		return c.dlqRetry(ctx, cl, body, *asJSON)
	}
	return usagef("dlq", "unexpected %q: say list, retry ID or retry-all", strings.Join(pos, " "))
}

func (c *cli) dlqList(ctx context.Context, cl *client, limit int, cursor string, asJSON bool) error {
	q := url.Values{"limit": {strconv.Itoa(limit)}}
	if cursor != "" {
		q.Set("cursor", cursor)
	}
	var raw []byte
	if _, err := cl.call(ctx, http.MethodGet, "/v1/dlq?"+q.Encode(), nil, &raw); err != nil {
		return err
	}
	if asJSON {
		return writeJSON(c.stdout, raw)
	}
	var l dlqList
	if err := json.Unmarshal(raw, &l); err != nil {
		return fmt.Errorf("dlq: decode answer: %w", err)
	}
	printDLQ(c.stdout, &l)
	return nil
}

func printDLQ(w io.Writer, l *dlqList) {
	if len(l.Messages) == 0 {
		fmt.Fprintln(w, "the dead-letter queue is empty")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "ID\tTO\tCAMPAIGN\tATTEMPTS\tDIED\tLAST ERROR\n")
	for _, m := range l.Messages {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\n", m.ID, m.To, dash(m.Campaign), m.Attempts,
			m.UpdatedAt.UTC().Format(time.RFC3339), dash(m.LastError))
	}
	tw.Flush()
	if l.NextCursor != "" {
		fmt.Fprintf(w, "\nmore: waq dlq list --cursor %s\n", l.NextCursor)
	}
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func (c *cli) dlqRetry(ctx context.Context, cl *client, body any, asJSON bool) error {
	var raw []byte
	if _, err := cl.call(ctx, http.MethodPost, "/v1/dlq/retry", body, &raw); err != nil {
		return err
	}
	if asJSON {
		return writeJSON(c.stdout, raw)
	}
	var r struct {
		Retried int `json:"retried"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return fmt.Errorf("dlq: decode answer: %w", err)
	}
	fmt.Fprintf(c.stdout, "retried %d\n", r.Retried)
	return nil
}
