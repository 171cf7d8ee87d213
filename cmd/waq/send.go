package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/waqhq/waq/store"
)

func sendUsage(w io.Writer) {
	fmt.Fprint(w, `Usage:
  waq send --to NUMBER --text TEXT [flags]

Enqueues one text message through a running waq serve (POST /v1/messages)
and prints its id and status.

Flags:
  --to NUMBER             recipient in E.164, e.g. +34600111222
  --text TEXT             message text (up to 4096 characters)
  --priority PRIORITY     critical, high, normal (default) or low
  --at TIME               send at an RFC3339 time, or after a duration such as 10m
  --campaign NAME         campaign the message counts for
  --idempotency-key KEY   a repeated key returns the first message
  --json                  print the whole message as JSON
`)
	printSettings(w, clientFlags)
}

// sendRequest is the body of POST /v1/messages that waq send builds.
type sendRequest struct {
	To             string     `json:"to"`
	Text           string     `json:"text"`
	Priority       string     `json:"priority,omitempty"`
	SendAt         *time.Time `json:"send_at,omitempty"`
	Delay          string     `json:"delay,omitempty"`
	Campaign       string     `json:"campaign,omitempty"`
	IdempotencyKey string     `json:"idempotency_key,omitempty"`
}

func (c *cli) send(ctx context.Context, args []string) error {
	fs := newFlagSet("send")
	var req sendRequest
	fs.StringVar(&req.To, "to", "", "")
	fs.StringVar(&req.Text, "text", "", "")
	fs.StringVar(&req.Priority, "priority", "", "")
	fs.StringVar(&req.Campaign, "campaign", "", "")
	fs.StringVar(&req.IdempotencyKey, "idempotency-key", "", "")
	at := fs.String("at", "", "")
	asJSON := fs.Bool("json", false, "")
	b := bindConfig(fs, clientFlags...)
	if err := c.noArgs(fs, args); err != nil {
		return err
	}
	if err := req.complete(*at); err != nil {
		return err
	}
	cl, _, err := c.loadClient(b)
	if err != nil {
		return err
	}
	var raw []byte
	status, err := cl.call(ctx, http.MethodPost, "/v1/messages", req, &raw)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(c.stdout, raw)
	}
	var m store.Message
	if err := json.Unmarshal(raw, &m); err != nil {
		return fmt.Errorf("send: decode answer: %w", err)
	}
	printSent(c.stdout, &m, status == http.StatusOK)
	return nil
}

// complete checks the required flags and reads --at.
func (r *sendRequest) complete(at string) error {
	switch {
	case r.To == "":
		return usagef("send", "--to is required")
	case r.Text == "":
		return usagef("send", "--text is required")
	case at == "":
		return nil
	}
	if t, err := time.Parse(time.RFC3339, at); err == nil {
		r.SendAt = &t
		return nil
	}
	d, err := time.ParseDuration(at)
	if err != nil || d < 0 {
		return usagef("send", "--at %q is neither an RFC3339 time (2025-06-01T09:00:00+02:00) nor a duration (10m)", at)
	}
	r.Delay = d.String()
	return nil
}

func printSent(w io.Writer, m *store.Message, existing bool) {
	line := m.ID + " " + string(m.Status)
	if m.SendAt != nil && m.Status == store.Scheduled {
		line += " " + m.SendAt.Format(time.RFC3339)
	}
	if existing {
		line += " (already enqueued with this idempotency key)"
	}
	fmt.Fprintln(w, line)
}
