package stats

import (
	"strings"
	"time"

	"github.com/waqhq/waq/store"
)

// DateLayout is the layout of a date parameter: a day in the reports' zone.
const DateLayout = "2006-01-02"

// Periods of a report.
const (
	PeriodDay   = "day"
	PeriodWeek  = "week" // Monday to Monday
	PeriodMonth = "month"
)

// yearMax bounds the times a query takes: a range or period reaching into
// the year 10000 could not be written back in RFC 3339.
const yearMax = 9998

// ParseTime reads the value of parameter field: an RFC 3339 time, or a
// date YYYY-MM-DD meaning its midnight in loc. A "+" of an offset that a
// query string turned into a space is taken back. It returns an EINVALID
// *store.Error naming field, also for a time after the year 9998.
func ParseTime(field, s string, loc *time.Location) (time.Time, error) {
	t, err := time.ParseInLocation(DateLayout, s, loc)
	if err != nil {
		if i := strings.LastIndexByte(s, ' '); i >= 19 {
			s = s[:i] + "+" + s[i+1:]
		}
		t, err = time.Parse(time.RFC3339, s)
	}
	switch {
	case err != nil:
		return time.Time{}, store.FieldErrorf(field, "must be an RFC 3339 time such as 2026-11-26T10:00:00+01:00 or a date such as 2026-11-26")
	case t.UTC().Year() > yearMax:
		return time.Time{}, store.FieldErrorf(field, "must be before the year %d", yearMax+1)
	}
	return t, nil
}

// Range reads the from and to parameters of a query. to defaults to now;
// from to the midnight (in the Reader's zone) that starts the day of to,
// which is today when to is not given. A date means its midnight, so
// from=2026-11-25&to=2026-11-26 is the 25th. It returns an EINVALID
// *store.Error naming the field that is malformed, or "from" when from is
// after to.
func (r *Reader) Range(fromParam, toParam string) (from, to time.Time, err error) {
	to = r.now()
	if toParam != "" {
		if to, err = ParseTime("to", toParam, r.loc); err != nil {
			return from, to, err
		}
	}
	from = Day.Start(to, r.loc)
	if toParam != "" && from.Equal(to) {
		from = Day.Start(to.Add(-time.Nanosecond), r.loc) // to=2026-11-26 alone is the 25th
	}
	if fromParam != "" {
		if from, err = ParseTime("from", fromParam, r.loc); err != nil {
			return from, to, err
		}
	}
	if from.After(to) {
		return from, to, store.FieldErrorf("from", "is after to (%s)", to.In(r.loc).Format(time.RFC3339))
	}
	return from.In(r.loc), to.In(r.loc), nil
}

// Period returns the range of a report: the day, the week (from Monday)
// or the month that holds date (YYYY-MM-DD; today when empty), from its
// first midnight in the Reader's zone to the midnight after it. It returns
// an EINVALID *store.Error naming "period" or "date".
func (r *Reader) Period(period, date string) (from, to time.Time, err error) {
	day := Day.Start(r.now(), r.loc)
	if date != "" {
		d, perr := time.ParseInLocation(DateLayout, date, r.loc)
		if perr != nil || d.Year() > yearMax {
			return from, to, store.FieldErrorf("date", "must be a date such as 2026-11-26")
		}
		day = Day.Start(d, r.loc) // a midnight that DST skips starts at 01:00
	}
	y, m, d := day.Date()
	switch period {
	case PeriodDay:
		return day, time.Date(y, m, d+1, 0, 0, 0, 0, r.loc), nil
	case PeriodWeek:
		back := (int(day.Weekday()) + 6) % 7 // days since Monday
		return time.Date(y, m, d-back, 0, 0, 0, 0, r.loc), time.Date(y, m, d-back+7, 0, 0, 0, 0, r.loc), nil
	case PeriodMonth:
		return time.Date(y, m, 1, 0, 0, 0, 0, r.loc), time.Date(y, m+1, 1, 0, 0, 0, 0, r.loc), nil
	}
	return from, to, store.FieldErrorf("period", "must be day, week or month")
}
