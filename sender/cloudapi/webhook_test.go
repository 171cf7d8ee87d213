package cloudapi

import (
	"errors"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/waqhq/waq/sender"
	"github.com/waqhq/waq/sender/cloudapi/cloudapitest"
	"github.com/waqhq/waq/store"
)

func TestVerifySignature(t *testing.T) {
	body := cloudapitest.StatusBody(testPhoneID, "wamid.A", "read", 0)
	good := cloudapitest.Sign("s3cret", body)
	f := func(secret string, body []byte, header string, want bool) {
		t.Helper()
		if got := VerifySignature(secret, body, header); got != want {
			t.Errorf("VerifySignature(%q, %.20q, %q) = %v", secret, body, header, got)
		}
	}
	f("s3cret", body, good, true)
	f("other", body, good, false)
	f("", body, cloudapitest.Sign("", body), false)
	f("s3cret", body, "", false)
	f("s3cret", body, strings.TrimPrefix(good, "sha256="), false)
	f("s3cret", body, "sha1="+strings.TrimPrefix(good, "sha256="), false)
	f("s3cret", body, "sha256=zz", false)
	f("s3cret", body, good[:len(good)-2], false)
	f("s3cret", append([]byte(" "), body...), good, false)
	f("s3cret", []byte(strings.Replace(string(body), "read", "sent", 1)), good, false)
}

func TestVerifyChallenge(t *testing.T) {
	f := func(query, token, want string, wantOK bool) {
		t.Helper()
		q, _ := url.ParseQuery(query)
		got, ok := VerifyChallenge(q, token)
		if got != want || ok != wantOK {
			t.Errorf("VerifyChallenge(%q, %q) = %q, %v", query, token, got, ok)
		}
	}
	f("hub.mode=subscribe&hub.verify_token=tok&hub.challenge=1158201444", "tok", "1158201444", true)
	f("hub.mode=subscribe&hub.verify_token=bad&hub.challenge=1158201444", "tok", "", false)
	f("hub.mode=unsubscribe&hub.verify_token=tok&hub.challenge=1", "tok", "", false)
	f("hub.mode=subscribe&hub.challenge=1", "", "", false)
	f("hub.mode=subscribe&hub.verify_token=&hub.challenge=1", "", "", false)
}

// parseOne parses body, expecting a single event, and clears its At.
func parseOne(t *testing.T, body []byte) sender.GatewayEvent {
	t.Helper()
	evs, err := ParseWebhook(body)
	if err != nil || len(evs) != 1 {
		t.Fatalf("ParseWebhook: %d events, %v", len(evs), err)
	}
	ev := evs[0]
	if ev.Kind != sender.EventOther && (ev.At.IsZero() || ev.At.Location() != time.UTC) {
		t.Errorf("At %s: want the webhook's timestamp in UTC", ev.At)
	}
	ev.At = time.Time{}
	return ev
}

func TestParseStatuses(t *testing.T) {
	f := func(status string, code int, want sender.GatewayEvent) {
		t.Helper()
		want.Source, want.Name, want.Instance, want.GatewayID, want.RawStatus = "cloudapi", "statuses", testPhoneID, "wamid.A", status
		if got := parseOne(t, cloudapitest.StatusBody(testPhoneID, "wamid.A", status, code)); !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", status, got, want)
		}
	}
	f("sent", 0, sender.GatewayEvent{Kind: sender.EventStatus, Status: store.Sent})
	f("delivered", 0, sender.GatewayEvent{Kind: sender.EventStatus, Status: store.Delivered})
	f("read", 0, sender.GatewayEvent{Kind: sender.EventStatus, Status: store.Read}) // read without delivered
	f("failed", 131026, sender.GatewayEvent{Kind: sender.EventStatus, Status: store.Failed,
		Reason: "cloudapi: code 131026: Message undeliverable: Unable to deliver message. Reasons can include: the recipient phone number is not a WhatsApp phone number. (undeliverable: not on WhatsApp, terms not accepted, old app or blocked)"})
	f("failed", 131049, sender.GatewayEvent{Kind: sender.EventStatus, Status: store.Failed,
		Reason: "cloudapi: code 131049: This message was not delivered to maintain healthy ecosystem engagement.: In order to maintain a healthy ecosystem engagement, the message failed to be delivered. (not delivered to keep ecosystem engagement healthy; do not resend within 24 h)"})
	f("failed", 0, sender.GatewayEvent{Kind: sender.EventStatus, Status: store.Failed, Reason: "cloudapi: failed without an error code"})
	f("deleted", 0, sender.GatewayEvent{Kind: sender.EventOther})
}

func TestParseInbound(t *testing.T) {
	f := func(body []byte, want sender.GatewayEvent) {
		t.Helper()
		want.Kind, want.Source, want.Name, want.Instance = sender.EventInbound, "cloudapi", "messages", testPhoneID
		if got := parseOne(t, body); !reflect.DeepEqual(got, want) {
			t.Errorf("\n got %+v\nwant %+v", got, want)
		}
	}
	f(cloudapitest.InboundBody(testPhoneID, "wamid.IN", "+34600111222", "STOP", "wamid.OUT"),
		sender.GatewayEvent{GatewayID: "wamid.IN", From: "+34600111222", Type: "text", Text: "STOP", ReplyTo: "wamid.OUT"})
	f(cloudapitest.InboundBody(testPhoneID, "wamid.IN", "34600111222", "hola", ""),
		sender.GatewayEvent{GatewayID: "wamid.IN", From: "+34600111222", Type: "text", Text: "hola"})
	msg := func(m string) []byte {
		return hookBody(`"messages":[{"from":"5511999999999","id":"wamid.X","timestamp":"1705395000",` + m + `}]`)
	}
	f(msg(`"type":"image","image":{"caption":"see this","mime_type":"image/jpeg","id":"1"}`),
		sender.GatewayEvent{GatewayID: "wamid.X", From: "+5511999999999", Type: "image", Text: "see this"})
	f(msg(`"type":"interactive","interactive":{"type":"button_reply","button_reply":{"id":"b1","title":"Unsubscribe"}}`),
		sender.GatewayEvent{GatewayID: "wamid.X", From: "+5511999999999", Type: "interactive", Text: "Unsubscribe"})
	f(msg(`"type":"button","button":{"payload":"p","text":"Stop promotions"}`),
		sender.GatewayEvent{GatewayID: "wamid.X", From: "+5511999999999", Type: "button", Text: "Stop promotions"})
	// A wa_id that no number plan allows is not made into a contact.
	f(hookBody(`"messages":[{"from":"12","id":"wamid.X","timestamp":"1705395000","type":"text","text":{"body":"hi"}}]`),
		sender.GatewayEvent{GatewayID: "wamid.X", Type: "text", Text: "hi"})
}

// hookBody wraps a "messages" field value, with a fixed timestamp.
func hookBody(inner string) []byte {
	return []byte(`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{
		"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001234","phone_number_id":"` + testPhoneID + `"},` + inner + `}}]}]}`)
}

func TestParseWebhook(t *testing.T) {
	evs, err := ParseWebhook(hookBody(`"statuses":[{"id":"wamid.A","status":"read","timestamp":1705395005},{"id":"wamid.B","status":"delivered","timestamp":"1705395006"}]`))
	if err != nil || len(evs) != 2 || !evs[0].At.Equal(time.Unix(1705395005, 0)) || evs[1].GatewayID != "wamid.B" {
		t.Fatalf("two statuses: %+v, %v", evs, err)
	}
	f := func(body string, want sender.GatewayEvent) {
		t.Helper()
		want.Kind, want.Source = sender.EventOther, "cloudapi"
		if got := parseOne(t, []byte(body)); !reflect.DeepEqual(got, want) {
			t.Errorf("%.60s:\n got %+v\nwant %+v", body, got, want)
		}
	}
	f(string(hookBody(`"errors":[{"code":131000,"title":"Something went wrong","error_data":{"details":"Failure for 5511999999999"}}]`)),
		sender.GatewayEvent{Name: "errors", Instance: testPhoneID, Reason: "cloudapi: code 131000: Something went wrong: Failure for <number> (temporary WhatsApp error)"})
	f(`{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"account_update","value":{"event":"VERIFIED_ACCOUNT"}}]}]}`,
		sender.GatewayEvent{Name: "account_update"})
	f(`{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"statuses":"odd"}}]}]}`,
		sender.GatewayEvent{Name: "messages"})
	f(string(hookBody(`"contacts":[]`)), sender.GatewayEvent{Name: "messages", Instance: testPhoneID})

	if _, err := ParseWebhook([]byte(`{"object":`)); err == nil {
		t.Error("malformed JSON: no error")
	}
	if _, err := ParseWebhook([]byte(`{"object":"page","entry":[]}`)); !errors.Is(err, ErrNotWhatsApp) || !strings.Contains(err.Error(), "whatsapp_business_account") {
		t.Errorf("wrong object: %v", err)
	}
}

// PhoneNumberIDs names each number a delivery's messages changes carry
// once, as ParseWebhook reads them, and skips the other changes.
func TestPhoneNumberIDs(t *testing.T) {
	f := func(body string, want []string, wantErr bool) {
		t.Helper()
		got, err := PhoneNumberIDs([]byte(body))
		if (err != nil) != wantErr || !reflect.DeepEqual(got, want) {
			t.Errorf("PhoneNumberIDs(%.60q) = %q, %v; want %q (error %v)", body, got, err, want, wantErr)
		}
	}
	f(string(cloudapitest.StatusBody("111", "wamid.A", "read", 0)), []string{"111"}, false)
	two := `{"object":"whatsapp_business_account","entry":[` +
		`{"changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"111"}}},{"field":"messages","value":{"metadata":{"phone_number_id":"222"}}}]},` +
		`{"changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"111"}}},{"field":"account_update","value":{"metadata":{"phone_number_id":"333"}}},{"field":"messages","value":"x"}]}]}`
	f(two, []string{"111", "222"}, false)
	f(`{"object":"whatsapp_business_account","entry":[]}`, nil, false)
	f(`{"entry":`, nil, true)
	f(`{"entry":"x"}`, nil, true)
}
