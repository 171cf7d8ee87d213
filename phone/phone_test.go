package phone

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestNormalize(t *testing.T) {
	f := func(in, region, want string) {
		t.Helper()
		got, err := Normalize(in, region)
		if err != nil || got != want {
			t.Errorf("Normalize(%q, %q) = %q, %v; want %q", in, region, got, err, want)
		}
	}
	f("+34600111222", "ES", "+34600111222")
	f("+34600111222", "", "+34600111222")
	f("+34 600 11 12 22", "ES", "+34600111222")
	f(" +34 (600) 111-222 ", "ES", "+34600111222")
	f("+34.600.111.222", "PT", "+34600111222")
	f("+34\u00a0600\u00a0111\u00a0222", "ES", "+34600111222") // no-break spaces from spreadsheets
	f("0034600111222", "ES", "+34600111222")
	f("0034 600 111 222", "", "+34600111222")
	f("00351912345678", "ES", "+351912345678")
	f("34600111222@s.whatsapp.net", "ES", "+34600111222") // Evolution jid
	f("34600111222@s.whatsapp.net", "", "+34600111222")
	f("34600111222:12@s.whatsapp.net", "", "+34600111222") // with a device
	f("34600111222@c.us", "", "+34600111222")              // whatsapp-web.js
	f("34600111222", "ES", "+34600111222")                 // a Cloud API wa_id
	f("5511988887777", "ES", "+5511988887777")
	f("447911123456", "ES", "+447911123456")
	f("5511988887777", "", "+5511988887777")
	f("600111222", "ES", "+34600111222") // national, not Malaysia's +60
	f("600 11 12 22", "es", "+34600111222")
	f("954123456", "ES", "+34954123456") // a Seville landline
	f("912345678", "PT", "+351912345678")
	f("07911 123456", "GB", "+447911123456") // the trunk 0 goes
	f("(202) 555-0123", "US", "+12025550123")
	f("+39 06 1234 5678", "", "+390612345678") // Italy keeps its leading 0
	f("+44 (0)7911 123456", "", "+447911123456")
}

func TestNormalizeRefuses(t *testing.T) {
	f := func(in, region, want string) {
		t.Helper()
		got, err := Normalize(in, region)
		var e *Error
		if !errors.As(err, &e) || !strings.Contains(err.Error(), want) {
			t.Errorf("Normalize(%q, %q) = %q, %v; want an *Error saying %q", in, region, got, err, want)
		}
		if errors.Is(err, ErrNotPhone) != strings.Contains(want, "not a phone number") {
			t.Errorf("Normalize(%q): errors.Is(ErrNotPhone) is %v", in, errors.Is(err, ErrNotPhone))
		}
	}
	f("", "ES", "is empty")
	// A national number whose 0 then 49 read as a code once gave "+049…",
	// no E.164 number: a code never starts with 0 (found by FuzzNormalize).
	f("04917000 000000", "ES", "nor a number with a country code")
	f("   ", "ES", "is empty")
	f("+600111222", "ES", "not a valid number of +60 (MY): too short")
	f("+34100111222", "ES", "not a valid number of +34 (ES): no number range")
	f("+3460011122", "ES", "not a valid number of +34 (ES): too short")
	f("+346001112223", "ES", "not a valid number of +34 (ES): too long")
	f("+999123456789", "ES", "no country code that exists")
	f("+0600111222", "ES", "no country code that exists")
	f("+3460011122233344", "ES", "too long")
	f("600111222", "", "not a valid number of +60 (MY)") // no region: 60 is a country code
	f("60011122", "ES", "not a valid number of ES (too short), nor a number with a country code")
	f("+3460011122a", "ES", `holds 'a'`)
	f("600111222 ext. 5", "ES", `holds 'e'`)
	f("tel:+34600111222", "ES", `holds 't'`)
	f("+34+600111222", "ES", `holds '+'`)
	f("--", "ES", "holds no digits")
	f("1371234567@lid", "ES", "privacy id (@lid), not a phone number")
	f("120363025@g.us", "ES", "group, not a phone number")
	f("status@broadcast", "ES", "broadcast id, not a phone number")
	f("120363@newsletter", "ES", "newsletter id, not a phone number")
	f("abc@s.whatsapp.net", "ES", "holds no phone number")
	f("@s.whatsapp.net", "ES", "holds no phone number")
	f(strings.Repeat("9", 60), "ES", `"`+strings.Repeat("9", inputMax)+`..." is too long`)
}

func TestFromWhatsApp(t *testing.T) {
	f := func(in, want string, wantErr error) {
		t.Helper()
		got, err := FromWhatsApp(in)
		if got != want || (wantErr == nil) != (err == nil) || wantErr == ErrNotPhone && !errors.Is(err, wantErr) {
			t.Errorf("FromWhatsApp(%q) = %q, %v; want %q, %v", in, got, err, want, wantErr)
		}
	}
	var anyErr = errors.New("any")
	f("34600111222", "+34600111222", nil) // wa_id: international, never national
	f("600111222", "", anyErr)            // so no default region applies
	f("34600111222:3@s.whatsapp.net", "+34600111222", nil)
	f("5511988887777@s.whatsapp.net", "+5511988887777", nil)
	f("34100111222", "+34100111222", nil) // a range the plans may not know yet
	f("1371@lid", "", ErrNotPhone)
	f("120363025@g.us", "", ErrNotPhone)
	f("status@broadcast", "", ErrNotPhone)
	f("3460011122", "", anyErr) // the wrong length for Spain
}

func TestRegion(t *testing.T) {
	f := func(in, want string, ok bool) {
		t.Helper()
		got, err := Region(in)
		if got != want || (err == nil) != ok {
			t.Errorf("Region(%q) = %q, %v", in, got, err)
		}
	}
	f("ES", "ES", true)
	f("pt", "PT", true)
	f("", "", true)
	f("XX", "", false)
	f("Spain", "", false)
	f("ZZ", "", false) // the library's "unknown region"
}

func ExampleNormalize() {
	for _, s := range []string{"+34 600 11 12 22", "0034600111222", "600111222", "34600111222@s.whatsapp.net", "1371@lid"} {
		fmt.Println(Normalize(s, RegionDefault))
	}
	// Output:
	// +34600111222 <nil>
	// +34600111222 <nil>
	// +34600111222 <nil>
	// +34600111222 <nil>
	//  "1371@lid" is a WhatsApp privacy id (@lid), not a phone number
}

// BenchmarkNormalize measures the API's hot path, an E.164 number, the
// same one again and again and distinct ones, and a national number.
func BenchmarkNormalize(b *testing.B) {
	b.Run("e164-same", func(b *testing.B) {
		for b.Loop() {
			if _, err := Normalize("+34600111222", "ES"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("e164-distinct", func(b *testing.B) {
		nums := make([]string, 1<<16)
		for i := range nums {
			nums[i] = fmt.Sprintf("+346%08d", i)
		}
		i := 0
		for b.Loop() {
			if _, err := Normalize(nums[i%len(nums)], "ES"); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("national", func(b *testing.B) {
		for b.Loop() {
			if _, err := Normalize("600 11 12 22", "ES"); err != nil {
				b.Fatal(err)
			}
		}
	})
}
