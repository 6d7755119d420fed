#!/usr/bin/env bash
# Stage 1 of the image: the Debian root (mmdebstrap, arm64 through qemu-user binfmt) plus the
# kiosk's virtual env with its Python dependencies, as a reproducible tarball. Slow (package
# downloads + emulation), so it is cached under work/ by a key of everything it depends on.
# Usage: stage1.sh WORKDIR   (prints the tarball path on the last line)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
work=${1:?work dir}
mkdir -p "$work"
suite=bookworm

eval "$(python3 "$here/mirror.py" --suite "$suite")"
echo "stage1: mirror $MIRROR, security ${SECURITY:-none} (from this host's apt configuration)"

packages=$(grep -v '^\s*#' "$here/packages.txt" | grep -v '^\s*$' | paste -sd, -)
# The cache key: what the Debian root depends on. SOURCE_DATE_EPOCH is left out (it moves with
# every commit) and so are the wheels (stage 2 tops them up); `make clean` rebuilds from scratch.
key=$( { echo "$MIRROR $SECURITY"; cat "$here/packages.txt"; \
         sed -n '/^echo "stage1: mmdebstrap/,$p' "$here/stage1.sh"; } | sha256sum | cut -c1-16)
tarball="$work/base-$key.tar"
if [ -s "$tarball" ]; then
  echo "stage1: cached $tarball"
  echo "$tarball"
  exit 0
fi

# Python dependencies (topped up again in stage 2 when pyproject.toml changes).
wheels="$work/wheelhouse"
echo "stage1: fetching arm64 wheels"
"$here/wheels.sh" "$wheels"

sources=("deb $MIRROR $suite main non-free-firmware" "deb $MIRROR $suite-updates main non-free-firmware")
if [ -n "${SECURITY:-}" ]; then
  sources+=("deb $SECURITY $suite-security main non-free-firmware")
fi

# raspi-firmware writes cmdline.txt/config.txt from /etc/default/raspi-firmware when the kernel is
# installed, and needs /boot/firmware to exist first (our file wins over the package's: confold).
# update-initramfs is diverted to /bin/true while packages install (its triggers would build the
# initrd two or three times, ~10 min each under emulation), then run once; its post-update hook
# copies the initrd to /boot/firmware.
rpi_default='ROOTPART=LABEL=KIOSKROOT
CONSOLES="serial0,115200 tty1"
KERNEL_ARGS="consoleblank=0 quiet"'

echo "stage1: mmdebstrap $suite arm64 -> $tarball"
env -u PIP_FIND_LINKS -u PIP_CERT mmdebstrap --mode=root --format=tar --architectures=arm64 --variant=minbase \
  --components=main,non-free-firmware \
  --include="$packages" \
  --aptopt='Acquire::Retries "5"' \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
  --setup-hook='mkdir -p "$1/boot/firmware" "$1/etc/default"' \
  --dpkgopt='force-confdef' --dpkgopt='force-confold' \
  --essential-hook='chroot "$1" dpkg-divert --quiet --local --rename --divert /usr/sbin/update-initramfs.kiosk --add /usr/sbin/update-initramfs && ln -s /bin/true "$1/usr/sbin/update-initramfs"' \
  --setup-hook="printf '%s\n' '$rpi_default' > \"\$1/etc/default/raspi-firmware\"" \
  --customize-hook='rm "$1/usr/sbin/update-initramfs" && chroot "$1" dpkg-divert --quiet --local --rename --remove /usr/sbin/update-initramfs' \
  --customize-hook='for v in $(ls "$1/lib/modules"); do chroot "$1" update-initramfs -c -k "$v" || exit 1; done; ls -l "$1"/boot/firmware/ || true' \
  --customize-hook="copy-in $wheels /tmp" \
  --customize-hook='chroot "$1" env -i PATH=/usr/bin:/bin SOURCE_DATE_EPOCH='"$SOURCE_DATE_EPOCH"' python3 -m venv --system-site-packages /opt/kiosk/venv' \
  --customize-hook='chroot "$1" env -i PATH=/usr/bin:/bin HOME=/root PIP_DISABLE_PIP_VERSION_CHECK=1 SOURCE_DATE_EPOCH='"$SOURCE_DATE_EPOCH"' /opt/kiosk/venv/bin/pip install --no-index --find-links /tmp/wheelhouse -c /tmp/wheelhouse/constraints.txt -r /tmp/wheelhouse/requirements.txt' \
  --customize-hook='rm -rf "$1/tmp/wheelhouse" "$1/root/.cache"' \
  "$suite" "$tarball.part" "${sources[@]}"
mv "$tarball.part" "$tarball"
echo "$tarball"
