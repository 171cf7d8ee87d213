package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
)

// waq man writes the waq(1) manual page in roff to stdout. It is hidden
// from the help: packaging/build.sh runs it to put the page in the
// packages, so the page is made of the very text "waq help" prints and
// cannot drift from it.
func (c *cli) man(_ context.Context, args []string) error {
	if err := c.noArgs(newFlagSet("man"), args); err != nil {
		return err
	}
	_, err := io.WriteString(c.stdout, manPage(resolveVersion()))
	return err
}

// manPage renders the help of waq and of each command as waq(1).
func manPage(version string) string {
	var top bytes.Buffer
	(&cli{}).printUsage(&top, "")
	summary, _, _ := strings.Cut(top.String(), "\n")
	summary = strings.TrimSuffix(strings.TrimPrefix(summary, "waq "), ".")

	var b strings.Builder
	b.WriteString(`.\" waq(1), written by "waq man" from the commands' help; do not edit.` + "\n")
	fmt.Fprintf(&b, ".TH WAQ 1 \"\" \"waq %s\" \"waq manual\"\n", roffEscape(version))
	b.WriteString(".nh\n") // no hyphens added inside flags such as --config
	b.WriteString(".SH NAME\nwaq \\- " + roffEscape(summary) + "\n")
	b.WriteString(".SH SYNOPSIS\n.nf\n")
	for _, cmd := range commands() {
		var u bytes.Buffer
		cmd.usage(&u)
		for _, line := range synopsis(u.String()) {
			b.WriteString(roffLine(line) + "\n")
		}
	}
	b.WriteString(".fi\n.SH DESCRIPTION\n")
	roffText(&b, top.String())
	b.WriteString(".SH COMMANDS\n")
	for _, cmd := range commands() {
		var u bytes.Buffer
		cmd.usage(&u)
		fmt.Fprintf(&b, ".SS \"waq %s\"\n", cmd.name)
		roffText(&b, u.String())
	}
	b.WriteString(manTail)
	return b.String()
}

// manTail holds what the help does not say: exit codes (from cli.exit)
// and the packaged files.
const manTail = `.SH EXIT STATUS
0 on success, 1 when a command fails, 2 for a wrong command line.
.SH FILES
.TP
.I /etc/waq/waq.env
the settings of the waq service, as KEY=VALUE lines
.TP
.I /var/lib/waq/waq.db
the data file of the waq service
.SH SEE ALSO
.BR systemctl (1),
.BR journalctl (1),
.I /usr/share/doc/waq/operations.md
`

// synopsis returns the indented lines under "Usage:", without their indent.
func synopsis(usage string) []string {
	_, rest, ok := strings.Cut(usage, "Usage:\n")
	if !ok {
		return nil
	}
	var lines []string
	for _, line := range strings.Split(rest, "\n") {
		if !strings.HasPrefix(line, " ") {
			break
		}
		lines = append(lines, strings.TrimSpace(line))
	}
	return lines
}

// roffText writes help text as roff: lines at the margin are filled
// paragraphs, blank lines separate them, and indented lines (usages, flag
// tables) stay as they are, indented.
func roffText(b *strings.Builder, text string) {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	b.WriteString(".PP\n")
	for i := 0; i < len(lines); i++ {
		switch line := lines[i]; {
		case line == "":
			b.WriteString(".PP\n")
		case strings.HasPrefix(line, " "):
			b.WriteString(".RS\n.nf\n")
			for ; i < len(lines) && strings.HasPrefix(lines[i], " "); i++ {
				b.WriteString(roffLine(strings.TrimPrefix(lines[i], "  ")) + "\n")
			}
			i--
			b.WriteString(".fi\n.RE\n")
		default:
			b.WriteString(roffLine(line) + "\n")
		}
	}
}

// roffLine escapes a line so roff prints it as it is: a leading dot or
// quote would be a request.
func roffLine(line string) string {
	line = roffEscape(line)
	if strings.HasPrefix(line, ".") || strings.HasPrefix(line, "'") {
		line = `\&` + line
	}
	return line
}

// roffEscape escapes backslashes, and dashes as minus signs: flags must be
// copied from the page as ASCII hyphen-minus.
func roffEscape(s string) string {
	return strings.NewReplacer(`\`, `\e`, `-`, `\-`).Replace(s)
}
