package resp

import "testing"

// TestRandRepeatsCap checks waq's own limit on negative counts, which Redis
// would try to answer in full.
func TestRandRepeatsCap(t *testing.T) {
	addr, _ := startWaq(t, Options{})
	r := dial(t, addr)
	f := func(want string, args ...string) {
		t.Helper()
		if got, err := r.do(args...); err != nil || got != want {
			t.Fatalf("%q: got %q, %v; want %q", args, got, err, want)
		}
	}
	f(":1\r\n", "SADD", "s", "a")
	f(":1\r\n", "HSET", "h", "a", "1")
	f("-ERR value is out of range\r\n", "SRANDMEMBER", "s", "-9223372036854775807")
	f("-ERR value is out of range\r\n", "SRANDMEMBER", "s", "-1048577")
	f("-ERR value is out of range\r\n", "HRANDFIELD", "h", "-1048577")
	f("-ERR value is out of range\r\n", "HRANDFIELD", "h", "-4611686018427387903", "WITHVALUES")
	f("*0\r\n", "SRANDMEMBER", "nope", "-9223372036854775807")
	f("*2\r\n$1\r\na\r\n$1\r\na\r\n", "SRANDMEMBER", "s", "-2")
	f("*1\r\n$1\r\na\r\n", "HRANDFIELD", "h", "9223372036854775807")
	f("+PONG\r\n", "PING")
}
