package ui_test

import (
	"strings"
	"testing"
)

func TestOptoutRoutes(t *testing.T) {
	b := setup(t)
	f := func(method, path, body string, code int, want string) {
		t.Helper()
		r := b.do(t, method, path, body)
		if r.code != code || !strings.Contains(string(r.body), want) {
			t.Fatalf("%s %s: %d %s, want %d with %s", method, path, r.code, r.body, code, want)
		}
	}
	f("POST", "/v1/optouts", `{"contact":"+34600111222","reason":"asked by phone"}`, 201, `"scope":"all"`)
	f("POST", "/v1/optouts", `{"contact":"+34600111222","scope":"marketing"}`, 200, `"scope":"all"`)
	f("POST", "/v1/optouts", `{"contact":"+34600999888","scope":"marketing"}`, 201, `"source":"api"`)
	f("POST", "/v1/optouts", `{"contact":"600"}`, 422, `"field":"contact"`)
	f("POST", "/v1/optouts", `{"contact":"+34600111222","scope":"x"}`, 422, `"field":"scope"`)
	f("POST", "/v1/optouts", `{"phone":"+34600111222"}`, 400, "bad_request")
	f("GET", "/v1/optouts?limit=1", "", 200, `"next_cursor"`)
	f("GET", "/v1/optouts", "", 200, `+34600999888`)
	f("GET", "/v1/optouts?cursor=!!!", "", 422, `"field":"cursor"`)
	f("DELETE", "/v1/optouts/+34600999888", "", 200, `"deleted":"+34600999888"`)
	f("DELETE", "/v1/optouts/+34600999888", "", 404, "not_found")
}
