package resp

import (
	"bytes"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/waqhq/waq/store/keyspace"
)

// SORT and SORT_RO, after Redis 7.0's sortCommandGeneric: the elements of a
// list, set or sorted set, by their own value or by the keys (and hash
// fields) a BY pattern names, numerically unless ALPHA, with GET patterns
// and STORE. Without a sort (BY a pattern with no *), a list keeps its
// order, a sorted set its score order (both reversed by DESC) and a set its
// byte order.

type sortOpts struct {
	desc, alpha, dontSort bool
	offset, count         int64
	limit                 bool
	by                    []byte
	gets                  [][]byte
	store                 []byte
}

func parseSort(c *call, readOnly bool) (sortOpts, error) {
	o := sortOpts{}
	for j := 2; j < len(c.args); j++ {
		more := len(c.args) - j - 1
		switch a := c.args[j]; {
		case eq(a, "asc"):
			o.desc = false
		case eq(a, "desc"):
			o.desc = true
		case eq(a, "alpha"):
			o.alpha = true
		case eq(a, "limit") && more >= 2:
			var err error
			if o.offset, err = intArg(c.args[j+1]); err != nil {
				return o, err
			}
			if o.count, err = intArg(c.args[j+2]); err != nil {
				return o, err
			}
			o.limit, j = true, j+2
		case eq(a, "store") && more >= 1 && !readOnly:
			o.store, j = c.args[j+1], j+1
		case eq(a, "by") && more >= 1:
			o.by, j = c.args[j+1], j+1
			o.dontSort = !bytes.Contains(o.by, []byte("*"))
		case eq(a, "get") && more >= 1:
			o.gets, j = append(o.gets, c.args[j+1]), j+1
		default:
			return o, errSyntax
		}
	}
	return o, nil
}

// sortElems reads the elements to sort: ErrWrongType for a string or hash.
func sortElems(c *call, key []byte) ([][]byte, error) {
	m, err := c.tx.Meta(c.db(), key)
	if err != nil || m == nil {
		return nil, err
	}
	var out [][]byte
	add := func(v []byte) bool { out = append(out, bytes.Clone(v)); return true }
	switch m.Type {
	case keyspace.List:
		err = c.tx.LRange(c.db(), key, 0, m.Size-1, add)
	case keyspace.Set:
		err = c.tx.SAll(c.db(), key, add) // an intset in order, as Redis's BY nosort
	case keyspace.ZSet:
		err = c.tx.ZWalk(c.db(), key, false, nil, func(v []byte, _ float64) bool { return add(v) })
	default:
		return nil, keyspace.ErrWrongType
	}
	return out, err
}

// byPattern is Redis's lookupKeyByPattern: the first * of pattern takes
// elem, and "->field" after it reads a hash field; nil when the key is
// missing or of another type, or the pattern has no *.
func byPattern(c *call, pattern, elem []byte) []byte {
	if string(pattern) == "#" {
		return elem
	}
	star := bytes.IndexByte(pattern, '*')
	if star < 0 {
		return nil
	}
	key, field := pattern, []byte(nil)
	if f := bytes.Index(pattern[star+1:], []byte("->")); f >= 0 && star+1+f+2 < len(pattern) {
		key, field = pattern[:star+1+f], pattern[star+1+f+2:]
	}
	name := append(append(append([]byte(nil), key[:star]...), elem...), key[star+1:]...)
	if field != nil {
		v, ok, err := c.tx.HGet(c.db(), name, field)
		if err != nil || !ok {
			return nil
		}
		return bytes.Clone(v)
	}
	v, ok, err := c.tx.GetString(c.db(), name)
	if err != nil || !ok {
		return nil
	}
	return bytes.Clone(v)
}

type sortItem struct {
	elem, by []byte
	score    float64
}

// order sorts items as Redis's sortCompare: numbers (ties by the element's
// bytes), or ALPHA bytes, missing BY values first.
func (o *sortOpts) order(items []sortItem) {
	cmp := func(a, b sortItem) int {
		switch {
		case !o.alpha:
			if a.score != b.score {
				if a.score < b.score {
					return -1
				}
				return 1
			}
			return bytes.Compare(a.elem, b.elem)
		case o.by != nil && (a.by == nil || b.by == nil):
			return boolInt(b.by == nil) - boolInt(a.by == nil)
		case o.by != nil:
			return bytes.Compare(a.by, b.by)
		}
		return bytes.Compare(a.elem, b.elem)
	}
	sort.SliceStable(items, func(i, j int) bool {
		if o.desc {
			return cmp(items[j], items[i]) < 0
		}
		return cmp(items[i], items[j]) < 0
	})
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func cmdSort(c *call) error   { return sortCommand(c, false) }
func cmdSortRO(c *call) error { return sortCommand(c, true) }

func sortCommand(c *call, readOnly bool) error {
	o, err := parseSort(c, readOnly)
	if err != nil {
		return err
	}
	elems, err := sortElems(c, c.args[1])
	if err != nil {
		return err
	}
	items := make([]sortItem, len(elems))
	for i, e := range elems {
		items[i] = sortItem{elem: e, by: e}
		if o.dontSort {
			continue
		}
		if o.by != nil {
			items[i].by = byPattern(c, o.by, e)
		}
		if !o.alpha && len(items[i].by) > 0 { // strtod: leading spaces, nothing after
			f, err := strconv.ParseFloat(strings.TrimLeft(string(items[i].by), " \t\n\v\f\r"), 64)
			if err != nil || f != f {
				return rerr("ERR One or more scores can't be converted into double")
			}
			items[i].score = f
		}
	}
	if !o.dontSort {
		o.order(items)
	} else if o.desc && len(items) > 0 {
		if m, err := c.tx.Meta(c.db(), c.args[1]); err == nil && m != nil && m.Type != keyspace.Set {
			slices.Reverse(items) // Redis walks a list or sorted set from its end
		}
	}
	items = o.window(items)
	return sortReply(c, &o, items)
}

// window applies LIMIT as Redis: a negative offset is 0, a negative count
// takes the rest.
func (o *sortOpts) window(items []sortItem) []sortItem {
	if !o.limit {
		return items
	}
	start := max(o.offset, 0)
	if start >= int64(len(items)) {
		return nil
	}
	end := int64(len(items))
	if o.count >= 0 {
		end = min(end, start+o.count)
	}
	return items[start:end]
}

func sortReply(c *call, o *sortOpts, items []sortItem) error {
	var out [][]byte
	for _, it := range items {
		if len(o.gets) == 0 {
			out = append(out, it.elem)
		}
		for _, g := range o.gets {
			out = append(out, byPattern(c, g, it.elem))
		}
	}
	if o.store == nil {
		c.w.array(len(out))
		for _, v := range out {
			if v == nil {
				c.w.null()
			} else {
				c.w.bulk(v)
			}
		}
		return nil
	}
	if err := keyspace.CheckLen(o.store); err != nil {
		return err
	}
	if _, err := c.tx.Delete(c.db(), o.store); err != nil {
		return err
	}
	for _, v := range out {
		if v == nil {
			v = []byte{} // a missing GET is stored empty
		}
		if _, err := c.tx.LPush(c.db(), o.store, v, false); err != nil {
			return err
		}
	}
	c.touch(c.db(), o.store)
	c.w.int(int64(len(out)))
	return nil
}
