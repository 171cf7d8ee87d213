#!/bin/sh
# waq prerm, for the .deb (prerm) and the .rpm (%preun): on removal, stop
# and disable waq.service. An upgrade leaves it running; the new package's
# postinst restarts it.
set -e

# deb: "remove" (or upgrade, deconfigure, failed-upgrade); rpm: how many
# versions stay installed (0 = removal, 1 = upgrade).
case "$1" in
remove | 0) ;;
*) exit 0 ;;
esac

command -v systemctl >/dev/null 2>&1 || exit 0
if [ -d /run/systemd/system ]; then
	systemctl stop waq.service || true
fi
systemctl disable waq.service || true
