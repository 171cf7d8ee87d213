package stats

import (
	"bytes"
	"encoding/json"
	"maps"
	"math"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/waqhq/waq/store"
	"github.com/waqhq/waq/store/statsdb"
)

// CampaignNameMax is the longest campaign name, in characters.
const CampaignNameMax = 100

// Campaign is what a campaign costs and the variants it tries, set by
// PUT /v1/campaigns/{name} (see variant.go).
type Campaign struct {
	Name           string          `json:"name"`
	CostPerMessage float64         `json:"cost_per_message"`     // per message sent
	FixedCost      float64         `json:"fixed_cost"`           // counted whole in every range
	Currency       string          `json:"currency"`             // ISO 4217, "EUR"
	Variants       []store.Variant `json:"variants,omitempty"`   // their current weights
	Allocation     string          `json:"allocation,omitempty"` // AllocationFixed (when empty) or AllocationAdaptive
	Instances      []string        `json:"instances,omitempty"`  // the instances its unpinned messages may go through; all when empty
	WeightChanges  []WeightChange  `json:"weight_changes,omitempty"`
}

// CampaignStats is one campaign over a range, as GET /v1/stats/campaigns
// lists it. Cost is CostPerMessage × sent + FixedCost; Revenue is the
// conversions' value in Currency; ROI is (revenue − cost)/cost and
// EngagementRate replied/sent, each 0 when its divisor is.
type CampaignStats struct {
	Name           string  `json:"name"`
	Sent           uint64  `json:"sent"`
	Delivered      uint64  `json:"delivered"`
	Read           uint64  `json:"read"`
	Replied        uint64  `json:"replied"`
	Failed         uint64  `json:"failed"`
	Conversions    uint64  `json:"conversions"` // leads, qualified leads, appointments and sales
	Cost           float64 `json:"cost"`
	Revenue        float64 `json:"revenue"`
	Currency       string  `json:"currency"`
	ROI            float64 `json:"roi"`
	EngagementRate float64 `json:"engagement_rate"`
	*Experiment            // a campaign with variants: their figures and the winner; absent otherwise
}

// Validate returns an EINVALID *store.Error naming the first wrong field:
// a name of 1 to CampaignNameMax printable characters, costs that are
// finite and not negative, a currency of three upper-case letters
// (required with a cost; a campaign of variants alone may leave it out).
func (c *Campaign) Validate() error {
	switch n := utf8.RuneCountInString(c.Name); {
	case n == 0 || n > CampaignNameMax:
		return store.FieldErrorf("name", "must be 1 to %d characters", CampaignNameMax)
	case !utf8.ValidString(c.Name) || slices.ContainsFunc([]rune(c.Name), unicode.IsControl):
		return store.FieldErrorf("name", "must be valid UTF-8 without control characters")
	case c.CostPerMessage < 0 || math.IsInf(c.CostPerMessage, 0) || math.IsNaN(c.CostPerMessage):
		return store.FieldErrorf("cost_per_message", "must be a number, 0 or more")
	case c.FixedCost < 0 || math.IsInf(c.FixedCost, 0) || math.IsNaN(c.FixedCost):
		return store.FieldErrorf("fixed_cost", "must be a number, 0 or more")
	case (c.Currency != "" || c.CostPerMessage > 0 || c.FixedCost > 0) && !isCurrency(c.Currency):
		return store.FieldErrorf("currency", "must be a 3-letter upper-case ISO 4217 code such as EUR")
	}
	return c.validateVariants()
}

func isCurrency(s string) bool {
	return len(s) == 3 && !slices.ContainsFunc([]byte(s), func(b byte) bool { return b < 'A' || b > 'Z' })
}

// SetCampaign validates and stores c, replacing its earlier settings but
// keeping their weight changes, to which it adds its own weights when they
// differ (see withChange). It returns the EINVALID *store.Error of
// Validate and the store's errors.
func (r *Reader) SetCampaign(c Campaign) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return statsdb.Update(r.st, func(tx statsdb.Tx) error {
		var old Campaign
		if v := tx.Get(statsdb.Campaigns, []byte(c.Name)); v != nil && json.Unmarshal(v, &old) != nil {
			old = Campaign{} // unreadable: replaced whole
		}
		c.WeightChanges = withChange(old.WeightChanges, c.Variants, r.now(), "set")
		b, err := json.Marshal(c)
		if err != nil {
			return err
		}
		return tx.Put(statsdb.Campaigns, []byte(c.Name), b)
	})
}

// Campaign returns the settings of a campaign, or an ENOTFOUND
// *store.Error when none were set.
func (r *Reader) Campaign(name string) (Campaign, error) {
	var c Campaign
	found := false
	err := statsdb.View(r.st, func(tx statsdb.Tx) error {
		v := tx.Get(statsdb.Campaigns, []byte(name))
		found = v != nil
		if !found {
			return nil
		}
		return json.Unmarshal(v, &c)
	})
	if err == nil && !found {
		err = store.Errorf(store.ENOTFOUND, "campaign %q has no settings", name)
	}
	return c, err
}

// configured returns every campaign's settings by name.
func (r *Reader) configured() (map[string]Campaign, error) {
	cs := make(map[string]Campaign)
	err := statsdb.View(r.st, func(tx statsdb.Tx) error {
		var err error
		tx.Scan(statsdb.Campaigns, []byte{}, nil, func(k, v []byte) bool {
			var c Campaign
			if err = json.Unmarshal(v, &c); err == nil {
				cs[string(k)] = c
			}
			return err == nil
		})
		return err
	})
	return cs, err
}

// CampaignInstances returns the instances each campaign that names some
// may send through, for the instances' routing.
func (r *Reader) CampaignInstances() (map[string][]string, error) {
	cs, err := r.configured()
	out := make(map[string][]string)
	for name, c := range cs {
		if len(c.Instances) > 0 {
			out[name] = c.Instances
		}
	}
	return out, err
}

// Campaigns returns, sorted, the campaigns with counters on the days that
// [from, to) touches and the campaigns that have settings.
func (r *Reader) Campaigns(from, to time.Time) ([]string, error) {
	set, err := r.configured()
	if err != nil {
		return nil, err
	}
	names := make(map[string]bool, len(set))
	for n := range set {
		names[n] = true
	}
	err = statsdb.View(r.st, func(tx statsdb.Tx) error {
		r.seen(tx, DimCampaign(""), later(from, epoch), to, names)
		return nil
	})
	return slices.Sorted(maps.Keys(names)), err
}

// seen adds to names the campaigns, or the instances, of the day records
// (prefix + name dimensions: DimCampaign("") or DimInstance("")) of the
// days [from, to) touches. It seeks from one name to the next and over the
// other dimensions and the empty days, reading no record.
func (r *Reader) seen(tx statsdb.Tx, prefix string, from, to time.Time, names map[string]bool) {
	end := recordKey(to, "")
	at := recordKey(later(Day.Start(from, r.loc), epoch), prefix)
	for {
		k := tx.Seek(statsdb.Day, at)
		if k == nil || bytes.Compare(k, end) >= 0 {
			return
		}
		s, dim := keyStart(k), string(k[8:])
		switch {
		case strings.HasPrefix(dim, prefix):
			names[dim[len(prefix):]] = true
			at = recordKey(s, dim+"\x00") // the day's next name
		case dim < prefix:
			at = recordKey(s, prefix) // a later day: skip to its names
		default:
			at = recordKey(Day.Next(s, r.loc), prefix) // past the day's names
		}
	}
}
