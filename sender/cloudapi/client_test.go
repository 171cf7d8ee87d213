package cloudapi

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/waqhq/waq/sender"
	"github.com/waqhq/waq/sender/cloudapi/cloudapitest"
	"github.com/waqhq/waq/store"
)

func TestSendBody(t *testing.T) {
	c, srv := newTest(t)
	f := func(m *store.Message, want string) {
		t.Helper()
		id, err := c.Send(context.Background(), m)
		if err != nil || !strings.HasPrefix(id, "wamid.") {
			t.Fatalf("send %s: id %q, error %v", m.Type, id, err)
		}
		reqs := srv.Requests()
		r := reqs[len(reqs)-1]
		if r.Path != "/v24.0/"+testPhoneID+"/messages" || r.Auth != "Bearer "+testToken {
			t.Errorf("path %q auth %q", r.Path, r.Auth)
		}
		var w map[string]any
		if err := json.Unmarshal([]byte(want), &w); err != nil {
			t.Fatalf("want: %v", err)
		}
		if !reflect.DeepEqual(r.Body, w) {
			got, _ := json.Marshal(r.Body)
			t.Errorf("body\n got %s\nwant %s", got, want)
		}
	}
	const head = `"messaging_product":"whatsapp","recipient_type":"individual","to":"34600111222"`
	f(textMessage(), `{`+head+`,"type":"text","text":{"body":"Your order 4471 has shipped","preview_url":false}}`)
	f(&store.Message{To: testTo, Type: store.TypeMedia, Media: &store.Media{URL: "https://x.test/a.jpg", Kind: "image", Caption: "Look"}},
		`{`+head+`,"type":"image","image":{"link":"https://x.test/a.jpg","caption":"Look"}}`)
	f(&store.Message{To: testTo, Type: store.TypeMedia, Media: &store.Media{URL: "https://x.test/i.pdf", Kind: "document", Filename: "invoice.pdf"}},
		`{`+head+`,"type":"document","document":{"link":"https://x.test/i.pdf","filename":"invoice.pdf"}}`)
	f(&store.Message{To: testTo, Type: store.TypeMedia, Media: &store.Media{URL: "https://x.test/v.ogg", Kind: "audio", Caption: "dropped", Filename: "dropped"}},
		`{`+head+`,"type":"audio","audio":{"link":"https://x.test/v.ogg"}}`)
	f(&store.Message{To: testTo, Type: store.TypeMedia, Media: &store.Media{URL: "https://x.test/v.mp4", Kind: "video", Filename: "dropped"}},
		`{`+head+`,"type":"video","video":{"link":"https://x.test/v.mp4"}}`)
	f(&store.Message{To: testTo, Type: store.TypeTemplate, Template: fallback()},
		`{`+head+`,"type":"template","template":{"name":"order_update","language":{"code":"es"},
		"components":[{"type":"body","parameters":[{"type":"text","text":"4471"}]}]}}`)
	f(&store.Message{To: testTo, Type: store.TypeTemplate, Template: &store.Template{Name: "hello_world", Language: "en_US"}},
		`{`+head+`,"type":"template","template":{"name":"hello_world","language":{"code":"en_US"}}}`)
	if n := srv.Sends(); n != 7 {
		t.Errorf("server accepted %d sends, want 7", n)
	}
}

func TestSendInvalid(t *testing.T) {
	c, srv := newTest(t)
	f := func(m *store.Message) {
		t.Helper()
		_, err := c.Send(context.Background(), m)
		if se := sendError(t, err); se.Kind != sender.Permanent {
			t.Errorf("%+v: kind %s, want permanent", m, se.Kind)
		}
	}
	f(&store.Message{To: testTo, Type: "sticker"})
	f(&store.Message{To: testTo, Type: store.TypeMedia})
	f(&store.Message{To: testTo, Type: store.TypeMedia, Media: &store.Media{URL: "https://x.test/a", Kind: "sticker"}})
	f(&store.Message{To: testTo, Type: store.TypeTemplate})
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests sent for invalid messages", n)
	}
}

func TestSendFallback(t *testing.T) {
	c, srv := newTest(t)
	srv.WindowClosed(testTo)

	m := textMessage()
	_, err := c.Send(context.Background(), m)
	se := sendError(t, err)
	if se.Kind != sender.Permanent || !strings.Contains(se.Reason, "code 131047") || !strings.Contains(se.Reason, "template is needed") {
		t.Errorf("without fallback: %s %q", se.Kind, se.Reason)
	}

	m = textMessage()
	m.FallbackTemplate = fallback()
	id, err := c.Send(context.Background(), m)
	if err != nil || !strings.HasPrefix(id, "wamid.") || m.SentAs != store.TypeTemplate {
		t.Fatalf("with fallback: id %q, error %v, sent as %q", id, err, m.SentAs)
	}
	reqs := srv.Requests()
	if last := reqs[len(reqs)-1].Body; last["type"] != "template" || last["to"] != "34600111222" {
		t.Errorf("fallback body %v", last)
	}
	if n := len(reqs); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}

	// A failing fallback reports its own error, named as the fallback's.
	m = textMessage()
	m.FallbackTemplate = fallback()
	srv.Script(cloudapitest.Code(131047), cloudapitest.Code(132001))
	_, err = c.Send(context.Background(), m)
	se = sendError(t, err)
	if se.Kind != sender.Permanent || !strings.Contains(se.Reason, "fallback template") || !strings.Contains(se.Reason, "code 132001") || m.SentAs != "" {
		t.Errorf("failed fallback: %s %q, sent as %q", se.Kind, se.Reason, m.SentAs)
	}
}

func TestSendAuth(t *testing.T) {
	_, srv := newTest(t)
	f := func(cfg Config, kind sender.Kind, reason string) {
		t.Helper()
		_, err := New(cfg).Send(context.Background(), textMessage())
		se := sendError(t, err)
		if se.Kind != kind || !strings.Contains(se.Reason, reason) || strings.Contains(se.Reason, testPhoneID[2:]) {
			t.Errorf("kind %s, reason %q; want %s with %q", se.Kind, se.Reason, kind, reason)
		}
	}
	f(Config{URL: srv.URL, Token: "wrong", PhoneNumberID: testPhoneID}, sender.Pause, "code 190: Invalid OAuth access token")
	f(Config{URL: srv.URL + "/", PhoneNumberID: testPhoneID}, sender.Pause, "code 190")
	// Code 100 subcode 33: the phone number id does not exist, so every
	// message would fail; the instance pauses.
	f(Config{URL: srv.URL, Token: testToken, PhoneNumberID: "106540352242999"}, sender.Pause, "code 100: Unsupported post request. Object with ID '<number>'")
}

func TestSendReasonRedacted(t *testing.T) {
	c, srv := newTest(t)
	f := func(a cloudapitest.Answer, m *store.Message) {
		t.Helper()
		srv.Script(a)
		_, err := c.Send(context.Background(), m)
		r := sendError(t, err).Error()
		for _, secret := range []string{"600111222", testText, "Secret caption"} {
			if strings.Contains(r, secret) {
				t.Errorf("reason %q holds %q", r, secret)
			}
		}
	}
	f(cloudapitest.ErrorAnswer(400, 131026, "Message to +34600111222 undeliverable"), textMessage())
	f(cloudapitest.ErrorAnswer(400, 131026, "Message to 34600111222 undeliverable"), textMessage())
	f(cloudapitest.ErrorAnswer(400, 131051, "Bad text: "+testText), textMessage())
	f(cloudapitest.ErrorAnswer(400, 131051, "Bad caption: Secret caption"),
		&store.Message{To: testTo, Type: store.TypeMedia, Media: &store.Media{URL: "https://x.test/a.jpg", Kind: "image", Caption: "Secret caption"}})
	f(cloudapitest.Answer{Status: 500, Body: "upstream 34600111222 " + testText}, textMessage())
	f(cloudapitest.ErrorAnswer(400, 131026, strings.Repeat("x", 2000)), textMessage())
}

func TestSendTimeout(t *testing.T) {
	c, srv := newTest(t)
	srv.Script(cloudapitest.Slow(5 * time.Second))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Send(ctx, textMessage())
	se := sendError(t, err)
	if se.Kind != sender.Retryable || !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 2*time.Second {
		t.Errorf("timeout: %s %v after %s", se.Kind, err, time.Since(start))
	}
	if strings.Contains(err.Error(), testPhoneID) {
		t.Errorf("error %q holds the endpoint", err)
	}
}

func TestSendNetworkError(t *testing.T) {
	c, srv := newTest(t)
	srv.Close()
	_, err := c.Send(context.Background(), textMessage())
	if se := sendError(t, err); se.Kind != sender.Retryable {
		t.Errorf("closed server: %s %v", se.Kind, err)
	}
}

func TestConfigValidate(t *testing.T) {
	f := func(cfg Config, want string) {
		t.Helper()
		err := cfg.Validate()
		switch {
		case want == "" && err != nil:
			t.Errorf("%+v: %v", cfg, err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
			t.Errorf("%+v: error %v, want one naming %s", cfg, err, want)
		}
	}
	f(Config{Token: "t", PhoneNumberID: "123"}, "")
	f(Config{URL: "http://127.0.0.1:8080/v24.0", Token: "t", PhoneNumberID: "123"}, "")
	f(Config{URL: "graph.facebook.com", Token: "t", PhoneNumberID: "123"}, "WHATSAPP_API_URL")
	f(Config{PhoneNumberID: "123"}, "WHATSAPP_TOKEN")
	f(Config{Token: "t"}, "WHATSAPP_PHONE_NUMBER_ID")
	f(Config{Token: "t", PhoneNumberID: "+34600111222"}, "WHATSAPP_PHONE_NUMBER_ID")
	if got := New(Config{PhoneNumberID: "123"}).endpoint; got != DefaultURL+"/123/messages" {
		t.Errorf("default endpoint %q", got)
	}
}
