package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"syscall"
	"time"
)

// clientTimeout bounds one API call of a client command; a backup stream
// is bounded by its context only.
const clientTimeout = 30 * time.Second

// clientFlags are the settings every client command takes.
var clientFlags = []string{"server", "api-key"}

// client calls the HTTP API of a running waq serve.
type client struct {
	url    string
	apiKey string
	http   *http.Client
}

func newClient(cfg Config) (*client, error) {
	if err := checkURL("WAQ_URL", cfg.Server); err != nil {
		return nil, err
	}
	return &client{url: strings.TrimRight(cfg.Server, "/"), apiKey: cfg.APIKey, http: &http.Client{}}, nil
}

// apiError is an error answered by the server.
type apiError struct {
	Status  int    `json:"-"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field"`
	Items   []struct {
		Index   int    `json:"index"`
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"items"`
}

func (e *apiError) Error() string {
	parts := []string{e.Code}
	if e.Field != "" {
		parts = append(parts, e.Field)
	}
	s := strings.Join(append(parts, e.Message), ": ")
	for _, it := range e.Items {
		s += fmt.Sprintf("\n  item %d: %s: %s", it.Index, it.Field, it.Message)
	}
	if e.Status == http.StatusUnauthorized {
		s += " (set WAQ_API_KEY or --api-key)"
	}
	return s
}

// errNoServer says that nothing listens at the server's address.
var errNoServer = errors.New("no waq server answers")

// call sends in (when not nil) as JSON and decodes the answer into out
// (when not nil). It returns the HTTP status of a successful answer.
func (c *client) call(ctx context.Context, method, path string, in, out any) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, clientTimeout)
	defer cancel()
	resp, err := c.open(ctx, method, path, in)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, fmt.Errorf("%s %s: %w", method, path, err)
	}
	if out != nil {
		if raw, ok := out.(*[]byte); ok {
			*raw = body
		} else if err := json.Unmarshal(body, out); err != nil {
			return 0, fmt.Errorf("%s %s: decode answer: %w", method, path, err)
		}
	}
	return resp.StatusCode, nil
}

// open sends the request and returns the response of a 2xx answer, whose
// body the caller closes; any other answer becomes an error.
func (c *client) open(ctx context.Context, method, path string, in any) (*http.Response, error) {
	return c.openAccept(ctx, method, path, in, "")
}

// openAccept is open with an Accept header, when accept is not empty.
func (c *client) openAccept(ctx context.Context, method, path string, in any, accept string) (*http.Response, error) {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", method, path, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.url+path, body)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	if c.apiKey != "" {
		req.Header.Set("Authorization", "Bearer "+c.apiKey)
	}
	resp, err := c.http.Do(req)
	if errors.Is(err, syscall.ECONNREFUSED) {
		return nil, fmt.Errorf("%w at %s (is waq serve running? set WAQ_URL or --server)", errNoServer, c.url)
	} else if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	if resp.StatusCode/100 != 2 {
		defer resp.Body.Close()
		return nil, readAPIError(resp)
	}
	return resp, nil
}

// readAPIError turns a failed answer into its {"error": {...}} object, or
// into a short description when the body is not one.
func readAPIError(resp *http.Response) error {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var env struct {
		Error *apiError `json:"error"`
	}
	if json.Unmarshal(b, &env) == nil && env.Error != nil && env.Error.Message != "" {
		env.Error.Status = resp.StatusCode
		return env.Error
	}
	text := strings.TrimSpace(string(b))
	if len(text) > 200 {
		text = text[:200] + "..."
	}
	return fmt.Errorf("%s %s: server answered %s: %s", resp.Request.Method, resp.Request.URL.Path, resp.Status, text)
}

// loadClient parses the flags of a client command and returns its client.
func (c *cli) loadClient(b *configFlags) (*client, Config, error) {
	cfg, err := b.Load(c.lookupEnv)
	if err != nil {
		return nil, cfg, err
	}
	cl, err := newClient(cfg)
	return cl, cfg, err
}

// writeJSON writes a JSON answer indented, as a person reads it.
func writeJSON(w io.Writer, raw []byte) error {
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		buf.Reset()
		buf.Write(raw)
	}
	buf.WriteByte('\n')
	_, err := w.Write(buf.Bytes())
	return err
}
