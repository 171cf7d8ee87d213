package packaging

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// testVersion is stamped into the packages the tests build.
const testVersion = "1.2.3"

// built is what build.sh made once for all the tests: the folder holding
// the .deb and .rpm, and the .deb unpacked (root for its files, control for
// its control archive).
type built struct {
	dist, root, control string
	deb, rpm            string
}

// tmpDir holds what the tests build; TestMain removes it.
var tmpDir string

func TestMain(m *testing.M) {
	var err error
	if tmpDir, err = os.MkdirTemp("", "waq-packaging-"); err != nil {
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(tmpDir)
	os.Exit(code)
}

var (
	buildOnce sync.Once
	buildOut  *built
	buildSkip string // why the packages cannot be built here
	buildErr  string
)

// build runs packaging/build.sh once per test binary. It skips the test,
// saying why, only when nfpm cannot be installed from the Go module proxy
// or dpkg-deb is missing; any other failure fails it.
func build(t *testing.T) *built {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the packages: not with -short")
	}
	buildOnce.Do(func() { buildOut, buildSkip, buildErr = runBuild() })
	if buildSkip != "" {
		t.Skip(buildSkip)
	}
	if buildErr != "" {
		t.Fatal(buildErr)
	}
	return buildOut
}

func runBuild() (b *built, skip, fail string) {
	if _, err := exec.LookPath("dpkg-deb"); err != nil {
		return nil, "dpkg-deb is not installed (Debian: apt-get install dpkg): cannot inspect the .deb", ""
	}
	tmp := tmpDir
	nfpm, skip := installNfpm(tmp)
	if skip != "" {
		return nil, skip, ""
	}
	b = &built{dist: filepath.Join(tmp, "dist"), root: filepath.Join(tmp, "root"), control: filepath.Join(tmp, "control")}
	cmd := exec.Command("./build.sh", testVersion)
	cmd.Env = append(os.Environ(), "DIST="+b.dist, "NFPM="+nfpm, "ARCH=amd64")
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, "", "build.sh " + testVersion + ": " + err.Error() + "\n" + string(out)
	}
	b.deb = filepath.Join(b.dist, "waq_"+testVersion+"_amd64.deb")
	b.rpm = filepath.Join(b.dist, "waq-"+testVersion+".x86_64.rpm")
	for _, args := range [][]string{{"-x", b.deb, b.root}, {"-e", b.deb, b.control}} {
		if out, err := exec.Command("dpkg-deb", args...).CombinedOutput(); err != nil {
			return nil, "", "dpkg-deb " + strings.Join(args, " ") + ": " + string(out)
		}
	}
	return b, "", ""
}

// installNfpm builds nfpm at the version build.sh pins, the way build.sh
// does, so that a failure here is a skip (no module proxy) rather than a
// failed build.
func installNfpm(dir string) (path, skip string) {
	script, err := os.ReadFile("build.sh")
	if err != nil {
		return "", "cannot read build.sh: " + err.Error()
	}
	m := regexp.MustCompile(`(?m)^NFPM_VERSION=(\S+)$`).FindSubmatch(script)
	if m == nil {
		return "", "build.sh pins no NFPM_VERSION"
	}
	cmd := exec.Command("go", "install", "github.com/goreleaser/nfpm/v2/cmd/nfpm@"+string(m[1]))
	cmd.Env = append(os.Environ(), "GOBIN="+dir, "GOOS=", "GOARCH=")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", "nfpm " + string(m[1]) + " cannot be installed from the Go module proxy, so the packages cannot be built: " +
			err.Error() + "\n" + string(out)
	}
	return filepath.Join(dir, "nfpm"), ""
}

// dpkgDeb runs dpkg-deb with args and returns its output.
func dpkgDeb(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("dpkg-deb", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("dpkg-deb %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// Both packages are written under the design's names; the .rpm is an RPM.
func TestPackageNames(t *testing.T) {
	b := build(t)
	if _, err := os.Stat(b.deb); err != nil {
		t.Fatal(err)
	}
	rpm, err := os.ReadFile(b.rpm)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(rpm, []byte{0xed, 0xab, 0xee, 0xdb}) {
		t.Fatalf("%s does not start with the RPM lead", b.rpm)
	}
}

// The control fields an operator and apt see.
func TestDebControl(t *testing.T) {
	b := build(t)
	control := dpkgDeb(t, "--info", b.deb, "control")
	fields := map[string]string{}
	for _, line := range strings.Split(control, "\n") {
		if k, v, ok := strings.Cut(line, ": "); ok && !strings.HasPrefix(line, " ") {
			fields[k] = v
		}
	}
	want := map[string]string{"Package": "waq", "Version": testVersion, "Architecture": "amd64", "Section": "net"}
	for k, v := range want {
		if fields[k] != v {
			t.Errorf("%s: %q, want %q", k, fields[k], v)
		}
	}
	if !regexp.MustCompile(`^.+ <[^ ]+@[^ ]+>$`).MatchString(fields["Maintainer"]) {
		t.Errorf("Maintainer %q is not Name <email>", fields["Maintainer"])
	}
	if !strings.HasPrefix(fields["Description"], "WhatsApp message queue") || !strings.Contains(control, "\n waq queues") {
		t.Errorf("Description lacks its summary or its long text:\n%s", control)
	}
	if _, ok := fields["Depends"]; ok {
		t.Errorf("Depends %q: the binary is static and needs nothing", fields["Depends"])
	}
	if !strings.Contains(dpkgDeb(t, "-I", b.deb), "Package: waq") {
		t.Error("dpkg-deb -I does not show the control file")
	}
}

// The files, with the modes that matter: the binary executable, the env
// file readable by root only (it holds keys), and only as a conffile.
func TestDebContents(t *testing.T) {
	b := build(t)
	listing := dpkgDeb(t, "-c", b.deb)
	want := map[string]string{
		"./usr/bin/waq":                           "-rwxr-xr-x root/root",
		"./usr/lib/systemd/system/waq.service":    "-rw-r--r-- root/root",
		"./usr/lib/sysusers.d/waq.conf":           "-rw-r--r-- root/root",
		"./etc/waq/waq.env":                       "-rw------- root/root",
		"./usr/share/doc/waq/operations.md":       "-rw-r--r-- root/root",
		"./usr/share/doc/waq/copyright":           "-rw-r--r-- root/root",
		"./usr/share/doc/waq/changelog.Debian.gz": "-rw-r--r-- 0/0", // nfpm names no owner: root
		"./usr/share/man/man1/waq.1.gz":           "-rw-r--r-- root/root",
		"./usr/share/lintian/overrides/waq":       "-rw-r--r-- root/root",
	}
	for _, line := range strings.Split(listing, "\n") {
		f := strings.Fields(line)
		if len(f) < 6 {
			continue
		}
		if mode, ok := want[f[5]]; ok {
			if got := f[0] + " " + f[1]; got != mode {
				t.Errorf("%s: %s, want %s", f[5], got, mode)
			}
			delete(want, f[5])
		}
	}
	for path := range want {
		t.Errorf("%s is not in the package:\n%s", path, listing)
	}
	conffiles, err := os.ReadFile(filepath.Join(b.control, "conffiles"))
	if err != nil || string(conffiles) != "/etc/waq/waq.env\n" {
		t.Errorf("conffiles: %q, %v; want /etc/waq/waq.env alone", conffiles, err)
	}
	same(t, filepath.Join(b.root, "usr/lib/systemd/system/waq.service"), "../systemd/waq.service")
	same(t, filepath.Join(b.root, "etc/waq/waq.env"), "waq.env")
}

// same fails unless the packaged file is the repository's.
func same(t *testing.T, packaged, repo string) {
	t.Helper()
	a, err1 := os.ReadFile(packaged)
	b, err2 := os.ReadFile(repo)
	if err1 != nil || err2 != nil || !bytes.Equal(a, b) {
		t.Errorf("%s differs from %s (%v, %v)", packaged, repo, err1, err2)
	}
}

// The binary inside prints the version build.sh stamped.
func TestDebBinaryVersion(t *testing.T) {
	b := build(t)
	out, err := exec.Command(filepath.Join(b.root, "usr/bin/waq"), "version").CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "waq "+testVersion+" (go") {
		t.Fatalf("waq version: %q, %v; want waq %s (go...)", out, err, testVersion)
	}
}

// The unit as installed passes systemd-analyze verify and security.
func TestDebUnitVerifies(t *testing.T) {
	b := build(t)
	if _, err := exec.LookPath("systemd-analyze"); err != nil {
		t.Skip("systemd-analyze is not installed (Debian: apt-get install systemd)")
	}
	cmd := exec.Command("./verify-unit.sh")
	cmd.Env = append(os.Environ(),
		"UNIT="+filepath.Join(b.root, "usr/lib/systemd/system/waq.service"),
		"WAQ_BIN="+filepath.Join(b.root, "usr/bin/waq"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("verify-unit.sh: %v\n%s", err, out)
	}
}
