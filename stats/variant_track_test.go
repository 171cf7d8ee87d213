package stats

import (
	"testing"
	"time"

	"github.com/waqhq/waq/store"
)

// A variant's sends, replies and conversions land in its own dimension: a
// reply counts for the variant of the message it answers; a conversion for
// the event's variant, else for the variant the contact was last sent of
// that campaign, else for none.
func TestTrackerCountsVariants(t *testing.T) {
	r := newTrRig(t)
	send := func(to, variant string) {
		t.Helper()
		m, _, err := r.st.Enqueue(&store.Message{To: to, Text: "hola", Campaign: "spring", Variant: variant})
		if err != nil {
			t.Fatal(err)
		}
		r.lease(t)
		r.markSent(t, m.ID, "wamid."+to)
	}
	send("+34600000001", "A")
	send("+34600000002", "B")
	send("+34600000003", "B")
	r.clock.Add(time.Minute)
	r.inbound(t, "+34600000002", "in.2", "")
	one := 1.0
	err := r.tr.Track([]ClientEvent{
		{Type: EventConversion, Kind: KindSale, Contact: "+34600000003", Campaign: "spring", Value: &one, Currency: "EUR"},
		{Type: EventConversion, Kind: KindLead, Contact: "+34600000003", Campaign: "spring", Variant: "A"},
		{Type: EventConversion, Kind: KindLead, Contact: "+34600000009", Campaign: "spring"},
	})
	if err != nil {
		t.Fatal(err)
	}
	a, b := r.day(t, DimCampaignVariant("spring", "A")), r.day(t, DimCampaignVariant("spring", "B"))
	all := r.day(t, DimCampaign("spring"))
	if a.Sent != 1 || a.Replied != 0 || a.Leads != 1 || a.Sales != 0 {
		t.Fatalf("A: %+v", a)
	}
	if b.Sent != 2 || b.Replied != 1 || b.Sales != 1 || b.Value["EUR"] != 1 || b.Leads != 0 {
		t.Fatalf("B: %+v", b)
	}
	if all.Sent != 3 || all.Leads != 2 || all.Sales != 1 {
		t.Fatalf("spring: %+v", all)
	}
	bad := []ClientEvent{{Type: EventConversion, Kind: KindLead, Contact: "+34600000003", Variant: "A"}}
	if err := r.tr.Track(bad); store.ErrorCode(err) != store.EINVALID {
		t.Fatalf("a variant without a campaign: %v", err)
	}
}
