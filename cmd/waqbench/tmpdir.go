package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// tmpPrefix names waqbench's temporary directories.
const tmpPrefix = "waqbench-"

// makeTmp makes the run's temporary directory and writes waqbench's pid in
// it. First it removes the directories of earlier runs whose waqbench is
// gone: a SIGKILL ends waqbench without its deferred clean-up (its children
// die with it, see setDeathSignal), and the next run finishes the job.
func makeTmp() (string, error) {
	sweepTmp()
	dir, err := os.MkdirTemp("", tmpPrefix)
	if err != nil {
		return "", fmt.Errorf("temporary directory: %w", err)
	}
	pid := []byte(strconv.Itoa(os.Getpid()))
	if err := os.WriteFile(filepath.Join(dir, "pid"), pid, 0o600); err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("temporary directory: %w", err)
	}
	return dir, nil
}

// sweepTmp removes the directories left by waqbench processes that no
// longer run. Errors are ignored: the sweep is a courtesy.
func sweepTmp() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), tmpPrefix+"*"))
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(d, "pid"))
		if err != nil {
			continue // not ours, or just being made
		}
		comm, err := os.ReadFile("/proc/" + strings.TrimSpace(string(b)) + "/comm")
		if err != nil || !strings.HasPrefix(string(comm), "waqbench") {
			os.RemoveAll(d)
		}
	}
}
