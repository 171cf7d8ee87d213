package store

import (
	"fmt"
	"time"
)

// SendAtBest is the send_at of a message to be sent at the hour its
// contact most likely reads and replies (docs/stats.md).
const SendAtBest = "best"

// How far ahead send_at "best" looks: within, when the draft gives one,
// from an hour (less is no choice) to a week (every weekday and hour).
const (
	WithinDefault = 24 * time.Hour
	WithinMin     = time.Hour
	WithinMax     = 7 * 24 * time.Hour
)

// BestHourFunc returns the best time in [from, from+within) to send to
// contact a message of campaign (may be empty), and a note for the
// message's history that says why. Package stats implements it; store
// declares it because it must not import stats.
type BestHourFunc func(contact, campaign string, from time.Time, within time.Duration) (time.Time, string, error)

// best sets m's send time for a draft with send_at "best" and its note.
// It returns an EINVALID *Error naming within when it is malformed, out
// of range or given without send_at "best", delay when the draft also
// gives one, and send_at when the Intake has no BestHour; BestHour's
// errors wrapped.
func (in *Intake) best(d *Draft, m *Message) error {
	if d.SendAt != SendAtBest {
		return FieldErrorf("within", `goes only with send_at "best"`)
	}
	if d.Delay != "" {
		return FieldErrorf("delay", `cannot be given with send_at "best"; give one of them`)
	}
	within := WithinDefault
	if d.Within != "" {
		w, err := time.ParseDuration(d.Within)
		if err != nil || w < WithinMin || w > WithinMax {
			return FieldErrorf("within", "must be a duration from 1h to 168h, such as 24h")
		}
		within = w
	}
	if in.BestHour == nil {
		return FieldErrorf("send_at", `"best" needs the analytics, which this server does not keep`)
	}
	now := time.Now
	if in.Now != nil {
		now = in.Now
	}
	at, note, err := in.BestHour(m.To, m.Campaign, now(), within)
	if err != nil {
		return fmt.Errorf("send_at best: %w", err)
	}
	m.SendAt, m.firstNote = &at, note
	return nil
}
