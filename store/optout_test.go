package store

import "testing"

func TestOptouts(t *testing.T) {
	b := setup(t)
	f := func(o Optout, wantScope string, wantChanged bool) {
		t.Helper()
		got, changed, err := b.s.AddOptout(o)
		if err != nil || got.Scope != wantScope || changed != wantChanged {
			t.Fatalf("add %+v: %+v changed %v, %v; want scope %s changed %v", o, got, changed, err, wantScope, wantChanged)
		}
	}
	f(Optout{Contact: "+34600111222", Scope: ScopeMarketing, Source: OptoutKeyword}, ScopeMarketing, true)
	f(Optout{Contact: "+34600111222", Scope: ScopeMarketing}, ScopeMarketing, false)
	f(Optout{Contact: "+34600111222", Source: OptoutAPI}, ScopeAll, true) // widened
	f(Optout{Contact: "+34600111222", Scope: ScopeMarketing}, ScopeAll, false)
	f(Optout{Contact: "+34600999888"}, ScopeAll, true)
	for _, bad := range []Optout{{Contact: "600111222"}, {Contact: "+34600111222", Scope: "some"}} {
		if _, _, err := b.s.AddOptout(bad); ErrorCode(err) != EINVALID {
			t.Fatalf("add %+v: %v, want invalid", bad, err)
		}
	}
	page, next, err := b.s.Optouts("", 1)
	if err != nil || len(page) != 1 || page[0].Contact != "+34600111222" || next != "+34600111222" {
		t.Fatalf("first page = %+v %q %v", page, next, err)
	}
	page, next, _ = b.s.Optouts(next, 1)
	if len(page) != 1 || page[0].Contact != "+34600999888" || next != "" {
		t.Fatalf("second page = %+v %q", page, next)
	}
	if err := b.s.RemoveOptout("+34600999888"); err != nil {
		t.Fatal(err)
	}
	if err := b.s.RemoveOptout("+34600999888"); ErrorCode(err) != ENOTFOUND {
		t.Fatalf("remove twice: %v", err)
	}
	m := &Message{Priority: Normal}
	if (Optout{Scope: ScopeMarketing}).Suppresses(m) || !(Optout{Scope: ScopeAll}).Suppresses(m) {
		t.Fatal("marketing must spare a message without a campaign; all must not")
	}
	if !(Optout{Scope: ScopeMarketing}).Suppresses(&Message{Priority: Normal, Campaign: "x"}) {
		t.Fatal("marketing must suppress a campaign message")
	}
}
