package sender

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/waqhq/waq/store"
)

// Rate is at most Count sends in any sliding window of length Window.
type Rate struct {
	Count  int
	Window time.Duration
}

// ParseRate reads a rate written COUNT/WINDOW, such as "80/1m", "10/2s",
// "1000/1h" or "5/500ms": a count of at least 1 and a Go duration above zero.
// It returns an EINVALID *store.Error for field "rate" that shows the format.
func ParseRate(s string) (Rate, error) {
	bad := func(why string) (Rate, error) {
		return Rate{}, store.FieldErrorf("rate", "%q %s; write COUNT/WINDOW such as 80/1m, 10/2s or 1000/1h", s, why)
	}
	cs, ws, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok {
		return bad("has no slash")
	}
	n, err := strconv.Atoi(strings.TrimSpace(cs))
	if err != nil || n < 1 {
		return bad("needs a whole count of at least 1")
	}
	w, err := time.ParseDuration(strings.TrimSpace(ws))
	if err != nil || w <= 0 {
		return bad("needs a window above zero with a unit (ms, s, m, h)")
	}
	return Rate{Count: n, Window: w}, nil
}

// String writes r the way ParseRate reads it, with the largest whole unit:
// "80/1m" rather than "80/1m0s".
func (r Rate) String() string {
	return strconv.Itoa(r.Count) + "/" + formatWindow(r.Window)
}

func formatWindow(d time.Duration) string {
	units := []struct {
		d    time.Duration
		name string
	}{{time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}, {time.Millisecond, "ms"}}
	for _, u := range units {
		if d > 0 && d%u.d == 0 {
			return fmt.Sprintf("%d%s", d/u.d, u.name)
		}
	}
	return d.String()
}

// Validate returns an EINVALID *store.Error when r cannot limit anything.
func (r Rate) Validate() error {
	if r.Count < 1 || r.Window <= 0 {
		return store.FieldErrorf("rate", "%d per %s is not a rate; the count must be at least 1 and the window above zero, such as 80/1m", r.Count, r.Window)
	}
	return nil
}
