package ui_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/waqhq/waq/stats"
	"github.com/waqhq/waq/store"
)

const springVariants = `{"currency": "EUR", "allocation": "fixed", "instances": ["sales-1"], "variants": [
	{"name": "A", "weight": 50, "text": "Hola {{name}}, mira la oferta"},
	{"name": "B", "weight": 50, "template": {"name": "promo", "language": "es",
		"components": [{"type": "body", "parameters": [{"type": "text", "text": "{{name}}"}]}]}}]}`

// variantDay is statsDay with variants on spring and a day of traffic by
// variant: B replies at 15 %, A at 10 %, 1000 sends each.
func variantDay(t *testing.T) *bundle {
	t.Helper()
	b := statsDay(t)
	b.do(t, "PUT", "/v1/campaigns/spring", springVariants).want(t, 200)
	b.addDeltas(t,
		stats.Delta{At: today(9, 0), Campaign: "spring", Variant: "A", Counters: stats.Counters{Sent: 1000, Delivered: 990, Read: 500, Replied: 100}},
		stats.Delta{At: today(9, 0), Campaign: "spring", Variant: "B", Counters: stats.Counters{Sent: 1000, Delivered: 995, Read: 600, Replied: 150, Sales: 3}},
	)
	return b
}

// PUT takes variants, allocation and instances and answers what it
// stored; a message of the campaign without text gets its contact's
// variant, filled from vars, and shows it; a missing variable is a 422
// naming it.
func TestCampaignVariantsAPI(t *testing.T) {
	b := setupStats(t)
	put := decode[stats.Campaign](t, b.do(t, "PUT", "/v1/campaigns/spring", springVariants).want(t, 200))
	if len(put.Variants) != 2 || put.Allocation != "fixed" || put.Instances[0] != "sales-1" || len(put.WeightChanges) != 1 {
		t.Fatalf("put: %+v", put)
	}
	seen := map[string]bool{}
	for _, to := range []string{"+34600000001", "+34600000002", "+34600000003", "+34600000004", "+34600000005", "+34600000006"} {
		m := decode[store.Message](t, b.do(t, "POST", "/v1/messages",
			`{"to": "`+to+`", "campaign": "spring", "vars": {"name": "Ana"}}`).want(t, 201))
		seen[m.Variant] = true
		switch m.Variant {
		case "A":
			if m.Text != "Hola Ana, mira la oferta" || m.Type != "text" {
				t.Fatalf("A: %+v", m)
			}
		case "B":
			p, _ := json.Marshal(m.Template)
			if m.Type != "template" || !strings.Contains(string(p), `"text":"Ana"`) {
				t.Fatalf("B: %s", p)
			}
		default:
			t.Fatalf("no variant: %+v", m)
		}
		again := decode[store.Message](t, b.do(t, "GET", "/v1/messages/"+m.ID, "").want(t, 200))
		if again.Variant != m.Variant {
			t.Fatalf("stored variant %q, answered %q", again.Variant, m.Variant)
		}
	}
	if !seen["A"] || !seen["B"] {
		t.Fatalf("six contacts all got one variant: %v", seen)
	}
	e := b.do(t, "POST", "/v1/messages", `{"to": "+34600000001", "campaign": "spring"}`).wantError(t, 422, "invalid", "vars")
	if !strings.Contains(e.Message, `"name"`) {
		t.Fatalf("refusal does not name the variable: %+v", e)
	}
	b.do(t, "POST", "/v1/messages", `{"to": "+34600000001", "campaign": "spring", "vars": {"name": 3}}`).wantError(t, 400, "bad_request", "vars.name")
	b.do(t, "PUT", "/v1/campaigns/spring", `{"currency": "EUR", "variants": [{"name": "A", "weight": 1}]}`).wantError(t, 422, "invalid", "variants")
	b.do(t, "PUT", "/v1/campaigns/spring", `{"currency": "EUR", "allocation": "greedy"}`).wantError(t, 422, "invalid", "allocation")
}

// GET /v1/stats/campaigns/{name} adds the variants, the winner and the
// sends still needed; the day's report carries them in JSON and CSV.
func TestCampaignVariantsStats(t *testing.T) {
	b := variantDay(t)
	body := b.do(t, "GET", "/v1/stats/campaigns/spring", "").want(t, 200).body
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil || string(raw["winner"]) != `"B"` || string(raw["needed"]) != "0" {
		t.Fatalf("spring: %s", body)
	}
	cs := decode[stats.CampaignStats](t, resp{body: body})
	a := cs.Variants[0]
	if a.Name != "A" || a.Sent != 1000 || a.ReplyRate != 0.1 || a.VsBest["reply_rate"] != (stats.Comparison{Diff: -0.05, Low: -0.0789, High: -0.0211, PBetter: 0.0003}) {
		t.Fatalf("A: %+v", a)
	}
	if got := strings.Join(keys(t, mustJSON(t, a)), " "); got != "conversion_rate conversions delivered name read read_rate replied reply_rate revenue sent vs_best weight" {
		t.Fatalf("variant keys: %s", got)
	}
	b.clock.Add(24 * time.Hour)
	rep := decode[stats.ReportResult](t, b.do(t, "GET", "/v1/reports/day?date=2026-11-26", "").want(t, 200))
	if len(rep.Campaigns) != 1 || rep.Campaigns[0].Experiment == nil || *rep.Campaigns[0].Winner != "B" {
		t.Fatalf("report campaigns: %+v", rep.Campaigns)
	}
	r := b.do(t, "GET", "/v1/reports/day?date=2026-11-26&format=csv", "").want(t, 200)
	rows, err := csv.NewReader(bytes.NewReader(r.body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"variants.A.sent": "1000", "variants.B.reply_rate": "0.15",
		"variants.A.vs_best.reply_rate.low": "-0.0789", "winner": "B", "needed": "0"}
	for _, row := range rows {
		if v, ok := want[row[2]]; ok && row[0] == "campaigns" && row[1] == "spring" && row[3] == v {
			delete(want, row[2])
		}
	}
	if len(want) != 0 {
		t.Fatalf("csv lacks %v:\n%s", want, r.body)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
