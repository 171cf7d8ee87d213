package cloudapi

import (
	"errors"
	"testing"

	"github.com/waqhq/waq/sender"
	"github.com/waqhq/waq/sender/cloudapi/cloudapitest"
	"github.com/waqhq/waq/store"
)

const (
	testToken   = "EAAGtestTOKEN"
	testPhoneID = "106540352242922"
	testTo      = "+34600111222"
	testText    = "Your order 4471 has shipped"
)

// newTest starts a fake Graph API and a client for it, over real loopback
// HTTP; both end with the test.
func newTest(t *testing.T) (*Client, *cloudapitest.Server) {
	t.Helper()
	srv := cloudapitest.New(testToken, testPhoneID)
	t.Cleanup(srv.Close)
	return New(Config{URL: srv.URL, Token: testToken, PhoneNumberID: testPhoneID}), srv
}

func textMessage() *store.Message {
	return &store.Message{To: testTo, Type: store.TypeText, Text: testText}
}

func fallback() *store.Template {
	return &store.Template{Name: "order_update", Language: "es", Components: []any{
		map[string]any{"type": "body", "parameters": []any{map[string]any{"type": "text", "text": "4471"}}},
	}}
}

// sendError returns err as a *sender.SendError, failing the test otherwise.
func sendError(t *testing.T, err error) *sender.SendError {
	t.Helper()
	var se *sender.SendError
	if !errors.As(err, &se) {
		t.Fatalf("error %v (%T): want a *sender.SendError", err, err)
	}
	return se
}
