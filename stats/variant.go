package stats

import (
	"encoding/json"
	"maps"
	"math"
	"slices"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/waqhq/waq/store"
	"github.com/waqhq/waq/store/statsdb"
)

// Limits and values of a campaign's variants.
const (
	VariantsMax        = 10         // variants one campaign may try
	VariantNameMax     = 32         // characters of a variant's name
	InstancesMax       = 50         // instances one campaign may name
	AllocationFixed    = "fixed"    // the weights stay as set
	AllocationAdaptive = "adaptive" // Rebalance moves them towards the better variant
	WeightChangesMax   = 100        // the latest weight changes a campaign keeps
)

// WeightChange is one change of a campaign's weights: when, the weights
// after it (percentages by variant), and why ("set" by PUT, "adaptive" by
// Rebalance).
type WeightChange struct {
	At      time.Time          `json:"at"`
	Weights map[string]float64 `json:"weights"`
	Reason  string             `json:"reason"`
}

// validateVariants returns an EINVALID *store.Error naming the first
// wrong field of the variants, the allocation or the instances: at most
// VariantsMax variants with distinct names of 1 to VariantNameMax
// printable characters, a finite weight of 0 or more (not all 0), and
// either a text or a template with a name and a language; adaptive
// allocation needs two variants at least.
func (c *Campaign) validateVariants() error {
	switch c.Allocation {
	case "", AllocationFixed, AllocationAdaptive:
	default:
		return store.FieldErrorf("allocation", "must be fixed or adaptive")
	}
	switch {
	case len(c.Variants) > VariantsMax:
		return store.FieldErrorf("variants", "holds %d variants; the most is %d", len(c.Variants), VariantsMax)
	case c.Allocation == AllocationAdaptive && len(c.Variants) < 2:
		return store.FieldErrorf("allocation", "adaptive needs two variants at least")
	case len(c.Instances) > InstancesMax:
		return store.FieldErrorf("instances", "holds %d instances; the most is %d", len(c.Instances), InstancesMax)
	case slices.Contains(c.Instances, ""):
		return store.FieldErrorf("instances", "must not hold an empty name")
	}
	sum := 0.0
	for i := range c.Variants {
		if err := validVariant(&c.Variants[i], c.Variants[:i]); err != nil {
			return err
		}
		sum += c.Variants[i].Weight
	}
	if len(c.Variants) > 0 && sum <= 0 {
		return store.FieldErrorf("variants", "must have a weight above 0 on one variant at least")
	}
	return nil
}

func validVariant(v *store.Variant, before []store.Variant) error {
	switch n := utf8.RuneCountInString(v.Name); {
	case n == 0 || n > VariantNameMax || !utf8.ValidString(v.Name) || slices.ContainsFunc([]rune(v.Name), unicode.IsControl):
		return store.FieldErrorf("variants", "needs names of 1 to %d printable characters", VariantNameMax)
	case slices.ContainsFunc(before, func(o store.Variant) bool { return o.Name == v.Name }):
		return store.FieldErrorf("variants", "names %q twice", v.Name)
	case v.Weight < 0 || math.IsNaN(v.Weight) || math.IsInf(v.Weight, 0):
		return store.FieldErrorf("variants", "variant %q needs a weight of 0 or more", v.Name)
	case (v.Text == "") == (v.Template == nil):
		return store.FieldErrorf("variants", "variant %q needs a text or a template, one of them", v.Name)
	case v.Template != nil && (v.Template.Name == "" || v.Template.Language == ""):
		return store.FieldErrorf("variants", "variant %q needs a template with a name and a language", v.Name)
	}
	return nil
}

// percentages returns the weights of vs as percentages of their sum,
// rounded to 0.1.
func percentages(vs []store.Variant) map[string]float64 {
	sum := 0.0
	for _, v := range vs {
		sum += v.Weight
	}
	out := make(map[string]float64, len(vs))
	for _, v := range vs {
		out[v.Name] = round(100*v.Weight/sum, 1)
	}
	return out
}

// Variants returns the variants of a campaign with their current weights,
// none when it has no settings: the store's Intake asks it for every new
// message of a campaign (store.VariantsFunc). It returns the store's errors.
func (r *Reader) Variants(campaign string) ([]store.Variant, error) {
	var vs []store.Variant
	err := statsdb.View(r.st, func(tx statsdb.Tx) error {
		v := tx.Get(statsdb.Campaigns, []byte(campaign))
		if v == nil {
			return nil
		}
		var c Campaign
		if err := json.Unmarshal(v, &c); err != nil {
			return err
		}
		vs = c.Variants
		return nil
	})
	return vs, err
}

// withChange returns the weight changes cs with the weights of vs added
// at at, unless they are the latest already; the oldest beyond
// WeightChangesMax are dropped.
func withChange(cs []WeightChange, vs []store.Variant, at time.Time, reason string) []WeightChange {
	if len(vs) == 0 {
		return cs
	}
	w := percentages(vs)
	if n := len(cs); n > 0 && maps.Equal(cs[n-1].Weights, w) {
		return cs
	}
	cs = append(cs, WeightChange{At: at.UTC(), Weights: w, Reason: reason})
	if n := len(cs); n > WeightChangesMax {
		cs = slices.Clone(cs[n-WeightChangesMax:])
	}
	return cs
}

// variantOf is the variant a conversion is credited to: the event's own,
// else the one of the latest message of its campaign the contact was sent
// inside the reply window, else none. t.mu must be held and the contact's
// state loaded.
func (t *Tracker) variantOf(e *ClientEvent) string {
	s := t.contacts[e.Contact]
	if e.Variant != "" || e.Campaign == "" || s == nil {
		return e.Variant
	}
	var at int64 = -1
	v := ""
	for _, c := range s.Sends {
		if c.Campaign == e.Campaign && c.At >= at {
			at, v = c.At, c.Variant
		}
	}
	return v
}
