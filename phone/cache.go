package phone

import "sync"

// generationMax bounds each generation of the verdict cache: two of them
// hold at most 2×16384 short strings, about a megabyte.
const generationMax = 1 << 14

// verdicts remembers E.164 numbers found valid: checking one against its
// country's plan costs microseconds of regular expressions, and the API
// sees the same contacts again and again.
var verdicts = &cache{cur: map[string]struct{}{}}

// cache is a set kept in two generations: when the current one is full it
// becomes the old one, and the numbers still used move back on their next
// lookup, so the set never grows past two generations.
type cache struct {
	mu       sync.Mutex
	cur, old map[string]struct{}
}

func (c *cache) has(e string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.cur[e]; ok {
		return true
	}
	if _, ok := c.old[e]; ok {
		c.addLocked(e)
		return true
	}
	return false
}

func (c *cache) add(e string) {
	c.mu.Lock()
	c.addLocked(e)
	c.mu.Unlock()
}

func (c *cache) addLocked(e string) {
	if len(c.cur) >= generationMax {
		c.old, c.cur = c.cur, make(map[string]struct{}, generationMax)
	}
	c.cur[e] = struct{}{}
}
