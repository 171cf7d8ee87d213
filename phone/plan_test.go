package phone

import (
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

// TestPlanMatchesLibrary checks isValid, and validE164 of the E.164 form,
// against phonenumbers.IsValidNumber
// for the example number of every kind in every region and for random
// numbers around them: every length of the plan and one more and one less,
// the example's leading digits kept for a varying part, the rest random.
func TestPlanMatchesLibrary(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	checked, valid := 0, 0
	f := func(n *phonenumbers.PhoneNumber) {
		t.Helper()
		checked++
		want := phonenumbers.IsValidNumber(n)
		if want {
			valid++
		}
		if got := isValid(n); got != want {
			t.Fatalf("+%d %d: isValid %v, library %v", n.GetCountryCode(), n.GetNationalNumber(), got, want)
		}
		e := "+" + strconv.Itoa(int(n.GetCountryCode())) + strconv.FormatUint(n.GetNationalNumber(), 10)
		if plans()[n.GetCountryCode()] != nil && !n.GetItalianLeadingZero() && validE164(e) != want {
			t.Fatalf("validE164(%q) = %v, library %v", e, !want, want)
		}
	}
	for _, ex := range examples() {
		f(ex)
		nsn := strconv.FormatUint(ex.GetNationalNumber(), 10)
		for length := max(len(nsn)-1, 1); length <= min(len(nsn)+1, 17); length++ {
			for range 40 {
				f(variant(rng, ex.GetCountryCode(), nsn, length))
			}
		}
	}
	if len(plans()) < 200 || valid < checked/10 {
		t.Fatalf("%d plans; %d of %d numbers valid: the test checks too little", len(plans()), valid, checked)
	}
	t.Logf("%d plans, %d numbers, %d valid", len(plans()), checked, valid)
}

// examples returns the library's example number of every kind of number
// in every region and non-geographic entity, in a fixed order so that the
// random numbers around them are the same in every run.
func examples() []*phonenumbers.PhoneNumber {
	var out []*phonenumbers.PhoneNumber
	regions := slices.Sorted(maps.Keys(phonenumbers.GetSupportedRegions()))
	for _, region := range regions {
		for typ := phonenumbers.FIXED_LINE; typ <= phonenumbers.VOICEMAIL; typ++ {
			if n := phonenumbers.GetExampleNumberForType(region, typ); n != nil {
				out = append(out, n)
			}
		}
	}
	for _, cc := range slices.Sorted(maps.Keys(phonenumbers.GetSupportedGlobalNetworkCallingCodes())) {
		if n := phonenumbers.GetExampleNumberForNonGeoEntity(cc); n != nil {
			out = append(out, n)
		}
	}
	return out
}

// variant keeps a random prefix of nsn and fills it up to length with
// random digits, never starting with a zero (those keep the library's
// leading-zero path).
func variant(rng *rand.Rand, cc int32, nsn string, length int) *phonenumbers.PhoneNumber {
	b := []byte(nsn[:rng.IntN(min(len(nsn), length)+1)])
	for len(b) < length {
		b = append(b, byte('0'+rng.IntN(10)))
	}
	if b[0] == '0' {
		b[0] = '1' + byte(rng.IntN(9))
	}
	v, _ := strconv.ParseUint(string(b), 10, 64)
	return &phonenumbers.PhoneNumber{CountryCode: &cc, NationalNumber: &v}
}
