package evolution_test

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/waqhq/waq/sender"
	"github.com/waqhq/waq/sender/evolution"
	"github.com/waqhq/waq/sender/evolution/evolutiontest"
	"github.com/waqhq/waq/store"
)

func Example() {
	evo := evolutiontest.New("api-key", "sales-1") // a fake Evolution server
	defer evo.Close()
	evo.NotOnWhatsApp("+34600999888")

	cfg := evolution.Config{URL: evo.URL, APIKey: "api-key", Instance: "sales-1"}
	if err := cfg.Validate(); err != nil {
		fmt.Println(err)
		return
	}
	c := evolution.New(cfg)
	ctx := context.Background()

	id, err := c.Send(ctx, &store.Message{To: "+34600111222", Type: store.TypeText, Text: "Hola"})
	fmt.Println(strings.HasPrefix(id, "3EB0"), err)

	_, err = c.Send(ctx, &store.Message{To: "+34600999888", Type: store.TypeText, Text: "Hola"})
	var se *sender.SendError
	if errors.As(err, &se) {
		fmt.Println(se.Kind, se.Reason)
	}

	evs, _ := evolution.ParseWebhook(evolutiontest.StatusUpdate("sales-1", id, "DELIVERY_ACK"))
	fmt.Println(evs[0].Kind, evs[0].Status, evs[0].GatewayID == id)
	// Output:
	// true <nil>
	// permanent evolution: number not on WhatsApp (HTTP 400: exists:false)
	// status delivered true
}
