package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"syscall"
)

// LogLevelDefault is WAQ_LOG_LEVEL's default.
const LogLevelDefault = "info"

// logLevels are the values WAQ_LOG_LEVEL takes.
var logLevels = map[string]slog.Level{
	"debug": slog.LevelDebug, "info": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError,
}

// parseLogLevel returns the slog level of a WAQ_LOG_LEVEL value, or an
// error that says which values it takes.
func parseLogLevel(s string) (slog.Level, error) {
	if l, ok := logLevels[strings.ToLower(s)]; ok {
		return l, nil
	}
	return 0, fmt.Errorf("WAQ_LOG_LEVEL: %q is not a level: use debug, info, warn or error", s)
}

// newLogger logs records at level and above: JSON, for journald and log
// shippers, unless w is a terminal, where text reads better. When w is the
// journal's stream (systemd sets $JOURNAL_STREAM to its device:inode),
// each line starts with its syslog priority, <3> to <7>, which journald
// strips and stores as PRIORITY, so that journalctl -p warning filters.
func newLogger(w io.Writer, level slog.Level, lookupEnv func(string) (string, bool)) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if f, ok := w.(*os.File); ok && isTerminal(f) {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	if !isJournal(w, lookupEnv) {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	mu := new(sync.Mutex)
	h := &priorityHandler{level: level}
	for i, p := range []string{"<7>", "<6>", "<4>", "<3>"} {
		h.byPriority[i] = slog.NewJSONHandler(&prefixWriter{mu: mu, prefix: p, w: w}, opts)
	}
	return slog.New(h)
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// isJournal tells whether w is the stream systemd connected to journald,
// as sd-daemon(3) and systemd.exec(5) say to check: $JOURNAL_STREAM holds
// the device and inode numbers of that stream. A child whose standard
// error was redirected inherits the variable but not the stream.
func isJournal(w io.Writer, lookupEnv func(string) (string, bool)) bool {
	js, ok := lookupEnv("JOURNAL_STREAM")
	f, isFile := w.(*os.File)
	if !ok || js == "" || !isFile {
		return false
	}
	var st syscall.Stat_t
	if err := syscall.Fstat(int(f.Fd()), &st); err != nil {
		return false
	}
	return js == fmt.Sprintf("%d:%d", st.Dev, st.Ino)
}

// priorityHandler sends each record to the JSON handler whose lines carry
// the record's syslog priority: debug 7, info 6, warning 4, error 3.
type priorityHandler struct {
	level      slog.Level
	byPriority [4]slog.Handler
}

func (h *priorityHandler) pick(l slog.Level) slog.Handler {
	switch {
	case l >= slog.LevelError:
		return h.byPriority[3]
	case l >= slog.LevelWarn:
		return h.byPriority[2]
	case l >= slog.LevelInfo:
		return h.byPriority[1]
	}
	return h.byPriority[0]
}

func (h *priorityHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level }

func (h *priorityHandler) Handle(ctx context.Context, r slog.Record) error {
	return h.pick(r.Level).Handle(ctx, r)
}

func (h *priorityHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return h.derive(func(in slog.Handler) slog.Handler { return in.WithAttrs(attrs) })
}

func (h *priorityHandler) WithGroup(name string) slog.Handler {
	return h.derive(func(in slog.Handler) slog.Handler { return in.WithGroup(name) })
}

func (h *priorityHandler) derive(f func(slog.Handler) slog.Handler) slog.Handler {
	d := &priorityHandler{level: h.level}
	for i, in := range h.byPriority {
		d.byPriority[i] = f(in)
	}
	return d
}

// prefixWriter writes each line with its priority prefix in one write, so
// that lines of the four handlers never interleave on the stream.
type prefixWriter struct {
	mu     *sync.Mutex
	prefix string
	w      io.Writer
	buf    []byte
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.buf = append(append(p.buf[:0], p.prefix...), b...)
	if _, err := p.w.Write(p.buf); err != nil {
		return 0, err
	}
	return len(b), nil
}
