package resp

import (
	"github.com/waqhq/waq/store/keyspace"
)

// addArgs are XADD's and XTRIM's options.
type addArgs struct {
	trim       keyspace.Trim
	trimming   bool
	noMkStream bool
	id         sid
	idGiven    bool
	seqAuto    bool // ms-*
	at         int  // XADD: the position of the ID
}

// parseAddTrim parses XADD's options up to the ID (xadd) or XTRIM's, with
// Redis's checks in its order.
func parseAddTrim(c *call, xadd bool) (addArgs, error) {
	var a addArgs
	limitGiven := false
	i := 2
	for ; i < len(c.args); i++ {
		more := len(c.args) - 1 - i
		opt := c.args[i]
		switch {
		case xadd && string(opt) == "*":
		case (eq(opt, "maxlen") || eq(opt, "minid")) && more > 0:
			if a.trimming {
				return a, rerr("ERR syntax error, MAXLEN and MINID options at the same time are not compatible")
			}
			a.trim.Approx = false
			if next := c.args[i+1]; more >= 2 && (string(next) == "~" || string(next) == "=") {
				a.trim.Approx = string(next) == "~"
				i++
			}
			if err := a.trimValue(eq(opt, "minid"), c.args[i+1]); err != nil {
				return a, err
			}
			a.trimming = true
			i++
			continue
		case eq(opt, "limit") && more > 0:
			n, err := intArg(c.args[i+1])
			if err != nil {
				return a, err
			}
			if n < 0 {
				return a, rerr("ERR The LIMIT argument must be >= 0.")
			}
			a.trim.Limit, limitGiven = n, true
			i++
			continue
		case xadd && eq(opt, "nomkstream"):
			a.noMkStream = true
			continue
		case xadd:
			id, auto, err := idArg(opt, 0, true, true)
			if err != nil {
				return a, err
			}
			a.id, a.seqAuto, a.idGiven = id, auto, true
		default:
			return a, errSyntax
		}
		break
	}
	a.at = i
	return a, a.checkLimit(c, xadd, limitGiven)
}

func (a *addArgs) trimValue(byID bool, v []byte) error {
	a.trim.ByID = byID
	if byID {
		id, _, err := idArg(v, 0, true, false)
		a.trim.MinID = id
		return err
	}
	n, err := intArg(v)
	if err != nil {
		return err
	}
	if n < 0 {
		return rerr("ERR The MAXLEN argument must be >= 0.")
	}
	a.trim.MaxLen = n
	return nil
}

func (a *addArgs) checkLimit(c *call, xadd, limitGiven bool) error {
	switch {
	case a.trim.Limit != 0 && !a.trimming:
		return rerr("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy")
	case !xadd && !a.trimming:
		return rerr("ERR syntax error, XTRIM must be called with a trimming strategy")
	case limitGiven && !a.trim.Approx:
		return rerr("ERR syntax error, LIMIT cannot be used without the special ~ option")
	case !limitGiven && a.trim.Approx:
		a.trim.Limit = min(max(100*c.s.setting("stream-node-max-entries"), 0), 1000000)
		if a.trim.Limit <= 0 {
			a.trim.Limit = 10000
		}
	case !limitGiven:
		a.trim.Limit = 0
	}
	return nil
}

// cmdXAdd: XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT n]]
// *|id field value [field value ...].
func cmdXAdd(c *call) error {
	a, err := parseAddTrim(c, true)
	if err != nil {
		return err
	}
	if n := len(c.args) - a.at - 1; n < 2 || n%2 == 1 { // options ran to the end: no ID
		return errArity("xadd")
	}
	fields := c.args[a.at+1:]
	if a.idGiven && !a.seqAuto && a.id.IsZero() {
		return rerr("ERR The ID specified in XADD must be greater than 0-0")
	}
	s, err := c.stream(c.args[1])
	if err != nil {
		return err
	}
	if s == nil && a.noMkStream {
		c.w.null()
		return nil
	}
	created := s == nil
	if created {
		if s, err = c.tx.CreateStream(c.db(), c.args[1]); err != nil {
			return err
		}
	}
	id, err := nextID(c, s, a)
	if err != nil {
		return err
	}
	if err := keyspace.CheckLen(c.args[1]); err != nil {
		return err
	}
	if err := s.Add(id, fields, c.nodeLimits()); err != nil {
		return err
	}
	c.w.bulkString(id.String())
	if created {
		c.notify(nNew, "new", c.args[1])
	}
	c.notify(nStream, "xadd", c.args[1])
	if a.trimming {
		n, err := s.Trim(a.trim)
		if err != nil {
			return err
		}
		if n > 0 {
			c.notify(nStream, "xtrim", c.args[1])
		}
	}
	c.s.wakeStream(c, c.db(), c.args[1])
	return nil
}

// nextID is the ID XADD adds: after the stream's last one.
func nextID(c *call, s *keyspace.XStream, a addArgs) (sid, error) {
	if s.Last == keyspace.MaxStreamID {
		return sid{}, rerr("ERR The stream has exhausted the last possible ID, unable to add more items")
	}
	errSmall := rerr("ERR The ID specified in XADD is equal or smaller than the target stream top item")
	id := a.id
	switch {
	case !a.idGiven:
		now := uint64(max(c.streamNow(), 0))
		if now > s.Last.Ms {
			return sid{Ms: now}, nil
		}
		id, _ = s.Last.Next()
		return id, nil
	case a.seqAuto && s.Last.Ms == id.Ms:
		if s.Last.Seq == 1<<64-1 {
			return sid{}, errSmall
		}
		id.Seq = s.Last.Seq + 1
	case a.seqAuto:
		id.Seq = 0
	}
	if id.Cmp(s.Last) <= 0 {
		return sid{}, errSmall
	}
	return id, nil
}

// cmdXTrim: XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count].
func cmdXTrim(c *call) error {
	a, err := parseAddTrim(c, false)
	if err != nil {
		return err
	}
	s, err := c.stream(c.args[1])
	if err != nil || s == nil {
		c.w.int(0)
		return err
	}
	n, err := s.Trim(a.trim)
	if n > 0 {
		c.touch(c.db(), c.args[1])
		c.notify(nStream, "xtrim", c.args[1])
	}
	c.w.int(n)
	return err
}
