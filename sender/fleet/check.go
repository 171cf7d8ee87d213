package fleet

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/waqhq/waq/sender"
	"github.com/waqhq/waq/sender/cloudapi"
	"github.com/waqhq/waq/sender/evolution"
	"github.com/waqhq/waq/store"
)

// checkTimeout bounds the gateway call that checks credentials on save.
const checkTimeout = 15 * time.Second

// Checker asks an instance's gateway whether its credentials work. It
// returns an EINVALID *store.Error naming the problem when the gateway
// refuses them.
type Checker func(ctx context.Context, in store.InstanceSettings) error

// CheckCredentials is the Checker that calls the gateways: Evolution's
// GET {url}/instance/connectionState/{instance}, the Cloud API's
// GET {api_url}/{phone_number_id}; a demo instance needs no call. hc makes
// the calls; nil means a client with checkTimeout.
func CheckCredentials(hc *http.Client) Checker {
	if hc == nil {
		hc = sender.NewHTTPClient(checkTimeout)
	}
	return func(ctx context.Context, in store.InstanceSettings) error {
		ctx, cancel := context.WithTimeout(ctx, checkTimeout)
		defer cancel()
		switch in.Gateway {
		case GatewayEvolution:
			e := in.Evolution
			c := evolution.New(evolution.Config{URL: e.URL, APIKey: e.APIKey, Instance: e.Instance, HTTPClient: hc})
			_, err := c.ConnectionState(ctx)
			return refused("evolution", err)
		case GatewayCloudAPI:
			w := in.CloudAPI
			c := cloudapi.New(cloudapi.Config{URL: w.APIURL, Token: w.Token, PhoneNumberID: w.PhoneNumberID, HTTPClient: hc})
			_, err := c.PhoneNumber(ctx)
			return refused("cloudapi", err)
		}
		return nil
	}
}

// refused turns a gateway's answer into the 422 that names the problem.
// A connection state of "close" is not refused: the credentials are good
// and the number can be connected later.
func refused(block string, err error) error {
	if err == nil {
		return nil
	}
	var se *sender.SendError
	if errors.As(err, &se) && se.Kind != sender.Pause {
		return store.FieldErrorf(block, "could not check the credentials: %s", se.Error())
	}
	return store.FieldErrorf(block, "the gateway refused the credentials: %s", errText(err))
}

func errText(err error) string {
	var se *sender.SendError
	if errors.As(err, &se) && se.Reason != "" {
		return se.Reason
	}
	return fmt.Sprint(err)
}
