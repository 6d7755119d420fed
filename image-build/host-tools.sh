#!/usr/bin/env bash
# Install the Debian packages of host-packages.txt that are missing, without their Recommends
# (what a fresh Debian 12 build machine gets; `make host-check` proves the list is enough).
# Run by build.sh on the build machine and by host-check.sh inside a clean Debian 12 chroot.
# Usage: host-tools.sh [host-packages.txt]   (as root)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
list=${1:-$here/host-packages.txt}
mapfile -t tools < <(grep -v '^\s*#' "$list" | grep -v '^\s*$')
missing=()
for p in "${tools[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "host-tools: installing ${missing[*]}"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
