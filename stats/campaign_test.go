package stats

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/waqhq/waq/store"
)

func TestCampaignValidate(t *testing.T) {
	f := func(c Campaign, field string) {
		t.Helper()
		err := c.Validate()
		var e *store.Error
		switch {
		case field == "" && err != nil:
			t.Fatalf("Validate(%+v) = %v, want nil", c, err)
		case field != "" && (!errors.As(err, &e) || e.Code != store.EINVALID || e.Field != field):
			t.Fatalf("Validate(%+v) = %v, want an invalid error on %s", c, err, field)
		}
	}
	f(Campaign{Name: "spring", CostPerMessage: 0.05, FixedCost: 100, Currency: "EUR"}, "")
	f(Campaign{Name: strings.Repeat("ñ", 100), Currency: "USD"}, "")
	f(Campaign{Name: "", Currency: "EUR"}, "name")
	f(Campaign{Name: strings.Repeat("x", 101), Currency: "EUR"}, "name")
	f(Campaign{Name: "a\nb", Currency: "EUR"}, "name")
	f(Campaign{Name: "\xff", Currency: "EUR"}, "name")
	f(Campaign{Name: "x", CostPerMessage: -1, Currency: "EUR"}, "cost_per_message")
	f(Campaign{Name: "x", CostPerMessage: math.NaN(), Currency: "EUR"}, "cost_per_message")
	f(Campaign{Name: "x", FixedCost: -0.01, Currency: "EUR"}, "fixed_cost")
	f(Campaign{Name: "x", FixedCost: math.Inf(1), Currency: "EUR"}, "fixed_cost")
	f(Campaign{Name: "x"}, "")                               // no cost: no currency needed
	f(Campaign{Name: "x", CostPerMessage: 0.05}, "currency") // a cost needs its currency
	f(Campaign{Name: "x", FixedCost: 10}, "currency")
	f(Campaign{Name: "x", Currency: "eur"}, "currency")
	f(Campaign{Name: "x", Currency: "EURO"}, "currency")
}

func TestSetCampaign(t *testing.T) {
	fx := newFixture(t, madrid, local(madrid, 2026, 11, 26, 12, 0))
	if _, err := fx.r.Campaign("spring"); store.ErrorCode(err) != store.ENOTFOUND {
		t.Fatalf("unset campaign: %v", err)
	}
	want := Campaign{Name: "spring", CostPerMessage: 0.05, Currency: "EUR"}
	if err := fx.r.SetCampaign(want); err != nil {
		t.Fatal(err)
	}
	want.FixedCost = 10 // a second PUT replaces the first
	if err := fx.r.SetCampaign(want); err != nil {
		t.Fatal(err)
	}
	if err := fx.r.SetCampaign(Campaign{Name: "spring", Currency: "eur"}); store.ErrorCode(err) != store.EINVALID {
		t.Fatalf("bad campaign stored: %v", err)
	}
	if got, err := fx.r.Campaign("spring"); err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("Campaign = %+v, %v; want %+v", got, err, want)
	}
}

// Campaigns lists those with counters on the range's days, skipping the
// other dimensions, plus those with settings.
func TestCampaigns(t *testing.T) {
	fx := newFixture(t, madrid, local(madrid, 2026, 12, 1, 0, 0))
	d := func(day int, campaign, instance string) Delta {
		return Delta{At: local(madrid, 2026, 11, day, 23, 30), Campaign: campaign, Instance: instance, Type: "text",
			Counters: Counters{Sent: 1}}
	}
	fx.add(t, d(20, "early", ""), d(24, "a", "sales-1"), d(24, "b", ""), d(24, "c", "sales-2"),
		d(26, "a", ""), d(26, "d", ""), d(26, "", "sales-1"), d(28, "late", ""))
	if err := fx.r.SetCampaign(Campaign{Name: "configured", Currency: "EUR"}); err != nil {
		t.Fatal(err)
	}
	f := func(from, to time.Time, want ...string) {
		t.Helper()
		got, err := fx.r.Campaigns(from, to)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("Campaigns(%s, %s) = %q, %v; want %q", from, to, got, err, want)
		}
	}
	f(local(madrid, 2026, 11, 21, 0, 0), local(madrid, 2026, 11, 27, 0, 0), "a", "b", "c", "configured", "d")
	f(local(madrid, 2026, 11, 25, 0, 0), local(madrid, 2026, 11, 26, 0, 0), "configured")
	f(local(madrid, 2026, 11, 26, 12, 0), local(madrid, 2026, 11, 26, 13, 0), "a", "configured", "d") // the day it touches
	f(time.Time{}, local(madrid, 2027, 1, 1, 0, 0), "a", "b", "c", "configured", "d", "early", "late")
}

func TestCampaignStats(t *testing.T) {
	fx := newFixture(t, madrid, local(madrid, 2026, 12, 1, 0, 0))
	at := local(madrid, 2026, 11, 26, 10, 0)
	c := Counters{Sent: 200, Delivered: 180, Read: 90, Replied: 50, Failed: 20, Sales: 2,
		Value: map[string]float64{"EUR": 3000, "USD": 10}}
	fx.add(t, Delta{At: at, Campaign: "spring", Instance: "sales-1", Counters: c},
		Delta{At: at, Campaign: "spring", Instance: "sales-2", Counters: Counters{Sent: 100}},
		Delta{At: at, Campaign: "bare", Counters: Counters{Sent: 3, Value: map[string]float64{"USD": 5, "EUR": 2}}})
	from, to := local(madrid, 2026, 11, 1, 0, 0), local(madrid, 2026, 12, 1, 0, 0)
	f := func(name, instance string, want CampaignStats) {
		t.Helper()
		got, err := fx.r.CampaignStats(name, instance, from, to)
		if err != nil || got != want {
			t.Fatalf("CampaignStats(%s, %s) =\n %+v, %v\nwant %+v", name, instance, got, err, want)
		}
	}
	f("spring", "", CampaignStats{Name: "spring", Sent: 300, Delivered: 180, Read: 90, Replied: 50, Failed: 20,
		Conversions: 2, Revenue: 3000, Currency: "EUR", EngagementRate: 0.1667})
	if err := fx.r.SetCampaign(Campaign{Name: "spring", CostPerMessage: 0.5, FixedCost: 150, Currency: "USD"}); err != nil {
		t.Fatal(err)
	}
	// cost 0.5 × 300 + 150 = 300; revenue in USD 10; roi (10 − 300)/300
	f("spring", "", CampaignStats{Name: "spring", Sent: 300, Delivered: 180, Read: 90, Replied: 50, Failed: 20,
		Conversions: 2, Cost: 300, Revenue: 10, Currency: "USD", ROI: -0.9667, EngagementRate: 0.1667})
	f("spring", "sales-2", CampaignStats{Name: "spring", Sent: 100, Cost: 200, Currency: "USD", ROI: -1})
	f("bare", "", CampaignStats{Name: "bare", Sent: 3, Revenue: 5, Currency: "USD"}) // the largest value's currency
	f("none", "", CampaignStats{Name: "none"})
	all, err := fx.r.AllCampaignStats("sales-1", from, to)
	if err != nil || len(all) != 2 || all[0].Name != "bare" || all[0].Sent != 0 || all[1].Sent != 200 || all[1].Cost != 250 {
		t.Fatalf("AllCampaignStats = %+v, %v", all, err)
	}
}

func TestLargest(t *testing.T) {
	f := func(v map[string]float64, want string) {
		t.Helper()
		if got := largest(v); got != want {
			t.Fatalf("largest(%v) = %q, want %q", v, got, want)
		}
	}
	f(nil, "")
	f(map[string]float64{"EUR": 1}, "EUR")
	f(map[string]float64{"EUR": 1, "USD": 2}, "USD")
	f(map[string]float64{"USD": 2, "EUR": 2, "GBP": 1}, "EUR")
}
