package store

import (
	"encoding/json"
	"errors"
	"strconv"
	"time"
	"unicode/utf8"
)

// MarshalJSON writes m as encoding/json would from its field tags, by hand:
// every answer that holds messages (the reply to an enqueue, a message with
// its history, a page of a list) is written without reflection. Times are
// written in UTC, as the store reads them back. It returns an error for a
// time outside years 0 to 9999 and for metadata or template components
// JSON cannot hold.
func (m *Message) MarshalJSON() ([]byte, error) {
	return m.AppendJSON(make([]byte, 0, 512))
}

// AppendJSON appends the JSON object of m to b; see MarshalJSON.
func (m *Message) AppendJSON(b []byte) ([]byte, error) {
	w := jsonWriter{b: b}
	w.raw(`{"id":`)
	w.str(m.ID)
	w.field("to", m.To)
	w.field("type", m.Type)
	w.optField("text", m.Text)
	if m.Media != nil {
		w.raw(`,"media":{"url":`)
		w.str(m.Media.URL)
		w.field("kind", m.Media.Kind)
		w.optField("caption", m.Media.Caption)
		w.optField("filename", m.Media.Filename)
		w.raw("}")
	}
	w.template("template", m.Template)
	w.field("priority", string(m.Priority))
	w.field("status", string(m.Status))
	w.raw(`,"attempts":`)
	w.b = strconv.AppendInt(w.b, int64(m.Attempts), 10)
	w.raw(`,"max_attempts":`)
	w.b = strconv.AppendInt(w.b, int64(m.MaxAttempts), 10)
	w.optTime("send_at", m.SendAt)
	w.optTime("next_attempt_at", m.NextAttemptAt)
	w.timeField("created_at", m.CreatedAt)
	w.timeField("updated_at", m.UpdatedAt)
	w.optTime("sent_at", m.SentAt)
	w.optTime("delivered_at", m.DeliveredAt)
	w.optTime("read_at", m.ReadAt)
	w.optTime("lease_until", m.LeaseUntil)
	w.optField("last_error", m.LastError)
	w.optField("gateway_message_id", m.GatewayMessageID)
	w.optField("campaign", m.Campaign)
	w.optField("instance", m.Instance)
	w.optField("idempotency_key", m.IdempotencyKey)
	if len(m.Metadata) > 0 {
		w.raw(`,"metadata":`)
		w.value(m.Metadata)
	}
	w.optField("callback_url", m.CallbackURL)
	w.template("fallback_template", m.FallbackTemplate)
	w.optField("sent_as", m.SentAs)
	w.optField("variant", m.Variant)
	w.optField("tried_by", m.TriedBy)
	w.history(m.History)
	w.raw("}")
	return w.b, w.err
}

// jsonWriter appends JSON to b; its first error sticks.
type jsonWriter struct {
	b   []byte
	err error
}

func (w *jsonWriter) raw(s string) { w.b = append(w.b, s...) }

func (w *jsonWriter) field(name, v string) {
	w.b = append(append(append(w.b, ",\""...), name...), "\":"...)
	w.str(v)
}

func (w *jsonWriter) optField(name, v string) {
	if v != "" {
		w.field(name, v)
	}
}

func (w *jsonWriter) timeField(name string, t time.Time) {
	w.b = append(append(append(w.b, ",\""...), name...), "\":"...)
	w.time(t)
}

func (w *jsonWriter) optTime(name string, t *time.Time) {
	if t != nil {
		w.timeField(name, *t)
	}
}

func (w *jsonWriter) template(name string, t *Template) {
	if t == nil {
		return
	}
	w.b = append(append(append(w.b, ",\""...), name...), "\":{\"name\":"...)
	w.str(t.Name)
	w.field("language", t.Language)
	w.raw(`,"components":`)
	w.value(t.Components)
	w.raw("}")
}

func (w *jsonWriter) history(h []Change) {
	if len(h) == 0 {
		return
	}
	w.raw(`,"history":[`)
	for i, c := range h {
		if i > 0 {
			w.raw(",")
		}
		w.raw(`{"status":`)
		w.str(string(c.Status))
		w.timeField("at", c.At)
		w.optField("note", c.Note)
		w.raw("}")
	}
	w.raw("]")
}

// value appends v through encoding/json: metadata and template components
// are whatever JSON the client sent.
func (w *jsonWriter) value(v any) {
	j, err := json.Marshal(v)
	if err != nil && w.err == nil {
		w.err = err
	}
	w.b = append(w.b, j...)
}

var errJSONYear = errors.New("json: a message time is outside years 0 to 9999")

func (w *jsonWriter) time(t time.Time) {
	t = t.UTC()
	if y := t.Year(); y < 0 || y > 9999 {
		if w.err == nil {
			w.err = errJSONYear
		}
		return
	}
	w.b = append(t.AppendFormat(append(w.b, '"'), time.RFC3339Nano), '"')
}

const hexDigits = "0123456789abcdef"

// str appends s as a JSON string escaped as encoding/json escapes it: <, >
// and & too, invalid UTF-8 as U+FFFD, and U+2028 and U+2029.
func (w *jsonWriter) str(s string) {
	b := append(w.b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(append(b, s[start:i]...), `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(append(b, s[start:i]...), '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	w.b = append(append(b, s[start:]...), '"')
}
