package resp

import (
	"strings"
	"testing"
	"time"
)

// psStep sends a command on connection conn (none when args is empty) and
// reads n replies there; mode is a diff marker ("~" sorts, "-" skips).
type psStep struct {
	conn int
	args string
	n    int
	mode string
}

// TestPubSubDifferential runs subscribers and publishers on several
// connections against redis-server and waq and compares every reply:
// messages and pattern messages, unsubscribe counts, RESP3 pushes, the
// publisher receiving its own message, CLIENT REPLY OFF and RESP2's
// subscribed mode.
func TestPubSubDifferential(t *testing.T) {
	steps := []psStep{
		{0, "SUBSCRIBE chan1 chan2", 2, ""},
		{2, "HELLO 3", 1, "-"},
		{2, "PSUBSCRIBE chan*", 1, ""},
		{1, "PUBLISH chan1 hello", 1, ""},
		{0, "", 1, ""},
		{2, "", 1, ""},
		{1, "PUBSUB NUMSUB chan1 chan2 chan3", 1, ""},
		{1, "PUBSUB NUMPAT", 1, ""},
		{1, "PUBSUB CHANNELS", 1, "~"},
		{1, "PUBSUB CHANNELS *2", 1, ""},
		{0, "GET k", 1, ""},
		{0, "PING x", 1, ""},
		{0, "UNSUBSCRIBE chan1", 1, ""},
		{1, "PUBLISH chan1 x", 1, ""},
		{2, "", 1, ""},
		{1, "PUBLISH chan2 y", 1, ""},
		{0, "", 1, ""},
		{2, "", 1, ""},
		{2, "GET k", 1, ""},
		{2, "PUBLISH chan9 self", 2, ""},
		{2, "CLIENT REPLY OFF", 0, ""},
		{2, "SUBSCRIBE chanA", 1, ""},
		{2, "PING", 0, ""},
		{1, "PUBLISH chanA m", 1, ""},
		{2, "", 2, ""},
		{2, "CLIENT REPLY ON", 1, ""},
		{2, "CLIENT REPLY SKIP", 0, ""},
		{2, "ECHO skipped", 0, ""},
		{2, "ECHO shown", 1, ""},
		{0, "UNSUBSCRIBE", 1, ""},
		{0, "PING", 1, ""},
		{0, "PSUBSCRIBE a.* b.*", 2, ""},
		{1, "PUBLISH a.1 x", 1, ""},
		{1, "PUBLISH ab1 x", 1, ""},
		{0, "", 1, ""},
		{0, "PUNSUBSCRIBE a.*", 1, ""},
		{0, "PUNSUBSCRIBE", 1, ""},
		{0, "SSUBSCRIBE s1 s2", 2, ""},
		{1, "SPUBLISH s1 z", 1, ""},
		{1, "PUBLISH s1 z", 1, ""},
		{0, "", 1, ""},
		{1, "PUBSUB SHARDCHANNELS", 1, "~"},
		{1, "PUBSUB SHARDNUMSUB s1 s3", 1, ""},
		{1, "INFO stats", 1, "pubsub"},
		{0, "SUNSUBSCRIBE s2", 1, ""},
		{0, "RESET", 1, ""},
		{1, "SPUBLISH s1 gone", 1, ""},
		{2, "RESET", 1, ""},
		{1, "PUBSUB NUMPAT", 1, ""},
		{1, "PUBSUB CHANNELS", 1, ""},
	}
	psCompare(t, steps)
}

// psCompare runs steps on three connections to redis-server and to waq and
// compares the replies.
func psCompare(t *testing.T, steps []psStep) {
	t.Helper()
	run := func(addr string) []string {
		conns := []*rconn{dial(t, addr), dial(t, addr), dial(t, addr)}
		var out []string
		for no, s := range steps {
			c := conns[s.conn]
			if s.mode == "blocked" { // Redis's wait_for_blocked_client
				waitBlocked(t, c, 1)
				continue
			}
			if s.args != "" {
				if _, err := c.c.Write(encode(strings.Fields(s.args))); err != nil {
					t.Fatal(err)
				}
			}
			for range s.n {
				c.c.SetReadDeadline(time.Now().Add(20 * time.Second)) // a loaded machine
				v, err := readReply(c.rd)
				if err != nil {
					t.Fatalf("step %d (connection %d %q): %v", no, s.conn, s.args, err)
				}
				switch {
				case s.mode == "pubsub": // only INFO's pubsub lines
					out = append(out, pubsubLines(v.raw))
				case s.mode != "-":
					out = append(out, normalize(s.mode, v))
				}
			}
		}
		return out
	}
	want, got := run(startRedis(t)), run(must(startWaq(t, Options{})))
	for i := range want {
		if i >= len(got) || want[i] != got[i] {
			t.Fatalf("reply %d\n redis: %q\n   waq: %q", i, want[i:], got[min(i, len(got)):])
		}
	}
}

// TestPubSubBlocked checks that a RESP3 subscriber blocked in BLPOP gets
// the messages published meanwhile, then BLPOP's reply.
func TestPubSubBlocked(t *testing.T) {
	psCompare(t, []psStep{
		{2, "HELLO 3", 1, "-"},
		{2, "SUBSCRIBE ch", 1, ""},
		{2, "BLPOP l 0", 0, ""},
		{1, "", 0, "blocked"}, // the messages come while it is blocked, as the test says
		{1, "PUBLISH ch m1", 1, ""}, {2, "", 1, ""},
		{1, "PUBLISH ch m2", 1, ""}, {2, "", 1, ""},
		{1, "RPUSH l x", 1, ""}, {2, "", 1, ""},
		{2, "SUBSCRIBE ch2", 1, ""},
		{1, "PUBLISH ch2 m3", 1, ""}, {2, "", 1, ""},
	})
}

// TestKeyspaceEvents compares the keyspace notifications a subscriber
// receives for other connections' writes, in a pipeline and in MULTI.
func TestKeyspaceEvents(t *testing.T) {
	psCompare(t, []psStep{
		{1, "CONFIG SET notify-keyspace-events KEA", 1, ""},
		{1, "CONFIG GET notify-keyspace-events", 1, ""},
		{0, "PSUBSCRIBE __key*", 1, ""},
		{1, "SET foo bar", 1, ""}, {0, "", 2, ""},
		{1, "SET foo bar NX", 1, ""},
		{1, "DEL foo nokey", 1, ""}, {0, "", 2, ""},
		{1, "RPUSH l a b", 1, ""}, {0, "", 2, ""},
		{1, "RPOP l", 1, ""}, {0, "", 2, ""},
		{1, "LPOP l", 1, ""}, {0, "", 4, ""},
		{1, "LPOP l", 1, ""},
		{1, "SADD s a b", 1, ""}, {0, "", 2, ""},
		{1, "SREM s x", 1, ""},
		{1, "SREM s a", 1, ""}, {0, "", 2, ""},
		{1, "ZADD z 1 a", 1, ""}, {0, "", 2, ""},
		{1, "ZREM z x", 1, ""},
		{1, "ZREM z a", 1, ""}, {0, "", 4, ""},
		{1, "HMSET h a 1 b 2", 1, ""}, {0, "", 2, ""},
		{1, "HINCRBY h a 2", 1, ""}, {0, "", 2, ""},
		{1, "HDEL h x", 1, ""},
		{1, "EXPIRE h 100", 1, ""}, {0, "", 2, ""},
		{1, "PERSIST h", 1, ""}, {0, "", 2, ""},
		{1, "EXPIRE h -1", 1, ""}, {0, "", 2, ""},
		{1, "INCR n", 1, ""}, {0, "", 2, ""},
		{1, "MULTI", 1, ""}, {1, "SET a 1", 1, ""}, {1, "SADD s2 x", 1, ""}, {1, "EXEC", 1, ""}, {0, "", 4, ""},
		{2, "SELECT 3", 1, ""}, {2, "APPEND k x", 1, ""}, {0, "", 2, ""},
		{1, "CONFIG SET notify-keyspace-events Kl", 1, ""},
		{1, "CONFIG GET notify-keyspace-events", 1, ""},
		{1, "SET foo x", 1, ""},
		{1, "LPUSH l2 x", 1, ""}, {0, "", 1, ""},
		{1, "CONFIG SET notify-keyspace-events Kx?", 1, ""},
		{1, "CONFIG SET notify-keyspace-events g$lshzxetdnKEm", 1, ""},
		{1, "CONFIG GET notify-keyspace-events", 1, ""},
		{1, "CONFIG SET notify-keyspace-events gdtn", 1, ""},
		{1, "CONFIG GET notify-keyspace-events", 1, ""},
		{1, "CONFIG SET notify-keyspace-events gKE", 1, ""},
		{1, "CONFIG GET notify-keyspace-events", 1, ""},
		{1, "CONFIG SET notify-keyspace-events $lshzxeKE", 1, ""},
		{1, "CONFIG GET notify-keyspace-events", 1, ""},
		{1, "CONFIG SET notify-keyspace-events EA", 1, ""},
		{1, "CONFIG GET notify-keyspace-events", 1, ""},
		{1, "CONFIG SET notify-keyspace-events En", 1, ""},
		{1, "SET nk1 v", 1, ""}, {0, "", 1, ""},
		{1, "SET nk1 w", 1, ""},
		{1, "RPUSH nl a", 1, ""}, {0, "", 1, ""},
		{1, "RPUSH nl b", 1, ""},
		{1, "SET nk2 x", 1, ""}, {0, "", 1, ""},
		{1, "CONFIG SET notify-keyspace-events Ex", 1, ""},
		{1, "PSETEX ex1 100 v", 1, ""}, {0, "", 1, ""}, // the sweeper's, within a second
		{1, "SET ex2 v PX 100", 1, ""}, {0, "", 1, ""},
		{0, "PUNSUBSCRIBE", 1, ""},
	})
}

func must(addr string, _ any) string { return addr }

// TestPubSubSlowReader checks that a subscriber that stops reading never
// stalls publishers and is disconnected once 32 MiB wait for it.
func TestPubSubSlowReader(t *testing.T) {
	addr, _ := startWaq(t, Options{})
	sub, pub := dial(t, addr), dial(t, addr)
	if _, err := sub.do("SUBSCRIBE", "c"); err != nil {
		t.Fatal(err)
	}
	msg := strings.Repeat("x", 1<<20)
	for i := 0; i < 64; i++ {
		pub.c.SetDeadline(time.Now().Add(20 * time.Second))
		if _, err := pub.do("PUBLISH", "c", msg); err != nil {
			t.Fatalf("publish %d: %v", i, err)
		}
	}
	// The subscriber's socket is closed: reading ends in EOF, not a timeout.
	sub.c.SetReadDeadline(time.Now().Add(30 * time.Second))
	buf := make([]byte, 1<<20)
	for {
		if _, err := sub.c.Read(buf); err != nil {
			if strings.Contains(err.Error(), "timeout") {
				t.Fatal("the slow subscriber was not disconnected")
			}
			break
		}
	}
	for deadline := time.Now().Add(20 * time.Second); ; {
		v, err := pub.do("PUBSUB", "NUMSUB", "c")
		if err != nil {
			t.Fatal(err)
		}
		if v == "*2\r\n$1\r\nc\r\n:0\r\n" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("NUMSUB after the disconnect: %q", v)
		}
		time.Sleep(10 * time.Millisecond) // polling for the server's cleanup
	}
}

// pubsubLines keeps the lines of an INFO reply that start with "pubsub".
func pubsubLines(info string) string {
	var keep []string
	for _, l := range strings.Split(info, "\r\n") {
		if strings.HasPrefix(l, "pubsub") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, ",")
}

// TestPublishAfterUnsubscribe sends an UNSUBSCRIBE and, without reading its
// reply, a PUBLISH on another connection: as in Redis, the UNSUBSCRIBE
// takes effect first, even when its handler starts only after the
// PUBLISH's (the hook holds it until then).
func TestPublishAfterUnsubscribe(t *testing.T) {
	published := make(chan struct{}, 1)
	addr, _ := startWith(t, Options{PeersWait: 5 * time.Second}, func(s *Server) {
		s.testHook = func(c *call) {
			switch c.cmd.name {
			case "publish":
				published <- struct{}{}
			case "unsubscribe":
				select {
				case <-published:
				case <-time.After(time.Second):
				}
			}
		}
	})
	sub, pub := dial(t, addr), dial(t, addr)
	for i := range 5 {
		if _, err := sub.do("SUBSCRIBE", "c"); err != nil {
			t.Fatal(err)
		}
		if _, err := sub.c.Write(encode([]string{"UNSUBSCRIBE"})); err != nil {
			t.Fatal(err)
		}
		if v, err := pub.do("PUBLISH", "c", "x"); err != nil || v != ":0\r\n" {
			t.Fatalf("round %d: PUBLISH after UNSUBSCRIBE: %q %v", i, v, err)
		}
		if _, err := readReply(sub.rd); err != nil {
			t.Fatal(err)
		}
	}
}
