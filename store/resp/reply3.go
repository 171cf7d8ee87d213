package resp

import "strconv"

// The replies whose shape differs between RESP2 and RESP3 (HELLO 3). In
// RESP2 each is a flat array or a bulk string, as Redis 7.0 sends them.

func (w *reply) header(kind byte, n int) {
	w.b = append(w.b, kind)
	w.b = strconv.AppendInt(w.b, int64(n), 10)
	w.b = append(w.b, '\r', '\n')
}

// mapLen starts a map of n key-value pairs (HGETALL, CONFIG GET, HELLO).
func (w *reply) mapLen(n int) {
	if w.resp3 {
		w.header('%', n)
	} else {
		w.array(2 * n)
	}
}

// setLen starts a set of n elements (SMEMBERS, SINTER, SPOP with a count).
func (w *reply) setLen(n int) {
	if w.resp3 {
		w.header('~', n)
	} else {
		w.array(n)
	}
}

// set writes a set of bulk strings.
func (w *reply) set(vs [][]byte) {
	w.setLen(len(vs))
	for _, v := range vs {
		w.bulk(v)
	}
}

// pairsLen starts an array of n pairs (WITHSCORES, WITHVALUES): RESP3
// nests each pair in an array of two, which pair starts; RESP2 is flat.
func (w *reply) pairsLen(n int) {
	if w.resp3 {
		w.array(n)
	} else {
		w.array(2 * n)
	}
}

func (w *reply) pair() {
	if w.resp3 {
		w.b = append(w.b, "*2\r\n"...)
	}
}

// verbatim writes text (INFO, CLIENT INFO, CLIENT LIST): a verbatim string
// of format txt in RESP3.
func (w *reply) verbatim(s string) {
	if !w.resp3 {
		w.bulkString(s)
		return
	}
	w.header('=', len(s)+4)
	w.b = append(w.b, "txt:"...)
	w.b = append(w.b, s...)
	w.b = append(w.b, '\r', '\n')
}
