package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"

	"github.com/waqhq/waq/store"
	"github.com/waqhq/waq/store/resp"
)

// startRESP serves the Redis-protocol keyspace on cfg.RESPAddr and returns a
// stop function and the bound address (with the port the system chose for
// ":0"). An empty RESPAddr turns the server off: stop is a no-op and addr is
// "". It fails when the address cannot be bound. Stop it before closing st.
func startRESP(cfg Config, st *store.Store, logger *slog.Logger) (stop func() error, addr string, err error) {
	if cfg.RESPAddr == "" {
		return func() error { return nil }, "", nil
	}
	ln, err := net.Listen("tcp", cfg.RESPAddr)
	if err != nil {
		return nil, "", fmt.Errorf("listen resp: %w", err)
	}
	srv := resp.New(st, resp.Options{Password: cfg.RESPPassword, Logger: logger})
	done := make(chan error, 1)
	go func() {
		err := srv.Serve(ln)
		if err != nil {
			logger.Error("resp server stopped", "err", err)
		}
		done <- err
	}()
	stop = func() error {
		if err := srv.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			return fmt.Errorf("stop resp: %w", err)
		}
		return <-done
	}
	return stop, ln.Addr().String(), nil
}
