#!/bin/sh
# waq postinst, for the .deb (postinst) and the .rpm (%post).
#
# It creates the waq user, reloads systemd and, on a first install, enables
# waq.service without starting it: waq should start once /etc/waq/waq.env
# says which gateway to use and with which keys. The .rpm applies the
# presets instead of enabling, as Fedora's packaging guidelines ask, so an
# administrator's preset decides. An upgrade restarts a
# running waq, so the new binary takes over at once; the next start
# requeues what was sending, and a graceful stop sends nothing twice.
set -e

# deb: "configure" [the version replaced]; rpm: how many versions will be
# installed (1 = first install, 2 = upgrade). Anything else (abort-*) is a
# rollback, where there is nothing to do.
case "$1" in
configure) if [ -n "${2:-}" ]; then action=upgrade; else action=install; fi ;;
1) action=preset ;;
[2-9]) action=upgrade ;;
*) exit 0 ;;
esac

if ! getent passwd waq >/dev/null; then
	if command -v systemd-sysusers >/dev/null 2>&1; then
		systemd-sysusers waq.conf
	else
		useradd --system --user-group --home-dir /var/lib/waq --no-create-home \
			--shell /usr/sbin/nologin --comment "waq WhatsApp queue" waq
	fi
fi

# No systemctl: a container or a chroot without systemd; nothing to enable.
command -v systemctl >/dev/null 2>&1 || exit 0
if [ -d /run/systemd/system ]; then
	systemctl daemon-reload
fi
if [ "$action" = preset ]; then
	# Fedora's default presets disable services they do not name.
	systemctl preset waq.service || echo "waq: could not apply the presets to waq.service" >&2
	echo "waq: edit /etc/waq/waq.env, then: systemctl enable --now waq"
elif [ "$action" = install ]; then
	systemctl enable waq.service || echo "waq: could not enable waq.service; run: systemctl enable waq" >&2
	echo "waq: edit /etc/waq/waq.env, then: systemctl start waq"
elif [ -d /run/systemd/system ]; then
	systemctl try-restart waq.service
fi
