package importer

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/waqhq/waq/store"
)

// TestPhones imports jobs made by the real bullmq package with numbers in
// the forms queues keep them in: a national number becomes Spain's (not
// Malaysia's +60...), @lid and group ids are skipped, counted and sampled,
// never turned into numbers, and an invalid number is skipped with a note.
func TestPhones(t *testing.T) {
	url, port := startRedis(t)
	seedScript(t, port, "phones.js")
	st := openStore(t, nil)
	res, err := New(st).Import(context.Background(), Request{URL: url})
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	if res.Jobs != 9 || res.Messages != 5 || res.Skipped != 4 || res.NotPhone != 3 {
		t.Fatalf("result %+v; want 9 jobs, 5 messages, 4 skipped, 3 of them not phones", res)
	}
	wantSample := []string{"1371234567@lid (wa job lid1)", "99887766@lid (wa job lid2)", "120363025@g.us (wa job group)"}
	if !sameSet(res.NotPhoneSample, wantSample) {
		t.Errorf("sample %q, want %q", res.NotPhoneSample, wantSample)
	}
	if n := res.Notes[len(res.Notes)-1]; !strings.Contains(n, "wa job malaysia") || !strings.Contains(n, "+60 (MY)") {
		t.Errorf("notes %q, want the last saying why +600111222 is no number", res.Notes)
	}
	got := byKey(t, st)
	for id, want := range map[string]string{"national": "+34600111222", "spaced": "+34600111223",
		"idd": "+34600111224", "jid": "+34600111225", "waid": "+34600111226"} {
		if m := got["bullmq:wa:"+id]; m == nil || m.To != want {
			t.Errorf("job %s: message %+v, want to %s", id, m, want)
		}
	}
	for _, m := range got {
		if !strings.HasPrefix(m.To, "+34") {
			t.Errorf("message %s to %s: a number was invented", m.IdempotencyKey, m.To)
		}
	}
}

// TestPhonesRegion reads national numbers in the request's region, refuses
// an unknown one before anything is written, and with no region at all
// refuses national numbers rather than guess their country.
func TestPhonesRegion(t *testing.T) {
	url, _ := startRedis(t)
	c := redisClient(t, url)
	ctx := context.Background()
	must(t, c.HSet(ctx, "bull:wa:meta", "version", "bullmq:5.81.5").Err())
	must(t, c.HSet(ctx, "bull:wa:1", "name", "send", "data", `{"to":"912345678","text":"olá"}`).Err())
	must(t, c.LPush(ctx, "bull:wa:wait", "1").Err())

	st := openStore(t, nil)
	_, err := New(st).Import(ctx, Request{URL: url, DefaultRegion: "Portugal"})
	var e *store.Error
	if !errors.As(err, &e) || e.Code != store.EINVALID || e.Field != "default_region" {
		t.Fatalf("import with region Portugal: %v; want EINVALID on default_region", err)
	}
	if n := len(byKey(t, st)); n != 0 {
		t.Fatalf("%d messages stored by a refused import", n)
	}

	im := New(st)
	im.Region = ""
	res, err := im.Import(ctx, Request{URL: url})
	if err != nil || res.Messages != 0 || res.Skipped != 1 {
		t.Fatalf("import without a region: %+v, %v; want the national number skipped", res, err)
	}
	res, err = im.Import(ctx, Request{URL: url, DefaultRegion: "pt"})
	if err != nil || res.Messages != 1 {
		t.Fatalf("import in PT: %+v, %v", res, err)
	}
	if m := byKey(t, st)["bullmq:wa:1"]; m == nil || m.To != "+351912345678" {
		t.Fatalf("message %+v, want to +351912345678", m)
	}
	if im.Region != "" {
		t.Fatal("the request's region stayed on the importer")
	}
}
