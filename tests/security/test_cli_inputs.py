"""The rest of the command line against hostile input (issue 11 item 6), as real subprocesses.

``kiosk decode`` on decompression bombs, an oversize image and a FIFO: a one-line refusal within a
memory bound (the child's peak resident memory, VmHWM); ``due-date`` in year 9999 and
``seed`` with an out-of-range seed: clear usage errors; ``status`` and ``seed`` agree on whether
the kiosk accepts submissions.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

from appliance import exitcodes
from hw.camera.samples import card_payloads
from hw.camera.sim import render_payload

PEAK_LIMIT_MIB = 250
"""Above what decoding the largest allowed colour image needs (~150 MiB), below what the 10 KB
bomb took before (~350 MiB)."""
PORTAL_KEY = "a2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2s="


@dataclass(frozen=True)
class Done:
    returncode: int
    stdout: str
    stderr: str
    peak_mib: float


_MEASURED = (
    "import atexit, runpy, sys\n"
    "def peak(path):\n"
    "    for line in open('/proc/self/status'):\n"
    "        if line.startswith('VmHWM:'):\n"
    "            open(path, 'w').write(line.split()[1])\n"
    "atexit.register(peak, sys.argv[1])\n"
    "sys.argv = ['kiosk', *sys.argv[2:]]\n"
    "runpy.run_module('appliance.cli', run_name='__main__')\n"
)
"""``kiosk`` itself, reporting its peak resident memory at exit. VmHWM belongs to the process's
own memory since its exec; wait4's ru_maxrss would also count the pytest process it forked from."""


def kiosk(tmp: Path, *args: str, timeout: float = 120) -> Done:
    peak_file = tmp / "peak-kib.txt"
    peak_file.unlink(missing_ok=True)
    done = subprocess.run([sys.executable, "-c", _MEASURED, str(peak_file), *args], cwd=tmp,
                          capture_output=True, text=True, timeout=timeout, check=False)
    peak = int(peak_file.read_text(encoding="ascii")) / 1024
    return Done(done.returncode, done.stdout, done.stderr, peak)


def test_decode_refuses_bombs_oversize_images_and_special_files(tmp_path):
    Image.new("1", (9000, 9000), 0).save(tmp_path / "bomb-81mpx.png")  # ~10 KB on disk
    Image.new("1", (20000, 20000), 0).save(tmp_path / "bomb-400mpx.png")  # ~48 KB on disk
    Image.new("L", (6000, 6000), 200).save(tmp_path / "oversize-36mpx.png")
    os.mkfifo(tmp_path / "fifo.png")
    (tmp_path / "folder.png").mkdir()
    cases = {
        "bomb-81mpx.png": "image_too_large",
        "bomb-400mpx.png": "image_too_large",
        "oversize-36mpx.png": "image_too_large",
        "fifo.png": "not_a_file",
        "folder.png": "not_a_file",
    }
    assert (tmp_path / "bomb-81mpx.png").stat().st_size < 20_000
    for name, code in cases.items():
        done = kiosk(tmp_path, "decode", "--json", name)
        assert done.returncode == exitcodes.USAGE, (name, done.stderr)
        assert "Traceback" not in done.stderr and done.stderr == "", (name, done.stderr)
        entry = json.loads(done.stdout)["files"][0]
        assert entry["error"]["code"] == code, (name, entry)
        assert done.peak_mib < PEAK_LIMIT_MIB, (name, done.peak_mib)


def test_decode_still_reads_a_large_photo_within_the_bound(tmp_path):
    card = render_payload(card_payloads(1, seed=3)[0]).convert("RGB")
    photo = Image.new("RGB", (4000, 3000), (235, 235, 235))  # 12 megapixels, like a phone photo
    photo.paste(card, (1500, 1000))
    photo.save(tmp_path / "photo.png")
    done = kiosk(tmp_path, "decode", "--json", "photo.png")
    assert done.returncode == exitcodes.OK, done.stdout + done.stderr
    assert json.loads(done.stdout)["files"][0]["codes"][0]["kind"] == "id_card"
    assert done.peak_mib < PEAK_LIMIT_MIB, done.peak_mib


@pytest.mark.parametrize("received", ["9999-12-30 10:00", "0001-01-01 08:00", "2100-01-01 08:00"])
def test_due_date_outside_the_supported_years_is_a_usage_error(tmp_path, received):
    done = kiosk(tmp_path, "due-date", "--procedure", "1.004873", "--received", received)
    assert done.returncode == exitcodes.USAGE and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.splitlines() == [
        f"kiosk due-date: --received: expected 'YYYY-MM-DD HH:MM' in 2000–2099, got '{received}'"
    ]


def _config(tmp: Path, *, portal_key: str = "") -> Path:
    path = tmp / "kiosk.toml"
    path.write_text(f'[kiosk]\ndata_dir = "{tmp / "data"}"\nclock = "host"\n'
                    f'[gateway]\nportal_public_key = "{portal_key}"\n', encoding="utf-8")
    return path


@pytest.mark.parametrize("seed", ["-5", str(2**32), "9" * 5000, "1e9", "0x10"])
def test_seed_with_an_out_of_range_seed_is_a_usage_error(tmp_path, seed):
    conf = _config(tmp_path, portal_key=PORTAL_KEY)
    done = kiosk(tmp_path, "--config", str(conf), "seed", "--dossiers", "1", "--seed", seed)
    assert done.returncode == exitcodes.USAGE and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.splitlines()[-1] == (
        "kiosk seed: error: argument --seed: expected a whole number from 0 to 4294967295"
    )
    assert not (tmp_path / "data" / "kiosk.db").exists()  # refused before touching the store


def test_status_and_seed_agree_that_a_kiosk_without_a_portal_key_accepts_nothing(tmp_path):
    conf = _config(tmp_path)
    status = json.loads(kiosk(tmp_path, "--config", str(conf), "status", "--json").stdout)
    assert status["accepting_submissions"] is False
    assert status["refusal"]["code"] == "not_configured"
    assert "portal_public_key" in status["refusal"]["reason_en"]
    seed = kiosk(tmp_path, "--config", str(conf), "seed", "--dossiers", "1")
    assert seed.returncode == exitcodes.REFUSED
    assert f"({status['refusal']['code']}): {status['refusal']['reason_en']}" in seed.stderr
    text = kiosk(tmp_path, "--config", str(conf), "status").stdout
    assert "accepting     NO: gateway.portal_public_key is empty" in text
