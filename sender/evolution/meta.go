package evolution

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/waqhq/waq/sender"
	"github.com/waqhq/waq/sender/cloudapi"
	"github.com/waqhq/waq/store"
)

// graphError is Meta's Graph API error object, as Evolution's
// WHATSAPP-BUSINESS channel passes it through.
type graphError struct {
	Code      *int            `json:"code"`
	Message   json.RawMessage `json:"message"` // a string here; an object in a success body
	ErrorData json.RawMessage `json:"error_data"`
}

// metaFailure turns a Graph error found in a 2xx body into a
// *sender.SendError, classified by the Cloud API's one table of Meta codes
// (cloudapi.Classify); an error without a code is retried.
func metaFailure(status int, g graphError, m *store.Message) *sender.SendError {
	var msg string
	_ = json.Unmarshal(g.Message, &msg) // a missing or odd message only loses detail
	code, kind, what, after := "without a code", sender.Retryable, "unknown error", time.Duration(0)
	if g.Code != nil {
		code = strconv.Itoa(*g.Code)
		kind, what, after = cloudapi.Classify(*g.Code, status)
	}
	return &sender.SendError{
		Kind:       kind,
		Reason:     fmt.Sprintf("evolution: meta error %s, %s (HTTP %d: %s)", code, what, status, redact(msg, m)),
		RetryAfter: after,
	}
}
