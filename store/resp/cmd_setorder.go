package resp

import (
	"bytes"
	"cmp"
	"slices"
	"strconv"

	"github.com/waqhq/waq/store/keyspace"
)

// Redis 7.0 answers SMEMBERS, SINTER, SUNION and SDIFF in the order of the
// set it walks: an intset's is ascending, a hashtable's is its hash order,
// which waq cannot reproduce and answers in byte order. SINTER walks the
// smallest input set; SUNION and SDIFF build a new set, an intset until a
// member that is no integer or one member too many makes it a hashtable,
// and SDIFF's second algorithm (chosen by Redis's cost estimate) first adds
// the whole first set. The *STORE forms store that same set, encoding
// included.

// intsetMax is set-max-intset-entries as Redis applies it (capped at 2^30).
func intsetMax(c *call) int {
	return int(min(c.s.setting("set-max-intset-entries"), 1<<30))
}

// inSet is one input of a set operation.
type inSet struct {
	key    []byte
	ms     [][]byte // in Redis's order
	exists bool
}

// readSets reads the sets at keys, type-checking every key first as Redis
// does.
func readSets(c *call, keys [][]byte) ([]inSet, error) {
	sets := make([]inSet, len(keys))
	for i, k := range keys {
		n, err := c.tx.Len(c.db(), k, keyspace.Set)
		if err != nil {
			return nil, err
		}
		sets[i] = inSet{key: k, exists: n > 0}
	}
	for i := range sets {
		ms, err := members(c, sets[i].key)
		if err != nil {
			return nil, err
		}
		sets[i].ms = ms
	}
	return sets, nil
}

func memberSet(ms [][]byte) map[string]bool {
	in := make(map[string]bool, len(ms))
	for _, m := range ms {
		in[string(m)] = true
	}
	return in
}

// inter is SINTER: the members of the smallest set (the first of equal
// ones) that every set holds, in that set's order.
func inter(sets []inSet) [][]byte {
	first := 0
	for i, s := range sets {
		if !s.exists {
			return nil
		}
		if len(s.ms) < len(sets[first].ms) {
			first = i
		}
	}
	others := make([]map[string]bool, 0, len(sets))
	for i, s := range sets {
		if i != first && !bytes.Equal(s.key, sets[first].key) {
			others = append(others, memberSet(s.ms))
		}
	}
	var out [][]byte
	for _, m := range sets[first].ms {
		if !slices.ContainsFunc(others, func(o map[string]bool) bool { return !o[string(m)] }) {
			out = append(out, m)
		}
	}
	return out
}

// unionDiff is SUNION or SDIFF: the resulting set in Redis's order and
// whether Redis built it as an intset.
func unionDiff(sets []inSet, op string, max int) ([][]byte, bool) {
	var out, built [][]byte // built: what Redis added to its result set
	if op == "union" {
		out = union(sets)
		built = out
	} else {
		out, built = diff(sets)
	}
	intset := len(built) <= max && !slices.ContainsFunc(built, func(m []byte) bool { return !keyspace.IsInt(m) })
	return inOrder(out, intset), intset
}

// union returns the members of sets, each once.
func union(sets []inSet) [][]byte {
	var out [][]byte
	seen := map[string]bool{}
	for _, s := range sets {
		for _, m := range s.ms {
			if !seen[string(m)] {
				seen[string(m)] = true
				out = append(out, m)
			}
		}
	}
	return out
}

// diff returns the members of the first set that no other holds, and what
// Redis added to its result set on the way: those, or with its second
// algorithm (when half its first one's estimated work is more) the whole
// first set. A key given again as the first is an empty result.
func diff(sets []inSet) (out, built [][]byte) {
	if !sets[0].exists || slices.ContainsFunc(sets[1:], func(s inSet) bool {
		return s.exists && bytes.Equal(s.key, sets[0].key)
	}) {
		return nil, nil
	}
	rest := map[string]bool{}
	one, two := 0, 0
	for i, s := range sets {
		if s.exists {
			one, two = one+len(sets[0].ms), two+len(s.ms)
		}
		for _, m := range s.ms {
			rest[string(m)] = rest[string(m)] || i > 0
		}
	}
	for _, m := range sets[0].ms {
		if !rest[string(m)] {
			out = append(out, m)
		}
	}
	if one/2 > two {
		return out, sets[0].ms
	}
	return out, out
}

// inOrder sorts ms as Redis's result set answers: ascending integers for an
// intset, else byte order.
func inOrder(ms [][]byte, intset bool) [][]byte {
	if !intset {
		slices.SortFunc(ms, bytes.Compare)
		return ms
	}
	slices.SortFunc(ms, func(a, b []byte) int {
		x, _ := strconv.ParseInt(string(a), 10, 64)
		y, _ := strconv.ParseInt(string(b), 10, 64)
		return cmp.Compare(x, y)
	})
	return ms
}

// setResult computes SINTER, SUNION or SDIFF over keys, with whether Redis
// would store the result as an intset.
func setResult(c *call, keys [][]byte, op string) ([][]byte, bool, error) {
	sets, err := readSets(c, keys)
	if err != nil {
		return nil, false, err
	}
	if op == "inter" {
		out := inter(sets)
		return out, len(out) <= intsetMax(c) && !slices.ContainsFunc(out, func(m []byte) bool { return !keyspace.IsInt(m) }), nil
	}
	out, intset := unionDiff(sets, op, intsetMax(c))
	return out, intset, nil
}
