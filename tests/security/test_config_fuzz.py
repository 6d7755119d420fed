"""Malformed kiosk.toml files against the real ``kiosk`` command (issue 11 item 5).

Every case runs as a ``kiosk`` subprocess twice: ``kiosk status --config FILE`` and ``kiosk
provision`` on a boot folder holding it as ``kiosk.toml``. Each must end in exit status 2 with one
line naming the problem, no traceback, within a time limit and an address-space limit (RLIMIT_AS
in the child). Special files (FIFO, /dev/zero, a symlink loop, a folder, a sparse 1 GB file) are
made on disk. The cases run four at a time, so the file stays quick.
"""

from __future__ import annotations

import base64
import os
import resource
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

TIME_LIMIT_S = 60
"""Per process; a hang (a FIFO read, an endless /dev/zero) is caught by this, not by the clock."""
MEMORY_LIMIT = 512 * 2**20
"""Address space of each child: reading a 1 GB file whole cannot fit in it."""
PIN_BASE = '\n[provision]\nstaff_pin = "482913"\n'
"""Appended for ``kiosk provision``: without it every case would fail for want of a PIN."""

def b64(n: int) -> str:
    return base64.b64encode(b"k" * n).decode("ascii")


def deep(n: int, open_: str = "[", close: str = "]") -> str:
    return open_ * n + close * n


# name -> kiosk.toml text; "{tmp}" is the case's own folder (files made by _special_paths).
TEXT_CASES: dict[str, str] = {
    # TOML itself
    "unterminated_section": "[kiosk\n",
    "nul_bytes": "[kiosk]\nid = \"K1\"\x00\x00\n",
    "duplicate_key": '[kiosk]\nid = "K1"\nid = "K2"\n',
    "duplicate_section": "[kiosk]\n[kiosk]\n",
    "unknown_section": "[printer]\nx = 1\n",
    "unknown_key": '[kiosk]\nidd = "K1"\n',
    "unknown_key_with_newline": '[kiosk]\n"a\\nb" = 1\n',
    "section_with_line_separator": '["x\\u2028y"]\n',
    "section_is_a_value": "kiosk = 1\n",
    "section_is_array_of_tables": "[[kiosk]]\nid = \"K1\"\n",
    "deep_array_20k": "[kiosk]\nsites = " + deep(20_000) + "\n",
    "deep_inline_table_20k": "[kiosk]\nx = " + "{a = " * 20_000 + "1" + "}" * 20_000 + "\n",
    "deep_array_500": "[kiosk]\nsites = " + deep(500) + "\n",
    "deep_pins_table": "[hardware.pins]\nx = " + "{a = " * 5_000 + "1" + "}" * 5_000 + "\n",
    # types
    "id_is_number": "[kiosk]\nid = 3\n",
    "fullscreen_is_string": '[ui]\nfullscreen = "yes"\n',
    "reserve_is_string": '[storage]\nreserve_mb = "lots"\n',
    "batch_size_is_float": "[sync]\nbatch_size = 1.5\n",
    "interval_is_string": '[sync]\ninterval_s = "60"\n',
    "pins_is_array": "[hardware]\npins = [1, 2]\n",
    "pin_is_string": '[hardware.pins]\nmotion = "a"\n',
    "hours_is_string": '[calendar]\noffice_hours = "07:00-11:00"\n',
    "max_attempts_is_bool": "[staff]\nmax_attempts = true\n",
    # ranges: zero, negative, infinite, not a number, enormous
    "backoff_cap_zero": "[sync]\nbackoff_cap_s = 0\n",
    "backoff_cap_negative": "[sync]\nbackoff_cap_s = -1.0\n",
    "backoff_cap_inf": "[sync]\nbackoff_cap_s = inf\n",
    "interval_nan": "[sync]\ninterval_s = nan\n",
    "interval_zero": "[sync]\ninterval_s = 0.0\n",
    "connect_timeout_zero": "[gateway]\nconnect_timeout_s = 0\n",
    "read_timeout_negative": "[gateway]\nread_timeout_s = -5.0\n",
    "read_timeout_inf": "[gateway]\nread_timeout_s = +inf\n",
    "batch_size_zero": "[sync]\nbatch_size = 0\n",
    "batch_size_huge": "[sync]\nbatch_size = 9223372036854775807\n",
    "lockout_negative": "[staff]\nlockout_s = -300\n",
    "lockout_zero": "[staff]\nlockout_s = 0\n",
    "max_attempts_zero": "[staff]\nmax_attempts = 0\n",
    "max_attempts_negative": "[staff]\nmax_attempts = -1\n",
    "inactivity_zero": "[ui]\ninactivity_timeout_s = 0\n",
    "countdown_negative": "[ui]\ncountdown_s = -1\n",
    "width_enormous": "[ui]\nwidth = 100000000000\n",
    "reserve_negative": "[storage]\nreserve_mb = -1\n",
    "retention_negative": "[storage]\nretention_days = -1\n",
    "escalate_zero": "[sync]\nescalate_after_h = 0\n",
    "pin_number_out_of_range": "[hardware.pins]\nhelp_button = 999\n",
    # identity
    "id_fullwidth_digit": '[kiosk]\nid = "K\uff101"\n',
    "id_non_ascii_letter": '[kiosk]\nid = "K\u0131"\n',
    "id_empty": '[kiosk]\nid = ""\n',
    "id_bidi_override": '[kiosk]\nid = "K01\\u202e"\n',
    "id_with_dash": '[kiosk]\nid = "K-01"\n',
    "id_too_long": '[kiosk]\nid = "K123456789"\n',
    "unit_code_traversal": '[kiosk]\nunit_code = "../../x"\n',
    # strings
    "unit_name_nul": '[kiosk]\nunit_name = "x\\u0000y"\n',
    "data_dir_nul": '[kiosk]\ndata_dir = "{tmp}/x\\u0000"\n',
    "site_bidi": '[kiosk]\nsite = "\\u202eabc"\n',
    "place_zero_width": '[kiosk]\nplace = "X\\u200da"\n',
    "unit_name_too_long": '[kiosk]\nunit_name = "' + "x" * 5000 + '"\n',
    "sites_too_many": "[kiosk]\nsites = [" + ", ".join(['"a"'] * 1000) + "]\n",
    # keys
    "portal_key_not_base64": '[gateway]\nportal_public_key = "not base64!"\n',
    "portal_key_31_bytes": f'[gateway]\nportal_public_key = "{b64(31)}"\n',
    "portal_key_short": '[gateway]\nportal_public_key = "AAAA"\n',
    "receipt_key_64_bytes": f'[gateway]\nreceipt_public_key = "{b64(64)}"\n',
    # URLs
    "url_with_password": '[gateway]\nurl = "https://kiosk:hunter2secret@gw.example.vn/"\n',
    "url_with_user": '[gateway]\nurl = "https://kiosk@gw.example.vn/"\n',
    "url_bad_ipv6": '[gateway]\nurl = "http://[::1"\n',
    "url_bad_port": '[gateway]\nurl = "https://gw.example.vn:99999/"\n',
    "url_plain_http": '[gateway]\nurl = "http://gw.example.vn"\n',
    "url_file_scheme": '[gateway]\nurl = "file:///etc/passwd"\n',
    "lookup_url_javascript": '[gateway]\nlookup_url = "javascript:alert(1)"\n',
    "lookup_url_with_password": '[gateway]\nlookup_url = "https://u:hunter2secret@x.vn/"\n',
    # named files and folders
    "ca_bundle_missing": '[gateway]\nca_bundle = "{tmp}/no-such.pem"\n',
    "ca_bundle_directory": '[gateway]\nca_bundle = "{tmp}"\n',
    "ca_bundle_dev_zero": '[gateway]\nca_bundle = "/dev/zero"\n',
    "ca_bundle_fifo": '[gateway]\nca_bundle = "{tmp}/fifo"\n',
    "ca_bundle_symlink_loop": '[gateway]\nca_bundle = "{tmp}/loop-a"\n',
    "overrides_missing": '[calendar]\noverrides_file = "{tmp}/no-such.toml"\n',
    "sim_dir_is_a_file": '[hardware]\nsim_dir = "{tmp}/a-file"\n',
    # calendar and hardware choices
    "hours_out_of_range": '[calendar]\noffice_hours = ["25:00-26:00"]\n',
    "clock_unknown": '[kiosk]\nclock = "ntp"\n',
    "paper_width_70": "[hardware]\npaper_width_mm = 70\n",
    "card_reader_unknown": '[hardware]\ncard_reader = "nfc"\n',
    "card_reader_control_chars": '[hardware]\ncard_reader = "pcsc:\\u001b[2J"\n',
    "card_reader_huge": '[hardware]\ncard_reader = "pcsc:' + "x" * 100_000 + '"\n',
    "read_face_is_string": '[identity]\nread_face = "on"\n',
    "identity_unknown_key": "[identity]\nface = true\n",
}

# Cases that only make sense for `kiosk status` (provisioning installs its own data folder).
STATUS_ONLY: dict[str, str] = {
    "data_dir_is_a_file": '[kiosk]\ndata_dir = "{tmp}/a-file"\n',
    "data_dir_under_a_file": '[kiosk]\ndata_dir = "{tmp}/a-file/data"\n',
}

BYTE_CASES: dict[str, bytes] = {
    "invalid_utf8": b"[kiosk]\nid = \"\xff\xfe\"\n",
    "utf16_with_bom": "[kiosk]\nid = \"K1\"\n".encode("utf-16"),
    "latin1_text": '[kiosk]\nplace = "X\xe3 M\xe2u"\n'.encode("latin-1"),
}


def _special_paths(tmp: Path) -> None:
    """The files the text cases name: a FIFO, a symlink loop, a plain file."""
    os.mkfifo(tmp / "fifo")
    (tmp / "loop-a").symlink_to(tmp / "loop-b")
    (tmp / "loop-b").symlink_to(tmp / "loop-a")
    (tmp / "a-file").write_text("not a folder\n", encoding="utf-8")


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _dev_zero(path: Path) -> None:
    path.symlink_to("/dev/zero")


def _loop(path: Path) -> None:
    path.symlink_to(path.with_name("loop-other"))
    path.with_name("loop-other").symlink_to(path)


def _folder(path: Path) -> None:
    path.mkdir()


def _sparse_gigabyte(path: Path) -> None:
    with path.open("wb") as f:
        f.truncate(2**30)  # sparse: no disk used, but 1 GB to anyone who reads it


# name -> how to make the kiosk.toml path itself special.
SPECIAL_FILES: dict[str, Callable[[Path], None]] = {
    "fifo": _fifo,
    "dev_zero": _dev_zero,
    "symlink_loop": _loop,
    "a_folder": _folder,
    "sparse_1gb": _sparse_gigabyte,
}


@dataclass(frozen=True)
class Run:
    returncode: int | None
    """None when the process was killed at TIME_LIMIT_S."""
    stdout: str
    stderr: str


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _start(args: list[str], cwd: Path) -> subprocess.Popen[str]:
    """The real ``kiosk`` command, in a child limited to MEMORY_LIMIT of address space (started
    from the main thread only: ``preexec_fn`` is not safe beside threads)."""
    return subprocess.Popen([sys.executable, "-m", "appliance.cli", *args], cwd=cwd, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=_limit_memory)


def _finish(proc: subprocess.Popen[str]) -> Run:
    try:
        out, err = proc.communicate(timeout=TIME_LIMIT_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        return Run(None, out, err)
    return Run(proc.returncode, out, err)


def run_many(jobs: list[tuple[str, list[str], Path]], width: int = 4) -> dict[str, Run]:
    """Run the jobs ``width`` at a time; each answer's output is small, so waiting for them in
    order cannot dead-lock on a full pipe."""
    results: dict[str, Run] = {}
    for i in range(0, len(jobs), width):
        started = [(key, _start(args, cwd)) for key, args, cwd in jobs[i:i + width]]
        for key, proc in started:
            results[key] = _finish(proc)
    return results


def kiosk(*args: str, cwd: Path) -> Run:
    return _finish(_start(list(args), cwd))


def _case_dir(root: Path, name: str) -> Path:
    tmp = root / name
    tmp.mkdir()
    _special_paths(tmp)
    return tmp


def _write_case(tmp: Path, name: str, *, provision: bool) -> Path:
    """The case's kiosk.toml (in ``tmp/boot`` for provision); PIN_BASE makes the rest valid."""
    folder = tmp / "boot" if provision else tmp
    folder.mkdir(exist_ok=True)
    path = folder / "kiosk.toml"
    suffix = PIN_BASE if provision else ""
    if name in SPECIAL_FILES:
        SPECIAL_FILES[name](path)
    elif name in BYTE_CASES:
        path.write_bytes(BYTE_CASES[name] + suffix.encode("utf-8"))
    else:
        text = {**TEXT_CASES, **STATUS_ONLY}[name].replace("{tmp}", str(tmp))
        path.write_text(text + suffix, encoding="utf-8")
    return path


def _status_job(root: Path, name: str) -> tuple[str, list[str], Path]:
    tmp = _case_dir(root, f"status-{name}")
    path = _write_case(tmp, name, provision=False)
    return f"status:{name}", ["--config", str(path), "status"], tmp


def _provision_job(root: Path, name: str) -> tuple[str, list[str], Path]:
    tmp = _case_dir(root, f"provision-{name}")
    _write_case(tmp, name, provision=True)
    args = ["provision", "--boot-dir", str(tmp / "boot"), "--data-dir", str(tmp / "data"),
            "--system-dir", str(tmp / "system"), "--owner", "nobody-here"]
    return f"provision:{name}", args, tmp


STATUS_CASES = [*TEXT_CASES, *STATUS_ONLY, *BYTE_CASES, *SPECIAL_FILES]
PROVISION_CASES = [*TEXT_CASES, *BYTE_CASES, *SPECIAL_FILES]


@pytest.fixture(scope="module")
def fuzz(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Run]]:
    """Every case's run, made once for the module, four at a time."""
    root = tmp_path_factory.mktemp("fuzz")
    jobs = [_status_job(root, n) for n in STATUS_CASES]
    jobs += [_provision_job(root, n) for n in PROVISION_CASES]
    return root, run_many(jobs)


def test_there_are_at_least_sixty_malformed_files():
    assert len(set(STATUS_CASES)) >= 60 and len(set(PROVISION_CASES)) >= 60


def _assert_clean(run: Run) -> None:
    assert run.returncode is not None, "timed out"
    assert "Traceback" not in run.stderr and "MemoryError" not in run.stderr, run.stderr
    assert run.returncode == 2, (run.returncode, run.stdout, run.stderr)


@pytest.mark.parametrize("name", STATUS_CASES)
def test_status_refuses_in_one_line(fuzz, name):
    run = fuzz[1][f"status:{name}"]
    _assert_clean(run)
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("kiosk: configuration error: "), run.stderr
    assert "hunter2secret" not in run.stderr


@pytest.mark.parametrize("name", PROVISION_CASES)
def test_provision_refuses_and_tells_the_technician(fuzz, name):
    run, tmp = fuzz[1][f"provision:{name}"], fuzz[0] / f"provision-{name}"
    _assert_clean(run)
    assert run.stderr == ""
    lines = run.stdout.splitlines()
    assert len(lines) == 1, run.stdout
    assert lines[0].startswith("kiosk provision: unconfigured (boot_config_invalid: "), lines
    assert "hunter2secret" not in run.stdout
    report = (tmp / "boot" / "provision-result.txt").read_text(encoding="utf-8")
    assert "boot_config_invalid" in report and "hunter2secret" not in report
    assert (tmp / "data" / "unconfigured.json").is_file()


def test_provision_with_a_data_folder_that_is_a_file(tmp_path):
    (tmp_path / "boot").mkdir()
    (tmp_path / "boot" / "kiosk.toml").write_text(PIN_BASE, encoding="utf-8")
    (tmp_path / "data").write_text("a file\n", encoding="utf-8")
    run = kiosk("provision", "--boot-dir", str(tmp_path / "boot"), "--data-dir",
                str(tmp_path / "data"), "--system-dir", str(tmp_path / "system"),
                "--owner", "nobody-here", cwd=tmp_path)
    _assert_clean(run)
    assert run.stdout.startswith("kiosk provision: unconfigured (device_storage: ")
    report = (tmp_path / "boot" / "provision-result.txt").read_text(encoding="utf-8")
    assert "device_storage" in report


def test_a_utf8_bom_is_accepted(tmp_path):
    path = tmp_path / "kiosk.toml"
    text = f'[kiosk]\nid = "K5"\ndata_dir = "{tmp_path / "data"}"\nclock = "host"\n'
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    run = kiosk("--config", str(path), "status", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "kiosk K5" in run.stdout


def test_a_utf8_bom_is_accepted_by_provision_and_the_secrets_still_moved(tmp_path):
    (tmp_path / "boot").mkdir()
    boot = tmp_path / "boot" / "kiosk.toml"
    boot.write_bytes(b"\xef\xbb\xbf" + ('[kiosk]\nid = "K5"\n' + PIN_BASE).encode("utf-8"))
    run = kiosk("provision", "--boot-dir", str(tmp_path / "boot"), "--data-dir",
                str(tmp_path / "data"), "--system-dir", str(tmp_path / "system"),
                "--owner", "nobody-here", cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.startswith("kiosk provision: provisioned")
    assert b"482913" not in boot.read_bytes()
