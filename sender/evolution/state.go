package evolution

import (
	"context"
	"encoding/json"
	"io"
	"net/http"

	"github.com/waqhq/waq/sender"
)

// Connection states of an instance, as /instance/connectionState reports them.
const (
	StateOpen       = "open"
	StateConnecting = "connecting"
	StateClose      = "close"
)

// ConnectionState asks Evolution whether the instance is connected to
// WhatsApp: StateOpen, StateConnecting or StateClose. "open" does not promise
// that sends work (Evolution can report it while sends fail with
// "Connection Closed"). Errors are *sender.SendError, classified as for Send;
// an answer without a state is Retryable.
func (c *Client) ConnectionState(ctx context.Context) (string, error) {
	resp, err := c.do(ctx, http.MethodGet, "/instance/connectionState/"+c.instance, nil)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", classify(readFailure(resp, nil))
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, errBodyMax))
	if err != nil {
		return "", &sender.SendError{Kind: sender.Retryable, Reason: "evolution: connection state: reading the answer", Err: err}
	}
	type instance struct {
		Instance struct {
			State string `json:"state"`
		} `json:"instance"`
	}
	var body struct {
		instance
		Data instance `json:"data"` // tolerated: a proxy that wraps answers in data
	}
	if err := json.Unmarshal(b, &body); err != nil {
		return "", &sender.SendError{Kind: sender.Retryable, Reason: "evolution: connection state: answer is not JSON", Err: err}
	}
	state := body.Instance.State
	if state == "" {
		state = body.Data.Instance.State
	}
	if state == "" {
		return "", &sender.SendError{Kind: sender.Retryable, Reason: "evolution: connection state: answer has no instance.state"}
	}
	return state, nil
}
