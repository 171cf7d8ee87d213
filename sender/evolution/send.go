package evolution

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"

	"github.com/waqhq/waq/sender"
	"github.com/waqhq/waq/store"
)

var _ sender.Gateway = (*Client)(nil)

// Limits of what is read from a response.
const (
	errBodyMax = 64 << 10 // an error envelope is tiny; a proxy's page is cut here
	okBodyMax  = 1 << 20  // a 201 echoes the message; cutting it would lose key.id
)

// Request bodies of the send routes (src/validate/message.schema.ts).
type (
	textBody struct {
		Number string `json:"number"`
		Text   string `json:"text"`
	}
	mediaBody struct {
		Number    string `json:"number"`
		MediaType string `json:"mediatype"`
		Media     string `json:"media"`
		Caption   string `json:"caption,omitempty"`
		FileName  string `json:"fileName,omitempty"`
	}
	templateBody struct {
		Number     string `json:"number"`
		Name       string `json:"name"`
		Language   string `json:"language"`
		Components []any  `json:"components"`
	}
)

// Send delivers m through the instance and returns Evolution's key.id, which
// every later messages.update names as keyId. Every failure is a
// *sender.SendError: Permanent when m cannot be put into a request or the
// gateway rejected it for good, Pause when the instance or its key is wrong,
// Retryable for timeouts, dropped connections and transient gateway errors.
// Its Reason never holds m's number or text.
func (c *Client) Send(ctx context.Context, m *store.Message) (string, error) {
	route, body, err := request(m)
	if err != nil {
		return "", err
	}
	resp, err := c.do(ctx, http.MethodPost, route+"/"+c.instance, body)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return "", classify(readFailure(resp, m))
	}
	return accepted(resp, m)
}

// request picks the route and body for m's type. It fails with a Permanent
// *sender.SendError when m lacks what its type needs: retrying cannot help.
func request(m *store.Message) (string, any, error) {
	number := digits(m.To)
	if number == "" {
		return "", nil, permanent("evolution: message has no recipient number")
	}
	switch m.Type {
	case store.TypeText:
		return "/message/sendText", textBody{Number: number, Text: m.Text}, nil
	case store.TypeMedia:
		if m.Media == nil {
			return "", nil, permanent("evolution: media message without media")
		}
		return "/message/sendMedia", mediaBody{Number: number, MediaType: m.Media.Kind,
			Media: m.Media.URL, Caption: m.Media.Caption, FileName: m.Media.Filename}, nil
	case store.TypeTemplate:
		t := m.Template
		if t == nil {
			return "", nil, permanent("evolution: template message without template")
		}
		comps := t.Components
		if comps == nil {
			comps = []any{} // the route wants an array, even an empty one
		}
		return "/message/sendTemplate", templateBody{Number: number, Name: t.Name,
			Language: t.Language, Components: comps}, nil
	}
	return "", nil, permanent(fmt.Sprintf("evolution: message type %q not supported", m.Type))
}

func permanent(reason string) *sender.SendError {
	return &sender.SendError{Kind: sender.Permanent, Reason: reason}
}

// do makes one authenticated call. Its error is always a *sender.SendError.
func (c *Client) do(ctx context.Context, method, path string, body any) (*http.Response, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, &sender.SendError{Kind: sender.Permanent, Reason: "evolution: encode request", Err: err}
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return nil, &sender.SendError{Kind: sender.Pause, Reason: "evolution: bad request URL: check EVOLUTION_API_URL", Err: err}
	}
	req.Header.Set("apikey", c.key)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, netError(ctx, err)
	}
	return resp, nil
}

// netError classifies a call that got no answer. All are Retryable: the
// gateway may be restarting or the network briefly down.
func netError(ctx context.Context, err error) *sender.SendError {
	reason := "evolution: connection failed"
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded):
		reason = "evolution: timeout: no answer before the deadline"
	case errors.As(err, &ne) && ne.Timeout():
		reason = "evolution: timeout: no answer from the gateway"
	case ctx.Err() != nil:
		reason = "evolution: request cancelled"
	}
	return &sender.SendError{Kind: sender.Retryable, Reason: reason, Err: err}
}

// accepted reads a 2xx answer. Evolution's WHATSAPP-BUSINESS channel returns
// Meta's Graph error object as a 201 body instead of failing, so a body with
// error_data or an error code is classified by Meta's code.
func accepted(resp *http.Response, m *store.Message) (string, error) {
	b, err := io.ReadAll(io.LimitReader(resp.Body, okBodyMax))
	if err != nil {
		return "", &sender.SendError{Kind: sender.Retryable, Reason: fmt.Sprintf("evolution: HTTP %d: reading the answer", resp.StatusCode), Err: err}
	}
	var body acceptedBody
	if err := json.Unmarshal(b, &body); err != nil {
		return "", &sender.SendError{Kind: sender.Retryable, Reason: fmt.Sprintf("evolution: HTTP %d: answer is not JSON", resp.StatusCode), Err: err}
	}
	if g, ok := body.metaError(); ok {
		return "", metaFailure(resp.StatusCode, g, m)
	}
	if body.Key.ID == "" {
		return "", &sender.SendError{Kind: sender.Retryable, Reason: fmt.Sprintf("evolution: HTTP %d without key.id", resp.StatusCode)}
	}
	return body.Key.ID, nil
}

// acceptedBody is a 201 answer: prepareMessage(sent) on Baileys, or on a
// WHATSAPP-BUSINESS instance possibly Meta's error object at the top level.
type acceptedBody struct {
	Key struct {
		ID string `json:"id"`
	} `json:"key"`
	graphError
	Error json.RawMessage `json:"error"` // a wrapped {"error":{...}} Graph answer
}

// metaError returns the Graph error the body carries, if any.
func (b *acceptedBody) metaError() (graphError, bool) {
	var wrapped graphError
	if set(b.Error) && json.Unmarshal(b.Error, &wrapped) == nil && wrapped.Code != nil {
		return wrapped, true
	}
	if set(b.ErrorData) || (b.Code != nil && b.Key.ID == "") {
		return b.graphError, true
	}
	return graphError{}, false
}

// set reports whether a JSON value was present and not null.
func set(raw json.RawMessage) bool {
	return len(raw) > 0 && !bytes.Equal(raw, []byte("null"))
}
