package resp

import (
	"crypto/sha1"
	"encoding/hex"
	"strings"
	"sync"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/parse"
)

// script is one compiled script of the cache. proto is immutable, so the
// Lua states of the pool share it.
type script struct {
	sha     string // or, for a function (FCALL), its name
	proto   *lua.FunctionProto
	fn      *lua.LFunction // a function's callback, in the functions' Lua state
	noWrite bool           // "#!lua flags=no-writes"
	shebang bool           // flags were declared: EVAL_RO refuses a script without no-writes
}

// scriptCache holds the scripts by SHA1, in memory only: as in Redis they
// are gone after a restart or SCRIPT FLUSH, and clients load them again on
// NOSCRIPT.
type scriptCache struct {
	mu sync.Mutex
	m  map[string]*script
}

func (sc *scriptCache) get(sha string) *script {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	return sc.m[strings.ToLower(sha)]
}

// load compiles body, or returns the script cached under its SHA1. A script
// that does not compile gets Redis's error and is not cached.
func (sc *scriptCache) load(body []byte) (*script, error) {
	sha := sha1hex(body)
	if s := sc.get(sha); s != nil {
		return s, nil
	}
	s, err := compileScript(sha, body, "user_script")
	if err != nil {
		return nil, err
	}
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.m == nil {
		sc.m = map[string]*script{}
	}
	sc.m[sha] = s
	return s, nil
}

func (sc *scriptCache) len() int {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	return len(sc.m)
}

func (sc *scriptCache) flush() {
	sc.mu.Lock()
	sc.m = nil
	sc.mu.Unlock()
}

func sha1hex(b []byte) string {
	h := sha1.Sum(b)
	return hex.EncodeToString(h[:])
}

// scriptFlags are the flags a "#!lua flags=" line may declare (Redis 7.0's).
var scriptFlags = map[string]bool{"no-writes": true, "allow-oom": true, "allow-stale": true,
	"no-cluster": true, "allow-cross-slot-keys": true}

// compileScript reads the shebang line, if any, and compiles the rest as
// the chunk "user_script" (FUNCTION LOAD: "user_function"), so errors read
// "user_script:LINE: …" as in Redis.
func compileScript(sha string, body []byte, chunk string) (*script, error) {
	s := &script{sha: sha}
	src := string(body)
	if strings.HasPrefix(src, "#!") && chunk == "user_script" {
		line, rest, _ := strings.Cut(src, "\n")
		if err := s.parseShebang(line); err != nil {
			return nil, err
		}
		src = "\n" + rest // keep the line numbers
	}
	what := "script (new function)"
	if chunk == "user_function" {
		what = "function"
	}
	stmts, err := parse.Parse(strings.NewReader(src), chunk)
	if err != nil {
		return nil, rerr("ERR Error compiling " + what + ": " + parseError(err, src, chunk))
	}
	proto, err := lua.Compile(stmts, chunk)
	if err != nil {
		return nil, rerr("ERR Error compiling " + what + ": " + chunk + ": " + err.Error())
	}
	s.proto = proto
	return s, nil
}

func (s *script) parseShebang(line string) error {
	parts := strings.Fields(line)
	if len(parts) == 0 || parts[0] != "#!lua" {
		if len(parts) == 0 {
			return rerr("ERR Invalid script shebang")
		}
		return rerr("ERR Unexpected engine in script shebang: " + parts[0])
	}
	s.shebang = true
	for _, p := range parts[1:] {
		v, ok := strings.CutPrefix(p, "flags=")
		if !ok {
			return rerr("ERR Unknown lua shebang option: " + p)
		}
		for _, f := range strings.Split(v, ",") {
			if f == "" {
				continue
			}
			if !scriptFlags[f] {
				return rerr("ERR Unexpected flag in script shebang: " + f)
			}
			s.noWrite = s.noWrite || f == "no-writes"
		}
	}
	return nil
}
