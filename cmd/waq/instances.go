package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/waqhq/waq/sender/fleet"
)

func instancesUsage(w io.Writer) {
	fmt.Fprint(w, `Usage:
  waq instances [flags]

Lists the WhatsApp numbers a running waq serve sends from (GET
/v1/instances): the one the environment variables define and those added
with PUT /v1/instances/{name}, with their gateway, state, rate, use of the
rate window and daily cap, and queued messages. Secrets are never shown.

Flags:
  --json   print the server's answer as JSON
`)
	printSettings(w, clientFlags)
}

func (c *cli) instances(ctx context.Context, args []string) error {
	raw, printed, err := c.fetch(ctx, "instances", "/v1/instances", args)
	if err != nil || printed {
		return err
	}
	var l struct {
		Instances []fleet.View `json:"instances"`
	}
	if err := json.Unmarshal(raw, &l); err != nil {
		return fmt.Errorf("instances: decode answer: %w", err)
	}
	printInstances(c.stdout, l.Instances)
	return nil
}

func printInstances(w io.Writer, vs []fleet.View) {
	if len(vs) == 0 {
		fmt.Fprintln(w, "no instance: messages wait (set WAQ_GATEWAY, or PUT /v1/instances/{name})")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	defer tw.Flush()
	fmt.Fprintf(tw, "INSTANCE\tGATEWAY\tSOURCE\tSTATE\tRATE\tSENT IN WINDOW\tSENT 24H\tQUEUED\n")
	for _, v := range vs {
		state := v.State
		if v.PausedReason != "" {
			state += ": " + v.PausedReason
		}
		day := fmt.Sprint(v.SentLastDay)
		if v.Pacing.DailyCap > 0 {
			day += fmt.Sprintf("/%d", v.Pacing.DailyCap)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\t%d\n", v.Name, v.Gateway, v.Source, state, v.Rate, v.SentLastWindow, day, v.Queued)
	}
}
