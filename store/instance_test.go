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
