package ui_test

import (
	"testing"
	"time"

	"github.com/waqhq/waq/store"
	"github.com/waqhq/waq/ui"
)

// TestQueueInstancesGolden: with QueueInstances, /v1/queue shows every
// instance with its pause's start, a hold's end, its rate and daily cap
// use and its queue; one with messages waiting on it links to the list of
// those pinned to it.
func TestQueueInstancesGolden(t *testing.T) {
	since := time.Date(2026, 12, 5, 21, 4, 0, 0, time.UTC)
	until := since.Add(2 * time.Minute)
	ins := []ui.Instance{
		{Name: "cloud", Gateway: "cloudapi", State: "paused", PausedReason: "cloudapi: access token invalid or expired",
			PausedSince: &since, Rate: "80/1m", RateLimit: 80, SentLastWindow: 3, DailyCap: 250, SentLastDay: 120,
			Queue: &ui.InstanceQueue{Queued: 12, Pinned: 10, Waiting: 12, WaitingIDs: []string{"06h4a", "06h4b"}}},
		{Name: "evo-1", Gateway: "evolution", State: "paused", PausedReason: "evolution: connection closed (code 428); waiting for it to reconnect",
			PausedSince: &since, HeldUntil: &until, Rate: "100/1m", RateLimit: 100, SentLastDay: 4000,
			Queue: &ui.InstanceQueue{}},
		{Name: "evo-2", Gateway: "evolution", State: "active", Rate: "10/2s", RateLimit: 10, SentLastWindow: 7, SentLastDay: 900,
			Queue: &ui.InstanceQueue{Queued: 40, Pinned: 2}},
		{Name: "spare", Gateway: "evolution", State: "disabled", Rate: "80/1m", RateLimit: 80,
			Queue: &ui.InstanceQueue{Queued: 1, Pinned: 1, Waiting: 1, WaitingIDs: []string{"06h4c"}}},
	}
	b := setup(t, func(o *ui.Options) { o.QueueInstances = func() ([]ui.Instance, error) { return ins, nil } })
	golden(t, "queue_instances.golden.json", b.do(t, "GET", "/v1/queue", "").want(t, 200).body)
	if ins[0].Queue.List != "" {
		t.Fatal("GET /v1/queue changed the instances it was given")
	}
}

// TestMessagesByInstance: GET /v1/messages?instance= lists the messages
// pinned to (or sent by) that instance, as /v1/queue's list link does.
func TestMessagesByInstance(t *testing.T) {
	b := setup(t)
	one := b.message(t, `{"to":"+34600111222","text":"a","instance":"sales-1"}`)
	b.message(t, `{"to":"+34600111222","text":"b","instance":"sales-2"}`)
	b.message(t, `{"to":"+34600111222","text":"c"}`)
	l := decode[struct {
		Messages []store.Message `json:"messages"`
	}](t, b.do(t, "GET", "/v1/messages?status=queued&instance=sales-1", "").want(t, 200))
	if len(l.Messages) != 1 || l.Messages[0].ID != one.ID {
		t.Fatalf("instance sales-1: %+v", l.Messages)
	}
}
