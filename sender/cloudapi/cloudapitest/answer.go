package cloudapitest

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// Answer is how the server replies to one send.
type Answer struct {
	// Delay is how long the server waits before replying; it stops waiting,
	// and replies nothing, when the client gives up first.
	Delay time.Duration
	// Status is the HTTP status of the reply. Zero accepts the message with
	// Graph's 200 reply and a fresh wamid.
	Status int
	Body   string // the reply body for a non-zero Status
	auth   bool   // a 401 from the token check, with Graph's WWW-Authenticate
}

// Accept answers a send as Graph does when it accepts the message.
func Accept() Answer { return Answer{} }

// Slow accepts the message after d, or never if the client gives up first.
func Slow(d time.Duration) Answer { return Answer{Delay: d} }

// ErrorAnswer replies with httpStatus and Graph's error object for code:
// message "(#<code>) <message>", type OAuthException, error_data with the
// message as details, and a fbtrace_id.
func ErrorAnswer(httpStatus, code int, message string) Answer {
	return errorAnswer(httpStatus, code, message, message)
}

// Code replies with code's error as Graph sends it: the HTTP status, the
// message and the details Meta documents for it. A code Meta does not list
// gets a 400 with a generic message.
func Code(code int) Answer {
	c, ok := codes[code]
	if !ok {
		c = codeInfo{http.StatusBadRequest, "Unknown error", "An unknown error occurred."}
	}
	return errorAnswer(c.status, code, c.title, c.details)
}

func errorAnswer(httpStatus, code int, title, details string) Answer {
	e := graphError(fmt.Sprintf("(#%d) %s", code, title), "OAuthException", code, details)
	return Answer{Status: httpStatus, Body: mustJSON(e)}
}

// authError is Graph's reply to a missing or unreadable token.
func authError() Answer {
	e := graphError("Invalid OAuth access token - Cannot parse access token", "OAuthException", 190, "")
	return Answer{Status: http.StatusUnauthorized, Body: mustJSON(e), auth: true}
}

// unknownObject is Graph's reply to a phone number id the token cannot use.
func unknownObject(id string) Answer {
	msg := fmt.Sprintf("Unsupported post request. Object with ID '%s' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api", id)
	e := graphError(msg, "GraphMethodException", 100, "")
	e["error"].(map[string]any)["error_subcode"] = 33
	return Answer{Status: http.StatusBadRequest, Body: mustJSON(e)}
}

// paramError is Graph's reply to a body it cannot use.
func paramError(msg string) Answer {
	return Answer{Status: http.StatusBadRequest, Body: mustJSON(graphError(msg, "OAuthException", 100, ""))}
}

// graphError is Graph's {"error":{...}} reply; details, when set, goes in
// error_data as WhatsApp errors carry it.
func graphError(message, typ string, code int, details string) map[string]any {
	e := map[string]any{"message": message, "type": typ, "code": code, "fbtrace_id": fbtraceID()}
	if details != "" {
		e["error_data"] = map[string]any{"messaging_product": "whatsapp", "details": details}
	}
	return map[string]any{"error": e}
}

// wait sleeps a.Delay; it reports false when the client went away first.
func (a Answer) wait(r *http.Request) bool {
	if a.Delay <= 0 {
		return true
	}
	t := time.NewTimer(a.Delay)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

func (a Answer) write(w http.ResponseWriter) {
	if a.auth {
		w.Header().Set("WWW-Authenticate", `OAuth "Facebook Platform" "invalid_token" "Invalid OAuth access token - Cannot parse access token"`)
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(a.Status)
	_, _ = w.Write([]byte(a.Body))
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only maps of strings and numbers are encoded
	}
	return string(b)
}

// wamid returns a fresh message id shaped like Meta's.
func wamid() string { return "wamid.HBgL" + random(30, base64.StdEncoding) }

func fbtraceID() string { return random(12, base64.RawURLEncoding) }

func random(n int, enc *base64.Encoding) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails on a supported platform
	return enc.EncodeToString(b)
}
