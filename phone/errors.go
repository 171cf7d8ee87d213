package phone

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/nyaruka/phonenumbers"
)

// ErrNotPhone matches, by errors.Is, the *Error of a WhatsApp id that names
// no phone number: a privacy id (@lid), a group (@g.us), a broadcast list
// or a newsletter.
var ErrNotPhone = errors.New("not a phone number")

// inputMax bounds how much of a bad input an error repeats.
const inputMax = 40

// Error says why an input is not a phone number; its text is safe to show a
// client, as the API does under the field that held the input.
type Error struct {
	Input    string // as given
	Reason   string // what is wrong, and when it helps, how to write it
	notPhone bool
}

func (e *Error) Error() string {
	in := e.Input
	if len(in) > inputMax {
		in = in[:inputMax] + "..."
	}
	return strconv.Quote(in) + " " + e.Reason
}

// Is makes errors.Is(err, ErrNotPhone) hold for WhatsApp ids that are not
// phone numbers.
func (e *Error) Is(target error) bool { return target == ErrNotPhone && e.notPhone }

// parseError explains an error of phonenumbers.Parse.
func parseError(in string, err error) *Error {
	reason := "is not a phone number"
	switch {
	case errors.Is(err, phonenumbers.ErrInvalidCountryCode):
		reason = "starts with no country code that exists: write it as + country code and number"
	case errors.Is(err, phonenumbers.ErrTooShortNSN), errors.Is(err, phonenumbers.ErrTooShortAfterIDD):
		reason = "is too short to be a phone number"
	case errors.Is(err, phonenumbers.ErrNumTooLong):
		reason = "is too long to be a phone number"
	}
	return &Error{Input: in, Reason: reason}
}

// why explains why n, which parsed, is not a valid number.
func why(n *phonenumbers.PhoneNumber) string {
	cc := int(n.GetCountryCode())
	return fmt.Sprintf("is not a valid number of +%d (%s): %s", cc, phonenumbers.GetRegionCodeForCountryCode(cc), flaw(n))
}

// flaw names what is wrong with n in a few words.
func flaw(n *phonenumbers.PhoneNumber) string {
	switch phonenumbers.IsPossibleNumberWithReason(n) {
	case phonenumbers.INVALID_COUNTRY_CODE:
		return "no country has that code"
	case phonenumbers.TOO_SHORT, phonenumbers.IS_POSSIBLE_LOCAL_ONLY:
		return "too short"
	case phonenumbers.TOO_LONG:
		return "too long"
	case phonenumbers.INVALID_LENGTH:
		return "no number there has that length"
	}
	return "no number range there starts so"
}
