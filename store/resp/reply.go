package resp

import (
	"math"
	"strconv"
)

// reply accumulates RESP2 replies for one batch of commands. A batch is
// written to the connection only after its transaction committed; when the
// store runs the transaction again, the batch's replies are cut back with
// truncate.
type reply struct {
	b     []byte
	resp3 bool // the connection chose RESP3 with HELLO 3
}

func (w *reply) len() int        { return len(w.b) }
func (w *reply) truncate(n int)  { w.b = w.b[:n] }
func (w *reply) simple(s string) { w.b = append(append(append(w.b, '+'), s...), '\r', '\n') }
func (w *reply) ok()             { w.b = append(w.b, "+OK\r\n"...) }

// null is a missing value: RESP2's null bulk, RESP3's null.
func (w *reply) null() {
	if w.resp3 {
		w.b = append(w.b, "_\r\n"...)
	} else {
		w.b = append(w.b, "$-1\r\n"...)
	}
}

// nullArray is a missing array: RESP2's null array, RESP3's null.
func (w *reply) nullArray() {
	if w.resp3 {
		w.b = append(w.b, "_\r\n"...)
	} else {
		w.b = append(w.b, "*-1\r\n"...)
	}
}

// err writes an error reply; msg starts with its code (ERR, WRONGTYPE, …).
// Newlines are replaced by spaces as Redis does, so the reply stays one line.
func (w *reply) err(msg string) {
	w.b = append(w.b, '-')
	for i := 0; i < len(msg); i++ {
		c := msg[i]
		if c == '\r' || c == '\n' {
			c = ' '
		}
		w.b = append(w.b, c)
	}
	w.b = append(w.b, '\r', '\n')
}

func (w *reply) int(n int64) {
	w.b = append(w.b, ':')
	w.b = strconv.AppendInt(w.b, n, 10)
	w.b = append(w.b, '\r', '\n')
}

func (w *reply) bool(v bool) {
	if v {
		w.int(1)
	} else {
		w.int(0)
	}
}

func (w *reply) array(n int) {
	w.b = append(w.b, '*')
	w.b = strconv.AppendInt(w.b, int64(n), 10)
	w.b = append(w.b, '\r', '\n')
}

func (w *reply) bulk(v []byte) {
	w.b = append(w.b, '$')
	w.b = strconv.AppendInt(w.b, int64(len(v)), 10)
	w.b = append(w.b, '\r', '\n')
	w.b = append(w.b, v...)
	w.b = append(w.b, '\r', '\n')
}

func (w *reply) bulkString(s string) {
	w.b = append(w.b, '$')
	w.b = strconv.AppendInt(w.b, int64(len(s)), 10)
	w.b = append(w.b, '\r', '\n')
	w.b = append(w.b, s...)
	w.b = append(w.b, '\r', '\n')
}

func (w *reply) bulkInt(n int64) { w.bulkString(strconv.FormatInt(n, 10)) }

// double writes a score as Redis 7.0 does: "%.17g", and inf/-inf; a bulk
// string in RESP2, a double in RESP3.
func (w *reply) double(f float64) {
	if !w.resp3 {
		w.bulkString(formatScore(f))
		return
	}
	w.b = append(w.b, ',')
	w.b = append(w.b, formatScore(f)...)
	w.b = append(w.b, '\r', '\n')
}

// bulks writes an array of bulk strings.
func (w *reply) bulks(vs [][]byte) {
	w.array(len(vs))
	for _, v := range vs {
		w.bulk(v)
	}
}

// mark starts an array whose length is known only after its elements are
// written; fill sets it.
func (w *reply) mark() int {
	at := len(w.b)
	w.b = append(w.b, '*')
	return at
}

func (w *reply) fill(at, n int) {
	tail := append([]byte(nil), w.b[at+1:]...)
	w.b = strconv.AppendInt(w.b[:at+1], int64(n), 10)
	w.b = append(w.b, '\r', '\n')
	w.b = append(w.b, tail...)
}

func formatScore(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	return strconv.FormatFloat(f, 'g', 17, 64)
}

// writeHelp answers a HELP subcommand: lines, then the HELP entry every one
// of Redis's ends with.
func writeHelp(c *call, lines []string) error {
	c.w.array(len(lines) + 2)
	for _, l := range lines {
		c.w.simple(l)
	}
	c.w.simple("HELP")
	c.w.simple("    Prints this help.")
	return nil
}
