#!/bin/sh
# Builds the waq packages:
#
#   packaging/build.sh [VERSION]
#
# writes dist/waq_<VERSION>_amd64.deb and dist/waq-<VERSION>.x86_64.rpm,
# each holding /usr/bin/waq (static, with VERSION stamped: `waq version`),
# the systemd unit, /etc/waq/waq.env, the waq(1) man page (written by
# `waq man` from the commands' own help, so it cannot drift), the licence and
# the changelog (packaging/changelog.yml, with an entry for VERSION written on
# top when it has none). VERSION must start with a digit;
# without it, `git describe --tags` of a v1.2.3 tag, else 0.0.0+git<commit>.
#
# Environment:
#   DIST            output folder (default dist, in the repository)
#   ARCH            amd64 (default) or arm64: waq_<V>_arm64.deb, waq-<V>.aarch64.rpm
#   NFPM            an nfpm binary to use; by default nfpm NFPM_VERSION is
#                   built from the Go module proxy (go install, cached by Go)
#   WAQ_MAINTAINER  the packages' Maintainer
# Needs Go and nothing else.
set -eu

NFPM_VERSION=v2.45.2

cd "$(dirname "$0")/.."
version=${1:-}
if [ -z "$version" ]; then
	if tag=$(git describe --tags --match 'v[0-9]*' 2>/dev/null); then
		# v1.2.3-4-gabc1234 (4 commits after v1.2.3) sorts after 1.2.3 as 1.2.3+4.gabc1234
		version=$(echo "${tag#v}" | sed 's/-\([0-9]*\)-g/+\1.g/')
	else
		version="0.0.0+git$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
	fi
fi
case $version in
[0-9]*) ;;
*) echo "build.sh: VERSION must start with a digit, as deb and rpm want: $version" >&2; exit 2 ;;
esac
case $version in
*[!0-9A-Za-z.+~-]*) echo "build.sh: VERSION may hold only letters, digits and . + ~ -: $version" >&2; exit 2 ;;
esac

arch=${ARCH:-amd64}
case $arch in
amd64) rpmarch=x86_64 ;;
arm64) rpmarch=aarch64 ;;
*) echo "build.sh: ARCH must be amd64 or arm64: $arch" >&2; exit 2 ;;
esac

dist=${DIST:-dist}
mkdir -p "$dist"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "building waq $version for linux/$arch"
CGO_ENABLED=0 GOOS=linux GOARCH=$arch go build -trimpath \
	-ldflags "-s -w -X main.version=$version" -o "$work/waq" ./cmd/waq

nfpm=${NFPM:-}
if [ -z "$nfpm" ]; then
	# For this machine, whatever GOOS or GOARCH the caller exported.
	env -u GOOS -u GOARCH GOBIN="$work" go install "github.com/goreleaser/nfpm/v2/cmd/nfpm@$NFPM_VERSION"
	nfpm=$work/nfpm
fi

export WAQ_VERSION="$version" WAQ_ARCH="$arch" WAQ_BIN="$work/waq"
export WAQ_MAINTAINER="${WAQ_MAINTAINER:-waq maintainers <waqhq@users.noreply.github.com>}"

# waq(1): the waq being packaged writes it from its own help; when this
# machine cannot run that binary (another ARCH), go run builds one that can.
if [ "$(env -u GOOS -u GOARCH go env GOOS GOARCH | tr '\n' ' ')" = "linux $arch " ]; then
	"$work/waq" man >"$work/waq.1"
else
	env -u GOOS -u GOARCH CGO_ENABLED=0 go run -ldflags "-X main.version=$version" ./cmd/waq man >"$work/waq.1"
fi
gzip -9n <"$work/waq.1" >"$work/waq.1.gz"
export WAQ_MAN="$work/waq.1.gz"

# The changelog: the releases' entries, under one for this build when
# VERSION is not the newest release (a development or a test build).
date=$(git log -1 --format=%cI 2>/dev/null || date -u +%Y-%m-%dT%H:%M:%SZ)
commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
{
	if [ "$(sed -n 's/^- semver: //p' packaging/changelog.yml | head -n 1)" != "$version" ]; then
		printf -- '- semver: "%s"\n  date: %s\n  packager: "%s"\n' "$version" "$date" "$WAQ_MAINTAINER"
		printf '  deb:\n    urgency: medium\n    distributions: [unstable]\n  changes:\n'
		printf '    - note: "Build of commit %s; no release notes for %s."\n' "$commit" "$version"
	fi
	cat packaging/changelog.yml
} >"$work/changelog.yml"
sed "s|^changelog: .*|changelog: $work/changelog.yml|" packaging/nfpm.yaml >"$work/nfpm.yaml"

"$nfpm" package --config "$work/nfpm.yaml" --packager deb --target "$dist/waq_${version}_${arch}.deb"
"$nfpm" package --config "$work/nfpm.yaml" --packager rpm --target "$dist/waq-${version}.${rpmarch}.rpm"
