package stats

import (
	"fmt"
	"time"

	"github.com/waqhq/waq/store/statsdb"
)

// ActiveLookback is how far before the end of a range "active" looks for
// the starts and ends of the conversations open at that end. A conversation
// lasts as long as its messages come less than ConversationGap apart, so
// one open for longer than this is missed, and the drift of a start or end
// a client reported twice fades after it.
const ActiveLookback = 30 * 24 * time.Hour

// active returns dim's conversations open at the end of a range, to, or
// now while the range is still running: those started in the
// ActiveLookback before it less those ended there, never below 0. It
// returns the errors of Total.
func (r *Reader) active(dim string, to time.Time) (uint64, error) {
	end := earlier(to, r.now())
	c, err := r.Total(dim, end.Add(-ActiveLookback), end)
	if err != nil {
		return 0, err
	}
	return c.ConversationsStarted - min(c.ConversationsEnded, c.ConversationsStarted), nil
}

// lastMinute returns dim's sends over the minute before the end of a range
// (to, or now while the range is still running), per minute. The counters
// are per minute, so when that end falls inside a minute it is that
// minute's sends so far plus the share of the minute before that the last
// 60 seconds still cover; on a minute's start, the minute before it. It
// returns the store's errors, and a stats error for a corrupt record.
func (r *Reader) lastMinute(dim string, to time.Time) (float64, error) {
	end := earlier(to, r.now())
	cur := Minute.Start(end, time.UTC)
	prev := cur.Add(-time.Minute)
	var now, before Counters
	err := statsdb.View(r.st, func(tx statsdb.Tx) error {
		if err := readMinute(tx, prev, dim, &before); err != nil {
			return err
		}
		if cur.Equal(end) {
			return nil // the minute starting at end is outside the range
		}
		return readMinute(tx, cur, dim, &now)
	})
	if err != nil {
		return 0, err
	}
	share := 1 - end.Sub(cur).Minutes()
	return round(float64(now.Sent)+float64(before.Sent)*share, 4), nil
}

func readMinute(tx statsdb.Tx, start time.Time, dim string, c *Counters) error {
	v := tx.Get(Minute.bucket(), recordKey(start, dim))
	if v == nil {
		return nil
	}
	if err := c.Unmarshal(v); err != nil {
		return fmt.Errorf("minute record %s: %w", start.Format(time.RFC3339), err)
	}
	return nil
}
