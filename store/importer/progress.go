package importer

import (
	"context"
	"time"

	"github.com/waqhq/waq/progress"
	"github.com/waqhq/waq/store"
)

// counter is the progress of one phase of an import, reported through the
// context (see package progress).
type counter struct {
	phase       string
	done, total int64
}

func (c *counter) add(ctx context.Context, n int) {
	c.done += int64(n)
	progress.Report(ctx, c.phase, c.done, max(c.total, c.done))
}

// size returns the keys of the databases to copy (DBSIZE), the copy
// phase's total, when someone watches; 0 (not known) when nobody does or
// the source refuses DBSIZE.
func (s *source) size(ctx context.Context) int64 {
	if !progress.Watched(ctx) {
		return 0
	}
	var n int64
	for _, db := range s.dbs {
		k, err := s.client(db).DBSize(ctx).Result()
		if err != nil {
			return 0
		}
		n += k
	}
	return n
}

// releasePoll is how often a watched cutover reads the held count.
const releasePoll = 200 * time.Millisecond

// cutoverWatched is Cutover reporting the release phase: the held count
// before, and how far it went down, every releasePoll while the store
// releases (it releases in commits of a thousand messages).
func (im *Importer) cutoverWatched(ctx context.Context) (int, error) {
	held := func() int64 {
		c, err := im.st.Counts()
		if err != nil {
			return -1
		}
		return int64(c.States[store.Held])
	}
	total := max(held(), 0)
	progress.Report(ctx, progress.PhaseRelease, 0, total)
	stop, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(releasePoll)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				if h := held(); h >= 0 {
					progress.Report(ctx, progress.PhaseRelease, max(total-h, 0), total)
				}
			}
		}
	}()
	n, err := im.st.Cutover()
	close(stop)
	<-stopped
	progress.Report(ctx, progress.PhaseRelease, int64(n), max(total, int64(n)))
	return n, err
}
