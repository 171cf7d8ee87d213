package resp

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// TestDifferentialRandom sends the same random commands, over a small set of
// keys of every type, to redis-server and waq and compares the replies, one
// by one and then pipelined. The seed is fixed so that CI is repeatable;
// WAQ_DIFF_SEED=N replays another one and WAQ_DIFF_SEED=random draws one.
func TestDifferentialRandom(t *testing.T) {
	redis := startRedis(t)
	waq, _ := startWaq(t, Options{})
	seed := uint64(20261127)
	switch v := getenv("WAQ_DIFF_SEED"); v {
	case "":
	case "random":
		seed = rand.Uint64()
	default:
		seed, _ = strconv.ParseUint(v, 10, 64)
	}
	t.Logf("seed %d (replay with WAQ_DIFF_SEED=%d)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	for _, pipelined := range []bool{false, true} {
		rc, wc := dial(t, redis), dial(t, waq)
		rc.do("FLUSHALL")
		wc.do("FLUSHALL")
		if fails := runRandom(t, rng, rc, wc, pipelined); fails > 0 {
			t.Fatalf("%d mismatches (pipelined %v)", fails, pipelined)
		}
	}
}

// runRandom compares 5000 random commands, in chunks of 500 pipelined ones
// when pipelined, and returns the number of mismatches.
func runRandom(t *testing.T, rng *rand.Rand, rc, wc *rconn, pipelined bool) int {
	fails := 0
	for chunk := 0; chunk < 10 && fails < 10; chunk++ {
		type cmd struct {
			mode string
			args []string
		}
		cmds := make([]cmd, 500)
		var all []byte
		for i := range cmds {
			cmds[i].mode, cmds[i].args = randomCommand(rng)
			all = append(all, encode(cmds[i].args)...)
		}
		if pipelined {
			rc.c.Write(all)
			wc.c.Write(all)
		}
		for i, c := range cmds {
			want, err1 := send(rc, c.args, !pipelined)
			got, err2 := send(wc, c.args, !pipelined)
			if err1 != nil || err2 != nil {
				t.Fatalf("%q: redis %v, waq %v", c.args, err1, err2)
			}
			if w, g := normalize(c.mode, want), normalize(c.mode, got); w != g && fails < 10 {
				t.Errorf("#%d %q\n redis: %q\n   waq: %q", chunk*500+i, c.args, w, g)
				fails++
			}
		}
	}
	return fails
}

var randomTemplates = []string{
	"SET s%k %v", "GET s%k", "INCRBY s%k %n", "APPEND s%k %v", "GETRANGE s%k %n %n", "SETRANGE s%k %p %v",
	"INCRBYFLOAT s%k %f", "STRLEN s%k", "GETDEL s%k", "MSET s%k %v s%k %v", "MGET s%k s%k h%k",
	"HSET h%k %m %v", "HINCRBY h%k %m %n", "HDEL h%k %m %m", "HGET h%k %m", "HLEN h%k", "~2 HGETALL h%k",
	"HINCRBYFLOAT h%k %m %f", "HSETNX h%k %m %v", "HMGET h%k %m %m",
	"LPUSH l%k %m %m", "RPUSH l%k %m", "LPOP l%k", "RPOP l%k %p", "LRANGE l%k %n %n", "LINDEX l%k %n",
	"LSET l%k %n %m", "LINSERT l%k BEFORE %m %m", "LREM l%k %n %m", "LTRIM l%k %n %n", "LPOS l%k %m",
	"LMOVE l%k l%k LEFT RIGHT", "RPOPLPUSH l%k l%k", "LLEN l%k",
	"SADD t%k %m %m", "SREM t%k %m", "SISMEMBER t%k %m", "SCARD t%k", "~ SMEMBERS t%k", "~ SINTER t%k t%k",
	"~ SUNION t%k t%k", "~ SDIFF t%k t%k", "SMISMEMBER t%k %m %m",
	"ZADD z%k %f %m %f %m", "ZADD z%k %o %f %m", "ZINCRBY z%k %f %m", "ZREM z%k %m", "ZSCORE z%k %m",
	"ZRANGE z%k %n %n WITHSCORES", "ZRANGEBYSCORE z%k %b %b", "ZREVRANGEBYSCORE z%k %b %b WITHSCORES LIMIT %p %n",
	"ZRANGE z%k %b %b BYSCORE REV", "ZCOUNT z%k %b %b", "ZRANK z%k %m", "ZREVRANK z%k %m", "ZPOPMIN z%k %p",
	"ZREMRANGEBYSCORE z%k %b %b", "ZREMRANGEBYRANK z%k %n %n", "ZADD lex 0 %m", "ZRANGEBYLEX lex %l %l", "ZREVRANGEBYLEX lex %l %l LIMIT %p %n", "ZLEXCOUNT lex %l %l", "ZREMRANGEBYLEX lex %l %l", "ZCARD z%k",
	"DEL %K", "EXISTS %K %K", "TYPE %K", "EXPIRE %K %q", "TTL %K", "PERSIST %K", "RENAME %K %K",
	"RENAMENX %K %K", "DBSIZE",
	"SET s%k %v %x", "SET s%k %v %x %x", "GETEX s%k %y", "GETSET s%k %v", "SETNX s%k %v", "MSETNX s%k %v s%k %v",
	"DECRBY s%k %n", "INCR s%k", "SETEX s%k %q %v", "LPUSHX l%k %m", "RPUSHX l%k %m", "LPOS l%k %m RANK %n COUNT %p",
	"LPOS l%k %m COUNT %p MAXLEN %p", "LMOVE l%k l%k RIGHT LEFT", "LPOP l%k %n", "HSTRLEN h%k %m", "~ HKEYS h%k",
	"~ HVALS h%k", "HEXISTS h%k %m", "ZADD z%k %o %o %f %m", "ZADD z%k %o %o %o %f %m %f %m", "ZMSCORE z%k %m %m",
	"ZRANGE z%k %b %b BYSCORE LIMIT %n %n WITHSCORES", "ZRANGE lex %l %l BYLEX REV LIMIT %p %p", "ZPOPMAX z%k",
	"ZREVRANGE z%k %n %n", "EXPIRE %K %q %e", "PEXPIRE %K %q000", "? EXPIRETIME %K", "~s SCAN 0 COUNT 1000 TYPE %t",
	"~ KEYS %K", "~ KEYS *%k", "SELECT %d", "~ KEYS %g", "~s SCAN 0 MATCH %g COUNT 100",
	"? SRANDMEMBER t%k %r", "? HRANDFIELD h%k %r", "? HRANDFIELD h%k %r WITHVALUES", "~s2 HSCAN h%k %c",
	"~s2 ZSCAN z%k %c MATCH %g", "? SSCAN t%k %c", "? SCAN %c", "ZPOPMIN z%k %r",
	// Streams, with explicit IDs (no clock) and no replies holding times.
	"XADD x%k %i %m %v", "XADD x%k MAXLEN %p %i %m %v", "XADD x%k MINID %i %i %m %v", "XADD x%k NOMKSTREAM %i %m %v",
	"XADD x%k MAXLEN ~ %p %i %m %v", "XLEN x%k", "XRANGE x%k %i %i", "XREVRANGE x%k %i %i COUNT %p", "XDEL x%k %i %i",
	"XTRIM x%k MAXLEN %p", "XTRIM x%k MINID %i", "XREAD COUNT %p STREAMS x%k x%k %i %i", "XGROUP CREATE x%k g%d %i",
	"XGROUP CREATE x%k g%d %i MKSTREAM", "XREADGROUP GROUP g%d c%d COUNT %p STREAMS x%k >",
	"XREADGROUP GROUP g%d c%d STREAMS x%k %i", "XACK x%k g%d %i", "XPENDING x%k g%d", "XGROUP DESTROY x%k g%d",
	"XGROUP DELCONSUMER x%k g%d c%d", "XCLAIM x%k g%d c%d 0 %i JUSTID", "XAUTOCLAIM x%k g%d c%d 0 %i COUNT %p JUSTID",
	"XSETID x%k %i", "XGROUP SETID x%k g%d %i", "XINFO GROUPS x%k", "TYPE x%k", "DEL x%k", "RENAME x%k x%k",
	"COPY x%k x%k", "XGROUP CREATECONSUMER x%k g%d c%d",
	"BITOP %w s%k s%k s%k", "BITOP NOT s%k %K", "GET s%k", "SETBIT s%k %p 1", "BITCOUNT s%k %n %n",
	"BITFIELD s%k %h %a %n %h %a %n", "BITFIELD s%k SET %a %j %n GET %a %j", "BITFIELD s%k INCRBY %a %j %n",
	"BITFIELD s%k OVERFLOW %u INCRBY %a %j %n SET %a %j %n", "BITFIELD_RO s%k GET %a %j",
	"PUBLISH %m %v", "PUBSUB NUMSUB %m %m", "PUBSUB NUMPAT",
}

func randomCommand(rng *rand.Rand) (string, []string) {
	tmpl := randomTemplates[rng.IntN(len(randomTemplates))]
	mode := ""
	if strings.HasPrefix(tmpl, "~") || strings.HasPrefix(tmpl, "?") {
		i := strings.IndexByte(tmpl, ' ')
		mode, tmpl = tmpl[:i], tmpl[i+1:]
	}
	var args []string
	for _, w := range strings.Fields(tmpl) {
		args = append(args, expand(rng, w))
	}
	return mode, args
}

func expand(rng *rand.Rand, w string) string {
	var b strings.Builder
	for i := 0; i < len(w); i++ {
		if w[i] != '%' || i+1 == len(w) {
			b.WriteByte(w[i])
			continue
		}
		i++
		b.WriteString(randomArg(rng, w[i]))
	}
	return b.String()
}

func randomArg(rng *rand.Rand, kind byte) string {
	switch kind {
	case 'k':
		return strconv.Itoa(rng.IntN(3))
	case 'K':
		return string("shltz"[rng.IntN(5)]) + strconv.Itoa(rng.IntN(3))
	case 'v':
		return []string{"", "x", "12", "-3", "1.5", "abc", "9223372036854775807"}[rng.IntN(7)]
	case 'm':
		return string(rune('a' + rng.IntN(5)))
	case 'n':
		if rng.IntN(8) == 0 { // the int64 limits and just past them
			return []string{"-9223372036854775808", "9223372036854775807", "9223372036854775808",
				"-9223372036854775809", "-9223372036854775807", "4611686018427387904"}[rng.IntN(6)]
		}
		return strconv.Itoa(rng.IntN(11) - 5)
	case 'r': // counts: none of Redis's huge negative ones, which it would build
		return []string{"0", "1", "3", "-2", "9223372036854775807", "-9223372036854775808", "4611686018427387904",
			"9223372036854775808", "x"}[rng.IntN(9)]
	case 'c':
		return []string{"0", "-1", "+0", "", " 1", "abc", "18446744073709551615", "18446744073709551616", "-0"}[rng.IntN(9)]
	case 'p':
		return strconv.Itoa(rng.IntN(6))
	case 'f':
		return []string{"1", "2.5", "-1", "0", "1e3", "0.1", "inf", "-inf", "3"}[rng.IntN(9)]
	case 'b':
		return []string{"-inf", "+inf", "0", "(1", "2.5", "(3", "1", "abc"}[rng.IntN(8)]
	case 'l':
		return []string{"-", "+", "[a", "(b", "[c", "(e", "x"}[rng.IntN(7)]
	case 'x':
		return []string{"NX", "XX", "GET", "KEEPTTL", "EX", "PX 500000", "EX 100", "EXAT 99999999999", "PXAT 1"}[rng.IntN(9)]
	case 'y':
		return []string{"PERSIST", "EX 100", "PX 0", "EX", "FOO", ""}[rng.IntN(6)]
	case 'e':
		return []string{"NX", "XX", "GT", "LT", "", "FOO"}[rng.IntN(6)]
	case 't':
		return []string{"string", "hash", "list", "set", "zset"}[rng.IntN(5)]
	case 'q': // TTLs that do not expire while the test runs, or at once
		return []string{"-1", "0", "100", "1000", "abc"}[rng.IntN(5)]
	case 'g':
		return []string{"*", "?0", "[st]*", "[^s]?", "[a-z]1", "\\s*", "[", "*[", "h[0-2]", "[!s]*",
			"[s-h]?", "s[", "*\\", "l[1-]", "[]]*", "**1", "?", "z*?", "[h-s]*[12]"}[rng.IntN(19)]
	case 'd':
		return strconv.Itoa(rng.IntN(2))
	case 'i': // stream IDs and bounds
		return []string{"1", "1-1", "2-0", "0-1", "3", "(1", "-", "+", "5-*", "x", "0-0", "4-18446744073709551615",
			"18446744073709551615-18446744073709551615", "(2-0", "6"}[rng.IntN(15)]
	case 'o':
		return []string{"NX", "XX", "GT", "LT", "CH", "INCR"}[rng.IntN(6)]
	case 'w': // BITOP's operations
		return []string{"AND", "OR", "XOR", "NOT", "NAND"}[rng.IntN(5)]
	case 'h': // BITFIELD's operations with two arguments after the type
		return []string{"GET", "INCRBY", "SET", "OVERFLOW"}[rng.IntN(4)]
	case 'a': // BITFIELD types
		return []string{"u1", "i1", "u8", "i8", "u63", "i64", "u64", "i5", "u3", "x"}[rng.IntN(10)]
	case 'j': // BITFIELD offsets
		return []string{"0", "1", "7", "#1", "#3", "13", "-1", "x"}[rng.IntN(8)]
	case 'u':
		return []string{"WRAP", "SAT", "FAIL", "x"}[rng.IntN(4)]
	}
	return fmt.Sprintf("%%%c", kind)
}
