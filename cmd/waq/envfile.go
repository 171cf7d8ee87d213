package main

import (
	"bufio"
	"fmt"
	"os"
	"regexp"
	"strings"
)

var envKey = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// ownPrefixes mark the variables that belong to waq; an unknown one in a
// config file is most likely a typo and is refused.
var ownPrefixes = []string{"WAQ_", "EVOLUTION_", "WHATSAPP_"}

// readEnvFile reads KEY=VALUE lines in the format of systemd's
// EnvironmentFile: blank lines and lines starting with # or ; are skipped,
// a value may be in single quotes (taken as is) or double quotes (with
// backslash escapes), and a later line overrides an earlier one. Other
// variables (TZ, GOMAXPROCS...) may share the file and are ignored.
func readEnvFile(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	defer f.Close()
	known := map[string]bool{}
	for _, s := range settingTable(&Config{}) {
		known[s.Env] = true
	}
	vals := map[string]string{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		k, v, ok, err := parseEnvLine(sc.Text())
		if err != nil {
			return nil, fmt.Errorf("read config: %s:%d: %w", path, n, err)
		}
		if !ok {
			continue
		}
		if !known[k] && hasOwnPrefix(k) {
			return nil, fmt.Errorf("read config: %s:%d: %s is not a waq setting (see waq help serve)", path, n, k)
		}
		vals[k] = v
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	return vals, nil
}

func hasOwnPrefix(k string) bool {
	for _, p := range ownPrefixes {
		if strings.HasPrefix(k, p) {
			return true
		}
	}
	return false
}

// parseEnvLine returns the key and value of one line, ok false for a blank
// or comment line.
func parseEnvLine(line string) (key, val string, ok bool, err error) {
	line = strings.TrimSpace(line)
	if line == "" || line[0] == '#' || line[0] == ';' {
		return "", "", false, nil
	}
	key, raw, found := strings.Cut(line, "=")
	key = strings.TrimSpace(strings.TrimPrefix(key, "export "))
	if !found || !envKey.MatchString(key) {
		return "", "", false, fmt.Errorf("expected KEY=VALUE, got %q", line)
	}
	val, err = unquote(strings.TrimSpace(raw))
	if err != nil {
		return "", "", false, fmt.Errorf("%s: %w", key, err)
	}
	return key, val, true, nil
}

// unquote strips one pair of quotes from s. Single quotes keep the text as
// is; double quotes take \" \\ \n and \t escapes.
func unquote(s string) (string, error) {
	if s == "" || (s[0] != '"' && s[0] != '\'') {
		return s, nil
	}
	q := s[0]
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case c == q:
			if rest := strings.TrimSpace(s[i+1:]); rest != "" && rest[0] != '#' {
				return "", fmt.Errorf("text after the closing quote: %q", rest)
			}
			return b.String(), nil
		case c == '\\' && q == '"' && i+1 < len(s):
			i++
			b.WriteByte(unescape(s[i]))
		default:
			b.WriteByte(c)
		}
	}
	return "", fmt.Errorf("missing closing quote")
}

func unescape(c byte) byte {
	switch c {
	case 'n':
		return '\n'
	case 't':
		return '\t'
	}
	return c
}
