package stats

import (
	"errors"
	"time"

	"github.com/waqhq/waq/store"
)

// CampaignStats returns one campaign's figures over [from, to), of one
// instance when instance is not empty (see Total for the range). A
// campaign without settings costs nothing; its currency is the one of its
// largest conversion value. It returns the store's errors.
func (r *Reader) CampaignStats(name, instance string, from, to time.Time) (CampaignStats, error) {
	set, err := r.Campaign(name)
	if err != nil && !isNotFound(err) {
		return CampaignStats{}, err
	}
	set.Name = name
	c, err := r.Total(Filter(name, instance), from, to)
	if err != nil {
		return CampaignStats{}, err
	}
	cs := campaignStats(&c, set)
	cs.Experiment, err = r.experiment(&set, cs.Currency, from, to)
	return cs, err
}

// AllCampaignStats returns the figures of every campaign that Campaigns
// lists for [from, to), sorted by name, of one instance when instance is
// not empty. It returns the store's errors.
func (r *Reader) AllCampaignStats(instance string, from, to time.Time) ([]CampaignStats, error) {
	names, err := r.Campaigns(from, to)
	if err != nil {
		return nil, err
	}
	set, err := r.configured()
	if err != nil {
		return nil, err
	}
	out := make([]CampaignStats, 0, len(names))
	for _, n := range names {
		c, err := r.Total(Filter(n, instance), from, to)
		if err != nil {
			return nil, err
		}
		s := set[n]
		s.Name = n
		cs := campaignStats(&c, s)
		if cs.Experiment, err = r.experiment(&s, cs.Currency, from, to); err != nil {
			return nil, err
		}
		out = append(out, cs)
	}
	return out, nil
}

func campaignStats(c *Counters, set Campaign) CampaignStats {
	cs := CampaignStats{Name: set.Name, Sent: c.Sent, Delivered: c.Delivered, Read: c.Read,
		Replied: c.Replied, Failed: c.Failed,
		Conversions: c.Leads + c.QualifiedLeads + c.Appointments + c.Sales,
		Currency:    set.Currency, EngagementRate: rate(c.Replied, c.Sent)}
	if cs.Currency == "" {
		cs.Currency = largest(c.Value)
	}
	cost := set.CostPerMessage*float64(c.Sent) + set.FixedCost
	revenue := c.Value[cs.Currency]
	cs.Cost, cs.Revenue = money(cost), money(revenue)
	if cost > 0 {
		cs.ROI = round((revenue-cost)/cost, 4)
	}
	return cs
}

// largest returns the currency of the largest value, the first by name on
// a tie, "" for none.
func largest(v map[string]float64) string {
	best := ""
	for cur, x := range v {
		if best == "" || x > v[best] || x == v[best] && cur < best {
			best = cur
		}
	}
	return best
}

func isNotFound(err error) bool {
	var e *store.Error
	return errors.As(err, &e) && e.Code == store.ENOTFOUND
}
