#!/usr/bin/env bash
# The README's quick start on a truly fresh Debian 12 machine "with Swift", measured end to end: a minimal
# bookworm made by debootstrap, plus exactly the packages swift.org lists for Debian 12, with this machine's Swift
# toolchain bind-mounted into it (read-only). Then a fresh `git clone` of this repository and
# `time bash Scripts/quickstart.sh` inside it: system packages (apt over the network), release build, pipeline,
# serving and both snippets.
#
# Needs root and network access to the Debian mirror in /etc/apt/sources.list.d/debian.sources (or
# /etc/apt/sources.list). Usage: sudo bash Benchmarks/quickstart_fresh_debian.sh [WORK_DIR (default /tmp/aigc-fresh-debian)]
# The chroot is kept for inspection; remove it with `rm -rf WORK_DIR` (nothing stays mounted). PREPARE_ONLY=1 makes
# the pristine base (debootstrap + Swift's dependencies, network-bound) and stops, so the timed run can wait for a
# quiet machine.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-/tmp/aigc-fresh-debian}
[[ $(id -u) -eq 0 ]] || { echo "needs root (debootstrap, chroot, mounts)" >&2; exit 1; }
swift_bin=$(readlink -f "$(command -v swift)")
toolchain=$(dirname "$(dirname "$(dirname "$swift_bin")")")   # …/usr/bin/swift-driver -> the toolchain root
mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
mirror=${mirror:-http://deb.debian.org/debian}
command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
root="$work/root"
mounts=()
cleanup() { for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do umount -l "${mounts[i]}" 2>/dev/null || true; done; }
trap cleanup EXIT
bind() { mkdir -p "$root$2"; mount --bind "$1" "$root$2"; mounts+=("$root$2"); }

if [[ ! -e "$work/base-ready" ]]; then
  rm -rf "$work"; mkdir -p "$work"
  echo "== debootstrap bookworm (minbase) from $mirror"
  debootstrap --variant=minbase bookworm "$root" "$mirror" >"$work/debootstrap.log" 2>&1
  cp /etc/resolv.conf "$root/etc/"
  if [[ -f /etc/apt/sources.list.d/debian.sources ]]; then
    cp /etc/apt/sources.list.d/debian.sources "$root/etc/apt/sources.list.d/"; rm -f "$root/etc/apt/sources.list"
  fi
  echo "== Swift's Debian 12 dependencies (swift.org), not timed: the machine already 'has Swift'"
  mount -t proc proc "$root/proc"; mounts+=("$root/proc")
  chroot "$root" bash -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq binutils git gnupg2 libc6-dev libcurl4-openssl-dev libedit2 libgcc-12-dev libpython3-dev libsqlite3-0 libstdc++-12-dev libxml2-dev libz3-dev pkg-config python3-lldb-13 tzdata unzip zlib1g-dev' >"$work/swift-deps.log" 2>&1
  umount "$root/proc"; mounts=()
  tar -C "$work" -cf "$work/base.tar" root   # a pristine copy, so each measurement starts fresh
  touch "$work/base-ready"
else
  echo "== restoring the pristine chroot"
  rm -rf "$root"; tar -C "$work" -xf "$work/base.tar"
fi
[[ -z "${PREPARE_ONLY:-}" ]] || { echo "== base ready in $work"; exit 0; }
[[ -d "$root/proc/self" ]] || { mount -t proc proc "$root/proc"; mounts+=("$root/proc"); }
bind /dev /dev; bind /dev/pts /dev/pts; bind /sys /sys
bind "$toolchain" "$toolchain"; mount -o remount,bind,ro "$root$toolchain"
# Where this machine's Swift packages come from: a git `insteadOf` to a local mirror (no GitHub access here). The
# chroot gets the same (read-only); on a machine with GitHub access there is none and SwiftPM clones from GitHub.
if git config --system --get-regexp '^url\..*\.insteadof$' >/dev/null 2>&1; then
  cp /etc/gitconfig "$root/etc/gitconfig"
  for d in $(git config --system --get-regexp '^url\..*\.insteadof$' | sed -E 's/^url\.(.*)\.insteadof .*/\1/' | sort -u); do
    [[ -d "$d" ]] && { bind "$d" "$d"; mount -o remount,bind,ro "$root$d"; }
  done
fi
# This machine's TLS trust (a workplace whose egress re-signs TLS adds its CA there; pip needs it for PyPI) and pip
# configuration: part of the machine, like the package mirror above.
mkdir -p "$root/etc/ssl/certs" "$root/usr/local/share/ca-certificates"
cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
cp -r /usr/local/share/ca-certificates/. "$root/usr/local/share/ca-certificates/" 2>/dev/null || true
[[ -f /etc/pip.conf ]] && cp /etc/pip.conf "$root/etc/pip.conf"
git clone -q "$repo" "$root/root/aigc"
echo "== quick start in the chroot ($(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg))"
start=$(date +%s)
chroot "$root" env -i HOME=/root TERM=dumb SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt PATH="$toolchain/usr/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
  bash -c 'cd /root/aigc && bash Scripts/quickstart.sh' 2>&1 | tee "$work/quickstart.log"
end=$(date +%s)
echo "== fresh Debian 12 quick start: $((end - start)) s wall from a fresh clone (load now $(cut -d' ' -f1-3 /proc/loadavg))"
