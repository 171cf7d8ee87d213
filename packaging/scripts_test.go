package packaging

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// fakeTools writes stand-ins for the commands the maintainer scripts run:
// each logs its name and arguments to log, and getent says whether the waq
// user exists. The scripts get only these on their PATH, so nothing on the
// machine changes.
func fakeTools(t *testing.T, userExists bool) (dir, log string) {
	t.Helper()
	dir = t.TempDir()
	log = filepath.Join(dir, "calls.log")
	for _, name := range []string{"systemctl", "systemd-sysusers", "useradd"} {
		script := "#!/bin/sh\necho \"" + name + " $*\" >>" + log + "\n"
		if err := os.WriteFile(filepath.Join(dir, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	getent := "#!/bin/sh\nexit 2\n" // no such user
	if userExists {
		getent = "#!/bin/sh\necho 'waq:x:998:998::/var/lib/waq:/usr/sbin/nologin'\n"
	}
	if err := os.WriteFile(filepath.Join(dir, "getent"), []byte(getent), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir, log
}

// systemdRuns is what the scripts test to know whether systemd is PID 1.
func systemdRuns() bool {
	fi, err := os.Stat("/run/systemd/system")
	return err == nil && fi.IsDir()
}

// The maintainer scripts, run as dpkg and rpm run them: a first install
// creates the user and enables waq without starting it (rpm: applies the
// presets); an upgrade restarts
// a running waq and enables nothing; a removal stops and disables it; an
// rpm upgrade's removal of the old version does nothing.
func TestMaintainerScripts(t *testing.T) {
	b := build(t)
	running := systemdRuns()
	when := func(cond bool, calls ...string) []string {
		if cond {
			return calls
		}
		return nil
	}
	reload := when(running, "systemctl daemon-reload")
	f := func(script string, args []string, userExists bool, want []string) {
		t.Helper()
		dir, log := fakeTools(t, userExists)
		cmd := exec.Command("/bin/sh", append([]string{filepath.Join(b.control, script)}, args...)...)
		cmd.Env = []string{"PATH=" + dir}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s %q: %v\n%s", script, args, err, out)
		}
		raw, _ := os.ReadFile(log)
		var got []string
		if s := strings.TrimSpace(string(raw)); s != "" {
			got = strings.Split(s, "\n")
		}
		if !slices.Equal(got, want) {
			t.Fatalf("%s %q ran %q, want %q", script, args, got, want)
		}
	}
	enable := "systemctl enable waq.service"
	f("postinst", []string{"configure", ""}, false, slices.Concat([]string{"systemd-sysusers waq.conf"}, reload, []string{enable}))
	f("postinst", []string{"configure", ""}, true, slices.Concat(reload, []string{enable}))
	f("postinst", []string{"1"}, false, slices.Concat([]string{"systemd-sysusers waq.conf"}, reload, []string{"systemctl preset waq.service"}))
	f("postinst", []string{"configure", "1.2.2"}, true, slices.Concat(reload, when(running, "systemctl try-restart waq.service")))
	f("postinst", []string{"2"}, true, slices.Concat(reload, when(running, "systemctl try-restart waq.service")))
	f("postinst", []string{"abort-upgrade", "1.2.2"}, true, nil)
	f("prerm", []string{"remove"}, true, slices.Concat(when(running, "systemctl stop waq.service"), []string{"systemctl disable waq.service"}))
	f("prerm", []string{"0"}, true, slices.Concat(when(running, "systemctl stop waq.service"), []string{"systemctl disable waq.service"}))
	f("prerm", []string{"upgrade", "1.2.4"}, true, nil)
	f("prerm", []string{"1"}, true, nil)
	f("postrm", []string{"purge"}, true, reload)
	f("postrm", []string{"upgrade", "1.2.4"}, true, nil)
	f("postrm", []string{"1"}, true, nil)

	for _, s := range [][2]string{{"postinst", "postinst.sh"}, {"prerm", "prerm.sh"}, {"postrm", "postrm.sh"}} {
		same(t, filepath.Join(b.control, s[0]), filepath.Join("scripts", s[1]))
	}
}

// Without systemd-sysusers (an older or a minimal system) the user comes
// from useradd, as a system user without a login.
func TestPostinstUseradd(t *testing.T) {
	b := build(t)
	dir, log := fakeTools(t, false)
	os.Remove(filepath.Join(dir, "systemd-sysusers"))
	cmd := exec.Command("/bin/sh", filepath.Join(b.control, "postinst"), "configure", "")
	cmd.Env = []string{"PATH=" + dir}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("postinst: %v\n%s", err, out)
	}
	calls, _ := os.ReadFile(log)
	want := "useradd --system --user-group --home-dir /var/lib/waq --no-create-home --shell /usr/sbin/nologin --comment waq WhatsApp queue waq\n"
	if !strings.HasPrefix(string(calls), want) {
		t.Fatalf("calls:\n%s\nwant first:\n%s", calls, want)
	}
}
