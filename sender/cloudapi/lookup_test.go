package cloudapi_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/waqhq/waq/sender"
	"github.com/waqhq/waq/sender/cloudapi"
	"github.com/waqhq/waq/sender/cloudapi/cloudapitest"
)

// TestPhoneNumber: the lookup that checks credentials on save finds the
// number, and a bad token or an id the token cannot use is a Pause with
// Graph's reason.
func TestPhoneNumber(t *testing.T) {
	srv := cloudapitest.New("good-token", "123456789")
	t.Cleanup(srv.Close)
	f := func(token, id, wantDisplay, wantReason string) {
		t.Helper()
		c := cloudapi.New(cloudapi.Config{URL: srv.URL, Token: token, PhoneNumberID: id})
		display, err := c.PhoneNumber(t.Context())
		var se *sender.SendError
		switch {
		case wantReason == "" && (err != nil || display != wantDisplay):
			t.Fatalf("%s/%s: %q %v", token, id, display, err)
		case wantReason != "" && (!errors.As(err, &se) || se.Kind != sender.Pause || !strings.Contains(se.Reason, wantReason)):
			t.Fatalf("%s/%s: %v, want a pause with %q", token, id, err, wantReason)
		}
	}
	f("good-token", "123456789", "+1 555-000-1234", "")
	f("bad-token", "123456789", "", "OAuth")
	f("good-token", "999", "", "does not exist")
	srv.SetToken("rotated") // the token was revoked
	f("good-token", "123456789", "", "OAuth")
}
