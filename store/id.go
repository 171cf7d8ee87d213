package store

import (
	"crypto/rand"
	"encoding/binary"
	"sync"
	"time"
)

// Message ids are 20 lowercase base32hex characters: 48 bits of milliseconds
// then 52 bits that count up within a millisecond from a random start, so
// ids sort in creation order and the ready index keeps FIFO by id alone.
const idLen = 20

const idAlphabet = "0123456789abcdefghijklmnopqrstuv"

type idGen struct {
	mu   sync.Mutex
	ms   uint64
	tail uint64
}

func (g *idGen) next(now time.Time) string {
	g.mu.Lock()
	ms := uint64(now.UnixMilli())
	if ms > g.ms {
		g.ms, g.tail = ms, randomTail()
	} else {
		g.tail++ // same or earlier millisecond (clock step back): keep order
		if g.tail >= 1<<52 {
			g.ms, g.tail = g.ms+1, 0
		}
	}
	hi, lo := g.ms, g.tail
	g.mu.Unlock()
	var b [idLen]byte
	v := hi<<2 | lo>>50 // 50 bits: time and the top 2 bits of the tail
	for i := 9; i >= 0; i-- {
		b[i] = idAlphabet[v&31]
		v >>= 5
	}
	v = lo & (1<<50 - 1)
	for i := 19; i >= 10; i-- {
		b[i] = idAlphabet[v&31]
		v >>= 5
	}
	return string(b[:])
}

// randomTail starts a millisecond's counter at a random point in its lower
// half, leaving room to count up.
func randomTail() uint64 {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return binary.BigEndian.Uint64(b[:]) & (1<<51 - 1)
}

// validID reports whether s could be a message id; it keeps junk out of
// bbolt lookups.
func validID(s string) bool {
	if len(s) != idLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'v') {
			return false
		}
	}
	return true
}
