package store

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
)

// The same contact of a campaign always gets the same variant, whatever
// else was picked before; the hash does not change between releases (a
// contact must not switch variant after an upgrade), so its values are
// pinned here.
func TestPickVariantStable(t *testing.T) {
	vs := []Variant{{Name: "A", Weight: 50}, {Name: "B", Weight: 50}}
	f := func(campaign, contact, want string) {
		t.Helper()
		for range 3 {
			if got := PickVariant(campaign, contact, vs); got == nil || got.Name != want {
				t.Fatalf("%s %s: %+v, want %s", campaign, contact, got, want)
			}
		}
	}
	f("spring", "+34600000001", pinned("spring", "+34600000001"))
	f("spring", "+34600000002", pinned("spring", "+34600000002"))
	f("autumn", "+34600000001", pinned("autumn", "+34600000001"))
	if PickVariant("x", "+1", nil) != nil || PickVariant("x", "+1", []Variant{{Name: "A"}}) != nil {
		t.Fatal("no variant or no weight must pick none")
	}
}

// pinned is the variant of a 50/50 split, by the hash's rule written out
// (sha256sum of campaign, NUL, contact: A when the first bit is 0).
func pinned(campaign, contact string) string {
	return map[string]string{"spring\x00+34600000001": "B", "spring\x00+34600000002": "A",
		"autumn\x00+34600000001": "A"}[campaign+"\x00"+contact]
}

// Over many contacts each variant gets its weight's share, within a few
// standard deviations of a binomial draw.
func TestPickVariantWeights(t *testing.T) {
	const n = 20000
	f := func(weights ...float64) {
		t.Helper()
		vs := make([]Variant, len(weights))
		sum := 0.0
		for i, w := range weights {
			vs[i] = Variant{Name: string(rune('A' + i)), Weight: w}
			sum += w
		}
		got := map[string]int{}
		for i := range n {
			got[PickVariant("c", fmt.Sprintf("+3460%07d", i), vs).Name]++
		}
		for _, v := range vs {
			p := v.Weight / sum
			if sd := math.Sqrt(n * p * (1 - p)); math.Abs(float64(got[v.Name])-n*p) > 4*sd+1 {
				t.Fatalf("%v: %s got %d of %d, want about %.0f", weights, v.Name, got[v.Name], n, n*p)
			}
		}
	}
	f(50, 50)
	f(90, 10)
	f(1, 1, 2)
	f(0, 100) // a weight of 0 gets no one
}

func TestFill(t *testing.T) {
	f := func(s string, vars map[string]string, want, missing string) {
		t.Helper()
		got, err := Fill(s, vars)
		var e *Error
		switch {
		case missing == "" && (err != nil || got != want):
			t.Fatalf("%q: %q, %v; want %q", s, got, err, want)
		case missing != "" && (!errors.As(err, &e) || e.Code != EINVALID || e.Field != "vars" || !strings.Contains(e.Message, `"`+missing+`"`)):
			t.Fatalf("%q: %v; want an invalid vars naming %s", s, err, missing)
		}
	}
	f("Hola {{name}}, ¿qué tal?", map[string]string{"name": "Ana"}, "Hola Ana, ¿qué tal?", "")
	f("{{ name }} y {{name}} {{city}}", map[string]string{"name": "Ana", "city": "Lima"}, "Ana y Ana Lima", "")
	f("sin variables {x}", nil, "sin variables {x}", "")
	f("Hola {{name}}, en {{city}}", map[string]string{"name": "Ana"}, "", "city")
	f("{{first.name}}", nil, "", "first.name")
}

// A message of a campaign with variants gets the contact's variant, its
// placeholders filled, in text and in a template's components; a missing
// variable refuses it naming the variable; a message with its own text
// keeps it.
func TestIntakeVariant(t *testing.T) {
	tpl := &Template{Name: "promo", Language: "es", Components: []any{map[string]any{"type": "body",
		"parameters": []any{map[string]any{"type": "text", "text": "{{name}}"}}}}}
	only := func(v Variant) VariantsFunc {
		return func(c string) ([]Variant, error) {
			if c != "spring" {
				return nil, nil
			}
			return []Variant{v}, nil
		}
	}
	f := func(v Variant, d Draft, check func(m *Message) bool, missing string) {
		t.Helper()
		in := Intake{Variants: only(v)}
		m, err := in.Message(&d)
		var e *Error
		switch {
		case missing != "" && (!errors.As(err, &e) || e.Field != "vars" || !strings.Contains(e.Message, missing)):
			t.Fatalf("%+v: %v, want a refusal naming %s", d, err, missing)
		case missing == "" && (err != nil || !check(m)):
			t.Fatalf("%+v: %+v, %v", d, m, err)
		}
	}
	vars := map[string]string{"name": "Ana"}
	f(Variant{Name: "A", Weight: 1, Text: "Hola {{name}}"}, Draft{To: "+34600111222", Campaign: "spring", Vars: vars},
		func(m *Message) bool { return m.Variant == "A" && m.Text == "Hola Ana" && m.Type == TypeText }, "")
	f(Variant{Name: "B", Weight: 1, Template: tpl}, Draft{To: "+34600111222", Campaign: "spring", Vars: vars},
		func(m *Message) bool {
			p := m.Template.Components[0].(map[string]any)["parameters"].([]any)[0].(map[string]any)
			return m.Variant == "B" && m.Type == TypeTemplate && p["text"] == "Ana" &&
				tpl.Components[0].(map[string]any)["parameters"].([]any)[0].(map[string]any)["text"] == "{{name}}"
		}, "")
	f(Variant{Name: "A", Weight: 1, Text: "Hola {{name}}"}, Draft{To: "+34600111222", Campaign: "spring"}, nil, "name")
	f(Variant{Name: "B", Weight: 1, Template: tpl}, Draft{To: "+34600111222", Campaign: "spring"}, nil, "name")
	f(Variant{Name: "A", Weight: 1, Text: "Hola {{name}}"}, Draft{To: "+34600111222", Campaign: "spring", Text: "mine"},
		func(m *Message) bool { return m.Variant == "" && m.Text == "mine" }, "")
	f(Variant{Name: "A", Weight: 1, Text: "Hola"}, Draft{To: "+34600111222", Campaign: "autumn", Text: "x"},
		func(m *Message) bool { return m.Variant == "" }, "")
}

// In a bulk request the item missing a variable is named, and none of the
// messages is kept.
func TestIntakeVariantBulk(t *testing.T) {
	in := Intake{Variants: func(string) ([]Variant, error) {
		return []Variant{{Name: "A", Weight: 1, Text: "Hola {{name}} de {{city}}"}}, nil
	}}
	ms, err := in.Messages([]Draft{
		{To: "+34600000001", Campaign: "c", Vars: map[string]string{"name": "Ana", "city": "Lima"}},
		{To: "+34600000002", Campaign: "c", Vars: map[string]string{"name": "Luis"}},
	})
	var e *Error
	if ms != nil || !errors.As(err, &e) || len(e.Items) != 1 || e.Items[0].Index != 1 || e.Items[0].Field != "vars" ||
		!strings.Contains(e.Items[0].Message, `"city"`) {
		t.Fatalf("bulk: %v, %+v", ms, err)
	}
	boom := errors.New("store closed")
	in.Variants = func(string) ([]Variant, error) { return nil, boom }
	if _, err := in.Message(&Draft{To: "+34600000001", Campaign: "c"}); !errors.Is(err, boom) {
		t.Fatalf("a failing lookup: %v", err)
	}
}
