package stats

import (
	"bufio"
	"bytes"
	"io"
	"strings"
)

// waqHelp is the # HELP text of every family waq writes. The metrics
// library writes an empty one; a family missing here fails TestMetricsHelp
// and packaging's TestMetricsDocumented.
var waqHelp = map[string]string{
	"waq_build_info":                            "Always 1; the version of waq and the Go release that built it, as labels.",
	"waq_queue_depth":                           "Messages in the data file, by state.",
	"waq_dlq_size":                              "Messages in the dead-letter queue (state dead).",
	"waq_oldest_queued_age_seconds":             "Age of the oldest message waiting to be sent; 0 when none waits.",
	"waq_disk_full":                             "1 while writes fail for lack of disk space, else 0.",
	"waq_instance_paused":                       "1 while a gateway failure keeps the WhatsApp instance wa_instance paused, else 0.",
	"waq_instance_window_sends":                 "Sends of the WhatsApp instance wa_instance in its current rate window.",
	"waq_instance_window_limit":                 "Sends the rate of the WhatsApp instance wa_instance allows in one window; over it, waq_instance_window_sends is the rate's use.",
	"waq_instance_day_sends":                    "Sends of the WhatsApp instance wa_instance in the last 24 hours; only for an instance with a daily cap.",
	"waq_instance_daily_cap":                    "Today's daily cap of the WhatsApp instance wa_instance, with its warm-up; only for an instance with one.",
	"waq_bbolt_file_bytes":                      "Size of the data file.",
	"waq_bbolt_free_pages":                      "Free pages inside the data file.",
	"waq_bbolt_pending_pages":                   "Pages freed but still held by an open read transaction.",
	"waq_bbolt_free_bytes":                      "Bytes of the free pages inside the data file.",
	"waq_bbolt_open_read_tx":                    "Read transactions open now.",
	"waq_bbolt_read_tx_total":                   "Read transactions started.",
	"waq_bbolt_commits_total":                   "Write transactions committed (each fsynced).",
	"waq_bbolt_commit_writes_total":             "Writes carried by the commits; over commits, the batching achieved.",
	"waq_bbolt_page_writes_total":               "Pages written to the data file.",
	"waq_bbolt_write_seconds_total":             "Time spent writing pages to the data file.",
	"waq_rate_limit_wait_seconds":               "How long the sender waited for the rate limit or the pacing before a send.",
	"waq_send_duration_seconds":                 "Time of one gateway send call.",
	"waq_messages_enqueued_total":               "Messages enqueued, by priority.",
	"waq_messages_sent_total":                   "Messages the gateway accepted, by WhatsApp instance (wa_instance).",
	"waq_messages_failed_total":                 "Failures: retryable tries, messages that went dead, failed deliveries (reason), by the instance that sent or tried the message (wa_instance).",
	"waq_panics_recovered_total":                "Panics recovered without stopping waq, by where (http, resp, commit).",
	"waq_backups_total":                         "Nightly backups, by result (ok, failed).",
	"waq_backup_last_success_timestamp_seconds": "Unix time of the last good nightly backup; 0 before the first since start.",
	"waq_webhooks_total":                        "Gateway webhook events received, by source and event.",
	"waq_webhooks_rejected_total":               "Gateway webhook events refused, by source and reason: oversized (an id too long to store), unknown_instance (the delivery names an instance waq does not have).",
	"waq_callbacks_total":                       "Status callback tries, by result: delivered (2xx), retried (failed, tried again later), expired (dropped past WAQ_CALLBACK_MAX_AGE).",
	"waq_callback_outbox":                       "Status callbacks waiting in the outbox, by state: pending (never tried), failing (tried, not delivered).",
}

// MetricHelp returns the # HELP text of a metric family, and false for a
// family waq does not describe (a misspelled or undocumented one).
func MetricHelp(family string) (string, bool) {
	if h, ok := waqHelp[family]; ok {
		return h, true
	}
	switch {
	case strings.HasPrefix(family, "go_memstats_"):
		return "Go memory statistics (runtime.MemStats), as github.com/VictoriaMetrics/metrics names them.", true
	case strings.HasPrefix(family, "go_"):
		return "Go runtime figure (runtime/metrics), as github.com/VictoriaMetrics/metrics names it.", true
	case strings.HasPrefix(family, "process_"):
		return "Process figure read from /proc, as github.com/VictoriaMetrics/metrics names it.", true
	}
	return "", false
}

// writeWithHelp copies the exposition in b to w with the help texts filled
// in, and keeps one # HELP and one # TYPE per family: the library repeats
// them before every labelled series written with WriteGauge*.
func writeWithHelp(w io.Writer, b []byte) {
	bw := bufio.NewWriter(w)
	defer bw.Flush()
	seen := map[string]bool{}
	for line := range bytes.Lines(b) {
		kind, rest, ok := metaLine(line)
		if !ok {
			bw.Write(line)
			continue
		}
		family, _, _ := strings.Cut(rest, " ")
		if seen[kind+family] {
			continue
		}
		seen[kind+family] = true
		if kind == "HELP" {
			h, _ := MetricHelp(family)
			bw.WriteString("# HELP " + family + " " + h + "\n")
			continue
		}
		bw.Write(line)
	}
}

// metaLine splits "# HELP name text" or "# TYPE name type".
func metaLine(line []byte) (kind, rest string, ok bool) {
	s := strings.TrimSuffix(string(line), "\n")
	for _, k := range []string{"HELP", "TYPE"} {
		if r, found := strings.CutPrefix(s, "# "+k+" "); found {
			return k, r, true
		}
	}
	return "", "", false
}
