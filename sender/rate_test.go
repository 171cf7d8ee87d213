package sender

import (
	"strings"
	"testing"
	"time"

	"github.com/waqhq/waq/store"
)

func TestParseRate(t *testing.T) {
	f := func(in string, want Rate, wantErr bool) {
		t.Helper()
		got, err := ParseRate(in)
		if wantErr {
			if err == nil {
				t.Fatalf("ParseRate(%q) = %v, want an error", in, got)
			}
			if store.ErrorCode(err) != store.EINVALID || !strings.Contains(err.Error(), "COUNT/WINDOW") {
				t.Fatalf("ParseRate(%q) error %q: want an EINVALID error that shows the format", in, err)
			}
			return
		}
		if err != nil || got != want {
			t.Fatalf("ParseRate(%q) = %v, %v; want %v", in, got, err, want)
		}
		if back, err := ParseRate(got.String()); err != nil || back != got {
			t.Fatalf("ParseRate(%q.String() = %q) = %v, %v", in, got.String(), back, err)
		}
	}
	f("80/1m", Rate{80, time.Minute}, false)
	f("10/2s", Rate{10, 2 * time.Second}, false)
	f("1000/1h", Rate{1000, time.Hour}, false)
	f("5/500ms", Rate{5, 500 * time.Millisecond}, false)
	f(" 3 / 90s ", Rate{3, 90 * time.Second}, false)
	f("1/1m30s", Rate{1, 90 * time.Second}, false)
	f("", Rate{}, true)
	f("80", Rate{}, true)
	f("80/", Rate{}, true)
	f("/1m", Rate{}, true)
	f("0/1m", Rate{}, true)
	f("-5/1m", Rate{}, true)
	f("1.5/1m", Rate{}, true)
	f("80/0s", Rate{}, true)
	f("80/-1m", Rate{}, true)
	f("80/m", Rate{}, true)
	f("80/60", Rate{}, true)
	f("80/1m/2", Rate{}, true)
}

func TestRateString(t *testing.T) {
	f := func(r Rate, want string) {
		t.Helper()
		if got := r.String(); got != want {
			t.Fatalf("%#v.String() = %q, want %q", r, got, want)
		}
	}
	f(Rate{80, time.Minute}, "80/1m")
	f(Rate{10, 2 * time.Second}, "10/2s")
	f(Rate{1000, time.Hour}, "1000/1h")
	f(Rate{5, 500 * time.Millisecond}, "5/500ms")
	f(Rate{3, 90 * time.Second}, "3/90s")
	f(Rate{2, 1500 * time.Microsecond}, "2/1.5ms")
}
