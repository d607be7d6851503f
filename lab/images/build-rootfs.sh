#!/usr/bin/env bash
# Builds the lab rootfs from Debian bookworm packages and imports it as a Docker image.
# Runs on the host as root. Containers never get network: packages are installed by
# chroot apt-get here, then the tree is imported (no registry, no pull).
#
# usage: build-rootfs.sh IMAGE_TAG CACHE_DIR
#   CACHE_DIR/rootfs-<hash>.tar.zst is reused when present (a rebuild is a re-import).
set -euo pipefail

tag=${1:?image tag}
cache=${2:?cache dir}
here=$(cd "$(dirname "$0")" && pwd)
mirror=${ZERODROP_DEBIAN_MIRROR:-http://deb.debian.org/debian}
hash=${tag##*:}
archive="$cache/rootfs-$hash.tar.zst"
mkdir -p "$cache"

step() { printf '[image] %s %s\n' "$(date +%T)" "$*"; }

if [ ! -s "$archive" ]; then
  root=$(mktemp -d "$cache/rootfs.XXXXXX")
  cleanup() {
    umount "$root/proc" 2>/dev/null || true
    umount "$root/dev/pts" 2>/dev/null || true
    rm -rf "$root"
  }
  trap cleanup EXIT
  step "debootstrap bookworm (minbase) into $root"
  debootstrap --variant=minbase bookworm "$root" "$mirror" >"$cache/debootstrap.log" 2>&1 ||
    { tail -30 "$cache/debootstrap.log"; exit 1; }
  cat >"$root/etc/apt/sources.list" <<SRC
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb ${ZERODROP_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security} bookworm-security main
SRC
  # No service may start inside the chroot while packages install.
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
  chmod +x "$root/usr/sbin/policy-rc.d"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  mount -t proc proc "$root/proc"
  mapfile -t pkgs < <(grep -v '^\s*#' "$here/packages.txt" | grep -v '^\s*$')
  step "apt-get install ${#pkgs[@]} role packages"
  chroot "$root" /usr/bin/env DEBIAN_FRONTEND=noninteractive apt-get update -q >"$cache/apt.log" 2>&1 ||
    { tail -30 "$cache/apt.log"; exit 1; }
  chroot "$root" /usr/bin/env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${pkgs[@]}" >>"$cache/apt.log" 2>&1 ||
    { tail -30 "$cache/apt.log"; exit 1; }
  chroot "$root" apt-get clean
  rm -rf "$root"/var/lib/apt/lists/* "$root/etc/resolv.conf"
  : >"$root/etc/resolv.conf"
  # Packaged services must not be auto-started by anything; roles start them explicitly.
  umount "$root/proc"
  step "pack rootfs cache $(basename "$archive")"
  tar -C "$root" --numeric-owner -c . | zstd -q -3 -T0 -o "$archive.tmp"
  mv "$archive.tmp" "$archive"
fi

step "docker import $tag"
zstd -q -d -c "$archive" | docker import \
  -c 'ENV LANG=C.UTF-8' \
  -c 'ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  -c 'CMD ["sleep", "infinity"]' \
  -m "zerodrop lab image from Debian bookworm packages" - "$tag" >/dev/null
docker image inspect "$tag" --format '[image] done {{.Id}} {{.Size}} bytes'
