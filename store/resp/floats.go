package resp

import (
	"math"
	"math/big"
	"strconv"
	"strings"
)

// Redis reads numbers with C's strtod and strtold and then applies its own
// checks, which differ by command; these functions give the same answers.

// Exponent limits of the x87 long double (64-bit mantissa) Redis's
// INCRBYFLOAT uses, as big.Float exponents (value = mant × 2^exp, mant in
// [0.5, 1)).
const (
	ldMaxExp = 16384
	ldMinExp = -16445
)

// parseFloat is Redis's getDoubleFromObject: the whole string, no leading
// space, no NaN, and no overflow to ±inf or underflow to 0 (ERANGE); "inf"
// itself is accepted.
func parseFloat(b []byte) (float64, bool) {
	s := string(b)
	if s == "" || isSpace(s[0]) || strings.Contains(s, "_") {
		return 0, false
	}
	f, err := strconv.ParseFloat(hexExp(s), 64)
	if err != nil || math.IsNaN(f) {
		return 0, false // syntax, or out of range (ERANGE with HUGE_VAL)
	}
	if f == 0 && nonZeroMantissa(s) {
		return 0, false // ERANGE with a zero result
	}
	return f, true
}

// parseBound is the strtod of zslParseRange: leading spaces and an empty
// string (0) are fine, overflow gives ±inf; only NaN and junk fail.
func parseBound(b []byte) (float64, bool) {
	s := strings.TrimLeft(string(b), " \t\n\v\f\r")
	if s == "" {
		return 0, len(b) == 0
	}
	if strings.Contains(s, "_") {
		return 0, false
	}
	f, err := strconv.ParseFloat(hexExp(s), 64)
	if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
		err = nil
	}
	return f, err == nil && !math.IsNaN(f)
}

// longDouble is Redis's getLongDoubleFromObject at the precision of the
// long double, so that sums print as Redis prints them (0.1+0.2 is "0.3").
func longDouble(b []byte) (*big.Float, bool) {
	s := string(b)
	if s == "" || isSpace(s[0]) || strings.Contains(s, "_") {
		return nil, false
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && math.IsInf(f, 0) {
		return new(big.Float).SetInf(f < 0), true // "inf", "infinity"
	}
	base := 10
	if strings.HasPrefix(strings.TrimLeft(strings.ToLower(s), "+-"), "0x") {
		s, base = hexExp(s), 0
	}
	f, _, err := big.ParseFloat(s, base, 64, big.ToNearestEven)
	if err != nil {
		return nil, false
	}
	if exp := f.MantExp(nil); f.Sign() != 0 && (exp > ldMaxExp || exp < ldMinExp) {
		return nil, false // ERANGE: overflow, or underflow to 0
	}
	return f, true
}

func isSpace(c byte) bool { return c == ' ' || (c >= '\t' && c <= '\r') }

// nonZeroMantissa reports whether the digits before any exponent are not
// all zero, to tell "0e5" from an underflow like "1e-400".
func nonZeroMantissa(s string) bool {
	if i := strings.IndexAny(s, "eEpP"); i >= 0 && !strings.HasPrefix(strings.ToLower(s), "0x") {
		s = s[:i]
	}
	return strings.ContainsAny(s, "123456789")
}

// hexExp gives a C hex float without a binary exponent ("0x10") the "p0"
// Go requires.
func hexExp(s string) string {
	t := strings.TrimLeft(strings.ToLower(s), "+-")
	if strings.HasPrefix(t, "0x") && !strings.Contains(t, "p") {
		return s + "p0"
	}
	return s
}
