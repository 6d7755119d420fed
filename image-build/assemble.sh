#!/usr/bin/env bash
# Stage 2 of the image: the project, units and configuration on top of the stage-1 root, then the
# SD-card image assembled without loop mounts (mkfs.fat + mcopy, mkfs.ext4 -d, sfdisk, dd).
# Usage: assemble.sh STAGE1_TARBALL WORKDIR OUTDIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
tarball=${1:?stage-1 tarball}
work=${2:?work dir}
out=${3:?output dir}
: "${SOURCE_DATE_EPOCH:?set SOURCE_DATE_EPOCH}"
export E2FSPROGS_FAKE_TIME=$SOURCE_DATE_EPOCH
root=$work/rootfs
bootfs=$work/bootfs
datafs=$work/datafs
step() { echo "assemble: $*"; }
in_root() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
  SOURCE_DATE_EPOCH="$SOURCE_DATE_EPOCH" PIP_DISABLE_PIP_VERSION_CHECK=1 "$@"; }

step "unpacking $(basename "$tarball")"
rm -rf "$root" "$bootfs" "$datafs" && mkdir -p "$root" "$bootfs" "$datafs" "$out"
tar -C "$root" --numeric-owner -xpf "$tarball"

step "installing the kiosk into /opt/kiosk/venv (and topping up its dependencies)"
"$here/wheels.sh" "$work/wheelhouse"
# The project as committed (HEAD), not the working tree: the image matches a commit.
rm -rf "$work/src" && mkdir -p "$work/src"
git -C "$repo" archive --format=tar HEAD | tar -x -C "$work/src"
"$repo/.venv/bin/pip" wheel -q --no-deps -w "$work/wheelhouse" "$work/src"
rm -rf "$root/tmp/wheelhouse" && cp -r "$work/wheelhouse" "$root/tmp/wheelhouse"
project=$(cd "$work/wheelhouse" && ls commune_kiosk-*.whl)
in_root /opt/kiosk/venv/bin/pip install -q --no-index --find-links /tmp/wheelhouse \
  -c /tmp/wheelhouse/constraints.txt -r /tmp/wheelhouse/requirements.txt "/tmp/wheelhouse/$project"
rm -rf "$root/tmp/wheelhouse" "$root/root/.cache"
ln -sfn /opt/kiosk/venv/bin/kiosk "$root/usr/local/bin/kiosk"

step "user kiosk (groups video, render, input)"
for g in video render input; do in_root getent group "$g" >/dev/null || in_root groupadd --system "$g"; done
in_root useradd --system --user-group --home-dir /var/lib/kiosk --no-create-home \
  --shell /usr/sbin/nologin --groups video,render,input kiosk

step "configuration and units"
cp -a "$here/rootfs/." "$root/"
# polkit's rules.d is polkitd-owned 0700: add the file without touching the directory.
install -m 0644 "$here/polkit/50-kiosk-wifi.rules" "$root/etc/polkit-1/rules.d/"
install -m 0644 "$repo"/systemd/*.service "$root/etc/systemd/system/"
install -d "$root/etc/systemd/system.conf.d"
install -m 0644 "$repo"/systemd/system.conf.d/*.conf "$root/etc/systemd/system.conf.d/"
install -m 0644 "$repo/systemd/fstab" "$root/etc/fstab"
systemctl --root="$root" enable kiosk-grow-data.service kiosk-provision.service kiosk-ui.service \
  kiosk-sync.service \
  NetworkManager.service systemd-timesyncd.service
systemctl --root="$root" mask getty@tty1.service systemd-firstboot.service
systemctl --root="$root" set-default multi-user.target
# Read-only root: per-device files live on the data partition (written by kiosk provision).
ln -sfn /data/system/hostname "$root/etc/hostname"
ln -sfn /data/system/localtime "$root/etc/localtime"
install -d "$root/etc/kiosk"
ln -sfn /data/system/kiosk.toml "$root/etc/kiosk/kiosk.toml"
ln -sfn /run/NetworkManager/resolv.conf "$root/etc/resolv.conf"
printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' > "$root/etc/hosts"
: > "$root/etc/machine-id"     # transient id each boot; nothing per-device baked in
rm -f "$root"/etc/ssh/ssh_host_*   # (/var/lib/dbus/machine-id stays: a link to /etc/machine-id)
install -d "$root/data" "$root/var/lib/kiosk" "$root/var/log/journal"
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/log/*.log

step "boot partition: firmware, kernel, cmdline.txt, kiosk.toml template"
printf '%s\n' "console=serial0,115200 console=tty1 root=LABEL=KIOSKROOT rootfstype=ext4 ro \
fsck.repair=yes rootwait net.ifnames=0 consoleblank=0 quiet" > "$root/boot/firmware/cmdline.txt"
install -m 0644 "$here/kiosk.toml.template" "$root/boot/firmware/kiosk.toml"
# raspi-firmware's hooks copy the kernel and initrd; make sure both are there for the Pi and QEMU.
for f in "$root"/boot/vmlinuz-* "$root"/boot/initrd.img-*; do
  [ -e "$root/boot/firmware/$(basename "$f")" ] || cp "$f" "$root/boot/firmware/"
done
cp -a "$root/boot/firmware/." "$bootfs/"
find "$root/boot/firmware" -mindepth 1 -delete

step "data partition tree"
uid=$(awk -F: '$1=="kiosk"{print $3}' "$root/etc/passwd")
gid=$(awk -F: '$1=="kiosk"{print $3}' "$root/etc/group")
jgid=$(awk -F: '$1=="systemd-journal"{print $3}' "$root/etc/group")
install -d -m 0750 -o "$uid" -g "$gid" "$datafs/kiosk" "$datafs/kiosk/kivy-home"
install -d -m 2755 -o 0 -g "$jgid" "$datafs/journal"
install -d -m 0755 "$datafs/system" "$datafs/system/NetworkManager"
install -d -m 0700 "$datafs/system/NetworkManager/system-connections"
cp -a "$root/var/lib/systemd" "$datafs/system/systemd"
find "$root/var/lib/systemd" -mindepth 1 -delete
ln -s /usr/share/zoneinfo/Asia/Ho_Chi_Minh "$datafs/system/localtime"
echo kiosk > "$datafs/system/hostname"

step "clamping timestamps to SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH"
for tree in "$root" "$bootfs" "$datafs"; do
  find "$tree" -newermt "@$SOURCE_DATE_EPOCH" -print0 | xargs -0r touch -h -d "@$SOURCE_DATE_EPOCH"
  find "$tree" -print0 | xargs -0r touch -a -h -d "@$SOURCE_DATE_EPOCH"   # access times too
done

step "verifying units inside the built root"
"$here/verify-units.sh" "$root"

step "file systems (no loop mounts)"
mib() { du -s --block-size=1M --apparent-size "$1" | cut -f1; }
# Boot and root sizes are fixed so that every image has the same partitions 1 and 2: that is
# what lets image-build/update_card.py put a new system on a card and keep its data partition.
boot_mb=${BOOT_MB:-256}
root_mb=${ROOT_MB:-2048}
data_mb=256
need_boot=$(( $(mib "$bootfs") + 96 ))
need_root=$(( $(mib "$root") * 125 / 100 + 256 ))
if [ "$need_boot" -gt "$boot_mb" ] || [ "$need_root" -gt "$root_mb" ]; then
  echo "assemble: boot needs $need_boot MiB (fixed $boot_mb), root $need_root MiB (fixed $root_mb):" \
    "raise BOOT_MB/ROOT_MB; cards made from older images then need a full flash" >&2
  exit 1
fi
uuid() { python3 -c "import uuid,sys; print(uuid.uuid5(uuid.NAMESPACE_URL, sys.argv[1]))" "$1-$SOURCE_DATE_EPOCH"; }
rm -f "$work"/*.part.img
mkfs.fat -F 32 -n KIOSKBOOT -i "$(printf '%08X' $((SOURCE_DATE_EPOCH & 0xFFFFFFFF)))" --invariant \
  -C "$work/boot.part.img" $((boot_mb * 1024)) >/dev/null
(cd "$bootfs" && mcopy -s -p -m -i "$work/boot.part.img" ./* ::)
inodes=$(( $(find "$root" | wc -l) * 3 / 2 + 8192 ))   # many small Python files
mkfs.ext4 -q -L KIOSKROOT -U "$(uuid root)" -E root_owner=0:0,hash_seed="$(uuid root-hash)" \
  -N "$inodes" -d "$root" "$work/root.part.img" "${root_mb}M"
mkfs.ext4 -q -b 4096 -T default -L KIOSKDATA -U "$(uuid data)" -E root_owner=0:0,hash_seed="$(uuid data-hash)" \
  -d "$datafs" "$work/data.part.img" "${data_mb}M"

step "partition table (MBR: the Pi 3 firmware reads nothing else) and image"
img=$out/kiosk-arm64.img
start=8   # MiB before the first partition
total=$(( start + boot_mb + root_mb + data_mb ))
rm -f "$img" && truncate -s "${total}M" "$img"
sfdisk --quiet "$img" <<TABLE
label: dos
label-id: 0x4b696f73
unit: sectors
start=$(( start * 2048 )), size=$(( boot_mb * 2048 )), type=c, bootable
start=$(( (start + boot_mb) * 2048 )), size=$(( root_mb * 2048 )), type=83
start=$(( (start + boot_mb + root_mb) * 2048 )), size=$(( data_mb * 2048 )), type=83
TABLE
dd if="$work/boot.part.img" of="$img" bs=1M seek=$start conv=notrunc,sparse status=none
dd if="$work/root.part.img" of="$img" bs=1M seek=$(( start + boot_mb )) conv=notrunc,sparse status=none
dd if="$work/data.part.img" of="$img" bs=1M seek=$(( start + boot_mb + root_mb )) conv=notrunc,sparse status=none
rm -f "$work"/*.part.img

step "checksum and block map"
(cd "$out" && sha256sum "$(basename "$img")" > "$(basename "$img").sha256")
if command -v bmaptool >/dev/null; then bmaptool create -o "$img.bmap" "$img"; fi
step "done: $img ($(du -h --apparent-size "$img" | cut -f1), partitions boot ${boot_mb} MiB, root ${root_mb} MiB, data ${data_mb} MiB)"
