package resp

import (
	"strconv"
	"strings"

	"github.com/waqhq/waq/store/keyspace"
)

// Keyspace notifications (CONFIG SET notify-keyspace-events), as Redis 7.0
// publishes them: "__keyspace@<db>__:<key>" with the event as message (K)
// and "__keyevent@<db>__:<event>" with the key (E), for the classes the
// setting names. A command's events are collected while its transaction
// runs and published once it committed, so a transaction that fails or is
// run again publishes nothing twice.

// The setting's flags, in the order CONFIG GET writes them.
const notifyChars = "g$lshzxetdnKEm"

const (
	nGeneric int64 = 1 << iota
	nString
	nList
	nSet
	nHash
	nZSet
	nExpired
	nEvicted
	nStream
	nModule
	nNew
	nKeyspace
	nKeyevent
	nMiss
	nAll = nGeneric | nString | nList | nSet | nHash | nZSet | nExpired | nEvicted | nStream | nModule
)

// parseNotify reads the setting's value; false for an unknown character.
func parseNotify(v string) (int64, bool) {
	var flags int64
	for _, ch := range v {
		if ch == 'A' {
			flags |= nAll
			continue
		}
		i := strings.IndexRune(notifyChars, ch)
		if i < 0 {
			return 0, false
		}
		flags |= 1 << i
	}
	return flags, true
}

// formatNotify writes flags as Redis does: "A" for every class (which
// hides n), else each class, then K, E and m.
func formatNotify(flags int64) string {
	var b strings.Builder
	if flags&nAll == nAll {
		b.WriteByte('A')
	}
	for i := range len(notifyChars) {
		bit := int64(1) << i
		if flags&bit != 0 && (flags&nAll != nAll || bit&(nAll|nNew) == 0) {
			b.WriteByte(notifyChars[i])
		}
	}
	return b.String()
}

// event is one notification waiting for its transaction to commit.
type event struct {
	event string
	db    int
	key   []byte
}

// notify queues event on key when the setting has its class.
func (c *call) notify(class int64, name string, key []byte) {
	flags := c.s.ps.notify.Load()
	if flags&class == 0 || flags&(nKeyspace|nKeyevent) == 0 {
		return
	}
	c.cl.events = append(c.cl.events, event{name, c.db(), append([]byte(nil), key...)})
}

// sendEvents publishes the events of a transaction that committed (ok)
// and forgets them either way.
func (s *Server) sendEvents(cl *client, ok bool) {
	events := cl.events
	cl.events = nil
	if !ok {
		return
	}
	flags := s.ps.notify.Load()
	for _, e := range events {
		db := strconv.Itoa(e.db)
		if flags&nKeyspace != 0 {
			s.publish(nil, nil, subChannel, []byte("__keyspace@"+db+"__:"+string(e.key)), []byte(e.event))
		}
		if flags&nKeyevent != 0 {
			s.publish(nil, nil, subChannel, []byte("__keyevent@"+db+"__:"+e.event), e.key)
		}
	}
}

// notifying reports whether any notification is on.
func (s *Server) notifying() bool { return s.ps.notify.Load() != 0 }

// expiredEvents publishes "expired" for the keys the sweeper deleted.
func (s *Server) expiredEvents(gone []keyspace.Expired) {
	if s.ps.notify.Load()&nExpired == 0 || len(gone) == 0 {
		return
	}
	cl := &client{}
	for _, g := range gone {
		cl.events = append(cl.events, event{"expired", g.DB, g.Key})
	}
	s.sendEvents(cl, true)
}
