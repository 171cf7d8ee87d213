package stats

import "math"

// The two-proportion test behind a campaign's winner (docs/stats.md says
// why these values).
const (
	zInterval = 1.959964 // two-sided 95 %: Φ⁻¹(0.975)
	zPower    = 0.841621 // 80 % power: Φ⁻¹(0.80)
	// MinSample is the fewest sends every variant needs before one is
	// named the winner, whatever the power sum says: below it the normal
	// approximation of a rate near 5 % does not hold (n·p < 5).
	MinSample = 100
	// MinLift is the smallest difference worth a winner, relative to the
	// runner-up's rate: the power sum aims at it when the observed
	// difference is smaller, so a tie does not ask for millions of sends.
	MinLift = 0.10
)

// Comparison is one rate of a variant against the best variant's: the
// difference (this − best), its 95 % interval, and the probability that
// this variant's true rate is the higher one. The best variant itself is
// compared with the runner-up.
type Comparison struct {
	Diff    float64 `json:"diff"`
	Low     float64 `json:"low"`
	High    float64 `json:"high"`
	PBetter float64 `json:"p_better"`
}

// proportion is x successes out of n tries.
type proportion struct{ x, n uint64 }

func (p proportion) rate() float64 {
	if p.n == 0 {
		return 0
	}
	return float64(p.x) / float64(p.n)
}

// variance is p(1−p)/n, the squared standard error of the rate.
func (p proportion) variance() float64 {
	r := p.rate()
	return r * (1 - r) / float64(p.n)
}

// compare returns a against b: diff = p_a − p_b with the unpooled
// (Wald) standard error se = √(p_a(1−p_a)/n_a + p_b(1−p_b)/n_b), the
// interval diff ± 1.96·se, and p_better = Φ(diff/se), the posterior
// probability that a's rate is the higher under flat priors in the normal
// approximation. ok is false when either has no tries.
func compare(a, b proportion) (c Comparison, ok bool) {
	if a.n == 0 || b.n == 0 {
		return Comparison{}, false
	}
	diff := a.rate() - b.rate()
	se := math.Sqrt(a.variance() + b.variance())
	c = Comparison{Diff: round(diff, 4), Low: round(diff-zInterval*se, 4), High: round(diff+zInterval*se, 4)}
	switch {
	case se > 0:
		c.PBetter = round(phi(diff/se), 4)
	case diff > 0:
		c.PBetter = 1
	case diff < 0:
		c.PBetter = 0
	default:
		c.PBetter = 0.5
	}
	return c, true
}

// phi is the standard normal distribution function.
func phi(z float64) float64 { return 0.5 * math.Erfc(-z/math.Sqrt2) }

// sampleSize is the sends each of two variants needs for a two-sided 5 %
// test to find, with 80 % power, the difference between rates p1 and p2:
// n = (z_{.975} + z_{.80})² · (p1(1−p1) + p2(1−p2)) / δ², where δ is
// |p1 − p2| but at least MinLift·p2 (p2 the runner-up), and never below
// MinSample.
func sampleSize(p1, p2 float64) uint64 {
	delta := max(math.Abs(p1-p2), MinLift*p2)
	v := p1*(1-p1) + p2*(1-p2)
	if delta == 0 || v == 0 {
		return MinSample
	}
	n := math.Ceil((zInterval + zPower) * (zInterval + zPower) * v / (delta * delta))
	return max(uint64(n), MinSample)
}
