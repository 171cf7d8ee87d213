package ui

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"html"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/julienschmidt/httprouter"
)

// AssetPrefix is where the status page's files are served, without the API
// key: they are the same in every waq and hold no data.
const AssetPrefix = "/assets/"

// pageCSP lets the page load only its own files and talk only to its own
// server: no inline script or style, no frames, no other origin.
const pageCSP = "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

//go:embed assets
var assetFiles embed.FS

// asset is one file of the page, ready to serve.
type asset struct {
	body  []byte
	ctype string
	etag  string
}

// contentTypes are the types of the page's files; they are set here rather
// than read from the system's MIME tables, which differ between machines.
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".svg":  "image/svg+xml",
}

// loadAssets reads the embedded files once; a file of another type is a
// mistake of the build, caught by the tests.
var loadAssets = sync.OnceValue(func() map[string]*asset {
	all := map[string]*asset{}
	_ = fs.WalkDir(assetFiles, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := assetFiles.ReadFile(p)
		if err != nil {
			return err
		}
		if ct, ok := contentTypes[path.Ext(p)]; ok {
			all[strings.TrimPrefix(p, "assets/")] = newAsset(b, ct)
		}
		return nil
	})
	return all
})

func newAsset(b []byte, ctype string) *asset {
	sum := sha256.Sum256(b)
	return &asset{body: b, ctype: ctype, etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`}
}

// indexPage returns the page for a server with or without an API key, in
// time zone tz. The page learns the first from its data-auth attribute, so
// it shows the sign-in form at once instead of provoking a 401 to find out,
// and the second from data-tz, so it writes every date and bucket in
// WAQ_TIMEZONE, as the reports and the day buckets are, whatever the
// browser's zone.
func indexPage(keyed bool, tz string) *asset {
	a := loadAssets()["index.html"]
	if !keyed && tz == "UTC" {
		return a
	}
	b := a.body
	if keyed {
		b = bytes.Replace(b, []byte(`data-auth="none"`), []byte(`data-auth="key"`), 1)
	}
	b = bytes.Replace(b, []byte(`data-tz="UTC"`), []byte(`data-tz="`+html.EscapeString(tz)+`"`), 1)
	return newAsset(b, a.ctype)
}

// pageZone names the zone the page writes times in: Options.Location, else
// the analytics' zone, else UTC. A zone without an IANA name (time.Local
// is "Local") is UTC, since the browser could not use it.
func (s *Server) pageZone() string {
	loc := s.opts.Location
	if loc == nil && s.opts.Stats != nil {
		loc = s.opts.Stats.Location()
	}
	if loc == nil || loc.String() == "Local" || loc.String() == "" {
		return "UTC"
	}
	return loc.String()
}

// registerPage serves the status page at GET / and its files under
// AssetPrefix. They are not API routes, so they stay out of s.routes (which
// the OpenAPI test compares with openapi.json).
func (s *Server) registerPage() {
	index := indexPage(s.opts.APIKey != "", s.pageZone())
	s.router.GET("/", func(w http.ResponseWriter, r *http.Request, _ httprouter.Params) {
		requestInfo(r).route = "/"
		serveAsset(w, r, index)
	})
	s.router.GET(AssetPrefix+"*file", func(w http.ResponseWriter, r *http.Request, p httprouter.Params) {
		requestInfo(r).route = AssetPrefix + "*file"
		name := strings.TrimPrefix(p.ByName("file"), "/")
		a, ok := loadAssets()[name]
		if !ok || name == "index.html" {
			s.notFound(w, r)
			return
		}
		serveAsset(w, r, a)
	})
}

// serveAsset answers with a, or 304 when the browser's copy has its ETag.
// no-cache makes the browser ask each time, so a new binary's page is seen
// at the next load, while the ETag keeps that question cheap.
func serveAsset(w http.ResponseWriter, r *http.Request, a *asset) {
	h := w.Header()
	h.Set("Content-Type", a.ctype)
	h.Set("ETag", a.etag)
	h.Set("Cache-Control", "no-cache")
	h.Set("Content-Security-Policy", pageCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(a.body))
}

// isPagePath reports whether a request is a GET of the page or of one of
// its files, which need no key: the page asks for it and sends it with its
// own requests to /v1.
func isPagePath(r *http.Request) bool {
	return r.Method == http.MethodGet && (r.URL.Path == "/" || strings.HasPrefix(r.URL.Path, AssetPrefix))
}
