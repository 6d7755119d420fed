#!/usr/bin/env bash
# `make image`: the arm64 SD-card image for Raspberry Pi 3/4/Zero 2 W class boards.
# Stage 1 (stage1.sh): Debian root + Python dependencies, cached. Stage 2 (assemble.sh): the
# project, units, configuration and the partitioned image. Everything logs to OUT/build.log.
# Usage: build.sh WORKDIR OUTDIR   (as root: mmdebstrap root mode, chroot, file ownership)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mkdir -p "$1" && cd "$1" && pwd)
out=$(mkdir -p "$2" && cd "$2" && pwd)
: "${SOURCE_DATE_EPOCH:=$(git -C "$here" log -1 --format=%ct)}"
export SOURCE_DATE_EPOCH
log=$out/build.log
exec > >(tee "$log") 2>&1
started=$(date +%s)
echo "build: $(date -u +%FT%TZ), SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH, commit $(git -C "$here" rev-parse --short HEAD)"
[ "$(id -u)" -eq 0 ] || { echo "build: run as root (mmdebstrap root mode, chroot)" >&2; exit 1; }

"$here/host-tools.sh"
# arm64 binaries run through qemu-user: binfmt_misc must be mounted and the handler enabled.
if [ ! -e /proc/sys/fs/binfmt_misc/register ]; then
  mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
fi
update-binfmts --enable qemu-aarch64 >/dev/null 2>&1 || true
arch-test arm64 >/dev/null || { echo "build: this host cannot run arm64 binaries (binfmt)" >&2; exit 1; }

tarball=$("$here/stage1.sh" "$work" | tee /dev/stderr | tail -n1)
s1=$(date +%s)
"$here/assemble.sh" "$tarball" "$work" "$out"
done_at=$(date +%s)
echo "build: stage 1 $((s1 - started)) s, stage 2 $((done_at - s1)) s, total $((done_at - started)) s"
