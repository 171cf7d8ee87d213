package stats

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/waqhq/waq/store"
)

// The test's figures against values computed by hand (docs/stats.md has
// the formulas): A 100/1000 against B 150/1000 gives diff −0.05, se
// 0.0147479, interval −0.05 ± 0.0289053, Φ(−3.3903) = 0.000349.
func TestCompare(t *testing.T) {
	f := func(a, b proportion, want Comparison, wantOK bool) {
		t.Helper()
		got, ok := compare(a, b)
		if ok != wantOK || got != want {
			t.Fatalf("compare(%v, %v) = %+v, %v; want %+v, %v", a, b, got, ok, want, wantOK)
		}
	}
	f(proportion{100, 1000}, proportion{150, 1000}, Comparison{Diff: -0.05, Low: -0.0789, High: -0.0211, PBetter: 0.0003}, true)
	f(proportion{150, 1000}, proportion{100, 1000}, Comparison{Diff: 0.05, Low: 0.0211, High: 0.0789, PBetter: 0.9997}, true)
	// 20/200 against 10/200: se = √(0.1·0.9/200 + 0.05·0.95/200) = 0.026220
	f(proportion{20, 200}, proportion{10, 200}, Comparison{Diff: 0.05, Low: -0.0014, High: 0.1014, PBetter: 0.9717}, true)
	f(proportion{0, 50}, proportion{0, 50}, Comparison{PBetter: 0.5}, true)
	f(proportion{5, 50}, proportion{0, 0}, Comparison{}, false)
}

// n = (1.959964 + 0.841621)² · (p1q1 + p2q2) / δ², at least MinSample.
func TestSampleSize(t *testing.T) {
	f := func(p1, p2 float64, want uint64) {
		t.Helper()
		if got := sampleSize(p1, p2); got != want {
			t.Fatalf("sampleSize(%v, %v) = %d, want %d", p1, p2, got, want)
		}
	}
	f(0.15, 0.10, 683) // 7.84887 · 0.2175 / 0.0025 = 682.85
	f(0.20, 0.10, 197) // 7.84887 · 0.25 / 0.01 = 196.2
	f(0.10, 0.10, 14128)
	f(0.50, 0.10, MinSample) // 7.84887 · 0.34 / 0.16 = 17: the floor
	f(0, 0, MinSample)
}

// The winner is named only past the sample and with an interval clear of
// 0; needed counts the sends missing to the sample.
func TestJudge(t *testing.T) {
	f := func(vs []VariantStats, winner string, needed uint64) {
		t.Helper()
		for i := range vs {
			vs[i].VsBest = map[string]Comparison{}
			vs[i].ReplyRate = rate(vs[i].Replied, vs[i].Sent)
			if vs[i].Weight == 0 {
				vs[i].Weight = 50
			}
		}
		e := Experiment{Variants: vs}
		e.judge()
		got := ""
		if e.Winner != nil {
			got = *e.Winner
		}
		if got != winner || e.Needed != needed {
			t.Fatalf("%+v: winner %q needed %d; want %q %d", vs, got, e.Needed, winner, needed)
		}
	}
	f([]VariantStats{{Name: "A", Sent: 1000, Replied: 100}, {Name: "B", Sent: 1000, Replied: 150}}, "B", 0)
	f([]VariantStats{{Name: "A", Sent: 600, Replied: 60}, {Name: "B", Sent: 600, Replied: 90}}, "", 166)
	f([]VariantStats{{Name: "A", Sent: 50, Replied: 5}, {Name: "B", Sent: 50, Replied: 25}}, "", 100) // 5× better, but under MinSample
	f([]VariantStats{{Name: "A"}, {Name: "B"}}, "", 200)
	f([]VariantStats{{Name: "A", Sent: 20000, Replied: 2000}, {Name: "B", Sent: 20000, Replied: 2010}}, "", 0) // a tie: no winner, none needed
	f([]VariantStats{{Name: "A", Sent: 1000, Replied: 100}}, "", 0)
	f([]VariantStats{{Name: "A", Sent: 1000, Replied: 100}, {Name: "B", Sent: 1000, Replied: 150}, {Name: "C", Weight: -1}}, "B", 0)
}

// PUT refuses wrong variants naming the field, and keeps a weight change
// for each new set of weights.
func TestSetCampaignVariants(t *testing.T) {
	fx := newFixture(t, time.UTC, trStart)
	tpl := &store.Template{Name: "promo", Language: "es"}
	f := func(c Campaign, field string) {
		t.Helper()
		c.Name, c.Currency = "spring", "EUR"
		err := fx.r.SetCampaign(c)
		if e, ok := err.(*store.Error); field != "" && (!ok || e.Field != field) || field == "" && err != nil {
			t.Fatalf("%+v: %v, want field %q", c, err, field)
		}
	}
	a := store.Variant{Name: "A", Weight: 50, Text: "Hola {{name}}"}
	f(Campaign{Variants: []store.Variant{a, {Name: "B", Weight: 50, Template: tpl}}}, "")
	f(Campaign{Variants: []store.Variant{a, a}}, "variants")
	f(Campaign{Variants: []store.Variant{{Name: "", Weight: 1, Text: "x"}}}, "variants")
	f(Campaign{Variants: []store.Variant{{Name: "A", Weight: -1, Text: "x"}}}, "variants")
	f(Campaign{Variants: []store.Variant{{Name: "A", Weight: 0, Text: "x"}}}, "variants")
	f(Campaign{Variants: []store.Variant{{Name: "A", Weight: 1}}}, "variants")
	f(Campaign{Variants: []store.Variant{{Name: "A", Weight: 1, Text: "x", Template: tpl}}}, "variants")
	f(Campaign{Variants: []store.Variant{{Name: "A", Weight: 1, Template: &store.Template{Name: "t"}}}}, "variants")
	f(Campaign{Variants: []store.Variant{a}, Allocation: "random"}, "allocation")
	f(Campaign{Variants: []store.Variant{a}, Allocation: AllocationAdaptive}, "allocation")
	f(Campaign{Variants: []store.Variant{a}, Instances: []string{""}}, "instances")
	f(Campaign{Variants: []store.Variant{a, {Name: "B", Weight: 150, Text: "y"}}, Instances: []string{"sales-1"}}, "")
	fx.clock.Add(time.Hour)
	f(Campaign{Variants: []store.Variant{a, {Name: "B", Weight: 150, Text: "y"}}, Instances: []string{"sales-1"}}, "") // same weights: no change
	c, err := fx.r.Campaign("spring")
	if err != nil {
		t.Fatal(err)
	}
	want := []WeightChange{{At: trStart.UTC(), Weights: map[string]float64{"A": 50, "B": 50}, Reason: "set"},
		{At: trStart.UTC(), Weights: map[string]float64{"A": 25, "B": 75}, Reason: "set"}}
	if !reflect.DeepEqual(c.WeightChanges, want) || !reflect.DeepEqual(c.Instances, []string{"sales-1"}) {
		t.Fatalf("stored %+v", c)
	}
	vs, err := fx.r.Variants("spring")
	if err != nil || len(vs) != 2 || vs[1].Weight != 150 {
		t.Fatalf("Variants = %+v, %v", vs, err)
	}
	if vs, err := fx.r.Variants("none"); err != nil || vs != nil {
		t.Fatalf("Variants of an unset campaign = %+v, %v", vs, err)
	}
}

// Thompson sampling gives equal variants equal weights, a clear loser the
// floor, and every weight at least the floor; weights sum to 100.
func TestThompson(t *testing.T) {
	f := func(post []proportion, check func(w []float64) bool) {
		t.Helper()
		w := thompson(post, rand.New(rand.NewPCG(1, 2)))
		sum := 0.0
		for _, x := range w {
			sum += x
			if x < 100*AdaptiveFloor {
				t.Fatalf("%v: %v under the floor", post, w)
			}
		}
		if math.Abs(sum-100) > 0.2 || !check(w) {
			t.Fatalf("%v: weights %v", post, w)
		}
	}
	f([]proportion{{100, 1000}, {100, 1000}}, func(w []float64) bool { return math.Abs(w[0]-w[1]) < 5 })
	f([]proportion{{50, 1000}, {200, 1000}}, func(w []float64) bool { return w[0] == 5 && w[1] == 95 })
	f([]proportion{{0, 0}, {0, 0}, {0, 0}}, func(w []float64) bool { return w[0] > 25 && w[1] > 25 && w[2] > 25 })
	f([]proportion{{10, 100}, {12, 100}}, func(w []float64) bool { return w[1] > w[0] && w[0] > 20 })
}
