package resp

import (
	"math/rand/v2"
	"slices"
)

// maxRepeats caps the answer of a negative count (SRANDMEMBER, HRANDFIELD):
// Redis builds whatever it is asked for, and -9223372036854775807 makes it
// run out of memory; waq refuses counts beyond this, and answers longer than
// Options.MaxBulk bytes, with errRange instead.
const maxRepeats = 1 << 20

const (
	errRange     rerr = "ERR value is out of range"
	errLongRange rerr = "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"
)

// randArgs parses "key [count [WITHxxx]]" of HRANDFIELD, range-checked as
// Redis does before it looks at the key: a count of -2^63 cannot be negated,
// and with values the reply's length (twice the count) must not overflow.
func randArgs(c *call, with string) (count int64, withX, single bool, err error) {
	if len(c.args) == 2 {
		return 1, false, true, nil
	}
	if len(c.args) > 4 || (len(c.args) == 4 && (with == "" || !eq(c.args[3], with))) {
		return 0, false, false, errSyntax
	}
	withX = len(c.args) == 4
	if count, err = randCount(c.args[2]); err == nil && withX && (count > maxInt/2 || count < -maxInt/2) {
		err = errRange
	}
	return count, withX, false, err
}

// randCount parses the count of SRANDMEMBER and HRANDFIELD.
func randCount(b []byte) (int64, error) {
	n, err := intArg(b)
	if err == nil && n == minInt {
		err = errLongRange
	}
	return n, err
}

// countArg parses SPOP's and SRANDMEMBER's count; positive says whether a
// negative count is an error (SPOP) rather than "with repeats".
func countArg(c *call, positive bool) (int64, error) {
	if !positive {
		return randCount(c.args[2])
	}
	n, ok := parseInt(c.args[2])
	if !ok || n < 0 {
		return 0, errPositive
	}
	return n, nil
}

// pick returns indexes into n elements: count distinct ones when count is
// positive, -count with repeats when negative. Repeats fail with errRange
// beyond maxRepeats or when the sizes of the picked elements add up to more
// than limit bytes. count is never minInt: the parsers refuse it.
func pick(n int, count int64, single bool, size func(int) int, limit int) ([]int, error) {
	if n == 0 {
		return nil, nil
	}
	if single {
		return []int{rand.IntN(n)}, nil
	}
	if count < 0 {
		if -count > maxRepeats {
			return nil, errRange
		}
		out, total := make([]int, -count), 0
		for i := range out {
			out[i] = rand.IntN(n)
			if total += size(out[i]); total > limit {
				return nil, errRange
			}
		}
		return out, nil
	}
	if count >= int64(n) { // the whole collection, in its order, as Redis answers
		out := make([]int, n)
		for i := range out {
			out[i] = i
		}
		return out, nil
	}
	p := rand.Perm(n)[:count]
	slices.Sort(p) // the collection's order, as Redis's listpack sampling
	return p, nil
}
