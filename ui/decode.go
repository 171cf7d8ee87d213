package ui

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/waqhq/waq/store"
)

// BodyMax is the largest request body the API reads: 1 MiB.
const BodyMax = 1 << 20

// readBody reads the whole body of r, which serve caps at BodyMax. It
// returns an ETOOLARGE *store.Error for a body over the cap and an
// EBADREQUEST one when the body cannot be read.
func readBody(r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(r.Body)
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return nil, store.Errorf(store.ETOOLARGE, "the request body is larger than %d bytes", BodyMax)
	case err != nil:
		return nil, store.Errorf(store.EBADREQUEST, "cannot read the request body")
	}
	return b, nil
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
		return store.Errorf(store.EBADREQUEST, "the request body is empty; this route takes a JSON object")
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
	var e *store.Error
	if errors.As(err, &e) && e.Field == "" {
		return &store.Error{Code: e.Code, Message: "the request body " + e.Message}
	}
	return err
}

// decodeStrict decodes the one JSON object in b into v. It returns an
// EBADREQUEST *store.Error, naming the field when the decoder does, for
// anything but an object, malformed JSON, a field v does not have, a value
// of the wrong type, and data after the object.
func decodeStrict(b []byte, v any) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' {
		return badRequest("", "must be a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return badRequest("", "holds data after its JSON object")
	}
	return nil
}

func decodeError(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return badRequest("", fmt.Sprintf("is not valid JSON at byte %d: %s", syntax.Offset, syntax))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("", "is not valid JSON: it ends too soon")
	case errors.As(err, &typ):
		return badRequest(typ.Field, fmt.Sprintf("must be %s, not %s", jsonKind(typ.Type), typ.Value))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		return badRequest(field, "is not a field of this request")
	}
	return badRequest("", "is not valid JSON: "+err.Error())
}

// badRequest returns an EBADREQUEST *store.Error about field, or about the
// whole value when field is empty.
func badRequest(field, msg string) *store.Error {
	return &store.Error{Code: store.EBADREQUEST, Field: field, Message: msg}
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
