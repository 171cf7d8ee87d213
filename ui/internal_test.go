package ui

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// The OpenAPI document describes every route the server has.
func TestOpenAPICoversRoutes(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(openapiDoc, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	s := NewServer(nil, Options{})
	for _, r := range s.routes {
		if r.path == "/" {
			continue // the page, not the API
		}
		parts := strings.Split(r.path, "/")
		for i, p := range parts {
			if strings.HasPrefix(p, ":") {
				parts[i] = "{" + p[1:] + "}"
			}
		}
		path := strings.Join(parts, "/")
		if doc.Paths[path][strings.ToLower(r.method)] == nil {
			t.Errorf("openapi.json lacks %s %s", r.method, path)
		}
	}
}

func TestMaskDigits(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		if got := maskDigits(in); got != want {
			t.Fatalf("maskDigits(%q) = %q, want %q", in, got, want)
		}
	}
	f("/v1/optouts/+34600111222", "/v1/optouts/+***********")
	f("/v1/messages/0a1b2", "/v1/messages/0a1b2")
	f("/v1/x/1234/12345", "/v1/x/1234/*****")
	f("", "")
}

func TestRateWindow(t *testing.T) {
	f := func(rate string, want time.Duration) {
		t.Helper()
		if got := rateWindow(rate); got != want {
			t.Fatalf("rateWindow(%q) = %v, want %v", rate, got, want)
		}
	}
	f("80/1m", time.Minute)
	f("10/2s", 2*time.Second)
	f("1000/1h", time.Hour)
	f("5/m", time.Minute)
	f("junk", time.Minute)
	f("5/0s", time.Minute)
}
