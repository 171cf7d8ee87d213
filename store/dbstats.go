package store

import "os"

// DBStats are bbolt's own figures about the data file, for /metrics.
type DBStats struct {
	FileBytes     int64  // size of the data file
	FreePages     int    // pages free for reuse
	PendingPages  int    // pages freed by transactions still open
	FreeBytes     int    // bytes of the free pages
	ReadTxs       int    // read transactions started since open
	OpenReadTxs   int    // read transactions open now
	Commits       uint64 // commits of the group committer
	CommitWrites  uint64 // writes those commits carried
	PageWrites    int64  // pages written by commits
	WriteDuration int64  // nanoseconds spent writing pages to disk
}

// DBStats returns the file's figures.
func (s *Store) DBStats() DBStats {
	st := s.db.Stats()
	d := DBStats{
		FreePages: st.FreePageN, PendingPages: st.PendingPageN, FreeBytes: st.FreeAlloc,
		ReadTxs: st.TxN, OpenReadTxs: st.OpenTxN,
		PageWrites: st.TxStats.GetWrite(), WriteDuration: int64(st.TxStats.GetWriteTime()),
	}
	d.Commits, d.CommitWrites = s.CommitStats()
	if fi, err := os.Stat(s.db.Path()); err == nil {
		d.FileBytes = fi.Size()
	}
	return d
}
