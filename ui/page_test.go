package ui_test

import (
	"io/fs"
	"net/http"
	"os"
	"path"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/waqhq/waq/ui"
)

// assetNames lists the page's files as they sit in ui/assets.
func assetNames(t *testing.T) []string {
	t.Helper()
	var names []string
	err := fs.WalkDir(os.DirFS("assets"), ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, p)
		}
		return err
	})
	if err != nil || len(names) == 0 {
		t.Fatalf("assets: %v %v", names, err)
	}
	return names
}

// The page and its files are served without the key, with their type, an
// ETag, no-cache and the CSP; the API still wants the key.
func TestPageServed(t *testing.T) {
	b := setup(t, func(o *ui.Options) { o.APIKey = "s3cret" })
	b.key = ""
	types := map[string]string{".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
		".css": "text/css; charset=utf-8", ".svg": "image/svg+xml"}
	f := func(p, ctype string) resp {
		t.Helper()
		r := b.do(t, "GET", p, "").want(t, http.StatusOK)
		h := r.header
		if h.Get("Content-Type") != ctype || h.Get("ETag") == "" || h.Get("Cache-Control") != "no-cache" ||
			!strings.HasPrefix(h.Get("Content-Security-Policy"), "default-src 'self'") || h.Get("X-Content-Type-Options") != "nosniff" {
			t.Fatalf("GET %s headers: %v", p, h)
		}
		if again := b.do(t, "GET", p, "", "If-None-Match", h.Get("ETag")); again.code != http.StatusNotModified {
			t.Fatalf("GET %s with its ETag: %d, want 304", p, again.code)
		}
		return r
	}
	if body := string(f("/", types[".html"]).body); !strings.Contains(body, `data-auth="key"`) {
		t.Fatalf("the page of a keyed server does not say so:\n%.300s", body)
	}
	for _, name := range assetNames(t) {
		if name != "index.html" {
			f(ui.AssetPrefix+name, types[path.Ext(name)])
		}
	}
	b.do(t, "GET", ui.AssetPrefix+"nothing.js", "").wantError(t, http.StatusNotFound, "not_found", "")
	b.do(t, "GET", ui.AssetPrefix+"index.html", "").wantError(t, http.StatusNotFound, "not_found", "")
	for _, p := range []string{"/v1/queue", "/v1/dlq", "/v1/messages", "/v1/stats/messages", "/metrics", "/assets"} {
		b.do(t, "GET", p, "").wantError(t, http.StatusUnauthorized, "unauthorized", "")
	}
	b.do(t, "POST", "/", "").wantError(t, http.StatusUnauthorized, "unauthorized", "")
	b.do(t, "POST", "/v1/queue/pause", "").wantError(t, http.StatusUnauthorized, "unauthorized", "")

	open := setup(t)
	if body := string(open.do(t, "GET", "/", "").want(t, http.StatusOK).body); !strings.Contains(body, `data-auth="none"`) {
		t.Fatalf("the page of an open server asks for a key:\n%.300s", body)
	}
}

// The page names the server's time zone, so it writes dates in it.
func TestPageTimeZone(t *testing.T) {
	f := func(loc *time.Location, want string) {
		t.Helper()
		b := setup(t, func(o *ui.Options) { o.Location = loc })
		body := string(b.do(t, "GET", "/", "").want(t, http.StatusOK).body)
		if !strings.Contains(body, `data-tz="`+want+`"`) {
			t.Fatalf("zone %v: the page does not say %q:\n%.300s", loc, want, body)
		}
	}
	madrid, err := time.LoadLocation("Europe/Madrid")
	if err != nil {
		t.Fatal(err)
	}
	f(madrid, "Europe/Madrid")
	f(nil, "UTC")
	f(time.UTC, "UTC")
	f(time.Local, "UTC") // no IANA name to give the browser
}

var (
	externalURL = regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}`)
	localRef    = regexp.MustCompile(`(?:href|src)="(/assets/[^"]+)"|from '\./([^']+)'`)
)

// The page is self-contained: no request leaves waq, no inline script or
// style (which the CSP would block), and every file it names exists.
func TestPageSelfContained(t *testing.T) {
	names := assetNames(t)
	have := map[string]bool{}
	for _, n := range names {
		have[n] = true
	}
	for _, n := range names {
		b, err := os.ReadFile(path.Join("assets", n))
		if err != nil {
			t.Fatal(err)
		}
		text := strings.ReplaceAll(string(b), "http://www.w3.org/2000/svg", "") // a namespace, not a request
		if u := externalURL.FindString(text); u != "" {
			t.Errorf("%s names another origin: %s", n, u)
		}
		for _, m := range localRef.FindAllStringSubmatch(text, -1) {
			if ref := strings.TrimPrefix(m[1]+m[2], "/assets/"); !have[ref] {
				t.Errorf("%s names %s, which is not in ui/assets", n, ref)
			}
		}
		if n != "index.html" {
			continue
		}
		for _, bad := range []string{"<style", " style=", " onclick=", " onload=", "javascript:"} {
			if strings.Contains(text, bad) {
				t.Errorf("index.html has inline %q, which the CSP blocks", bad)
			}
		}
		for _, tag := range regexp.MustCompile(`<script[^>]*>`).FindAllString(text, -1) {
			if !strings.Contains(tag, ` src="/assets/`) {
				t.Errorf("index.html has an inline script: %s", tag)
			}
		}
	}
}
