package phone

import (
	"strconv"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// check says how much of its country's plan a number must match.
type check int

const (
	valid    check = iota // a range of the plan: what clients send
	possible              // a length of the plan: what WhatsApp gives
)

func (c check) ok(n *phonenumbers.PhoneNumber) bool {
	if c == possible {
		return phonenumbers.IsPossibleNumberWithReason(n) == phonenumbers.IS_POSSIBLE
	}
	return isValid(n)
}

// punctuation is what people put between digits; anything else but digits
// and a leading plus makes s no phone number.
const punctuation = " \t-./()\u00a0"

// normalize is Normalize without the fast path, for region (canonical, ""
// for none) and ok.
func normalize(s, region string, ok check) (string, error) {
	in := s
	s = strings.TrimSpace(s)
	if s == "" {
		return "", &Error{Input: in, Reason: "is empty: give a phone number such as +34600111222"}
	}
	if strings.Contains(s, "@") {
		return jid(in, s, ok)
	}
	plus := s[0] == '+'
	digits, bad := onlyDigits(strings.TrimPrefix(s, "+"))
	switch {
	case bad != 0:
		return "", &Error{Input: in, Reason: "holds " + strconv.QuoteRune(bad) + ", which is no part of a phone number"}
	case digits == "":
		return "", &Error{Input: in, Reason: "holds no digits"}
	case plus:
		return international(in, "+"+digits, ok)
	case region == "":
		if rest, idd := strings.CutPrefix(digits, "00"); idd {
			digits = rest
		}
		e, err := international(in, "+"+digits, ok)
		if err, is := err.(*Error); is && ok == valid {
			err.Reason += "; with no default region, a number without + must start with its country code"
		}
		return e, err
	}
	return national(in, digits, region, ok)
}

// national reads digits as a number of region (whose international prefix,
// such as 00, it knows), and else as a number with its country code.
func national(in, digits, region string, ok check) (string, error) {
	n, err := phonenumbers.Parse(digits, region)
	if err == nil && ok.ok(n) {
		return phonenumbers.Format(n, phonenumbers.E164), nil
	}
	if e, err := international(in, "+"+digits, ok); err == nil {
		return e, nil
	}
	if err != nil {
		return "", parseError(in, err)
	}
	return "", &Error{Input: in, Reason: "is not a valid number of " + region + " (" + flaw(n) +
		"), nor a number with a country code: write it as + country code and number"}
}

// jid returns the number of a WhatsApp jid "<user>[_agent][:device]@<server>"
// whose server is a phone one; others are ErrNotPhone.
func jid(in, s string, ok check) (string, error) {
	user, server, _ := strings.Cut(s, "@")
	switch server {
	case "s.whatsapp.net", "c.us": // c.us: whatsapp-web.js
	case "lid":
		return "", &Error{Input: in, Reason: "is a WhatsApp privacy id (@lid), not a phone number", notPhone: true}
	case "g.us":
		return "", &Error{Input: in, Reason: "is a WhatsApp group, not a phone number", notPhone: true}
	default: // broadcast, newsletter, and servers yet to come
		return "", &Error{Input: in, Reason: "is a WhatsApp " + server + " id, not a phone number", notPhone: true}
	}
	if i := strings.IndexAny(user, "_:"); i >= 0 {
		user = user[:i]
	}
	if digits, bad := onlyDigits(user); bad == 0 && digits == user && user != "" {
		return international(in, "+"+user, ok)
	}
	return "", &Error{Input: in, Reason: "is a WhatsApp jid that holds no phone number"}
}

// onlyDigits drops punctuation from s and returns its digits, or the first
// rune that is neither.
func onlyDigits(s string) (string, rune) {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case !strings.ContainsRune(punctuation, r):
			return "", r
		}
	}
	return b.String(), 0
}

// international checks e, a plus and digits, as a number with its country
// code, and returns it in E.164 form. A number valid as written is answered
// without the library's parser, from its compiled plan (plan.go), which
// costs less than a cache of verdicts did when it missed.
func international(in, e string, ok check) (string, error) {
	if ok == valid && validE164(e) {
		return e, nil
	}
	if n := split(e); n != nil && ok.ok(n) {
		return e, nil
	}
	n, err := phonenumbers.Parse(e, "ZZ") // leading zeros, national prefixes
	if err != nil {
		return "", parseError(in, err)
	}
	if !ok.ok(n) {
		return "", &Error{Input: in, Reason: why(n)}
	}
	return phonenumbers.Format(n, phonenumbers.E164), nil
}

// validE164 reports whether e, a plus and digits, is valid in the plan of
// its calling code, without building the library's PhoneNumber. False
// means not valid or not known here: split and the library then decide.
func validE164(e string) bool {
	cc, nsn := splitCode(e)
	if nsn == "" || nsn[0] == '0' {
		return false
	}
	p := plans()[cc]
	return p != nil && p.valid(nsn)
}

// splitCode cuts e, a plus and digits, into its calling code and national
// number, or returns "" for a code no country has.
func splitCode(e string) (int32, string) {
	if len(e) < 2 || e[1] == '0' { // no code starts with 0; Atoi would skip it
		return 0, ""
	}
	codes := phonenumbers.GetSupportedCallingCodes()
	for i := 2; i <= 4 && i < len(e); i++ {
		cc, err := strconv.Atoi(e[1:i])
		if err == nil && codes[cc] { // country codes are prefix-free: at most one matches
			return int32(cc), e[i:]
		}
	}
	return 0, ""
}

// split reads e, a plus and digits, as country code and national number
// without the library's parser, or returns nil when the parser is needed:
// no known country code, or a national number starting with 0.
func split(e string) *phonenumbers.PhoneNumber {
	cc, rest := splitCode(e)
	if rest == "" || rest[0] == '0' {
		return nil
	}
	nsn, err := strconv.ParseUint(rest, 10, 64)
	if err != nil {
		return nil
	}
	return &phonenumbers.PhoneNumber{CountryCode: &cc, NationalNumber: &nsn}
}
