package resp

import (
	"fmt"
	"os"
	"runtime"
	"strings"

	"github.com/waqhq/waq/store"
	"github.com/waqhq/waq/store/keyspace"
)

var infoSections = []string{"server", "clients", "memory", "persistence", "stats", "replication", "cpu", "commandstats", "errorstats", "cluster", "keyspace", "waq"}

// cmdInfo answers INFO with the fields clients and browsers read
// (redis_version, loading, dbN:keys=…, role, maxmemory_policy) and a
// "# Waq" section with the queue's counts.
func cmdInfo(c *call) error {
	want := map[string]bool{}
	for _, a := range c.args[1:] {
		want[lower(a)] = true
	}
	all := len(want) == 0 || want["all"] || want["everything"] || want["default"]
	var b strings.Builder
	for _, sec := range infoSections {
		if !all && !want[sec] || sec == "commandstats" && !wantCommandStats(want) {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\r\n")
		}
		b.WriteString("# " + strings.ToUpper(sec[:1]) + sec[1:] + "\r\n")
		if err := c.infoSection(&b, sec); err != nil {
			return err
		}
	}
	c.w.verbatim(b.String())
	return nil
}

func line(b *strings.Builder, k string, v any) { fmt.Fprintf(b, "%s:%v\r\n", k, v) }

func (c *call) infoSection(b *strings.Builder, sec string) error {
	s := c.s
	switch sec {
	case "server":
		line(b, "redis_version", RedisVersion)
		line(b, "redis_mode", "standalone")
		line(b, "os", runtime.GOOS+" "+runtime.GOARCH)
		line(b, "arch_bits", 64)
		line(b, "process_id", os.Getpid())
		line(b, "tcp_port", portOf(c.cl.laddr))
		line(b, "uptime_in_seconds", int64(s.opt.Now().Sub(s.started).Seconds()))
		line(b, "uptime_in_days", int64(s.opt.Now().Sub(s.started).Hours()/24))
		line(b, "executable", "waq")
	case "clients":
		line(b, "connected_clients", s.clientCount())
		line(b, "blocked_clients", s.blocked.n.Load())
	case "memory":
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		line(b, "used_memory", ms.HeapAlloc)
		line(b, "used_memory_human", fmt.Sprintf("%.2fM", float64(ms.HeapAlloc)/(1<<20)))
		line(b, "maxmemory", 0)
		line(b, "maxmemory_policy", "noeviction")
		line(b, "number_of_cached_scripts", s.scripts.cache.len()) // script_cache.go
	case "persistence":
		line(b, "loading", 0)
		line(b, "rdb_changes_since_last_save", 0)
		line(b, "aof_enabled", 0)
		line(b, "rdb_bgsave_in_progress", 0) // redis-cli --stat's "child" column
		line(b, "aof_rewrite_in_progress", 0)
	case "stats":
		line(b, "total_connections_received", s.ids.Load())
		line(b, "total_commands_processed", s.total.Load())
		line(b, "keyspace_hits", s.hits.Load())
		line(b, "keyspace_misses", s.misses.Load())
		line(b, "migrate_cached_sockets", 0) // no MIGRATE, so none (the dump unit reads it)
		ch, pat, shard := s.pubsubCounts()
		line(b, "pubsub_channels", ch)
		line(b, "pubsub_patterns", pat)
		line(b, "pubsubshard_channels", shard)
		line(b, "total_error_replies", s.stats.total.Load())
	case "replication":
		line(b, "role", "master")
		line(b, "connected_slaves", 0)
	case "cpu":
		line(b, "used_cpu_sys", "0.000000")
		line(b, "used_cpu_user", "0.000000")
	case "commandstats":
		s.stats.writeCommands(b)
	case "errorstats":
		s.stats.writeErrors(b)
	case "cluster":
		line(b, "cluster_enabled", 0)
	case "keyspace":
		return c.infoKeyspace(b)
	case "waq":
		return c.infoWaq(b)
	}
	return nil
}

// infoKeyspace lists the non-empty databases; avg_ttl is not tracked.
func (c *call) infoKeyspace(b *strings.Builder) error {
	return c.s.ks.View(func(t *keyspace.Tx) error {
		for db := 0; db < keyspace.DBs; db++ {
			if keys, exp := t.Counts(db); keys > 0 {
				fmt.Fprintf(b, "db%d:keys=%d,expires=%d,avg_ttl=0\r\n", db, keys, exp)
			}
		}
		return nil
	})
}

func (c *call) infoWaq(b *strings.Builder) error {
	counts, err := c.s.st.Counts()
	if err != nil {
		return err
	}
	for _, st := range store.Statuses {
		line(b, "messages_"+string(st), counts.States[st])
	}
	for _, p := range store.Priorities {
		line(b, "queued_"+string(p), counts.Priorities[p])
	}
	if !counts.OldestQueued.IsZero() {
		line(b, "oldest_queued_age_seconds", int64(c.s.opt.Now().Sub(counts.OldestQueued).Seconds()))
	}
	return nil
}

func portOf(addr string) string {
	if i := strings.LastIndexByte(addr, ':'); i >= 0 {
		return addr[i+1:]
	}
	return "0"
}
