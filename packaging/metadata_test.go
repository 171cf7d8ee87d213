package packaging

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// gunzip returns the content of the gzip file path, failing unless it was
// written as Debian asks (gzip -9n: no name, no time, so builds repeat).
func gunzip(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if zr.Name != "" || !zr.ModTime.IsZero() {
		t.Errorf("%s: gzip header holds name %q, time %v; want neither (gzip -n)", path, zr.Name, zr.ModTime)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return string(b)
}

// The licence: MIT in the repository, and in the .deb a machine-readable
// copyright file (DEP-5) whose licence text is the repository's, with
// lintian's overrides beside it.
func TestDebCopyright(t *testing.T) {
	b := build(t)
	license, err := os.ReadFile("../LICENSE")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(license, []byte("MIT License\n\nCopyright (c) ")) || !bytes.Contains(license, []byte(" the waq authors\n")) {
		t.Errorf("LICENSE is not MIT of the waq authors:\n%.200s", license)
	}
	copyright := filepath.Join(b.root, "usr/share/doc/waq/copyright")
	same(t, copyright, "copyright")
	raw, _ := os.ReadFile(copyright)
	text := string(raw)
	for _, want := range []string{
		"Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n",
		"\nFiles: *\nCopyright: 2026 the waq authors\nLicense: Expat\n",
		"\nLicense: Expat\n Permission is hereby granted",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("copyright lacks %q", want)
		}
	}
	// The licence paragraph, unfolded from the copyright file's indented
	// lines, is LICENSE's text from "Permission" on.
	_, body, _ := strings.Cut(text, "\nLicense: Expat\n ")
	unfolded := strings.ReplaceAll(strings.ReplaceAll(body, "\n .\n", "\n\n"), "\n ", "\n")
	_, permission, _ := strings.Cut(string(license), "\n\n")
	_, permission, _ = strings.Cut(permission, "\n\n")
	if strings.TrimSpace(unfolded) != strings.TrimSpace(permission) {
		t.Errorf("copyright's licence text differs from LICENSE's:\n%s", unfolded)
	}
	same(t, filepath.Join(b.root, "usr/share/lintian/overrides/waq"), "lintian-overrides")
}

// The .deb's changelog: an entry for the version built on top (1.2.3 has
// no release notes), then the releases of changelog.yml, in Debian's format.
func TestDebChangelog(t *testing.T) {
	b := build(t)
	log := gunzip(t, filepath.Join(b.root, "usr/share/doc/waq/changelog.Debian.gz"))
	if !strings.HasPrefix(log, "waq ("+testVersion+") unstable; urgency=medium\n  * Build of commit ") {
		t.Errorf("changelog does not start with an entry for %s:\n%s", testVersion, log)
	}
	for _, want := range []string{
		"\nwaq (0.1.0) unstable; urgency=medium\n  * First packaged release",
		"\n -- waq maintainers <waqhq@users.noreply.github.com>  Sat, 05 Dec 2026 00:00:00 +0000\n",
	} {
		if !strings.Contains(log, want) {
			t.Errorf("changelog lacks %q:\n%s", want, log)
		}
	}
}

// waq(1) in the .deb is what the packaged binary's waq man writes: the page
// is made from the help at build time and cannot drift from it.
func TestDebManPage(t *testing.T) {
	b := build(t)
	page := gunzip(t, filepath.Join(b.root, "usr/share/man/man1/waq.1.gz"))
	out, err := exec.Command(filepath.Join(b.root, "usr/bin/waq"), "man").Output()
	if err != nil {
		t.Fatalf("waq man: %v", err)
	}
	if page != string(out) {
		t.Errorf("the packaged waq(1) differs from what the packaged waq man writes")
	}
	if !strings.Contains(page, ".TH WAQ 1 \"\" \"waq "+testVersion+"\"") {
		t.Errorf("waq(1) is not for version %s:\n%.300s", testVersion, page)
	}
	fi, err := os.Stat(filepath.Join(b.root, "usr/share/man/man1/waq.1.gz"))
	if err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("waq.1.gz: %v, %v; want mode 0644", fi, err)
	}
}

// The .rpm says MIT, holds LICENSE as %license, the man page and the docs
// as %doc, a %changelog, and a %post that applies the presets.
func TestRPMMetadata(t *testing.T) {
	b := build(t)
	if _, err := exec.LookPath("rpm"); err != nil {
		t.Skip("rpm is not installed (Debian: apt-get install rpm): cannot query the .rpm")
	}
	query := func(args ...string) string {
		t.Helper()
		out, err := exec.Command("rpm", append([]string{"-qp"}, append(args, b.rpm)...)...).Output()
		if err != nil {
			t.Fatalf("rpm -qp %s: %v", strings.Join(args, " "), err)
		}
		return string(out)
	}
	if got := query("--queryformat", "%{LICENSE}"); got != "MIT" {
		t.Errorf("License: %q, want MIT", got)
	}
	if got := query("--licensefiles"); got != "/usr/share/licenses/waq/LICENSE\n" {
		t.Errorf("%%license files: %q", got)
	}
	docs := query("--docfiles")
	for _, want := range []string{"/usr/share/man/man1/waq.1.gz\n", "/usr/share/doc/waq/operations.md\n"} {
		if !strings.Contains(docs, want) {
			t.Errorf("%%doc lacks %s:\n%s", want, docs)
		}
	}
	if log := query("--changelog"); !strings.Contains(log, " - "+testVersion+"\n- Build of commit ") ||
		!strings.Contains(log, " - 0.1.0\n- First packaged release") {
		t.Errorf("%%changelog:\n%s", log)
	}
	if scripts := query("--scripts"); !strings.Contains(scripts, "systemctl preset waq.service") {
		t.Errorf("%%post does not apply the presets:\n%s", scripts)
	}
}
