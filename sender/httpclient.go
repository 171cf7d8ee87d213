package sender

import (
	"net/http"
	"time"
)

// IdleConnsPerHost is how many keep-alive connections a gateway client
// keeps to its API: more than any concurrency an operator sets, so a busy
// sender reuses its connections. Go's default keeps 2, which at a
// concurrency of 50 opens a new connection for most calls.
const IdleConnsPerHost = 128

// NewHTTPClient returns the HTTP client a gateway uses when none is given:
// the default transport's settings with IdleConnsPerHost idle connections.
func NewHTTPClient(timeout time.Duration) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = IdleConnsPerHost
	return &http.Client{Timeout: timeout, Transport: t}
}
