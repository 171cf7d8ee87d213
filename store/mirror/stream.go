package mirror

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tidwall/redcon"
	"github.com/waqhq/waq/store/keyspace"
	"github.com/waqhq/waq/store/resp"
)

// stream applies the source's command stream from database db until the
// link breaks or ctx ends (errStopped). Each read's commands share one
// transaction with the new offset. REPLCONF ACK goes out every AckEvery:
// after a diskless transfer the source starts streaming only on an ACK
// received once it marked the transfer done, and it drops a replica that
// has not acknowledged for 60 s.
func (m *Mirror) stream(ctx context.Context, l *link, db int) error {
	l.dr.timeout = streamTimeout
	actx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	nudge := make(chan struct{}, 1)
	wg.Go(func() { m.acks(actx, l, nudge) })
	wg.Go(func() { m.pollLag(actx) })
	rd := redcon.NewReader(l.br)
	for {
		cmds, err := rd.ReadCommands()
		if err != nil {
			if ctx.Err() != nil {
				return errStopped
			}
			return fmt.Errorf("mirror: stream: %w", err)
		}
		if db, err = m.apply(cmds, db, nudge); err != nil {
			return err
		}
	}
}

// acks sends REPLCONF ACK with the applied offset periodically and when
// the source asks (REPLCONF GETACK).
func (m *Mirror) acks(ctx context.Context, l *link, nudge <-chan struct{}) {
	t := time.NewTicker(m.opt.AckEvery)
	defer t.Stop()
	for {
		if err := l.send("REPLCONF", "ACK", strconv.FormatInt(m.offset.Load(), 10)); err != nil {
			return // the reader sees the broken link
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-nudge:
		}
	}
}

// apply runs one read's commands and stores the offset after them in the
// same transaction, and returns the database the stream is in. Commands the
// keyspace refuses (streams, scripts, …) are skipped and counted; their last
// error shows in Status.
func (m *Mirror) apply(cmds []redcon.Command, db int, nudge chan struct{}) (int, error) {
	start := m.offset.Load()
	st := keyspace.MirrorState{URL: m.src.public, ReplID: m.Status().ReplID}
	var cur int
	var skipped []string
	ack := false
	err := m.ks.UpdateNoExpiry(func(tx *keyspace.Tx) error {
		st.Offset, cur, skipped, ack = start, db, skipped[:0], false
		for _, c := range cmds {
			st.Offset += int64(len(c.Raw))
			var err error
			cur, ack, err = applyOne(tx, cur, c.Args, ack, &skipped)
			if err != nil {
				return err
			}
		}
		st.DB = cur
		return tx.SetMirrorState(st)
	})
	if err != nil {
		return db, fmt.Errorf("mirror: apply: %w", err)
	}
	m.offset.Store(st.Offset)
	now := time.Now().UTC().Format(time.RFC3339Nano)
	m.set(func(s *Status) {
		s.Offset, s.LastUpdate = st.Offset, now
		s.Skipped += int64(len(skipped))
		if len(skipped) > 0 {
			s.LastError = skipped[len(skipped)-1]
		}
	})
	for _, e := range skipped {
		m.log.Warn("mirror skipped a command", "err", e)
	}
	if ack {
		select {
		case nudge <- struct{}{}:
		default:
		}
	}
	return cur, nil
}

// applyOne runs one stream command in tx: SELECT changes the database,
// PING, MULTI, EXEC and PUBLISH change nothing (the read is one transaction
// anyway), REPLCONF GETACK asks for an ACK. It returns the store's errors
// only; refused commands are appended to skipped.
func applyOne(tx *keyspace.Tx, db int, args [][]byte, ack bool, skipped *[]string) (int, bool, error) {
	if len(args) == 0 {
		return db, ack, nil
	}
	switch name := strings.ToLower(string(args[0])); name {
	case "select":
		n, err := strconv.Atoi(string(args[len(args)-1]))
		if len(args) != 2 || err != nil || n < 0 || n >= keyspace.DBs {
			*skipped = append(*skipped, fmt.Sprintf("SELECT %q: database out of range", args[len(args)-1]))
			return db, ack, nil
		}
		return n, ack, nil
	case "ping", "multi", "exec", "publish", "spublish":
		return db, ack, nil
	case "replconf":
		return db, ack || (len(args) > 1 && strings.EqualFold(string(args[1]), "getack")), nil
	}
	err := resp.Apply(tx, db, args)
	if errors.Is(err, resp.ErrRefused) {
		*skipped = append(*skipped, trunc(strings.ToUpper(string(args[0]))+": "+err.Error(), 200))
		return db, ack, nil
	}
	return db, ack, err
}
