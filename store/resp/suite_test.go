package resp

import "testing"

// TestSMoveWatch: SMOVE tells WATCH of the destination only when the member
// was added to it, as Redis does (its suite's "SMOVE only notify dstset
// when the addition is successful").
func TestSMoveWatch(t *testing.T) {
	addr, _ := startWaq(t, Options{})
	a, b := dial(t, addr), dial(t, addr)
	f := func(member, want string) {
		t.Helper()
		for _, cmd := range [][]string{{"DEL", "src", "dst"}, {"SADD", "src", "a", "b"}, {"SADD", "dst", "a"},
			{"WATCH", "dst"}, {"MULTI"}, {"SADD", "dst", "c"}} {
			if _, err := a.do(cmd...); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := b.do("SMOVE", "src", "dst", member); err != nil {
			t.Fatal(err)
		}
		if got, err := a.do("EXEC"); err != nil || got != want {
			t.Errorf("SMOVE src dst %s, then EXEC: %q %v, want %q", member, got, err, want)
		}
	}
	f("a", "*1\r\n:1\r\n") // already in dst: the transaction runs
	f("b", "*-1\r\n")      // added to dst: the transaction is aborted
}
