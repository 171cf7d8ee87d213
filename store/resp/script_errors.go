package resp

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/parse"
)

// gopher-lua words some errors differently from Lua 5.1; clients and
// tests match Lua's words, so the common ones are rewritten. Lua 5.1 also
// names the variable involved ("local 'x'"), which gopher-lua does not
// know: those messages say "a nil value" only.
var luaMessages = []struct {
	re   *regexp.Regexp
	repl func(m []string) string
}{
	{regexp.MustCompile(`cannot perform concat operation between (\w+) and (\w+)`), func(m []string) string {
		return "attempt to concatenate a " + firstNot(m[1], m[2], "string", "number") + " value"
	}},
	{regexp.MustCompile(`cannot perform \w+ operation between (\w+) and (\w+)`), func(m []string) string {
		return "attempt to perform arithmetic on a " + firstNot(m[1], m[2], "number", "number") + " value"
	}},
	{regexp.MustCompile(`attempt to index a non-table object\((\w+)\) with key '[^']*'`), func(m []string) string {
		return "attempt to index a " + m[1] + " value"
	}},
	{regexp.MustCompile(`bad argument #(\d+) to (\w+) \(`), func(m []string) string {
		return "bad argument #" + m[1] + " to '" + m[2] + "' ("
	}},
	{regexp.MustCompile(`attempt to call a non-function object`), func([]string) string {
		return "attempt to call a nil value"
	}},
}

// firstNot returns the first of a and b that is neither ok1 nor ok2.
func firstNot(a, b, ok1, ok2 string) string {
	if a != ok1 && a != ok2 {
		return a
	}
	return b
}

func luaMessage(msg string) string {
	for _, m := range luaMessages {
		if sub := m.re.FindStringSubmatch(msg); sub != nil {
			return strings.Replace(msg, sub[0], m.repl(sub), 1)
		}
	}
	return msg
}

// parseError words a syntax error as Lua 5.1 does: "user_script:3:
// unexpected symbol near 'x'" (gopher-lua: "user_script line:3(column:7)
// near 'x': syntax error").
func parseError(err error, src, chunk string) string {
	var pe *parse.Error
	if !errors.As(err, &pe) {
		return chunk + ": " + strings.TrimSpace(err.Error())
	}
	line, near := pe.Pos.Line, pe.Token
	if line == parse.EOF {
		line, near = strings.Count(src, "\n")+1, "<eof>"
	}
	msg := "unexpected symbol"
	if i := strings.Index(pe.Message, ": "); i >= 0 && !strings.HasPrefix(pe.Message[i+2:], "unexpected") {
		msg = pe.Message[i+2:]
	}
	return fmt.Sprintf("%s:%d: %s near '%s'", chunk, line, msg, near)
}

// luaErrorFn is Lua 5.1's error(message [, level]): any value, nil included.
func luaErrorFn(L *lua.LState) int {
	L.Error(L.Get(1), L.OptInt(2, 1))
	return 0
}
