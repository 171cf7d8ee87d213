package cloudapi_test

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/waqhq/waq/sender"
	"github.com/waqhq/waq/sender/cloudapi"
	"github.com/waqhq/waq/sender/cloudapi/cloudapitest"
	"github.com/waqhq/waq/store"
)

func ExampleClient_Send() {
	srv := cloudapitest.New("EAAGtoken", "106540352242922")
	defer srv.Close()
	c := cloudapi.New(cloudapi.Config{URL: srv.URL, Token: "EAAGtoken", PhoneNumberID: "106540352242922"})
	m := &store.Message{To: "+34600111222", Type: store.TypeText, Text: "Your order has shipped"}

	id, err := c.Send(context.Background(), m)
	fmt.Println(strings.HasPrefix(id, "wamid."), err)

	srv.Script(cloudapitest.Code(131056)) // too many messages to this user
	_, err = c.Send(context.Background(), m)
	var se *sender.SendError
	if errors.As(err, &se) {
		fmt.Println(se.Kind, se.RetryAfter)
	}

	srv.WindowClosed("+34600111222") // the user has not written for 24 h
	m.FallbackTemplate = &store.Template{Name: "order_update", Language: "en"}
	_, err = c.Send(context.Background(), m)
	fmt.Println(m.SentAs, err)
	// Output:
	// true <nil>
	// retryable 6s
	// template <nil>
}

func ExampleParseWebhook() {
	body := cloudapitest.StatusBody("106540352242922", "wamid.HBgL", "failed", 131026)
	if !cloudapi.VerifySignature("app-secret", body, cloudapitest.Sign("app-secret", body)) {
		return // answer 401
	}
	evs, err := cloudapi.ParseWebhook(body)
	if err != nil {
		return // answer 400
	}
	for _, ev := range evs {
		fmt.Println(ev.Kind, ev.GatewayID, ev.Status)
		fmt.Println(ev.Reason[:39])
	}
	// Output:
	// status wamid.HBgL failed
	// cloudapi: code 131026: Message undelive
}
