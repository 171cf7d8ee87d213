package main

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// startPprof serves Go's profiles (net/http/pprof) on cfg.PprofAddr, apart
// from the API so that no route of the contract changes and a profile
// never waits behind the API's key. An empty PprofAddr, the default, turns
// it off. Validate keeps it on loopback: profiles have no key and show
// the program's insides.
func startPprof(cfg Config) (stop func() error, addr string, err error) {
	if cfg.PprofAddr == "" {
		return func() error { return nil }, "", nil
	}
	ln, err := net.Listen("tcp", cfg.PprofAddr)
	if err != nil {
		return nil, "", fmt.Errorf("listen pprof: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	stop = func() error {
		if err := srv.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			return fmt.Errorf("stop pprof: %w", err)
		}
		return nil
	}
	return stop, ln.Addr().String(), nil
}

// checkPprof keeps the profiles on this machine.
func checkPprof(addr string) error {
	if addr == "" {
		return nil
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("WAQ_PPROF_ADDR: %q is not HOST:PORT such as 127.0.0.1:6060", addr)
	}
	if !isLoopback(host) {
		return fmt.Errorf("WAQ_PPROF_ADDR %s is not loopback: profiles have no key; listen on 127.0.0.1 and reach it through an SSH tunnel", addr)
	}
	return nil
}
