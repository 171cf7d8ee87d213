package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// redisServer is Debian's redis-server as the replaced stack ran it: append
// only file on, fsynced every second, every other setting at its default.
type redisServer struct {
	addr string
	dir  string
	proc *child
	cli  *redis.Client
}

// startRedis starts redis-server on a free port with its files in a new
// directory under tmp. Close it.
func startRedis(ctx context.Context, bin, tmp string) (*redisServer, error) {
	dir, err := os.MkdirTemp(tmp, "redis-")
	if err != nil {
		return nil, fmt.Errorf("redis: %w", err)
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	port := addr[strings.LastIndexByte(addr, ':')+1:]
	cmd := exec.Command(bin, "--port", port, "--bind", "127.0.0.1", "--dir", dir,
		"--appendonly", "yes", "--appendfsync", "everysec", "--daemonize", "no")
	p, err := start("redis-server", cmd, filepath.Join(dir, "redis.log"))
	if err != nil {
		return nil, err
	}
	r := &redisServer{addr: addr, dir: dir, proc: p, cli: redis.NewClient(&redis.Options{Addr: addr})}
	err = waitFor(ctx, p, 10*time.Second, func() error { return r.cli.Ping(ctx).Err() })
	if err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}

// Close stops the server and removes its files.
func (r *redisServer) Close() {
	r.cli.Close()
	r.proc.stop()
	os.RemoveAll(r.dir)
}

// usedMemory returns INFO memory's used_memory.
func (r *redisServer) usedMemory(ctx context.Context) (int64, error) {
	s, err := r.cli.Info(ctx, "memory").Result()
	if err != nil {
		return 0, fmt.Errorf("redis info: %w", err)
	}
	return infoInt(s, "used_memory")
}

// aofSize adds up the files of the append only directory (Redis 7 keeps a
// base file, increment files and a manifest there).
func (r *redisServer) aofSize() (int64, error) {
	var total int64
	err := filepath.WalkDir(filepath.Join(r.dir, "appendonlydir"), func(_ string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fi, err := d.Info()
		total += fi.Size()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("aof size: %w", err)
	}
	return total, nil
}

// rewriteAOF runs BGREWRITEAOF and waits for it to finish, so the AOF holds
// the dataset once rather than the log of every command that built it.
func (r *redisServer) rewriteAOF(ctx context.Context) error {
	// Redis may be rewriting by itself (auto-aof-rewrite-percentage): then
	// the command is refused until that rewrite ends, and asked again.
	err := waitFor(ctx, r.proc, 5*time.Minute, func() error {
		return r.cli.BgRewriteAOF(ctx).Err()
	})
	if err != nil {
		return fmt.Errorf("bgrewriteaof: %w", err)
	}
	return waitFor(ctx, r.proc, 5*time.Minute, func() error {
		s, err := r.cli.Info(ctx, "persistence").Result()
		if err != nil {
			return err
		}
		for _, f := range []string{"aof_rewrite_in_progress", "aof_rewrite_scheduled"} {
			if n, err := infoInt(s, f); err != nil || n != 0 {
				return fmt.Errorf("aof rewrite still running (%s)", f)
			}
		}
		// The old base and increment files are deleted by a background
		// thread once the rewrite is done: wait for base, incr, manifest.
		if es, err := os.ReadDir(filepath.Join(r.dir, "appendonlydir")); err != nil || len(es) > 3 {
			return fmt.Errorf("old aof files not yet deleted")
		}
		return nil
	})
}

// infoInt reads one integer field of an INFO answer.
func infoInt(info, field string) (int64, error) {
	for _, line := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			return strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		}
	}
	return 0, fmt.Errorf("redis info: no field %s", field)
}
