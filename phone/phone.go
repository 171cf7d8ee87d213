// Package phone turns the ways clients, queues and WhatsApp gateways write a
// phone number into E.164 ("+34600111222"), the one form waq stores. It is
// the single normalizer of the API, the webhooks and the importer, built on
// github.com/nyaruka/phonenumbers (Google's libphonenumber and its number
// plans). WhatsApp ids that are not phone numbers (@lid privacy ids,
// groups, broadcasts, newsletters) are refused with ErrNotPhone, never
// turned into a number.
package phone

import (
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// RegionDefault is the country of numbers written without a country code:
// the agency's, Spain.
const RegionDefault = "ES"

// Normalize returns s in E.164 form. It takes "+34 600 11 12 22",
// "0034600111222" (the region's international prefix), the jid
// "34600111222@s.whatsapp.net", digits with their country code but no plus
// ("34600111222", a Cloud API wa_id) and a national number ("600111222")
// read in region. Digits without a plus are read as a national number of
// region first, then with a country code, so "600111222" is +34600111222 in
// ES, never Malaysia's +60. With region "" every number needs its country
// code. The number must be valid in its country's plan.
//
// It returns an *Error saying why s is not a number; errors.Is(err,
// ErrNotPhone) holds for a WhatsApp id that is not a phone.
func Normalize(s, region string) (string, error) {
	if IsE164(s) { // the common case: no parsing, the compiled plan
		return international(s, s, valid)
	}
	return normalize(s, canonical(region), valid)
}

// FromWhatsApp returns the E.164 number of an id a WhatsApp gateway gave: a
// jid such as "34600111222:3@s.whatsapp.net" or a Cloud API wa_id such as
// "34600111222". Such ids always carry their country code, so no region
// applies. WhatsApp has already said the number exists, so only its length
// is checked against the plan: a number from a range newer than the
// library's plans is still taken. It returns an *Error, with ErrNotPhone
// for @lid, group, broadcast and newsletter ids.
func FromWhatsApp(id string) (string, error) {
	return normalize(id, "", possible)
}

// Region returns region in upper case when the number plans know it, "" for
// "" (no default region), or an error naming the region.
func Region(region string) (string, error) {
	r := canonical(region)
	if r != "" && !phonenumbers.GetSupportedRegions()[r] {
		return "", &Error{Input: region, Reason: "is not a region code of libphonenumber: use a two-letter ISO 3166 code such as ES, PT or FR"}
	}
	return r, nil
}

// IsE164 reports whether s has the form of an E.164 number: a plus sign and
// 7 to 15 digits, the first not zero. It does not look at number plans.
func IsE164(s string) bool {
	if len(s) < 8 || len(s) > 16 || s[0] != '+' || s[1] == '0' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// canonical upper-cases a region code, so that "es" works as "ES".
func canonical(region string) string {
	if len(region) == 2 && (region[0] >= 'a' || region[1] >= 'a') {
		return strings.ToUpper(region)
	}
	return region
}
