package resp

import (
	"container/list"
	"sync"
)

// SCAN cursors are decimal numbers (RedisInsight parses them with parseInt);
// the keyspace is ordered by key bytes, so a cursor stands for the last key
// returned. The table keeps the newest cursors; an unknown or evicted cursor
// restarts the scan, which can repeat keys but never skips one.
type cursorTable struct {
	mu   sync.Mutex
	max  int
	next uint64
	m    map[uint64]*list.Element
	lru  *list.List
}

type cursorEntry struct {
	id  uint64
	key string
}

func newCursorTable(max int) *cursorTable {
	return &cursorTable{max: max, next: 1, m: make(map[uint64]*list.Element), lru: list.New()}
}

// put stores after and returns its cursor, below 2^53 for JavaScript.
func (t *cursorTable) put(after []byte) uint64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	id := t.next
	t.next++
	if t.next >= 1<<53 {
		t.next = 1
	}
	t.m[id] = t.lru.PushFront(&cursorEntry{id: id, key: string(after)})
	for t.lru.Len() > t.max {
		e := t.lru.Back()
		t.lru.Remove(e)
		delete(t.m, e.Value.(*cursorEntry).id)
	}
	return id
}

// get returns the key a cursor stands for; nil (from the start) for 0 or
// an unknown cursor.
func (t *cursorTable) get(id uint64) []byte {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.m[id]
	if !ok {
		return nil
	}
	return []byte(e.Value.(*cursorEntry).key)
}
