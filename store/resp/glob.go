package resp

// match reports whether s matches the glob pattern p exactly as Redis 7.0's
// stringmatchlen does: * ? [abc] [^a-z] and \ escapes, ranges compared as
// signed chars, an unclosed [ taking the rest of the pattern, an empty s
// matching only an empty p, and no match through more than 1000 nested
// stars. Redis recurses at each star, which is exponential in the number of
// stars (CVE-2022-36021) until its nesting limit; match remembers only the
// last star, so it takes at most len(p)*len(s) steps.
func match(p, s []byte) bool {
	if len(s) == 0 {
		return len(p) == 0 // Redis's loop never starts
	}
	if deepStar(p) {
		return false
	}
	pi, si := 0, 0
	star, starS := -1, 0 // the pattern after the last star, and where in s it was tried
	for si < len(s) {
		if pi < len(p) && p[pi] == '*' {
			for pi < len(p) && p[pi] == '*' {
				pi++
			}
			if pi == len(p) {
				return true
			}
			star, starS = pi, si
			continue
		}
		if pi < len(p) {
			if next, ok := matchOne(p, pi, s[si]); ok {
				pi, si = next, si+1
				continue
			}
		}
		if star < 0 {
			return false
		}
		// Every token but * matches exactly one byte, so letting the last
		// star take one more byte is the only alternative left to try.
		starS++
		pi, si = star, starS
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// maxStarNesting is Redis's limit on nested star recursion: the star group
// after it can only end the pattern.
const maxStarNesting = 1000

// deepStar reports whether p has a star group beyond Redis's nesting limit
// that does not end the pattern, which Redis never matches.
func deepStar(p []byte) bool {
	groups := 0
	for i := 0; i < len(p); {
		if p[i] != '*' {
			i, _ = matchOne(p, i, 0)
			continue
		}
		for i < len(p) && p[i] == '*' {
			i++
		}
		if groups++; groups > maxStarNesting && i < len(p) {
			return true
		}
	}
	return false
}

// matchOne matches the byte c against the token at p[i], which is not a
// star, and returns the index of the next token.
func matchOne(p []byte, i int, c byte) (int, bool) {
	switch {
	case p[i] == '?':
		return i + 1, true
	case p[i] == '[':
		return matchClass(p, i+1, c)
	case p[i] == '\\' && i+1 < len(p):
		return i + 2, p[i+1] == c
	default:
		return i + 1, p[i] == c
	}
}

// matchClass matches c against a [...] class whose body starts at p[i];
// it returns the index after the class.
func matchClass(p []byte, i int, c byte) (int, bool) {
	not := i < len(p) && p[i] == '^'
	if not {
		i++
	}
	found := false
	for ; ; i++ {
		switch {
		case i+1 < len(p) && p[i] == '\\':
			i++
			found = found || p[i] == c
		case i < len(p) && p[i] == ']':
			return i + 1, found != not
		case i >= len(p):
			return len(p), found != not
		case i+2 < len(p) && p[i+1] == '-':
			// Redis compares chars, signed on the platforms it runs on.
			lo, hi, x := int8(p[i]), int8(p[i+2]), int8(c)
			if lo > hi {
				lo, hi = hi, lo
			}
			found = found || (x >= lo && x <= hi)
			i += 2
		default:
			found = found || p[i] == c
		}
	}
}
