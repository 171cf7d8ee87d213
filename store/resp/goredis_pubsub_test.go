package resp

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestGoRedisPubSub subscribes with go-redis v9's PubSub, in RESP3 and in
// RESP2, and receives messages published by another client: a real
// client's parsing of the confirmations and of pushes.
func TestGoRedisPubSub(t *testing.T) {
	addr, _ := startWaq(t, Options{})
	f := func(protocol int) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		sub := redis.NewClient(&redis.Options{Addr: addr, Protocol: protocol})
		pub := redis.NewClient(&redis.Options{Addr: addr, Protocol: protocol})
		defer sub.Close()
		defer pub.Close()
		// Each protocol has its own channel: the other run's connections
		// may not be closed on the server yet.
		channel := fmt.Sprintf("news%d", protocol)
		pattern := channel + "*"
		ps := sub.Subscribe(ctx, channel)
		defer ps.Close()
		if err := ps.PSubscribe(ctx, pattern); err != nil {
			t.Fatal(err)
		}
		// Receive reads the confirmations: each must be a *redis.Subscription.
		for want := 1; want <= 2; want++ {
			v, err := ps.Receive(ctx)
			if s, ok := v.(*redis.Subscription); err != nil || !ok || s.Count != want {
				t.Fatalf("protocol %d: confirmation %d: %#v %v", protocol, want, v, err)
			}
		}
		if n, err := pub.Publish(ctx, channel, "hello").Result(); err != nil || n != 2 {
			t.Fatalf("protocol %d: PUBLISH: %d %v", protocol, n, err)
		}
		got := map[string]string{}
		for range 2 {
			m, err := ps.ReceiveMessage(ctx)
			if err != nil {
				t.Fatalf("protocol %d: %v", protocol, err)
			}
			got[m.Pattern] = m.Channel + ":" + m.Payload
		}
		if want := channel + ":hello"; got[""] != want || got[pattern] != want {
			t.Fatalf("protocol %d: messages %v", protocol, got)
		}
		if n, err := pub.PubSubNumSub(ctx, channel).Result(); err != nil || n[channel] != 1 {
			t.Fatalf("protocol %d: NUMSUB %v %v", protocol, n, err)
		}
	}
	f(3)
	f(2)
}
