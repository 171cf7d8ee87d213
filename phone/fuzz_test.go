package phone

import (
	"testing"

	"github.com/nyaruka/phonenumbers"
)

// FuzzNormalize holds Normalize to the library's verdict for any input:
// what it takes is a valid number in E.164 form, and an E.164 input valid
// as written (its code and national number, with no prefix to strip)
// comes back as it went in.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"+34600111222", "600111222", "+12025550123", "+390612345678", "0034600111222",
		"+44 7911 123456", "34600111222@s.whatsapp.net", "+99912345", "+0", "+", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := Normalize(s, RegionDefault)
		if err != nil {
			return
		}
		n, perr := phonenumbers.Parse(e, "ZZ")
		if perr != nil || !phonenumbers.IsValidNumber(n) || phonenumbers.Format(n, phonenumbers.E164) != e {
			t.Fatalf("Normalize(%q) = %q, which the library does not take as a valid E.164 number", s, e)
		}
		if n := split(s); IsE164(s) && n != nil && phonenumbers.IsValidNumber(n) && e != s {
			t.Fatalf("Normalize(%q) = %q, want it unchanged", s, e)
		}
	})
}
