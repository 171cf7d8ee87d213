package stats

import (
	"time"
)

// Experiment is what a campaign with variants adds to its figures: each
// variant's counts and rates with their comparison to the best, the
// winner on the reply rate (null until the sample allows, see judge) and
// the sends still needed before one can be named.
type Experiment struct {
	Allocation    string         `json:"allocation"`
	Variants      []VariantStats `json:"variants"`
	Winner        *string        `json:"winner"`
	Needed        uint64         `json:"needed"`
	WeightChanges []WeightChange `json:"weight_changes,omitempty"`
}

// VariantStats is one variant of a campaign over a range. Rates are
// fractions of sent; VsBest compares each rate with the best variant's
// (see Comparison), and is empty while either has sent nothing. Weight is
// its share of new messages now, in percent.
type VariantStats struct {
	Name           string                `json:"name"`
	Weight         float64               `json:"weight"`
	Sent           uint64                `json:"sent"`
	Delivered      uint64                `json:"delivered"`
	Read           uint64                `json:"read"`
	Replied        uint64                `json:"replied"`
	Conversions    uint64                `json:"conversions"`
	Revenue        float64               `json:"revenue"`
	ReadRate       float64               `json:"read_rate"`
	ReplyRate      float64               `json:"reply_rate"`
	ConversionRate float64               `json:"conversion_rate"`
	VsBest         map[string]Comparison `json:"vs_best"`
}

// experiment returns the variants' figures of a campaign over [from, to),
// nil when it has none. Variants ignore the instance filter: they are
// counted by campaign only. It returns the store's errors.
func (r *Reader) experiment(set *Campaign, currency string, from, to time.Time) (*Experiment, error) {
	if len(set.Variants) == 0 {
		return nil, nil
	}
	e := &Experiment{Allocation: set.Allocation, WeightChanges: set.WeightChanges}
	if e.Allocation == "" {
		e.Allocation = AllocationFixed
	}
	w := percentages(set.Variants)
	for _, v := range set.Variants {
		c, err := r.Total(DimCampaignVariant(set.Name, v.Name), from, to)
		if err != nil {
			return nil, err
		}
		conv := c.Leads + c.QualifiedLeads + c.Appointments + c.Sales
		e.Variants = append(e.Variants, VariantStats{Name: v.Name, Weight: w[v.Name],
			Sent: c.Sent, Delivered: c.Delivered, Read: c.Read, Replied: c.Replied, Conversions: conv,
			Revenue: money(c.Value[currency]), ReadRate: rate(c.Read, c.Sent), ReplyRate: rate(c.Replied, c.Sent),
			ConversionRate: rate(conv, c.Sent), VsBest: map[string]Comparison{}})
	}
	e.judge()
	return e, nil
}

// compared are the rates a variant is compared on, with their successes.
var compared = []struct {
	name string
	x    func(v *VariantStats) uint64
}{
	{"reply_rate", func(v *VariantStats) uint64 { return v.Replied }},
	{"read_rate", func(v *VariantStats) uint64 { return v.Read }},
	{"conversion_rate", func(v *VariantStats) uint64 { return v.Conversions }},
}

// judge fills every variant's comparisons, then names the winner on the
// reply rate (see decide).
func (e *Experiment) judge() {
	for _, m := range compared {
		best, second := ranks(e.Variants, m.x)
		for i := range e.Variants {
			other := best
			if i == best {
				other = second
			}
			if other < 0 {
				continue
			}
			a, b := &e.Variants[i], &e.Variants[other]
			if c, ok := compare(proportion{m.x(a), a.Sent}, proportion{m.x(b), b.Sent}); ok {
				a.VsBest[m.name] = c
			}
		}
	}
	e.decide()
}

// decide names the best reply rate the winner once every variant in play
// (a weight above 0, or sends) has sent the sample size of the best and
// the runner-up's rates, and the best's 95 % interval against each other
// lies above 0. Needed is the sends still missing to that sample, summed
// over the variants in play.
func (e *Experiment) decide() {
	in := make([]int, 0, len(e.Variants))
	for i, v := range e.Variants {
		if v.Weight > 0 || v.Sent > 0 {
			in = append(in, i)
		}
	}
	if len(in) < 2 {
		return
	}
	best, second := ranks(e.Variants, compared[0].x)
	n := sampleSize(e.Variants[best].ReplyRate, e.Variants[second].ReplyRate)
	clear := true
	for _, i := range in {
		v := &e.Variants[i]
		if v.Sent < n {
			e.Needed += n - v.Sent
		}
		if c, ok := v.VsBest["reply_rate"]; i != best && (!ok || c.High >= 0) {
			clear = false
		}
	}
	if e.Needed == 0 && clear {
		e.Winner = &e.Variants[best].Name
	}
}

// ranks returns the variant with the highest rate of x and the runner-up
// (-1 when there is one variant), the first on a tie. Rates are exact
// fractions here, not the rounded ones of the answer.
func ranks(vs []VariantStats, x func(*VariantStats) uint64) (best, second int) {
	best, second = 0, -1
	r := func(i int) float64 { return proportion{x(&vs[i]), vs[i].Sent}.rate() }
	for i := 1; i < len(vs); i++ {
		switch {
		case r(i) > r(best):
			best, second = i, best
		case second < 0 || r(i) > r(second):
			second = i
		}
	}
	return best, second
}

// experiment adds the variant rows of a campaign to the CSV, on the
// campaign's name: "variants.B.reply_rate" (the variant by name rather
// than by its index in the JSON array), "variants.B.vs_best.reply_rate.low",
// then "winner" (empty while there is none) and "needed".
func (t *csvTable) experiment(name string, e *Experiment) {
	const s = "campaigns"
	for i := range e.Variants {
		v := &e.Variants[i]
		p := "variants." + v.Name + "."
		t.f(s, name, p+"weight", v.Weight)
		t.n(s, name, p+"sent", v.Sent)
		t.n(s, name, p+"delivered", v.Delivered)
		t.n(s, name, p+"read", v.Read)
		t.n(s, name, p+"replied", v.Replied)
		t.n(s, name, p+"conversions", v.Conversions)
		t.f(s, name, p+"revenue", v.Revenue)
		t.f(s, name, p+"read_rate", v.ReadRate)
		t.f(s, name, p+"reply_rate", v.ReplyRate)
		t.f(s, name, p+"conversion_rate", v.ConversionRate)
		for _, m := range compared {
			if c, ok := v.VsBest[m.name]; ok {
				q := p + "vs_best." + m.name + "."
				t.f(s, name, q+"diff", c.Diff)
				t.f(s, name, q+"low", c.Low)
				t.f(s, name, q+"high", c.High)
				t.f(s, name, q+"p_better", c.PBetter)
			}
		}
	}
	winner := ""
	if e.Winner != nil {
		winner = *e.Winner
	}
	t.add(s, name, "winner", winner)
	t.n(s, name, "needed", e.Needed)
}
