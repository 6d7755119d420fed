#!/bin/bash
# A signed RAUC bundle of the kiosk's root file system (issue 16; docs/technician.md, "Field
# updates"). Usage:
#   bundle.sh ROOT_IMAGE VERSION OUT.raucb [BOOT_IMAGE]   a root ext4/squashfs image (+ boot vfat)
#   bundle.sh --from-image KIOSK.img VERSION OUT.raucb    partitions 1 (boot) and 2 (root) of a
#                                                         built card image (`make image`)
# Signing: BUNDLE_CERT and BUNDLE_KEY (PEM; the key may be a PKCS#11 URI) name the production
# signer. Without them a development key is made once in KEYS_DIR (default out/keys, never in
# git) and used; its certificate is the keyring a development image trusts.
# BUNDLE_FORMAT: plain (default: the whole bundle's signature is checked before anything is
# written) or verity (dm-verity checks each block as the install reads it).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
COMPATIBLE=${COMPATIBLE:-commune-kiosk-arm64}
KEYS_DIR=${KEYS_DIR:-$here/out/keys}
BUNDLE_FORMAT=${BUNDLE_FORMAT:-plain}

die() { echo "bundle: $*" >&2; exit 2; }

dev_key() {
  # A self-signed development signer: 10 years, EC P-256; its certificate is the dev keyring.
  mkdir -p "$KEYS_DIR" && chmod 700 "$KEYS_DIR"
  if [ ! -f "$KEYS_DIR/dev.key.pem" ]; then
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
      -subj "/O=Commune kiosk development/CN=kiosk development bundle signer" \
      -keyout "$KEYS_DIR/dev.key.pem" -out "$KEYS_DIR/dev.cert.pem" 2>/dev/null
    chmod 600 "$KEYS_DIR/dev.key.pem"
    echo "bundle: made a development signing key in $KEYS_DIR (keyring: dev.cert.pem)" >&2
  fi
  BUNDLE_CERT=$KEYS_DIR/dev.cert.pem BUNDLE_KEY=$KEYS_DIR/dev.key.pem
}

extract() {  # extract IMAGE PARTNO OUT: one partition of an MBR image, by its table
  local start size
  read -r start size < <(sfdisk --json "$1" | python3 -c '
import json, sys
p = json.load(sys.stdin)["partitiontable"]["partitions"][int(sys.argv[1]) - 1]
print(p["start"], p["size"])' "$2")
  dd if="$1" of="$3" bs=512 skip="$start" count="$size" conv=sparse status=none
}

[ $# -ge 3 ] || die "usage: bundle.sh ROOT_IMAGE VERSION OUT.raucb [BOOT_IMAGE] | --from-image IMG VERSION OUT.raucb"
command -v rauc >/dev/null || die "rauc is not installed (Debian package rauc)"
content=$(mktemp -d)
trap 'rm -rf "$content"' EXIT
if [ "$1" = "--from-image" ]; then
  [ -f "$2" ] || die "no image $2"
  extract "$2" 2 "$content/rootfs.ext4"
  extract "$2" 1 "$content/boot.vfat"
  version=$3 out=$4
else
  [ -f "$1" ] || die "no root image $1"
  cp --sparse=always "$1" "$content/rootfs.${1##*.}"
  [ -z "${4:-}" ] || cp --sparse=always "$4" "$content/boot.vfat"
  version=$2 out=$3
fi
[[ $version =~ ^[0-9A-Za-z][0-9A-Za-z.+~-]{0,63}$ ]] || die "bad version $version"
case $BUNDLE_FORMAT in plain|verity) ;; *) die "BUNDLE_FORMAT is plain or verity" ;; esac
if [ -z "${BUNDLE_CERT:-}" ] || [ -z "${BUNDLE_KEY:-}" ]; then dev_key; fi

root=$(cd "$content" && ls rootfs.*)
{
  printf '[update]\ncompatible=%s\nversion=%s\nbuild=%s\n\n' "$COMPATIBLE" "$version" \
    "$(date -u -d "@${SOURCE_DATE_EPOCH:-$(date +%s)}" +%Y%m%dT%H%M%SZ)"
  printf '[bundle]\nformat=%s\n\n' "$BUNDLE_FORMAT"
  printf '[image.rootfs]\nfilename=%s\n' "$root"
  [ ! -f "$content/boot.vfat" ] || printf '\n[image.boot]\nfilename=boot.vfat\n'
} > "$content/manifest.raucm"
rm -f "$out"
rauc bundle --cert="$BUNDLE_CERT" --key="$BUNDLE_KEY" "$content" "$out" >/dev/null
echo "bundle: $out ($version, $BUNDLE_FORMAT, $(stat -c %s "$out") bytes)" >&2
