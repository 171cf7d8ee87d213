package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"

	"github.com/waqhq/waq/sender/evolution/evolutiontest"
	"github.com/waqhq/waq/store"
)

// loads is what the crash suite's clients do while it waits to kill waq:
// each call makes one request and records in the ledger what waq
// acknowledged. A request cut by the kill acknowledges nothing; enqueues
// that were not acknowledged are sent again after the restart, with the
// same idempotency keys, as a client would.
type loads struct {
	led     *ledger
	http    *http.Client
	redis   *crashRedis
	backups string // folder for the backups downloaded
	numbers atomic.Int64

	mu      sync.Mutex
	pending map[string]enqueueReq // idempotency key (or bulk header) → request not acknowledged
}

// enqueueReq is one enqueue: a single message, or a bulk when items is set.
type enqueueReq struct {
	key   string
	items []item
}

type item struct {
	To   string `json:"to"`
	Text string `json:"text"`
	Key  string `json:"idempotency_key,omitempty"`
}

// message makes a message for a recipient no other message has, so the
// gateway's record of a send names its message.
func (l *loads) message() item {
	n := l.numbers.Add(1)
	return item{To: fmt.Sprintf("+346%08d", n), Text: fmt.Sprintf("Recordatorio %d: su cita es mañana", n)}
}

func (l *loads) enqueueOne(ctx context.Context, c *child, _ *rand.Rand) {
	it := l.message()
	it.Key = "one-" + it.To[1:]
	l.enqueue(ctx, c, enqueueReq{key: it.Key, items: []item{it}})
}

func (l *loads) enqueueBulk(ctx context.Context, c *child, rng *rand.Rand) {
	r := enqueueReq{key: fmt.Sprintf("bulk-%d", l.numbers.Add(1)), items: make([]item, 10+rng.IntN(40))}
	for i := range r.items {
		r.items[i] = l.message()
	}
	l.enqueue(ctx, c, r)
}

// enqueue posts r, a single message or a bulk, and acknowledges its ids.
func (l *loads) enqueue(ctx context.Context, c *child, r enqueueReq) {
	l.mu.Lock()
	l.pending[r.key] = r
	l.mu.Unlock()
	var ids []string
	if len(r.items) == 1 && r.items[0].Key == r.key {
		var m store.Message
		if !l.post(ctx, c.url+"/v1/messages", nil, r.items[0], &m) {
			return
		}
		ids = []string{m.ID}
	} else {
		var got struct{ IDs []string }
		if !l.post(ctx, c.url+"/v1/messages/bulk", http.Header{"Idempotency-Key": {r.key}},
			map[string]any{"messages": r.items}, &got) || len(got.IDs) != len(r.items) {
			return
		}
		ids = got.IDs
	}
	l.mu.Lock()
	delete(l.pending, r.key)
	l.mu.Unlock()
	for i, id := range ids {
		key := r.key
		if len(r.items) > 1 || r.items[0].Key != r.key {
			key = fmt.Sprintf("%s#%d", r.key, i)
		}
		l.led.ack(key, id)
	}
}

// retryPending sends again every enqueue the last kill cut, one at a time.
func (l *loads) retryPending(ctx context.Context, c *child) {
	l.mu.Lock()
	var rs []enqueueReq
	for _, r := range l.pending {
		rs = append(rs, r)
	}
	l.mu.Unlock()
	for _, r := range rs {
		l.enqueue(ctx, c, r)
	}
}

// webhook reports a recorded send delivered or read, as Evolution would.
func (l *loads) webhook(ctx context.Context, c *child, rng *rand.Rand) {
	keys := l.led.recorded()
	if len(keys) == 0 {
		l.enqueueOne(ctx, c, rng)
		return
	}
	key, status, word := keys[rng.IntN(len(keys))], store.Delivered, "DELIVERY_ACK"
	if rng.IntN(2) == 0 {
		status, word = store.Read, "READ"
	}
	var res struct{ Applied int }
	body := json.RawMessage(evolutiontest.StatusUpdate("sales-1", key, word))
	if l.post(ctx, c.url+"/v1/webhooks/evolution", nil, body, &res) && res.Applied == 1 {
		l.led.mu.Lock()
		l.led.hooks = append(l.led.hooks, hookAck{key: key, status: status})
		l.led.mu.Unlock()
	}
}

// backup downloads GET /v1/backup; a download received whole is kept for
// the verifier, which checks it as waq check would.
func (l *loads) backup(ctx context.Context, c *child, _ *rand.Rand) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, c.url+"/v1/backup", nil)
	resp, err := l.http.Do(req)
	if err != nil {
		return
	}
	defer resp.Body.Close()
	f, err := os.CreateTemp(l.backups, "waq-*.db")
	if err != nil {
		return
	}
	_, err = io.Copy(f, resp.Body)
	if cerr := f.Close(); err == nil && cerr == nil && resp.StatusCode == http.StatusOK {
		l.led.mu.Lock()
		l.led.backups = append(l.led.backups, filepath.Join(l.backups, filepath.Base(f.Name())))
		l.led.mu.Unlock()
	}
}

// post sends body as JSON and decodes a 2xx answer into out; it reports
// whether waq acknowledged the request.
func (l *loads) post(ctx context.Context, url string, h http.Header, body, out any) bool {
	b, err := json.Marshal(body)
	if err != nil {
		return false
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(b))
	for k, v := range h {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := l.http.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	return resp.StatusCode/100 == 2 && json.NewDecoder(resp.Body).Decode(out) == nil
}
