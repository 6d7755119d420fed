#!/usr/bin/env bash
# `systemd-analyze verify` of the kiosk's units inside a root tree (the built image's, or a
# scratch root in CI), and the sync service's sandbox rating, which must stay ≤ 3.0.
# Usage: verify-units.sh ROOT
set -euo pipefail
root=${1:?root}
units=(kiosk-provision.service kiosk-ui.service kiosk-sync.service kiosk-grow-data.service
       kiosk-selftest.service)
paths=()
for u in "${units[@]}"; do paths+=("$root/etc/systemd/system/$u"); done
# Strict: any message (an unknown key is only a warning to systemd) fails the check.
if ! msgs=$(SYSTEMD_LOG_LEVEL=notice systemd-analyze verify --root="$root" --man=no \
            "${paths[@]}" 2>&1) || [ -n "$msgs" ]; then
  echo "verify-units: systemd-analyze verify failed:" >&2
  echo "$msgs" >&2
  exit 1
fi
echo "verify-units: ${#units[@]} units verified"
score=$(systemd-analyze security --offline=yes --root="$root" kiosk-sync.service 2>/dev/null \
        | sed -n 's/.*Overall exposure level for kiosk-sync.service: \([0-9.]*\).*/\1/p')
echo "verify-units: kiosk-sync.service exposure $score"
awk -v s="$score" 'BEGIN { exit !(s != "" && s <= 3.0) }' || {
  echo "verify-units: kiosk-sync.service exposure $score is above 3.0" >&2; exit 1; }
