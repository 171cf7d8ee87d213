package ui

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/waqhq/waq/store"
)

// BodyMax is the largest request body the API reads: 1 MiB.
const BodyMax = 1 << 20

// readBody reads the whole body of r, which serve caps at BodyMax. It
// returns an ETOOLARGE *store.Error for a body over the cap and an
// EBADREQUEST one when the body cannot be read.
func readBody(r *http.Request) ([]byte, error) {
	b, err := readAll(r.Body, r.ContentLength)
	if err == nil { // before errors.As, whose target would escape for every request
		return b, nil
	}
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return nil, store.Errorf(ETOOLARGE, "the request body is larger than %d bytes", BodyMax)
	case err != nil:
		return nil, store.Errorf(EBADREQUEST, "cannot read the request body")
	}
	return b, nil
}

// readAll is io.ReadAll into a buffer of the size the request announced
// (Content-Length), when it did and it is within BodyMax: one allocation
// of the right size rather than 512 bytes grown by doubling.
func readAll(rd io.Reader, size int64) ([]byte, error) {
	if size <= 0 || size > BodyMax {
		return io.ReadAll(rd)
	}
	b := make([]byte, 0, size+1) // +1: EOF is seen without growing
	for {
		n, err := rd.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
	}
}

// decodeBody reads the JSON object that r must carry into v. It returns an
// ETOOLARGE *store.Error for a body over BodyMax and an EBADREQUEST one for
// an empty or malformed body (see decodeStrict).
func decodeBody(r *http.Request, v any) error {
	b, err := readBody(r)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return store.Errorf(EBADREQUEST, "the request body is empty; this route takes a JSON object")
	}
	return aboutBody(decodeStrict(b, v))
}

// decodeOptional is decodeBody for a route whose body may be empty; it
// reports whether there was one.
func decodeOptional(r *http.Request, v any) (bool, error) {
	b, err := readBody(r)
	if err != nil || len(bytes.TrimSpace(b)) == 0 {
		return false, err
	}
	return true, aboutBody(decodeStrict(b, v))
}

// aboutBody makes an error of decodeStrict that names no field speak of the
// request body.
func aboutBody(err error) error {
	if err == nil {
		return nil
	}
	var e *store.Error
	if errors.As(err, &e) && e.Field == "" {
		return &store.Error{Code: e.Code, Message: "the request body " + e.Message}
	}
	return err
}

// strict is how every request body is decoded: names match exactly, and
// unknown names, duplicate names and invalid UTF-8 are errors (the last
// two are go-json-experiment's defaults). Decoding is one pass, with no
// check done before it.
var strict = json.RejectUnknownMembers(true)

// decodeStrict decodes the one JSON object in b into v. It returns an
// EBADREQUEST *store.Error, naming the field when there is one, for
// anything but an object, malformed JSON, a name v does not have (names are
// case-sensitive), a name given twice, invalid UTF-8, a value of the wrong
// type, and data after the object.
func decodeStrict(b []byte, v any) error {
	b = bytes.Trim(b, " \t\r\n") // JSON's whitespace only: TrimSpace would take \f and NBSP too
	if len(b) == 0 || b[0] != '{' {
		return badRequest("", "must be a JSON object")
	}
	if err := json.Unmarshal(b, v, strict); err != nil {
		return decodeError(err)
	}
	return nil
}

func decodeError(err error) error {
	var syntax *jsontext.SyntacticError
	var sem *json.SemanticError
	switch {
	case errors.As(err, &syntax):
		return syntaxError(syntax)
	case errors.As(err, &sem) && errors.Is(sem.Err, json.ErrUnknownName):
		return badRequest(fieldName(sem.JSONPointer), "is not a field of this request")
	case errors.As(err, &sem) && sem.GoType != nil:
		return badRequest(fieldName(sem.JSONPointer), fmt.Sprintf("must be %s, not %s", jsonKind(sem.GoType), valueKind(sem.JSONKind)))
	}
	return badRequest("", "is not valid JSON")
}

// syntaxError words an error of the JSON text itself. A bad byte in a name
// is reported on the object that holds the name.
func syntaxError(e *jsontext.SyntacticError) error {
	field := fieldName(e.JSONPointer)
	switch {
	case errors.Is(e.Err, jsontext.ErrDuplicateName):
		return badRequest(field, "is given twice")
	case errors.Is(e.Err, io.ErrUnexpectedEOF):
		return badRequest("", "is not valid JSON: it ends too soon")
	case strings.Contains(e.Err.Error(), "invalid UTF-8"), strings.Contains(e.Err.Error(), "surrogate"):
		if field == "" {
			return badRequest("", "holds invalid UTF-8 in a field name")
		}
		return badRequest(field, "holds invalid UTF-8")
	case strings.Contains(e.Err.Error(), "after top-level value"):
		return badRequest("", "holds data after its JSON object")
	}
	return badRequest("", fmt.Sprintf("is not valid JSON at byte %d: %v", e.ByteOffset, e.Err))
}

// fieldNameMax caps a field name echoed in an error: the name may be the
// client's own unknown one, as long as the body.
const fieldNameMax = 128

// fieldName turns a JSON pointer ("/media/url", "/metadata/a~1b") into the
// dotted name errors use ("media.url", "metadata.a/b").
func fieldName(ptr jsontext.Pointer) string {
	var b strings.Builder
	for tok := range ptr.Tokens() {
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(tok)
	}
	name := b.String()
	if len(name) > fieldNameMax {
		name = strings.ToValidUTF8(name[:fieldNameMax], "") + "…"
	}
	return name
}

// valueKind names a JSON value by its kind, as errors word it.
func valueKind(k jsontext.Kind) string {
	switch k {
	case '"':
		return "a string"
	case '0':
		return "a number"
	case 't', 'f':
		return "true or false"
	case 'n':
		return "null"
	case '[':
		return "an array"
	}
	return "an object"
}

// badRequest returns an EBADREQUEST *store.Error about field, or about the
// whole value when field is empty.
func badRequest(field, msg string) *store.Error {
	return &store.Error{Code: EBADREQUEST, Field: field, Message: msg}
}

// jsonKind names the JSON value a Go type takes.
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	}
	return "an object"
}

// duration parses a non-negative Go duration such as "90s" or "24h" for
// field. It returns an EINVALID *store.Error.
func duration(field, s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, store.FieldErrorf(field, "must be a duration such as 90s, 15m or 24h, not negative")
	}
	return d, nil
}
