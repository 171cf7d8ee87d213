#!/bin/sh
# Checks built packages the way Debian and Fedora do:
#
#   packaging/lint.sh DEB RPM
#
# lintian on the .deb (its overrides ship in the package) and rpmlint on the
# .rpm (with packaging/rpmlint.toml); fails on any error or warning that is
# not overridden. docs/operations.md lists the overridden ones and why.
set -eu
[ $# -eq 2 ] || { echo "usage: packaging/lint.sh DEB RPM" >&2; exit 2; }
deb=$1 rpm=$2
cd "$(dirname "$0")/.."

lintian --allow-root --fail-on error,warning --tag-display-limit 0 "$deb"

# nfpm's rpm payload names files /usr/bin/waq, not ./usr/bin/waq, and rpmlint
# unpacks it with "rpm2cpio | cpio -id": GNU cpio would then write the files
# into the real /usr and /etc. A cpio first on PATH keeps them in rpmlint's
# own folder.
shim=$(mktemp -d)
trap 'rm -rf "$shim"' EXIT
cpio=$(command -v cpio)
printf '#!/bin/sh\nexec %s --no-absolute-filenames "$@"\n' "$cpio" >"$shim/cpio"
chmod 755 "$shim/cpio"
PATH="$shim:$PATH" rpmlint -c packaging/rpmlint.toml "$rpm"
