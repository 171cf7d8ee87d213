package sender

import (
	"fmt"
	"strings"
	"time"
)

// Window is the time of day campaign and low-priority messages may go out,
// in a time zone: "09:00-21:00" in Europe/Madrid. A window whose end comes
// before its start runs over midnight ("21:00-08:00").
type Window struct {
	From, To int // minutes since midnight
	Loc      *time.Location
}

// ParseWindow parses "HH:MM-HH:MM" in loc (UTC when nil). It returns an error
// that says what to write for anything else, or for an empty window.
func ParseWindow(s string, loc *time.Location) (*Window, error) {
	if loc == nil {
		loc = time.UTC
	}
	from, to, ok := strings.Cut(strings.TrimSpace(s), "-")
	w := &Window{Loc: loc}
	var err1, err2 error
	w.From, err1 = clockMinutes(from)
	w.To, err2 = clockMinutes(to)
	if !ok || err1 != nil || err2 != nil {
		return nil, fmt.Errorf("send window %q: write it as HH:MM-HH:MM, such as 09:00-21:00", s)
	}
	if w.From == w.To {
		return nil, fmt.Errorf("send window %q: it opens and closes at the same time; leave it empty to send at any hour", s)
	}
	return w, nil
}

func clockMinutes(s string) (int, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		return 0, err
	}
	return t.Hour()*60 + t.Minute(), nil
}

func (w *Window) String() string {
	return fmt.Sprintf("%02d:%02d-%02d:%02d %s", w.From/60, w.From%60, w.To/60, w.To%60, w.Loc)
}

// Open reports whether t falls inside the window.
func (w *Window) Open(t time.Time) bool {
	t = t.In(w.Loc)
	m := t.Hour()*60 + t.Minute()
	if w.From < w.To {
		return m >= w.From && m < w.To
	}
	return m >= w.From || m < w.To
}

// Next returns t when the window is open, else the moment it next opens.
// Opening times are wall-clock times of w.Loc, so they hold across a
// daylight-saving change.
func (w *Window) Next(t time.Time) time.Time {
	if w.Open(t) {
		return t
	}
	l := t.In(w.Loc)
	for d := 0; d < 3; d++ {
		at := time.Date(l.Year(), l.Month(), l.Day()+d, w.From/60, w.From%60, 0, 0, w.Loc)
		if at.After(t) {
			return at
		}
	}
	return t.Add(24 * time.Hour) // not reached: an opening comes within two days
}
