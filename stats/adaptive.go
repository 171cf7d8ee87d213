package stats

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/waqhq/waq/store"
	"github.com/waqhq/waq/store/statsdb"
)

// Adaptive allocation (Thompson sampling on replies).
const (
	// AdaptiveFloor is the share of new messages every variant of an
	// adaptive campaign keeps, so a variant that started badly can still
	// show it was unlucky.
	AdaptiveFloor = 0.05
	// AdaptiveDraws is how many draws from the posteriors estimate each
	// variant's probability of being the best.
	AdaptiveDraws = 4000
)

// Rebalance sets the weights of every adaptive campaign to the
// probability that each variant has the best reply rate, under a
// Beta(1 + replied, 1 + sent − replied) posterior per variant over all its
// history, estimated with AdaptiveDraws draws from rng, each weight at
// least AdaptiveFloor; a change is recorded in the campaign's weight
// changes. It returns the store's errors.
func (r *Reader) Rebalance(rng *rand.Rand) error {
	set, err := r.configured()
	if err != nil {
		return err
	}
	for name, c := range set {
		if c.Allocation != AllocationAdaptive || len(c.Variants) < 2 {
			continue
		}
		if err := r.rebalance(name, c.Variants, rng); err != nil {
			return fmt.Errorf("rebalance %s: %w", name, err)
		}
	}
	return nil
}

// rebalance computes the new weights of one campaign and stores them,
// re-reading the campaign inside the write so a PUT in between wins.
func (r *Reader) rebalance(name string, vs []store.Variant, rng *rand.Rand) error {
	now := r.now()
	post, err := r.replies(name, vs, now)
	if err != nil {
		return err
	}
	w := thompson(post, rng)
	return statsdb.Update(r.st, func(tx statsdb.Tx) error {
		var c Campaign
		v := tx.Get(statsdb.Campaigns, []byte(name))
		if v == nil {
			return nil
		}
		if err := json.Unmarshal(v, &c); err != nil {
			return err
		}
		if c.Allocation != AllocationAdaptive || len(c.Variants) != len(w) {
			return nil
		}
		for i := range c.Variants {
			c.Variants[i].Weight = w[i]
		}
		c.WeightChanges = withChange(c.WeightChanges, c.Variants, now, AllocationAdaptive)
		b, err := json.Marshal(c)
		if err != nil {
			return err
		}
		return tx.Put(statsdb.Campaigns, []byte(name), b)
	})
}

// replies returns each variant's replies out of its sends over all its
// history up to now.
func (r *Reader) replies(name string, vs []store.Variant, now time.Time) ([]proportion, error) {
	post := make([]proportion, len(vs))
	for i, v := range vs {
		c, err := r.Total(DimCampaignVariant(name, v.Name), epoch, now.Add(time.Minute))
		if err != nil {
			return nil, err
		}
		post[i] = proportion{min(c.Replied, c.Sent), c.Sent}
	}
	return post, nil
}

// thompson returns, in percent rounded to 0.1, the share of draws in which
// each variant's posterior draw is the highest, lifted to AdaptiveFloor:
// w = floor + (1 − k·floor)·share.
func thompson(post []proportion, rng *rand.Rand) []float64 {
	wins := make([]int, len(post))
	for range AdaptiveDraws {
		best, top := 0, -1.0
		for i, p := range post {
			if x := beta(rng, float64(1+p.x), float64(1+p.n-p.x)); x > top {
				best, top = i, x
			}
		}
		wins[best]++
	}
	w := make([]float64, len(post))
	k := float64(len(post))
	for i, n := range wins {
		share := float64(n) / AdaptiveDraws
		w[i] = round(100*(AdaptiveFloor+(1-k*AdaptiveFloor)*share), 1)
	}
	return w
}

// beta draws from Beta(a, b) as X/(X+Y) of two gamma draws.
func beta(rng *rand.Rand, a, b float64) float64 {
	x := gamma(rng, a)
	return x / (x + gamma(rng, b))
}

// gamma draws from Gamma(shape, 1) for shape ≥ 1 (Marsaglia and Tsang's
// method; the shapes here are 1 + a count).
func gamma(rng *rand.Rand, shape float64) float64 {
	d := shape - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := rng.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := rng.Float64()
		if u < 1-0.0331*x*x*x*x || math.Log(u) < 0.5*x*x+d*(1-v+math.Log(v)) {
			return d * v
		}
	}
}
