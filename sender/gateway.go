// Package sender moves messages from the store's ready queue to a WhatsApp
// gateway: one Sender per gateway instance leases the highest-priority
// message, waits for the instance's sliding-window rate limit, calls the
// gateway with bounded concurrency and records the outcome (sent, retrying,
// dead, or back to the queue when the instance itself stopped working).
//
// Gateways plug in through the one-method Gateway interface; a built-in demo
// gateway (NewDemo) simulates WhatsApp for trying waq out.
package sender

import (
	"context"
	"time"

	"github.com/waqhq/waq/store"
)

// Gateway is the one thing the sender needs from a WhatsApp gateway.
type Gateway interface {
	// Send delivers m and returns the gateway's message id. A returned
	// *SendError says whether to retry, give up, or pause the instance;
	// any other error is retried.
	//
	// m is the sender's own copy: a gateway that sent something other than
	// m.Type (a fallback template) sets m.SentAs before returning.
	Send(ctx context.Context, m *store.Message) (gatewayID string, err error)
}

// Kind says what a failed send means for the message and the instance.
type Kind int

const (
	// Retryable: a transient failure (timeout, 5xx, connection closed); the
	// message is tried again after its backoff.
	Retryable Kind = iota
	// Permanent: the message can never be sent (number not on WhatsApp,
	// invalid payload); it goes to the dead-letter queue at once.
	Permanent
	// Pause: the instance cannot send anything (bad API key, logged out,
	// token expired); the message goes back to the queue without spending
	// an attempt and the instance pauses until Resume.
	Pause
)

func (k Kind) String() string {
	switch k {
	case Retryable:
		return "retryable"
	case Permanent:
		return "permanent"
	case Pause:
		return "pause"
	}
	return "unknown"
}

// SendError is a classified gateway failure. Reason is stored as the
// message's last_error and logged, so it must not hold the message's text or
// the full phone number.
type SendError struct {
	Kind   Kind
	Reason string
	Err    error // the underlying error, if any
	// RetryAfter, when above zero, is the least wait before the next try
	// that the gateway asked for (Cloud API pair rate limit, maintenance);
	// the sender waits the longer of it and the message's backoff.
	RetryAfter time.Duration
}

func (e *SendError) Error() string {
	switch {
	case e.Err == nil:
		return e.Reason
	case e.Reason == "":
		return e.Err.Error()
	}
	return e.Reason + ": " + e.Err.Error()
}

func (e *SendError) Unwrap() error { return e.Err }

// reason is what the store keeps as last_error for a failure: the Reason
// with its underlying error, never empty.
func (e *SendError) reason() string {
	if r := e.Error(); r != "" {
		return r
	}
	return e.Kind.String() + " gateway error"
}
