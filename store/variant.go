package store

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"regexp"
)

// Variant is one version of a campaign's message (PUT /v1/campaigns/{name}
// "variants"): a name, a weight (any positive number; weights are shares
// of their sum) and a text or a template whose strings may hold {{var}}
// placeholders, filled from a message's vars at intake.
type Variant struct {
	Name     string    `json:"name"`
	Weight   float64   `json:"weight"`
	Text     string    `json:"text,omitempty"`
	Template *Template `json:"template,omitempty"`
}

// Vars are a message's values for the {{name}} placeholders of its
// campaign's variant, by name.
type Vars = map[string]string

// VariantsFunc returns the variants of a campaign, none when it has no
// settings or no variants. The store does not know campaigns (they live
// in the analytics), so its Intake asks through this.
type VariantsFunc func(campaign string) ([]Variant, error)

// placeholder is a {{name}}: letters, digits, '_' and '.', spaces allowed
// inside the braces.
var placeholder = regexp.MustCompile(`\{\{\s*([A-Za-z0-9_.]+)\s*\}\}`)

// Placeholders returns the variable names s refers to, in order, each once.
func Placeholders(s string) []string {
	var names []string
	for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
		if !contains(names, m[1]) {
			names = append(names, m[1])
		}
	}
	return names
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Fill replaces the placeholders of s with their vars. It returns an
// EINVALID *Error on the field vars naming the first variable missing, so
// no message goes out with a hole in it.
func Fill(s string, vars map[string]string) (string, error) {
	for _, n := range Placeholders(s) {
		if _, ok := vars[n]; !ok {
			return "", FieldErrorf("vars", "has no %q, which the message's {{%s}} needs", n, n)
		}
	}
	return placeholder.ReplaceAllStringFunc(s, func(p string) string {
		return vars[placeholder.FindStringSubmatch(p)[1]]
	}), nil
}

// fillValue fills the placeholders of every string inside a JSON value
// (a template's components) and returns the filled copy.
func fillValue(v any, vars map[string]string) (any, error) {
	switch x := v.(type) {
	case string:
		return Fill(x, vars)
	case []any:
		out := make([]any, len(x))
		for i := range x {
			var err error
			if out[i], err = fillValue(x[i], vars); err != nil {
				return nil, err
			}
		}
		return out, nil
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			var err error
			if out[k], err = fillValue(e, vars); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	return v, nil
}

// PickVariant returns the variant of vs that contact gets in campaign: a
// point in [0, 1) from the SHA-256 of the campaign and the contact
// (FNV spreads numbers that differ in their last digits badly), laid over the weights in their order. The same contact always
// lands on the same point, so it keeps its variant while the weights stay;
// over many contacts the points spread evenly, so each variant gets its
// share. nil when vs is empty or every weight is 0.
func PickVariant(campaign, contact string, vs []Variant) *Variant {
	var sum float64
	for _, v := range vs {
		sum += max(v.Weight, 0)
	}
	if sum <= 0 {
		return nil
	}
	h := sha256.Sum256([]byte(campaign + "\x00" + contact))
	at := float64(binary.BigEndian.Uint64(h[:8])>>11) / (1 << 53) * sum // 53 bits: exact in a float64
	for i := range vs {
		if at -= max(vs[i].Weight, 0); at < 0 {
			return &vs[i]
		}
	}
	return &vs[len(vs)-1] // rounding at the very end
}

// variant gives a message of a campaign with variants, and no text,
// media or template of its own, the contact's variant, its placeholders
// filled from vars. It returns the EINVALID *Error of Fill and the error
// of in.Variants.
func (in *Intake) variant(m *Message, vars map[string]string) error {
	if in.Variants == nil || m.Campaign == "" || m.Text != "" || m.Media != nil || m.Template != nil {
		return nil
	}
	vs, err := in.Variants(m.Campaign)
	if err != nil {
		return fmt.Errorf("campaign variants: %w", err)
	}
	v := PickVariant(m.Campaign, m.To, vs)
	if v == nil {
		return nil
	}
	m.Variant = v.Name
	if v.Template == nil {
		m.Text, err = Fill(v.Text, vars)
		return err
	}
	t := *v.Template
	if len(t.Components) > 0 {
		cs, err := fillValue(t.Components, vars)
		if err != nil {
			return err
		}
		t.Components = cs.([]any)
	}
	m.Template = &t
	return nil
}
