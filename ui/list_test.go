package ui_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/waqhq/waq/store"
)

type page struct {
	Messages   []store.Message `json:"messages"`
	NextCursor *string         `json:"next_cursor"`
}

// seedList stores 5 messages of campaign a to +34600111222 and 3 of
// campaign b to +34600111223 (#1, #4, #7), a millisecond apart, and cancels
// the last.
func seedList(t *testing.T, b *bundle) (ids []string) {
	for i := 0; i < 8; i++ {
		body := `{"to":"+34600111222","text":"x","campaign":"a"}`
		if i%3 == 1 {
			body = `{"to":"+34600111223","text":"x","campaign":"b"}`
		}
		ids = append(ids, b.message(t, body).ID)
		b.clock.Add(time.Millisecond)
	}
	b.do(t, "DELETE", "/v1/messages/"+ids[7], "").want(t, 200)
	return ids
}

func TestList(t *testing.T) {
	b := setup(t)
	ids := seedList(t, b)
	f := func(query string, want ...int) {
		t.Helper()
		p := decode[page](t, b.do(t, "GET", "/v1/messages?"+query, "").want(t, 200))
		if p.NextCursor != nil {
			t.Fatalf("%s: a cursor on the last page", query)
		}
		if len(p.Messages) != len(want) {
			t.Fatalf("%s: %d messages, want %d", query, len(p.Messages), len(want))
		}
		for i, w := range want {
			if p.Messages[i].ID != ids[w] || p.Messages[i].History != nil {
				t.Fatalf("%s: message %d is %s, want #%d %s", query, i, p.Messages[i].ID, w, ids[w])
			}
		}
	}
	f("", 7, 6, 5, 4, 3, 2, 1, 0)
	f("campaign=b", 7, 4, 1)
	f("campaign=b&status=queued", 4, 1)
	f("status=cancelled", 7)
	f("status=sent")
	f("to=%2B34600111223", 7, 4, 1)
	f("to=+34600111223", 7, 4, 1) // a raw + decodes to a space
	f("to=34600111223&status=queued", 4, 1)
	f("campaign=zzz")
}

func TestListPaging(t *testing.T) {
	b := setup(t)
	ids := seedList(t, b)
	f := func(query string, want ...int) {
		t.Helper()
		var got []string
		cursor := ""
		for pages := 0; ; pages++ {
			q, _ := url.ParseQuery(query)
			q.Set("limit", "3")
			if cursor != "" {
				q.Set("cursor", cursor)
			}
			p := decode[page](t, b.do(t, "GET", "/v1/messages?"+q.Encode(), "").want(t, 200))
			if len(p.Messages) > 3 || pages > 10 {
				t.Fatalf("page %d: %d messages", pages, len(p.Messages))
			}
			for _, m := range p.Messages {
				got = append(got, m.ID)
			}
			if p.NextCursor == nil {
				break
			}
			cursor = *p.NextCursor
		}
		if len(got) != len(want) {
			t.Fatalf("%s: %d messages, want %d", query, len(got), len(want))
		}
		for i, w := range want {
			if got[i] != ids[w] {
				t.Fatalf("%s: message %d is %s, want #%d", query, i, got[i], w)
			}
		}
	}
	f("", 7, 6, 5, 4, 3, 2, 1, 0)
	f("campaign=a", 6, 5, 3, 2, 0)
	f("status=queued", 6, 5, 4, 3, 2, 1, 0)
}

func TestListBadParams(t *testing.T) {
	b := setup(t)
	seedList(t, b)
	f := func(path, field string) {
		t.Helper()
		b.do(t, "GET", path, "").wantError(t, http.StatusUnprocessableEntity, "invalid", field)
	}
	f("/v1/messages?status=lost", "status")
	f("/v1/messages?limit=0", "limit")
	f("/v1/messages?limit=1001", "limit")
	f("/v1/messages?limit=ten", "limit")
	f("/v1/messages?cursor=!!", "cursor")
	f("/v1/messages?to=abc", "to")
	f("/v1/dlq?limit=-1", "limit")
}
