package stats

import (
	"fmt"
	"sync"
	"time"
)

// Defaults and minimums of the best hour to send (docs/stats.md says why).
const (
	// ContactEventsMin is the reads and replies a contact's own history
	// needs before it decides alone: with fewer, one read at an odd hour
	// would be a fifth of it.
	ContactEventsMin = 5
	// CampaignEventsMin is the reads and replies of a campaign's contacts
	// that decide for a contact with too little history of its own.
	CampaignEventsMin = 20
	// BestLookbackDefault is how far back the campaign's and everyone's
	// history is read: eight weeks, eight samples of every cell.
	BestLookbackDefault = 8 * 7 * 24 * time.Hour
	// bestCacheTTL is how long the campaign's and everyone's grids are
	// reused, so that a bulk of a thousand messages reads them once.
	bestCacheTTL = 10 * time.Minute
)

// SendWindow is the sender's send window (sender.Window): when campaign
// and low-priority messages may go out.
type SendWindow interface {
	Open(t time.Time) bool
	Next(t time.Time) time.Time
	String() string
}

// Best chooses the hour to send a message whose send_at is "best" (see
// Hour). It is safe for concurrent use.
type Best struct {
	Reader   *Reader       // required: the history, and the zone of the cells
	Window   SendWindow    // the instance's send window; nil for any hour
	Lookback time.Duration // BestLookbackDefault when 0

	mu    sync.Mutex
	cache map[string]cachedGrid // by dimension
}

type cachedGrid struct {
	at time.Time
	g  *grid
}

// Hour returns the time in [from, from+within) with the highest read and
// reply propensity that lies inside the send window, and a note that says
// why, for the message's history. The history is the contact's when it
// has ContactEventsMin reads and replies, else the campaign's when it has
// CampaignEventsMin, else everyone's; ties go to the earliest hour. When
// the window does not open within the search, it returns the window's
// next opening. It returns the store's errors.
func (b *Best) Hour(contact, campaign string, from time.Time, within time.Duration) (time.Time, string, error) {
	g, source, err := b.history(contact, campaign, from)
	if err != nil {
		return time.Time{}, "", fmt.Errorf("best hour: %w", err)
	}
	p, events := g.propensity(), g.events()
	at, ok := b.pick(&p, from, within)
	loc := b.Reader.loc
	if !ok && b.Window == nil {
		at, ok = from, true // only for within <= 0, which intake refuses
	}
	if !ok {
		at = b.Window.Next(from)
		return at, fmt.Sprintf("best hour: the send window %s does not open within %s; sent at its opening %s",
			b.Window, within, at.In(loc).Format("Mon 15:04 MST")), nil
	}
	return at, b.note(at, &p, source, events, within), nil
}

// note says why at was chosen.
func (b *Best) note(at time.Time, p *[cellsN]float64, source string, events uint64, within time.Duration) string {
	loc := b.Reader.loc
	win := ""
	if b.Window != nil {
		win = ", inside the send window " + b.Window.String()
	}
	if events == 0 {
		return fmt.Sprintf("best hour: no reads or replies yet; the first hour within %s%s: %s",
			within, win, at.In(loc).Format("Mon 15:04 MST"))
	}
	return fmt.Sprintf("best hour: %s, propensity %.1f%% of the week by %s (%d reads and replies), searched %s%s",
		at.In(loc).Format("Mon 15:04 MST"), 100*p[cellOf(at, loc)], source, events, within, win)
}

// history returns the grid that decides and names it.
func (b *Best) history(contact, campaign string, now time.Time) (*grid, string, error) {
	g, err := b.Reader.contactGrid(contact)
	if err != nil || g.events() >= ContactEventsMin {
		return g, "the contact's history", err
	}
	if campaign != "" {
		g, err := b.group(DimCampaign(campaign), now)
		if err != nil || g.events() >= CampaignEventsMin {
			return g, "the history of campaign " + campaign, err
		}
	}
	g, err = b.group(DimAll, now)
	return g, "the history of all contacts", err
}

// group returns the grid of dim over the lookback before now, cached.
func (b *Best) group(dim string, now time.Time) (*grid, error) {
	b.mu.Lock()
	c, ok := b.cache[dim]
	b.mu.Unlock()
	if ok && now.Sub(c.at) < bestCacheTTL && !now.Before(c.at) {
		return c.g, nil
	}
	g, err := b.Reader.grid(dim, now.Add(-orDefault(b.Lookback, BestLookbackDefault)), now)
	if err != nil {
		return nil, err
	}
	b.mu.Lock()
	if b.cache == nil {
		b.cache = make(map[string]cachedGrid)
	}
	b.cache[dim] = cachedGrid{now, g}
	b.mu.Unlock()
	return g, nil
}

// propensity is the share of the week's reads and replies each cell has,
// shrunk towards its hour of the day and towards the mean so that a
// sparse history still ranks the hours of days it has not seen:
//
//	p(d,h) = (E(d,h) + H(h)/7 + E/168) / 3E
//
// where E(d,h) counts the reads and replies of weekday d at hour h, H(h)
// those of hour h on any day and E all of them. The three terms each sum
// to E over the week, so p sums to 1. An empty grid gives 1/168 to all.
func (g *grid) propensity() [cellsN]float64 {
	var p [cellsN]float64
	var byHour [24]float64
	e := float64(g.events())
	if e == 0 {
		for i := range p {
			p[i] = 1.0 / cellsN
		}
		return p
	}
	for i := range g {
		byHour[i%24] += float64(g[i].read + g[i].replied)
	}
	for i := range g {
		p[i] = (float64(g[i].read+g[i].replied) + byHour[i%24]/7 + e/cellsN) / (3 * e)
	}
	return p
}

// pick returns the best moment in [from, from+within): from itself for its
// own hour, else an hour's start, or the window's opening inside that
// hour. ok is false when the window is closed throughout.
func (b *Best) pick(p *[cellsN]float64, from time.Time, within time.Duration) (best time.Time, ok bool) {
	loc, end := b.Reader.loc, from.Add(within)
	lf := from.In(loc)
	score := -1.0
	for h := time.Date(lf.Year(), lf.Month(), lf.Day(), lf.Hour(), 0, 0, 0, loc); h.Before(end); h = h.Add(time.Hour) {
		at := later(h, from)
		if b.Window != nil && !b.Window.Open(at) {
			at = b.Window.Next(at)
			if !at.Before(h.Add(time.Hour)) || !at.Before(end) {
				continue
			}
		}
		if s := p[cellOf(at, loc)]; s > score {
			best, score = at, s
		}
	}
	return best, score >= 0
}
