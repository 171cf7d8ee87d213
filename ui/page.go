package ui

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
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

// indexPage returns the page for a server with or without an API key. The
// page learns which from its data-auth attribute, so it shows the sign-in
// form at once instead of provoking a 401 to find out.
func indexPage(keyed bool) *asset {
	a := loadAssets()["index.html"]
	if !keyed {
		return a
	}
	return newAsset(bytes.Replace(a.body, []byte(`data-auth="none"`), []byte(`data-auth="key"`), 1), a.ctype)
}

// registerPage serves the status page at GET / and its files under
// AssetPrefix. They are not API routes, so they stay out of s.routes (which
// the OpenAPI test compares with openapi.json).
func (s *Server) registerPage() {
	index := indexPage(s.opts.APIKey != "")
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
