package resp

import "testing"

// TestStreamKeyspaceEvents compares the stream commands' keyspace events
// with redis-server's: the sequence of Redis's unit/pubsub "stream events
// test", then trimming, deletes and consumers that change nothing (no
// event), consumers created by XREADGROUP (blocked too), XCLAIM and
// XAUTOCLAIM, and "new" before the creating command's event.
func TestStreamKeyspaceEvents(t *testing.T) {
	ev := func(n int) psStep { return psStep{0, "", n, ""} }
	do := func(cmd string) psStep { return psStep{1, cmd, 1, ""} }
	psCompare(t, []psStep{
		do("CONFIG SET notify-keyspace-events Kt"),
		{0, "PSUBSCRIBE *", 1, ""},
		do("XGROUP CREATE mystream mygroup $ MKSTREAM"),
		do("XGROUP CREATECONSUMER mystream mygroup Bob"),
		do("XADD mystream 1 field1 A"),
		do("XREADGROUP GROUP mygroup Alice STREAMS mystream >"),
		do("XCLAIM mystream mygroup Mike 0 1-0 FORCE"),
		do("XGROUP DELCONSUMER mystream mygroup Lee"),
		do("XAUTOCLAIM mystream mygroup Bob 0 1-0"),
		do("XGROUP DELCONSUMER mystream mygroup Bob"),
		ev(6),
		do("CONFIG SET notify-keyspace-events KEtng"),
		do("XADD s 1-0 a 1"), ev(4), // new, xadd
		do("XADD s 2-0 a 1"), ev(2),
		do("XADD s MAXLEN 1 3-0 a 1"), ev(4), // xadd, xtrim
		do("XADD s MAXLEN 5 4-0 a 1"), ev(2),
		do("XADD nomk NOMKSTREAM 1-0 a 1"),
		do("XADD s 4-0 a 1"),
		do("XTRIM s MAXLEN 5"),
		do("XTRIM s MAXLEN 1"), ev(2),
		do("XDEL s 1-1"),
		do("XDEL s 4-0"), ev(2),
		do("XSETID s 9-0"), ev(2),
		do("XSETID s 1-0 ENTRIESADDED 0"),
		do("XGROUP CREATE s g 0"), ev(2),
		do("XGROUP CREATE s g 0"),
		do("XGROUP SETID s g 0"), ev(2),
		do("XGROUP SETID s nog 0"),
		do("XGROUP DESTROY s nog"),
		do("XGROUP DESTROY s g"), ev(2),
		do("XGROUP CREATE s2 g $ MKSTREAM"), ev(4), // new, xgroup-create
		do("XGROUP CREATECONSUMER s2 g c"), ev(2),
		do("XGROUP CREATECONSUMER s2 g c"),
		do("XGROUP DELCONSUMER s2 g c"), ev(2),
		do("XREADGROUP GROUP g c1 STREAMS s2 >"), // nothing to read: no consumer
		do("XREADGROUP GROUP g c2 STREAMS s2 0"), ev(2),
		do("XADD s2 1-0 a 1"), ev(2),
		do("XREADGROUP GROUP g c3 STREAMS s2 >"), ev(2),
		do("XREADGROUP GROUP g c3 STREAMS s2 >"),
		do("XCLAIM s2 g c4 0 99-0"),
		do("XCLAIM s2 g c4 999999999 1-0"),
		do("XAUTOCLAIM s2 g c5 999999999 0"),
		do("XAUTOCLAIM s2 g c5 0 0"), ev(2),
		{2, "XREADGROUP GROUP g c6 BLOCK 10000 STREAMS s2 >", 0, ""},
		{1, "", 0, "blocked"},                        // else a slow first look would find the entry and not block
		do("XADD s2 2-0 a 1"), {2, "", 1, ""}, ev(4), // xadd, then the served client's consumer
		do("MULTI"), do("XADD m 1-0 a 1"), do("XGROUP CREATE m g 0"), do("XREADGROUP GROUP g c STREAMS m >"),
		do("EXEC"), ev(8),
		do("SET str x"), ev(4),
		do("XADD str 1-0 a 1"),
		{0, "PUNSUBSCRIBE", 1, ""},
	})
}
