package evolutiontest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// Answer is one canned answer to a send. A 2xx Answer with no Body accepts
// the message: the server answers the §1.4 body with a fresh key.id.
type Answer struct {
	Status int
	Body   string        // sent as is, as application/json unless it starts with "<"
	Delay  time.Duration // wait before answering; a request cancelled meanwhile gets nothing

	body func(c call) string // when set, builds Body from the request
}

// call is what an answer may echo of the request it answers.
type call struct {
	verb, instance, number string
	body                   map[string]any
}

// accepts reports whether a is an acceptance, counted by Sends.
func (a Answer) accepts() bool { return a.Status/100 == 2 && a.Body == "" && a.body == nil }

// Accept accepts the send with 201 and a fresh key.id.
func Accept() Answer { return Answer{Status: http.StatusCreated} }

// Slow accepts the send after d, unless the client gives up first.
func Slow(d time.Duration) Answer { return Answer{Status: http.StatusCreated, Delay: d} }

// Unauthorized is the answer to a missing or wrong apikey.
func Unauthorized() Answer { return errorAnswer(http.StatusUnauthorized, "Unauthorized") }

// UnknownInstance is the answer for an instance name Evolution does not know.
func UnknownInstance() Answer {
	return Answer{Status: http.StatusNotFound, body: func(c call) string {
		return envelope(http.StatusNotFound, []any{fmt.Sprintf("The %q instance does not exist", c.instance)})
	}}
}

// SchemaError is a jsonschema rejection of the request body.
func SchemaError() Answer {
	return errorAnswer(http.StatusBadRequest, []any{`instance requires property "text"`})
}

// NotOnWhatsAppAnswer says the recipient has no WhatsApp account, echoing
// its number the way Evolution does.
func NotOnWhatsAppAnswer() Answer {
	return Answer{Status: http.StatusBadRequest, body: func(c call) string {
		return envelope(http.StatusBadRequest, []any{numberCheck{
			JID: c.number + "@s.whatsapp.net", Exists: false, Number: c.number}})
	}}
}

// ConnectionClosed400 is a socket error inside the send's try block.
func ConnectionClosed400() Answer {
	return errorAnswer(http.StatusBadRequest, []any{"Error: Connection Closed"})
}

// TimedOut400 is a socket timeout inside the send's try block.
func TimedOut400() Answer { return errorAnswer(http.StatusBadRequest, []any{"Error: Timed Out"}) }

// ConnectionClosed500 is the socket closing during the number check.
func ConnectionClosed500() Answer {
	return errorAnswer(http.StatusInternalServerError, "Connection Closed")
}

// ConnectionClosed500Array is the same failure in its array form (#1772).
func ConnectionClosed500Array() Answer {
	return errorAnswer(http.StatusInternalServerError, []any{"Error: Connection Closed"})
}

// NotLoaded500 is an instance that is not loaded in Evolution's memory.
func NotLoaded500() Answer {
	return errorAnswer(http.StatusInternalServerError, "Cannot read properties of undefined (reading 'textMessage')")
}

// MethodNotAvailable is sendTemplate on a Baileys instance.
func MethodNotAvailable() Answer {
	return errorAnswer(http.StatusInternalServerError, "Method not available in the Baileys service")
}

// MetaError201 is a WHATSAPP-BUSINESS instance passing Meta's Graph error
// object through as a 201 body.
func MetaError201(code int) Answer {
	b, _ := json.Marshal(map[string]any{
		"message":    fmt.Sprintf("(#%d) Meta error %d", code, code),
		"type":       "OAuthException",
		"code":       code,
		"error_data": map[string]any{"messaging_product": "whatsapp", "details": "see Meta's error codes"},
		"fbtrace_id": "A4O5a8RAgePwbcGSu",
	})
	return Answer{Status: http.StatusCreated, Body: string(b)}
}

func errorAnswer(status int, message any) Answer {
	return Answer{Status: status, Body: envelope(status, message)}
}

// numberCheck is one result of Evolution's onWhatsApp check.
type numberCheck struct {
	JID    string `json:"jid"`
	Exists bool   `json:"exists"`
	Number string `json:"number"`
}

// envelope is Evolution's error body: response.message is a string or array.
func envelope(status int, message any) string {
	var e struct {
		Status   int    `json:"status"`
		Error    string `json:"error"`
		Response struct {
			Message any `json:"message"`
		} `json:"response"`
	}
	e.Status, e.Error, e.Response.Message = status, http.StatusText(status), message
	b, _ := json.Marshal(e)
	return string(b)
}
