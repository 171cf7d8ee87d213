package fleet

import (
	"testing"

	"github.com/waqhq/waq/store"
)

func TestMask(t *testing.T) {
	f := func(secret, want string) {
		t.Helper()
		if got := mask(secret); got != want {
			t.Fatalf("mask(%q) = %q, want %q", secret, got, want)
		}
	}
	f("", "")
	f("abcd", "…")
	f("abcde", "…bcde")
	f("EAAGm0PX4ZCpsBAñ€xyz", "…€xyz")
}

// TestKeepSecrets: a PUT that leaves a secret empty or sends back the mask
// keeps the stored one; a new value replaces it.
func TestKeepSecrets(t *testing.T) {
	old := &store.InstanceSettings{Name: "wa-1", CloudAPI: &store.CloudAPISettings{Token: "token-1234", PhoneNumberID: "1", AppSecret: "secret-5678"}}
	f := func(token, appSecret, wantToken, wantSecret string) {
		t.Helper()
		b := Body{Gateway: GatewayCloudAPI, CloudAPI: &store.CloudAPISettings{Token: token, PhoneNumberID: "1", AppSecret: appSecret}}
		in, err := b.settings("wa-1", old)
		if err != nil || in.CloudAPI.Token != wantToken || in.CloudAPI.AppSecret != wantSecret {
			t.Fatalf("token %q, app secret %q: %+v %v", token, appSecret, in.CloudAPI, err)
		}
	}
	f("", "", "token-1234", "secret-5678")
	f("…1234", "…5678", "token-1234", "secret-5678")
	f("…9999", "new", "…9999", "new") // not the mask of the stored one: taken as written
	f("token-new", "", "token-new", "secret-5678")
}
