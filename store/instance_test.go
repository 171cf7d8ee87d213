package store

import "testing"

func TestInstanceState(t *testing.T) {
	b := setup(t)
	if st, err := b.s.Instance("sales-1"); err != nil || st.PausedReason != "" {
		t.Fatalf("unknown instance: %+v %v", st, err)
	}
	now := b.clock.Now()
	if err := b.s.SetInstance("sales-1", InstanceState{PausedReason: "logged out", PausedAt: &now}); err != nil {
		t.Fatal(err)
	}
	b.s.Close()
	b.s = b.open(t)
	if st, err := b.s.Instance("sales-1"); err != nil || st.PausedReason != "logged out" {
		t.Fatalf("after reopen: %+v %v", st, err)
	}
	if err := b.s.SetInstance("", InstanceState{}); ErrorCode(err) != EINVALID {
		t.Fatalf("empty name: %v", err)
	}
}

func TestInstanceSettings(t *testing.T) {
	b := setup(t)
	in := InstanceSettings{Name: "sales-2", Gateway: "evolution", Rate: "60/1m", Concurrency: 2, Enabled: true,
		Evolution: &EvolutionSettings{URL: "http://evo", APIKey: "k", Instance: "sales-2"}}
	if err := b.s.PutInstanceSettings(in); err != nil {
		t.Fatal(err)
	}
	if err := b.s.PutInstanceSettings(InstanceSettings{Name: "a", Gateway: "demo"}); err != nil {
		t.Fatal(err)
	}
	if err := b.s.SetInstance("sales-2", InstanceState{PausedReason: "logged out"}); err != nil {
		t.Fatal(err)
	}
	b.s.Close()
	b.s = b.open(t)
	got, err := b.s.InstanceSettingsList()
	if err != nil || len(got) != 2 || got[0].Name != "a" || got[1].Evolution.APIKey != "k" || got[1].Rate != "60/1m" {
		t.Fatalf("after reopen: %+v %v", got, err)
	}
	if err := b.s.PutInstanceSettings(InstanceSettings{Name: "sales-2"}); err != nil {
		t.Fatal(err)
	}
	if err := b.s.DeleteInstanceSettings("sales-2", true); err != nil {
		t.Fatal(err)
	}
	if st, _ := b.s.Instance("sales-2"); st.PausedReason != "logged out" {
		t.Fatalf("state not kept: %+v", st)
	}
	if err := b.s.PutInstanceSettings(InstanceSettings{Name: "sales-2"}); err != nil {
		t.Fatal(err)
	}
	if err := b.s.DeleteInstanceSettings("sales-2", false); err != nil {
		t.Fatal(err)
	}
	if st, _ := b.s.Instance("sales-2"); st.PausedReason != "" {
		t.Fatalf("state kept after delete: %+v", st)
	}
	if err := b.s.DeleteInstanceSettings("sales-2", false); ErrorCode(err) != ENOTFOUND {
		t.Fatalf("second delete: %v", err)
	}
	if err := b.s.PutInstanceSettings(InstanceSettings{}); ErrorCode(err) != EINVALID {
		t.Fatalf("empty name: %v", err)
	}
}
