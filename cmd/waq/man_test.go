package main

import (
	"bytes"
	"context"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// The page holds every command with every flag its help names, under a
// NAME line whatis can read, and roff escapes what would be requests.
func TestManPage(t *testing.T) {
	page := manPage("1.2.3")
	if !strings.HasPrefix(page, `.\"`) || !strings.Contains(page, ".TH WAQ 1 \"\" \"waq 1.2.3\"") {
		t.Fatalf("no title header:\n%.300s", page)
	}
	if !strings.Contains(page, ".SH NAME\nwaq \\- queues, rate\\-limits and sends WhatsApp messages\n") {
		t.Errorf("NAME section is not \"waq \\- summary\":\n%.400s", page)
	}
	plain := strings.ReplaceAll(page, `\-`, "-")
	flagRE := regexp.MustCompile(`--[a-z][a-z-]*`)
	for _, cmd := range commands() {
		if !strings.Contains(page, ".SS \"waq "+cmd.name+"\"\n") {
			t.Errorf("no section for waq %s", cmd.name)
		}
		var u bytes.Buffer
		cmd.usage(&u)
		for _, flag := range flagRE.FindAllString(u.String(), -1) {
			if !strings.Contains(plain, flag) {
				t.Errorf("waq %s: %s is in the help, not in the page", cmd.name, flag)
			}
		}
	}
	for _, line := range strings.Split(page, "\n") {
		if strings.HasPrefix(line, "'") || (strings.HasPrefix(line, ".") && !regexp.MustCompile(`^\.(\\"|[A-Za-z]{1,2}( |$))`).MatchString(line)) {
			t.Errorf("line reads as an unknown roff request: %q", line)
		}
	}
}

// roffText keeps indented blocks as they are and escapes a leading dot.
func TestRoffText(t *testing.T) {
	var b strings.Builder
	roffText(&b, "Usage:\n  waq x --y\n\n.hidden and \\ back\n")
	want := ".PP\nUsage:\n.RS\n.nf\nwaq x \\-\\-y\n.fi\n.RE\n.PP\n\\&.hidden and \\e back\n"
	if b.String() != want {
		t.Fatalf("roffText:\n%q\nwant\n%q", b.String(), want)
	}
}

// waq man prints the page for the stamped version; groff, when installed,
// formats it without a warning (lintian runs the same check).
func TestManCommand(t *testing.T) {
	defer func(v string) { version = v }(version)
	version = "1.2.3"
	var stdout, stderr bytes.Buffer
	c := &cli{stdout: &stdout, stderr: &stderr, lookupEnv: func(string) (string, bool) { return "", false }}
	if code := c.run(context.Background(), []string{"man"}); code != 0 || stdout.String() != manPage("1.2.3") {
		t.Fatalf("waq man: exit %d, stderr %q, page equal: %v", code, stderr.String(), stdout.String() == manPage("1.2.3"))
	}
	if code := c.run(context.Background(), []string{"man", "extra"}); code != 2 {
		t.Errorf("waq man extra: exit %d, want 2", code)
	}
	if _, err := exec.LookPath("groff"); err != nil {
		t.Skip("groff is not installed (Debian: apt-get install groff-base)")
	}
	cmd := exec.Command("groff", "-man", "-ww", "-z", "-Tutf8")
	cmd.Stdin = strings.NewReader(manPage("1.2.3"))
	if out, err := cmd.CombinedOutput(); err != nil || len(out) > 0 {
		t.Fatalf("groff: %v\n%s", err, out)
	}
}
