package ui_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/waqhq/waq/store"
	"github.com/waqhq/waq/ui"
)

// kolkata is the server's zone in the page's tests: 5 h 30 min from UTC,
// the headless browser's zone, so a date written in the wrong zone shows.
func kolkata(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Kolkata")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// withLocation sets the server's zone.
func withLocation(loc *time.Location) func(*ui.Options) {
	return func(o *ui.Options) { o.Location = loc }
}

// scheduled posts n messages due in two hours and returns their ids,
// oldest first.
func (ps *pageServer) scheduled(t *testing.T, n int) []string {
	t.Helper()
	var ids []string
	for i := range n {
		ids = append(ids, ps.message(t, fmt.Sprintf(`{"to":"+34600555444","text":"Reminder %d","campaign":"reminders","delay":"2h"}`, i)).ID)
	}
	return ids
}

// retrying stores a message whose first try failed, due again in an hour.
func (ps *pageServer) retrying(t *testing.T) string {
	t.Helper()
	m := ps.message(t, `{"to":"+34600555444","text":"Try again"}`)
	ps.leaseOnly(t, m.ID)
	if _, err := ps.st.Fail(m.ID, "gateway: timeout", false, func(int) time.Duration { return time.Hour }); err != nil {
		t.Fatal(err)
	}
	return m.ID
}

func (ps *pageServer) statusOf(t *testing.T, id string) store.Status {
	t.Helper()
	m, err := ps.st.Message(id)
	if err != nil {
		t.Fatal(err)
	}
	return m.Status
}

// The messages list refreshes itself without losing the scroll or the
// ticks; ticked scheduled messages are sent now, one and then all on the
// page; a retrying one is sent now from its page, which refreshes itself
// too. Dates are in the server's zone, not the browser's.
func TestPageSendNowInChromium(t *testing.T) {
	browser := startChromium(t)
	loc := kolkata(t)
	ps := newPageServer(t, "", true, withLocation(loc))
	ids := ps.scheduled(t, 40)
	retry := ps.retrying(t)
	tb := newTab(t, browser, ps.url, func(int64, string) bool { return false })
	tb.open(ps.url + "/#/messages?status=scheduled")
	tb.wait(rows("#list") + ` === 40`)

	first, _ := ps.st.Message(ids[len(ids)-1])
	want := strings.ReplaceAll(first.CreatedAt.In(loc).Format("1/2/06, 3:04:05 PM"), "\u202f", " ")
	got := eval[string](tb, `document.querySelector('#list tbody tr td[data-label="Created"]').textContent.replace(/\u202f/g, ' ')`)
	if got != want {
		t.Errorf("created shows %q, want %q (Asia/Kolkata)", got, want)
	}

	// Scroll down, tick a row, and let a new message arrive at the top.
	eval[bool](tb, `window.scrollTo(0, 600), true`)
	anchor := ids[len(ids)-16]
	row := fmt.Sprintf(`document.querySelector('#list tr[data-id="%s"]')`, anchor)
	eval[bool](tb, row+`.querySelector('input.pick').click(), true`)
	top := eval[float64](tb, row+`.getBoundingClientRect().top`)
	scrolled := eval[float64](tb, `window.scrollY`)
	late := ps.scheduled(t, 1)[0]
	tb.wait(rows("#list") + ` === 41`) // the list's own refresh, within 10 s
	if !eval[bool](tb, row+`.querySelector('input.pick').checked`) || eval[string](tb, `document.querySelector('#sel-msg-count').textContent`) != "1 selected" {
		t.Fatal("the refresh lost the ticked row")
	}
	if now := eval[float64](tb, row+`.getBoundingClientRect().top`); now < top-2 || now > top+2 {
		t.Errorf("the ticked row moved on the screen from %.0f to %.0f px", top, now)
	}
	if eval[float64](tb, `window.scrollY`) <= scrolled {
		t.Errorf("the page did not scroll down by the new row")
	}

	tb.click(`#sel-msg-bar button[data-bulk="send-now"]`)
	tb.wait(rows("#list") + ` === 40 && !document.querySelector('#list tr[data-id="` + anchor + `"]')`)
	if st := ps.statusOf(t, anchor); st != store.Queued {
		t.Fatalf("the ticked message sent now is %s, want queued", st)
	}
	eval[bool](tb, `window.scrollTo(0, 0), true`)
	tb.click("#sel-msg-all")
	tb.wait(`document.querySelector('#sel-msg-count').textContent === '40 selected'`)
	tb.shot("messages-selected-desktop", false)
	tb.shot("messages-selected-phone", true)
	tb.desktop()
	tb.click(`#sel-msg-bar button[data-bulk="send-now"]`)
	tb.wait(`document.querySelector('#list').textContent.includes('No message matches')`)
	if c := ps.counts(t); c[store.Scheduled] != 0 || c[store.Queued] != 41 || ps.statusOf(t, late) != store.Queued {
		t.Fatalf("after sending all now: %v", c)
	}

	// The retrying message: its page offers Send now, and follows changes.
	tb.goTo("#/message/" + retry)
	tb.wait(`document.querySelector('button[data-action="send-now"]')`)
	tb.click(`button[data-action="send-now"]`)
	tb.wait(`document.querySelector('#view-message .badge').textContent === 'queued'`)
	if st := ps.statusOf(t, retry); st != store.Queued {
		t.Fatalf("retrying message after send now: %s", st)
	}
	if _, err := ps.st.Cancel(retry); err != nil {
		t.Fatal(err)
	}
	tb.wait(`document.querySelector('#view-message .badge').textContent === 'cancelled'`) // its own refresh
	tb.clean()
}

// Dead letters: tick two and retry them, see one that died meanwhile come
// in by itself, then tick all and delete them after the confirmation; then
// delete all.
func TestPageDLQSelectInChromium(t *testing.T) {
	browser := startChromium(t)
	ps := newPageServer(t, "", true)
	var dead []string
	for range 4 {
		dead = append(dead, ps.dead(t, "spring", "gateway: +34600111222 is not on WhatsApp").ID)
	}
	tb := newTab(t, browser, ps.url, func(int64, string) bool { return false })
	tb.open(ps.url + "/#/dlq")
	tb.wait(rows("#dlq-list") + ` === 4`)
	for _, id := range dead[:2] {
		eval[bool](tb, fmt.Sprintf(`document.querySelector('#dlq-list tr[data-id="%s"] input.pick').click(), true`, id))
	}
	tb.wait(`document.querySelector('#sel-dlq-bar button[data-bulk="retry"]').textContent === 'Retry (2)'`)
	tb.shot("dlq-selected-desktop", false)
	tb.click(`#sel-dlq-bar button[data-bulk="retry"]`)
	tb.wait(rows("#dlq-list") + ` === 2`)
	if c := ps.counts(t); c[store.Dead] != 2 || ps.statusOf(t, dead[0]) != store.Queued {
		t.Fatalf("after retrying two: %v", c)
	}
	ps.dead(t, "autumn", "gateway: template rejected")
	tb.wait(rows("#dlq-list") + ` === 3`) // the list's own refresh
	tb.click("#sel-dlq-all")
	tb.click(`#sel-dlq-bar button[data-bulk="delete"]`)
	tb.wait(`document.querySelector('#confirm').open && document.querySelector('#confirm-title').textContent === 'Delete 3 dead messages?'`)
	tb.shot("dlq-delete-confirm-phone", true)
	tb.desktop()
	tb.click("#confirm-ok")
	tb.wait(`document.querySelector('#dlq-list').textContent.includes('The dead-letter queue is empty')`)
	if n := ps.counts(t)[store.Dead]; n != 0 {
		t.Fatalf("%d dead after deleting the ticked ones, want 0", n)
	}

	// Delete all: the whole DLQ, not only the page, after the confirmation.
	for range 2 {
		ps.dead(t, "autumn", "gateway: template rejected")
	}
	tb.wait(rows("#dlq-list") + ` === 2`)
	ps.clock.Add(time.Second) // clean removes what died before now
	tb.click("#delete-all")
	tb.wait(`document.querySelector('#confirm').open && document.querySelector('#confirm-title').textContent === 'Delete all 2 dead messages?'`)
	tb.click("#confirm-ok")
	tb.wait(`document.querySelector('#dlq-list').textContent.includes('The dead-letter queue is empty')`)
	if n := ps.counts(t)[store.Dead]; n != 0 {
		t.Fatalf("%d dead after delete all, want 0", n)
	}
	tb.clean()
}
