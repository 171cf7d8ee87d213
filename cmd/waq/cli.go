// Command waq queues, rate-limits and sends WhatsApp messages. "waq serve"
// runs the appliance; the other commands are its clients and tools.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	_ "time/tzdata" // WAQ_TIMEZONE works on hosts without a zoneinfo database
)

// command is one subcommand of waq, in its own file.
type command struct {
	name  string
	short string
	run   func(c *cli, ctx context.Context, args []string) error
	usage func(w io.Writer)
}

// commands returns the subcommands in the order the help lists them.
func commands() []command {
	return []command{
		{"serve", "run the server: HTTP API, sender and scheduler", (*cli).serve, serveUsage},
		{"send", "enqueue one text message through a running server", (*cli).send, sendUsage},
		{"queue", "show the queue: counts by state and priority, instances", (*cli).queue, queueUsage},
		{"instances", "list the WhatsApp numbers waq sends from", (*cli).instances, instancesUsage},
		{"dlq", "list or retry dead messages", (*cli).dlq, dlqUsage},
		{"backup", "write a consistent copy of the data file", (*cli).backup, backupUsage},
		{"check", "verify a data file", (*cli).check, checkUsage},
		{"import", "copy a live Redis and hold its BullMQ jobs as messages", (*cli).importRedis, importUsage},
		{"mirror", "follow a live Redis as a replica until cutover", (*cli).mirror, mirrorUsage},
		{"cutover", "release the messages import holds", (*cli).cutover, cutoverUsage},
		{"version", "print the version", (*cli).version, versionUsage},
	}
}

// cli is what a command may touch of its process, so tests can run commands
// in-process.
type cli struct {
	stdout, stderr io.Writer
	lookupEnv      func(string) (string, bool)
}

func main() {
	c := &cli{stdout: os.Stdout, stderr: os.Stderr, lookupEnv: os.LookupEnv}
	os.Exit(c.run(context.Background(), os.Args[1:]))
}

// usageError is a wrong command line: it is shown with the command's usage
// and exits 2.
type usageError struct {
	cmd string
	err error
}

func (e *usageError) Error() string { return e.err.Error() }

func usagef(cmd, format string, args ...any) error {
	return &usageError{cmd: cmd, err: fmt.Errorf(format, args...)}
}

// run runs the command named by args[0] and returns the exit code.
func (c *cli) run(ctx context.Context, args []string) int {
	if len(args) == 0 {
		c.printUsage(c.stderr, "")
		return 2
	}
	name, args := args[0], args[1:]
	switch name {
	case "help", "-h", "-help", "--help":
		return c.help(args)
	case "--version", "-version":
		name = "version" // what operators' tools try first; same output
	case "man": // hidden: packaging/build.sh makes waq(1) with it
		return c.exit(c.man(ctx, args))
	}
	cmd, ok := findCommand(name)
	if !ok {
		fmt.Fprintf(c.stderr, "waq: unknown command %q\n\n", name)
		c.printUsage(c.stderr, "")
		return 2
	}
	return c.exit(cmd.run(c, ctx, args))
}

func (c *cli) exit(err error) int {
	var ue *usageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(c.stderr, "waq %s: %v\n\n", ue.cmd, ue.err)
		c.printUsage(c.stderr, ue.cmd)
		return 2
	}
	fmt.Fprintf(c.stderr, "waq: %v\n", err)
	return 1
}

func (c *cli) help(args []string) int {
	if len(args) == 0 {
		c.printUsage(c.stdout, "")
		return 0
	}
	if _, ok := findCommand(args[0]); !ok {
		fmt.Fprintf(c.stderr, "waq: unknown command %q\n\n", args[0])
		c.printUsage(c.stderr, "")
		return 2
	}
	c.printUsage(c.stdout, args[0])
	return 0
}

func findCommand(name string) (command, bool) {
	for _, cmd := range commands() {
		if cmd.name == name {
			return cmd, true
		}
	}
	return command{}, false
}

// printUsage writes the usage of command name, or of waq when name is "".
func (c *cli) printUsage(w io.Writer, name string) {
	if cmd, ok := findCommand(name); ok {
		cmd.usage(w)
		return
	}
	fmt.Fprint(w, `waq queues, rate-limits and sends WhatsApp messages.

Usage:
  waq COMMAND [flags]

Commands:
`)
	for _, cmd := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", cmd.name, cmd.short)
	}
	fmt.Fprint(w, `  help      show the flags of a command: waq help COMMAND

Every flag of a setting is also an environment variable (WAQ_...), and
--config FILE reads them from KEY=VALUE lines. Client commands find the
server at WAQ_URL (default `+ServerDefault+`) with the key in WAQ_API_KEY.
`)
}

// newFlagSet returns a flag set that reports its errors to the caller
// instead of printing them.
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parseArgs parses flags placed before, between or after the positional
// arguments, and returns the positional ones.
func (c *cli) parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
			c.printUsage(c.stdout, fs.Name())
			return nil, err
		} else if err != nil {
			return nil, &usageError{cmd: fs.Name(), err: err}
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		rest := fs.Args()
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			return append(pos, rest...), nil // everything after -- is positional
		}
		pos, args = append(pos, rest[0]), rest[1:]
	}
}

// noArgs parses fs and refuses positional arguments.
func (c *cli) noArgs(fs *flag.FlagSet, args []string) error {
	pos, err := c.parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef(fs.Name(), "unexpected argument %q", pos[0])
	}
	return nil
}
