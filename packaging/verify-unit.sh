#!/bin/sh
# Checks systemd/waq.service the way systemd will read it:
#
#   packaging/verify-unit.sh
#
# `systemd-analyze verify` wants ExecStart's binary at /usr/bin/waq and
# systemd's own units (sysinit.target...), so the check runs in a
# throw-away root: the host's units, the unit under test and a waq binary
# (WAQ_BIN, else built here). Any warning fails it, since verify itself
# exits 0 on unknown keys and bad values. Then `systemd-analyze security`
# must rate the sandbox's exposure at most 2.0 (of 10).
#
# Environment: UNIT (default systemd/waq.service), WAQ_BIN.
# Needs systemd-analyze (Debian: the systemd package); works in a container
# where systemd is not running.
set -eu
cd "$(dirname "$0")/.."
unit=${UNIT:-systemd/waq.service}

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/usr/bin" "$root/usr/lib/systemd" "$root/etc/waq"
cp -R /usr/lib/systemd/system "$root/usr/lib/systemd/"
cp "$unit" "$root/usr/lib/systemd/system/waq.service"
if [ -n "${WAQ_BIN:-}" ]; then
	cp "$WAQ_BIN" "$root/usr/bin/waq"
else
	CGO_ENABLED=0 go build -o "$root/usr/bin/waq" ./cmd/waq
fi
: >"$root/etc/waq/waq.env"

if ! out=$(systemd-analyze verify --root="$root" waq.service 2>&1) || [ -n "$out" ]; then
	echo "systemd-analyze verify $unit:" >&2
	echo "$out" >&2
	exit 1
fi
if ! systemd-analyze security --offline=true --threshold=20 --root="$root" waq.service >"$root/security" 2>&1; then
	cat "$root/security" >&2
	echo "systemd-analyze security: the sandbox of $unit is weaker than 2.0" >&2
	exit 1
fi
tail -n 1 "$root/security"
echo "ok: $unit"
