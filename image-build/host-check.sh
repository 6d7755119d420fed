#!/usr/bin/env bash
# `make host-check`: prove that host-packages.txt is all a fresh Debian 12 build machine needs.
# A clean Debian 12 chroot (minbase, from this host's configured mirror, thrown away afterwards)
# gets exactly host-tools.sh's install (host-packages.txt, no Recommends); then every command the
# image tools call must be there, and qemu_preflight.py starts qemu_test.py's QEMU command line:
# with IMAGE, its own kernel until it prints its version; without, the machine built and paused.
# Needs root and the network to the mirror, so it is a make target, not a CI test.
# Usage: host-check.sh [IMAGE]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
image=${1:-}
suite=bookworm
[ "$(id -u)" -eq 0 ] || { echo "host-check: run as root (mmdebstrap root mode)" >&2; exit 1; }
command -v mmdebstrap >/dev/null || {
  echo "host-check: needs mmdebstrap on this host (apt-get install --no-install-recommends mmdebstrap)" >&2
  exit 1; }
eval "$(python3 "$here/mirror.py" --suite "$suite")"
sources=("deb $MIRROR $suite main" "deb $MIRROR $suite-updates main")
if [ -n "${SECURITY:-}" ]; then sources+=("deb $SECURITY $suite-security main"); fi
# What build.sh, stage1.sh, wheels.sh, assemble.sh, verify-units.sh, qemu_test.py and
# update_card.py run that a minimal Debian does not have (coreutils, tar, apt… it always has).
commands="mmdebstrap arch-test update-binfmts qemu-aarch64-static mkfs.fat mcopy mdir mtype sfdisk
  mkfs.ext4 bmaptool openssl qemu-system-aarch64 python3 git systemctl systemd-analyze"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cp "$here"/{host-packages.txt,host-tools.sh,mirror.py,qemu_test.py,qemu_preflight.py} "$scratch/"
preflight=(python3 /host-check/qemu_preflight.py --work /tmp/preflight)
if [ -n "$image" ]; then
  # The boot partition is all the preflight reads: copy that much, keep the size (sparse).
  end=$(sfdisk --json "$image" | python3 -c 'import json, sys
p = json.load(sys.stdin)["partitiontable"]["partitions"][0]; print((p["start"] + p["size"]) * 512)')
  dd if="$image" of="$scratch/card.img" bs=1M count=$(( end / 1048576 )) conv=sparse status=none
  truncate -s "$(stat -c %s "$image")" "$scratch/card.img"
  preflight+=(--image /host-check/card.img)
fi

started=$(date +%s)
echo "host-check: clean Debian $suite chroot from $MIRROR, $(date -u +%T)"
mmdebstrap --mode=root --variant=minbase --format=null --aptopt='Acquire::Retries "5"' \
  --customize-hook='cp -a --sparse=always '"$scratch"' "$1/host-check"' \
  --customize-hook='echo "host-check: chroot ready $(date -u +%T)"' \
  --customize-hook='chroot "$1" /host-check/host-tools.sh /host-check/host-packages.txt' \
  --customize-hook='chroot "$1" sh -c '\''missing=""; for c in '"$(echo $commands)"'; do
      command -v "$c" >/dev/null || missing="$missing $c"; done
    [ -z "$missing" ] || { echo "host-check: missing commands:$missing" >&2; exit 1; }
    echo "host-check: all commands present"'\' \
  --customize-hook='chroot "$1" python3 /host-check/mirror.py --suite '"$suite"' >/dev/null' \
  --customize-hook='chroot "$1" python3 -m venv /tmp/venv-check' \
  --customize-hook='echo "host-check: starting QEMU $(date -u +%T)"' \
  --customize-hook='chroot "$1" '"${preflight[*]}" \
  "$suite" /dev/null "${sources[@]}"
echo "host-check: passed in $(( $(date +%s) - started )) s"
