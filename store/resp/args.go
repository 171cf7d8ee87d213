package resp

import (
	"math/big"
	"strconv"
	"strings"
)

// rerr is an error reply. Handlers return one before they write anything,
// so it never leaves a command half done; its text is Redis 7.0's.
type rerr string

func (e rerr) Error() string { return string(e) }

const (
	errSyntax      rerr = "ERR syntax error"
	errNotInt      rerr = "ERR value is not an integer or out of range"
	errNotFloat    rerr = "ERR value is not a valid float"
	errOverflow    rerr = "ERR increment or decrement would overflow"
	errNoSuchKey   rerr = "ERR no such key"
	errIndexRange  rerr = "ERR index out of range"
	errDBRange     rerr = "ERR DB index is out of range"
	errMinMaxFloat rerr = "ERR min or max is not a float"
	errMinMaxLex   rerr = "ERR min or max not valid string range item"
	errPositive    rerr = "ERR value is out of range, must be positive"
	errNaNInf      rerr = "ERR increment would produce NaN or Infinity"
	errIntRange    rerr = "ERR value is out of range, value must between -2147483648 and 2147483647"
	errNoAuth      rerr = "NOAUTH Authentication required."
	errWrongPass   rerr = "WRONGPASS invalid username-password pair or user is disabled."
)

func errArity(name string) rerr {
	return rerr("ERR wrong number of arguments for '" + name + "' command")
}

// parseInt parses a decimal int64 as Redis's string2ll: no sign but '-', no
// leading zeros, no spaces.
func parseInt(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 20 {
		return 0, false
	}
	if len(b) == 1 && b[0] == '0' {
		return 0, true
	}
	s := b
	if s[0] == '-' {
		s = s[1:]
	}
	if len(s) == 0 || s[0] < '1' || s[0] > '9' {
		return 0, false
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	return n, err == nil
}

func intArg(b []byte) (int64, error) {
	n, ok := parseInt(b)
	if !ok {
		return 0, errNotInt
	}
	return n, nil
}

func floatArg(b []byte) (float64, error) {
	f, ok := parseFloat(b)
	if !ok {
		return 0, errNotFloat
	}
	return f, nil
}

// formatLongDouble prints as Redis's ld2string in human mode: "%.17Lf"
// without trailing zeros.
func formatLongDouble(f *big.Float) string {
	s := f.Text('f', 17)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(s, "0")
		s = strings.TrimSuffix(s, ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}

// addLongDouble adds incr to the value cur (nil: 0) as Redis does, failing
// with errNaNInf when the sum leaves the finite range.
func addLongDouble(cur []byte, incr []byte, notFloat rerr) (string, error) {
	a := new(big.Float).SetPrec(64)
	if cur != nil {
		v, ok := longDouble(cur)
		if !ok {
			return "", notFloat
		}
		a = v
	}
	inc, ok := longDouble(incr)
	if !ok {
		return "", errNotFloat
	}
	if a.IsInf() || inc.IsInf() {
		return "", errNaNInf
	}
	sum := new(big.Float).SetPrec(64).Add(a, inc)
	if sum.MantExp(nil) > ldMaxExp {
		return "", errNaNInf
	}
	return formatLongDouble(sum), nil
}

func lower(b []byte) string { return strings.ToLower(string(b)) }

// eq reports whether arg equals the lower-case word, ignoring case.
func eq(arg []byte, word string) bool { return strings.EqualFold(string(arg), word) }
