#!/bin/sh
# waq postrm, for the .deb (postrm) and the .rpm (%postun): once the unit
# file is gone, systemd forgets it. The data and its nightly backups in
# /var/lib/waq, and the waq user, are kept even on purge: messages and
# analytics are not something a package manager should delete.
set -e

# deb: remove, purge (or upgrade, ...); rpm: 0 = removal, 1 = upgrade.
case "$1" in
remove | purge | 0) ;;
*) exit 0 ;;
esac

if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
	systemctl daemon-reload || true
fi
if [ "$1" = purge ] && [ -d /var/lib/waq ]; then
	echo "waq: /var/lib/waq (the data file and its backups) was kept; delete it by hand if it is no longer needed"
fi
