#!/usr/bin/env bash
# Builds the lab image from Debian bookworm packages. Runs on the host as root. Containers never get network:
# packages are installed by chroot apt-get here, the tree is imported (no registry, no pull), and the finishing
# step runs in a container with --network none.
#
# usage: build-rootfs.sh IMAGE_TAG CACHE_DIR
#   1. rootfs: CACHE_DIR/rootfs-<packages hash>.tar.zst, built by debootstrap + chroot apt-get when missing
#      (the archive depends on packages.txt only, so a change below re-uses it: a rebuild is a re-import);
#   2. base image <repo>-base:<packages hash>, imported from that archive when missing;
#   3. IMAGE_TAG = base + finishing layer (a PostgreSQL cluster initialised once, with the `freeswitch` database,
#      so a lab's database starts in about a second instead of running initdb and CREATE DATABASE under load).
set -euo pipefail

tag=${1:?image tag}
cache=${2:?cache dir}
here=$(cd "$(dirname "$0")" && pwd)
mirror=${ZERODROP_DEBIAN_MIRROR:-http://deb.debian.org/debian}
# The rootfs recipe is this file's step 1 plus packages.txt; bump rootfs-v1 when step 1 changes.
pkg_hash=$( (cat "$here/packages.txt"; echo rootfs-v1) | sha256sum | cut -c1-12)
archive="$cache/rootfs-$pkg_hash.tar.zst"
base="${tag%%:*}-base:$pkg_hash"
mkdir -p "$cache"

step() { printf '[image] %s %s\n' "$(date +%T)" "$*"; }

if ! docker image inspect "$base" >/dev/null 2>&1 && [ ! -s "$archive" ]; then
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

if ! docker image inspect "$base" >/dev/null 2>&1; then
  step "docker import $base"
  zstd -q -d -c "$archive" | docker import \
    -c 'ENV LANG=C.UTF-8' \
    -c 'ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    -c 'CMD ["sleep", "infinity"]' \
    -m "zerodrop lab base from Debian bookworm packages" - "$base" >/dev/null
fi

step "finishing layer (initdb, --network none) -> $tag"
work="zd-imgbuild-$$"
trap 'docker rm -f "$work" >/dev/null 2>&1 || true' EXIT
docker run --name "$work" --network none "$base" sh -ec '
  D=/var/lib/postgresql/zerodrop
  mkdir -p "$D" && chown postgres:postgres "$D" && chmod 700 "$D"
  setpriv --reuid=postgres --regid=postgres --init-groups \
    initdb -D "$D" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync --no-instructions >/dev/null
  # the FreeSWITCH database every lab uses (CREATE DATABASE costs seconds under load; here it is paid once)
  echo "CREATE DATABASE freeswitch STRATEGY = FILE_COPY" |
    setpriv --reuid=postgres --regid=postgres --init-groups postgres --single -D "$D" -c fsync=off postgres \
    >/tmp/single-user.log 2>&1 || { cat /tmp/single-user.log; exit 1; }
' || { docker logs "$work" 2>&1 | tail -30; exit 1; }
docker commit -c 'CMD ["sleep", "infinity"]' -m "zerodrop lab image (finishing layer)" "$work" "$tag" >/dev/null
docker image inspect "$tag" --format '[image] done {{.Id}} {{.Size}} bytes'
