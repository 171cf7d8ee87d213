package main

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/waqhq/waq/sender/evolution/evolutiontest"
)

// The stand-in's instance and key, and the message both sides send.
const (
	standInKey      = "waqbench-key"
	standInInstance = "bench"
	firstNumber     = 34600000000 // message seq goes to +34600000000+seq
	messageText     = "Hola, le recordamos su cita de mañana a las 10:00. Responda SI para confirmar o NO para cambiarla."
)

// messageJSON is message seq as waq's API takes it; bench.mjs builds the
// same to and text for BullMQ.
func messageJSON(seq int) []byte {
	return []byte(`{"to":"+` + strconv.Itoa(firstNumber+seq) + `","text":"` + messageText + `"}`)
}

// standIn is a local Evolution API that accepts every sendText as a
// connected Baileys instance does (201 and the message with a fresh key.id;
// evolutiontest writes the body), with no delay and no rate limit. It
// notes when each message arrives; the time is taken once the request body
// is read and checked, a few microseconds after it arrived.
type standIn struct {
	srv *evolutiontest.Server

	mu      sync.Mutex
	want    int
	got     int
	done    chan struct{} // closed when got reaches want
	at      map[int]time.Time
	watches map[int]chan time.Time
}

func newStandIn() *standIn {
	s := &standIn{srv: evolutiontest.New(standInKey, standInInstance)}
	s.reset(0)
	s.srv.SetOnAccept(s.accepted)
	return s
}

// URL is the base URL to give as EVOLUTION_API_URL.
func (s *standIn) URL() string { return s.srv.URL }

func (s *standIn) Close() { s.srv.Close() }

// reset forgets what was received and returns a channel closed once want
// more sends have been accepted.
func (s *standIn) reset(want int) <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.want, s.got, s.done = want, 0, make(chan struct{})
	s.at, s.watches = map[int]time.Time{}, map[int]chan time.Time{}
	if want == 0 {
		close(s.done)
	}
	return s.done
}

// accepted is evolutiontest's hook, called for every accepted send.
func (s *standIn) accepted(_, number string) {
	now := time.Now()
	n, err := strconv.Atoi(number)
	seq := n - firstNumber
	s.mu.Lock()
	defer s.mu.Unlock()
	if err == nil {
		s.at[seq] = now
		if c, ok := s.watches[seq]; ok {
			c <- now
			delete(s.watches, seq)
		}
	}
	s.got++
	if s.got == s.want {
		close(s.done)
	}
}

// watch returns a channel that gets the time message seq arrives; call it
// before the message can arrive.
func (s *standIn) watch(seq int) <-chan time.Time {
	c := make(chan time.Time, 1)
	s.mu.Lock()
	s.watches[seq] = c
	s.mu.Unlock()
	return c
}

// arrival returns when message seq arrived.
func (s *standIn) arrival(seq int) (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.at[seq]
	return t, ok
}

// wait waits for done, the context's end or the timeout, and says how many
// of the wanted sends arrived when it gives up.
func (s *standIn) wait(ctx context.Context, done <-chan struct{}, timeout time.Duration) error {
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	case <-t.C:
		s.mu.Lock()
		defer s.mu.Unlock()
		return fmt.Errorf("stand-in: %d of %d sends arrived in %s", s.got, s.want, timeout)
	}
}
