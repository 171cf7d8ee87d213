package ui_test

import (
	"fmt"
	"testing"

	"github.com/waqhq/waq/store"
)

// A list read a page at a time (paging.js): the first 50 rows, Load more
// adds the rest and hides itself, the list's own refresh reads again as
// many rows as it shows (so the oldest leaves when a new one comes and
// Load more is back), and the ticked rows are cancelled together, after
// the confirmation, with a toast that counts them.
func TestPagePagingInChromium(t *testing.T) {
	browser := startChromium(t)
	ps := newPageServer(t, "", true)
	ids := ps.scheduled(t, 60)
	tb := newTab(t, browser, ps.url, func(int64, string) bool { return false })
	tb.open(ps.url + "/#/messages?status=scheduled")
	more := `document.querySelector('#more').hidden`
	tb.wait(rows("#list") + ` === 50 && !` + more)
	tb.click("#more")
	tb.wait(rows("#list") + ` === 60 && ` + more)

	late := ps.scheduled(t, 1)[0]
	row := func(id string) string { return fmt.Sprintf(`document.querySelector('#list tr[data-id="%s"]')`, id) }
	tb.wait(rows("#list") + ` === 60 && ` + row(late) + ` && !` + row(ids[0]) + ` && !` + more)

	tb.click("#sel-msg-all")
	tb.wait(`document.querySelector('#sel-msg-count').textContent === '60 selected'`)
	tb.click(`#sel-msg-bar button[data-bulk="cancel"]`)
	tb.wait(`document.querySelector('#confirm').open && document.querySelector('#confirm-title').textContent === 'Cancel 60 messages?'`)
	tb.click("#confirm-ok")
	tb.wait(`document.querySelector('#toasts').textContent.includes('Cancelled 60 messages')`)
	tb.wait(rows("#list") + ` === 1 && ` + row(ids[0]) + ` && ` + more +
		` && document.querySelector('#sel-msg-count').textContent === 'None selected'`)
	if c := ps.counts(t); c[store.Cancelled] != 60 || c[store.Scheduled] != 1 {
		t.Fatalf("after cancelling the ticked ones: %v", c)
	}
	tb.clean()
}
