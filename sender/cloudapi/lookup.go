package cloudapi

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/waqhq/waq/sender"
	"github.com/waqhq/waq/store"
)

// PhoneNumber looks the phone number id up in the Graph API
// (GET {URL}/{phone-number-id}) and returns its display number, to check
// credentials before they are saved. A refused token or an id the token
// cannot use is a *sender.SendError of kind Pause whose Reason carries
// Graph's message; a network failure is Retryable.
func (c *Client) PhoneNumber(ctx context.Context) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.number, nil)
	if err != nil {
		return "", &sender.SendError{Kind: sender.Pause, Reason: "cloudapi: bad api url", Err: err}
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := c.http.Do(req)
	if err != nil {
		return "", transportError(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, bodyMax))
	if err != nil {
		return "", transportError(err)
	}
	var r struct {
		ID      string      `json:"id"`
		Display string      `json:"display_phone_number"`
		Error   *graphError `json:"error"`
	}
	err = json.Unmarshal(body, &r)
	switch {
	case err == nil && r.Error != nil && r.Error.Code != nil:
		se := r.Error.sendError(&store.Message{})
		if *r.Error.Code == codeInvalidParameter {
			se.Kind = sender.Pause // the id itself is wrong, whatever the subcode
		}
		return "", se
	case resp.StatusCode/100 == 2 && err == nil && r.ID != "":
		return r.Display, nil
	}
	kind, why, _ := Classify(NoCode, resp.StatusCode)
	return "", &sender.SendError{Kind: kind, Reason: fmt.Sprintf("cloudapi: phone number lookup: HTTP %d: %s", resp.StatusCode, why)}
}
