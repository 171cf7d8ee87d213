package fleet

import (
	"errors"
	"testing"
	"time"

	"github.com/waqhq/waq/store"
)

// The OnCall hook sees the calling instance as tried_by on a copy of the
// message, and a successful call makes the contact sticky to it.
func TestOnCallNamesTheCaller(t *testing.T) {
	f := func(err error, sticky bool) {
		t.Helper()
		r := &Runner{sticky: map[string]stick{}}
		m := &store.Message{ID: "m1", To: "+34600111222", TriedBy: "sales-1"}
		var seen *store.Message
		r.onCall("support", func(c *store.Message, _ time.Duration, _ error) { seen = c })(m, time.Millisecond, err)
		if seen == nil || seen.TriedBy != "support" || m.TriedBy != "sales-1" {
			t.Fatalf("hook saw %+v; the sender's message has tried_by %q", seen, m.TriedBy)
		}
		if _, ok := r.sticky[m.To]; ok != sticky {
			t.Fatalf("err %v: sticky %v, want %v", err, ok, sticky)
		}
	}
	f(nil, true)
	f(errors.New("timeout"), false)
}
