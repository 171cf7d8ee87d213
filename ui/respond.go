package ui

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/waqhq/waq/store"
)

// The error codes that only the HTTP API returns, for the one coded error
// type store.Error; the message store's own codes (store.EINVALID,
// store.ENOTFOUND, ...) are those its methods return.
const (
	EBADREQUEST     = "bad_request"     // 400: malformed JSON, wrong types
	EUNAUTHORIZED   = "unauthorized"    // 401: missing or wrong key
	EFORBIDDEN      = "forbidden"       // 403: a check that is not a key failed (webhook verification)
	ETOOLARGE       = "too_large"       // 413: body over its limit
	ENOTIMPLEMENTED = "not_implemented" // 501: a route whose feature has not landed
	// codeMethod is the code of a known path asked with the wrong method.
	codeMethod = "method_not_allowed" // 405
)

// statusOf maps each error code to its one HTTP status.
var statusOf = map[string]int{
	EBADREQUEST:        http.StatusBadRequest,
	EUNAUTHORIZED:      http.StatusUnauthorized,
	EFORBIDDEN:         http.StatusForbidden,
	store.ENOTFOUND:    http.StatusNotFound,
	codeMethod:         http.StatusMethodNotAllowed,
	store.ECONFLICT:    http.StatusConflict,
	ETOOLARGE:          http.StatusRequestEntityTooLarge,
	store.EINVALID:     http.StatusUnprocessableEntity,
	store.EINTERNAL:    http.StatusInternalServerError,
	ENOTIMPLEMENTED:    http.StatusNotImplemented,
	store.EUNAVAILABLE: http.StatusServiceUnavailable,
	store.EFULL:        http.StatusInsufficientStorage,
}

// Header values every JSON answer sends, shared rather than built per
// answer (net/http only reads them).
var (
	headerJSON    = []string{"application/json"}
	headerNosniff = []string{"nosniff"}
)

// errInternal is what a client sees of an error without a code: the details
// go to the log only.
var errInternal = &store.Error{Code: store.EINTERNAL, Message: "internal error; the server log has the details"}

// reply is an answer with a status other than 200; a nil body writes none.
type reply struct {
	status int
	body   any
}

// download is an answer streamed as a file.
type download struct {
	name  string // the file name the client is told to save as
	write func(io.Writer) error
}

// page is an HTML answer.
type page string

// text is a plain-text answer (the Cloud API's verification challenge).
type text string

// rawJSON is a JSON answer already encoded.
type rawJSON []byte

// errorBody is the shape of every error answer.
type errorBody struct {
	Error *store.Error `json:"error"`
}

// respond writes the answer of a handler: v as JSON with 200 (or as its
// reply, download, page or rawJSON says), or err as an error answer.
func (s *Server) respond(w http.ResponseWriter, r *http.Request, v any, err error) {
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	switch v := v.(type) {
	case reply:
		s.writeJSON(w, v.status, v.body)
	case download:
		s.writeDownload(w, r, v)
	case page:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, string(v))
	case text:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, string(v))
	case rawJSON:
		w.Header()["Content-Type"] = headerJSON
		_, _ = w.Write(v)
	case streamed:
		s.writeStreamed(w, r, v)
	default:
		s.writeJSON(w, http.StatusOK, v)
	}
}

// writeError answers err with its status and {"error": {...}}. Errors
// without a code are internal: logged here, hidden from the client.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	e, status := s.publicError(r, err)
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="waq"`)
	}
	s.writeJSON(w, status, errorBody{e})
}

// publicError returns what a client is told of err, and its status,
// logging the server's failures.
func (s *Server) publicError(r *http.Request, err error) (*store.Error, int) {
	var e *store.Error
	if !errors.As(err, &e) {
		e = errInternal
	}
	status, ok := statusOf[e.Code]
	if !ok {
		status = http.StatusInternalServerError
	}
	switch {
	case status == http.StatusServiceUnavailable: // stopping, or a store closed under a request
		s.log.Warn("request refused", "method", r.Method, "route", requestInfo(r).logRoute(r), "status", status, "err", err)
	case status >= 500 && status != http.StatusNotImplemented:
		s.log.Error("request failed", "method", r.Method, "route", requestInfo(r).logRoute(r), "status", status, "err", err)
	}
	if status == http.StatusInternalServerError {
		e = errInternal
	}
	return e, status
}

// writeJSON writes body as JSON with status; a nil body writes none.
func (s *Server) writeJSON(w http.ResponseWriter, status int, body any) {
	if body == nil {
		w.WriteHeader(status)
		return
	}
	b, err := []byte(nil), error(nil)
	if raw, ok := body.(rawJSON); ok { // encoded by the handler
		b = raw
	} else {
		b, err = json.Marshal(body)
	}
	if err != nil {
		s.log.Error("encode answer", "err", err)
		status, b = http.StatusInternalServerError, []byte(`{"error":{"code":"internal","message":"cannot encode the answer"}}`)
	}
	h := w.Header()
	h["Content-Type"], h["X-Content-Type-Options"] = headerJSON, headerNosniff
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// writeDownload streams d. The headers go out with the first byte, so an
// error before it is still a JSON error answer; an error after it aborts the
// connection, so that the client cannot take a cut file for a whole one.
func (s *Server) writeDownload(w http.ResponseWriter, r *http.Request, d download) {
	lw := &lazyWriter{w: w, start: func() {
		h := w.Header()
		h.Set("Content-Type", "application/octet-stream")
		h.Set("Content-Disposition", `attachment; filename="`+d.name+`"`)
		w.WriteHeader(http.StatusOK)
	}}
	err := d.write(lw)
	switch {
	case err == nil:
	case !lw.started:
		s.writeError(w, r, err)
	default:
		s.log.Error("download cut short", "route", requestInfo(r).route, "err", err)
		panic(http.ErrAbortHandler)
	}
}

// lazyWriter calls start before its first write.
type lazyWriter struct {
	w       io.Writer
	start   func()
	started bool
}

func (l *lazyWriter) Write(b []byte) (int, error) {
	if !l.started {
		l.started = true
		l.start()
	}
	return l.w.Write(b)
}

// recorder remembers the status and size of an answer for the log.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
	info   reqInfo // the request's, which serve puts in its context
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
