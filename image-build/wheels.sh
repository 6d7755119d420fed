#!/usr/bin/env bash
# Fetch the arm64 wheelhouse of the kiosk's Python dependencies into DIR, pinned to the versions
# of the development venv (the ones the tests ran with). Pure-Python projects that publish only an
# sdist are built into wheels here. Uses this host's pip configuration (index, proxy, caches).
# Usage: wheels.sh DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
wheels=${1:?wheelhouse dir}
pip=$repo/.venv/bin/pip
rm -rf "$wheels" && mkdir -p "$wheels"
# lgpio: no arm64 wheel for CPython 3.11 and no Debian 12 package (docs/technician.md).
"$repo/.venv/bin/python" "$here/requirements.py" "$repo/pyproject.toml" --extra pi --skip lgpio \
  > "$wheels/requirements.txt"
"$pip" freeze --exclude-editable | grep -v '^#' > "$wheels/constraints.txt" || true
"$pip" download -q --only-binary=:all: \
  --platform manylinux_2_28_aarch64 --platform manylinux_2_17_aarch64 \
  --platform manylinux2014_aarch64 --platform linux_aarch64 \
  --python-version 3.11 --implementation cp --abi cp311 --abi abi3 --abi none \
  --find-links "$wheels" -c "$wheels/constraints.txt" -d "$wheels" -r "$wheels/requirements.txt"
echo "wheels: $(ls "$wheels"/*.whl | wc -l) wheels in $wheels"
