package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// version is stamped at build time: go build -ldflags "-X main.version=1.2.3".
var version string

func versionUsage(w io.Writer) {
	fmt.Fprint(w, `Usage:
  waq version
  waq --version

Prints the version of this binary and the Go release that built it.
`)
}

func (c *cli) version(_ context.Context, args []string) error {
	if err := c.noArgs(newFlagSet("version"), args); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "waq %s (%s)\n", resolveVersion(), runtime.Version())
	return nil
}

// resolveVersion returns the stamped version, else the module version or
// the VCS revision that go build recorded.
func resolveVersion() string {
	if version != "" {
		return version
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(development build)"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "-dirty"
			}
		}
	}
	if rev == "" {
		return "(development build)"
	}
	return rev[:min(12, len(rev))] + dirty
}
