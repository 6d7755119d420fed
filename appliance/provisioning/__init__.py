"""First-boot provisioning: from the technician's ``kiosk.toml`` on the boot partition to a kiosk.

What it does (docs/technician.md has the technician's view):

1. read and validate ``<boot>/kiosk.toml`` (the normal schema plus ``[provision]`` and ``[wifi]``);
2. create the device key (``<data>/secrets/device.key``, 0600);
3. move secrets off the FAT: the gateway client secret and the one-time enrolment code to
   ``<data>/secrets/gateway.json`` (0600; the sync daemon enrols the device key with the code on
   first contact, then deletes it), the Wi-Fi passphrase into the NetworkManager profile (0600),
   the staff PIN into a scrypt hash; then blank them in the boot file;
4. write the installed configuration, hostname and time zone under ``<system>``;
5. write ``provision-result.txt`` on the boot partition for the technician.

It is idempotent: a boot file whose digest matches the last success is "unchanged". Blank secrets on
a later run mean "keep what was moved before". A missing or bad file never crashes the kiosk: if a
good configuration was installed before it stays in force; otherwise ``<data>/unconfigured.json``
tells the UI to show "chưa cấu hình" with the reason, and a minimal configuration is installed so
that ``kiosk run`` starts and shows it (instead of failing and being restarted forever).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import pwd
import re
import time
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path

import tomlkit

from appliance import __version__
from appliance.config import ConfigError, KioskConfig, check_paths, parse, read_text
from appliance.durable import fsync_dir, write_atomic
from appliance.pin import hash_pin, is_pin_hash
from appliance.provisioning import network
from appliance.provisioning.render import comment_lines, render
from appliance.provisioning.scrub import scrub, secrets_present
from kioskbase.errors import BilingualError

BOOT_CONFIG = "kiosk.toml"
RESULT_FILE = "provision-result.txt"
UNCONFIGURED_FILE = "unconfigured.json"
"""In the data dir while the kiosk has no usable configuration; the UI shows its ``reason_vi``."""
STATE_FILE = "provisioned.json"
DEVICE_KEY = Path("secrets") / "device.key"
GATEWAY_SECRETS = Path("secrets") / "gateway.json"
INSTALLED_CONFIG = "kiosk.toml"
ZONEINFO = Path("/usr/share/zoneinfo")
_HOSTNAME = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")

REASONS_VI = {
    "boot_config_missing": "Máy chưa được cấu hình: không tìm thấy tệp kiosk.toml trên thẻ nhớ. "
    "Xin vui lòng báo cán bộ kỹ thuật.",
    "boot_config_invalid": "Máy chưa được cấu hình: tệp kiosk.toml có lỗi. "
    "Xin vui lòng báo cán bộ kỹ thuật.",
    "boot_config_incomplete": "Máy chưa được cấu hình: tệp kiosk.toml còn thiếu thông tin. "
    "Xin vui lòng báo cán bộ kỹ thuật.",
    "device_storage": "Máy chưa được cấu hình: không ghi được vào bộ nhớ của máy. "
    "Xin vui lòng báo cán bộ kỹ thuật.",
}


@dataclass(frozen=True)
class Layout:
    """Where provisioning reads and writes; the defaults are the image's (image-build/)."""

    boot_dir: Path = Path("/boot/firmware")
    data_dir: Path = Path("/var/lib/kiosk")
    """The kiosk's data folder (bind-mounted from the data partition)."""
    system_dir: Path = Path("/data/system")
    """Per-device system files on the data partition: installed kiosk.toml (/etc/kiosk/kiosk.toml
    points here), hostname, localtime, NetworkManager profiles."""
    owner: str | None = None
    """User that owns the data folder (the services' user); None leaves ownership alone."""

    @property
    def nm_dir(self) -> Path:
        return self.system_dir / "NetworkManager" / "system-connections"


@dataclass
class Outcome:
    """What one run did; ``status`` is provisioned, unchanged, unconfigured or kept_previous."""

    status: str
    code: str = ""
    reason_en: str = ""
    kiosk_id: str = ""
    hostname: str = ""
    device_public_key: str = ""
    scrubbed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status in ("provisioned", "unchanged")

    def to_json(self) -> dict[str, object]:
        return dataclasses.asdict(self)


class ProvisionError(BilingualError):
    """The boot configuration cannot be applied; ``code`` is one of REASONS_VI's keys."""

    def __init__(self, code: str, reason_en: str) -> None:
        super().__init__(code, REASONS_VI[code], reason_en)


# --------------------------------------------------------------------------- file helpers


def _symlink_atomic(target: str, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.new")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    tmp.symlink_to(target)
    os.replace(tmp, path)
    fsync_dir(path.parent)


def _chown_tree(root: Path, user: str | None) -> None:
    if not user:
        return
    entry = pwd.getpwnam(user)
    for path in [root, *root.rglob("*")]:
        os.chown(path, entry.pw_uid, entry.pw_gid, follow_symlinks=False)


def _chgrp(path: Path, user: str | None) -> None:
    """Root keeps ownership; the services' group may read (the installed config)."""
    if user:
        os.chown(path, 0, pwd.getpwnam(user).pw_gid)


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")


# --------------------------------------------------------------------------- checks


def _read_boot_config(layout: Layout) -> tuple[str, KioskConfig]:
    path = layout.boot_dir / BOOT_CONFIG
    if not os.path.lexists(path):
        raise ProvisionError("boot_config_missing", f"{path}: file not found")
    try:  # bounded: a FIFO, a device, a huge or deeply nested file is refused, never a crash
        text = read_text(path)
        return text, parse(text, str(path))
    except ConfigError as exc:
        raise ProvisionError("boot_config_invalid", str(exc)) from None


def _check(config: KioskConfig, layout: Layout) -> None:
    """Checks that only matter on a device (the schema has checked types already)."""
    src = config.source
    prov, wifi = config.provision, config.wifi

    def bad(key: str, expected: str, code: str = "boot_config_invalid") -> ProvisionError:
        return ProvisionError(code, str(ConfigError(src, key, expected)))

    if prov.hostname and not _HOSTNAME.match(prov.hostname):
        raise bad("provision.hostname", "expected lower-case letters, digits and '-', ≤ 63")
    try:
        zoneinfo.ZoneInfo(prov.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise bad("provision.timezone", f"unknown time zone {prov.timezone!r}") from None
    if prov.staff_pin and not re.fullmatch(r"[0-9]{4,12}", prov.staff_pin):
        raise bad("provision.staff_pin", "expected 4–12 digits")
    if config.staff.pin_hash and not is_pin_hash(config.staff.pin_hash):
        raise bad("staff.pin_hash", "expected a scrypt$n$r$p$salt$hash value (or use "
                  "provision.staff_pin)")
    if wifi.ssid:
        problem = network.check_ssid(wifi.ssid)
        if problem:
            raise bad("wifi.ssid", problem)
    if wifi.psk:
        if not wifi.ssid:
            raise bad("wifi.ssid", "needed when wifi.psk is given")
        problem = network.check_psk(wifi.psk)
        if problem:
            raise bad("wifi.psk", problem)
    if prov.gateway_client_secret and not prov.gateway_client_id:
        raise bad("provision.gateway_client_id", "needed with gateway_client_secret")
    as_installed = dataclasses.replace(  # the files it names, as the installed copy will
        config,
        kiosk=dataclasses.replace(config.kiosk, data_dir=str(layout.data_dir)),
        gateway=dataclasses.replace(config.gateway, credentials_file=""),
    )
    try:
        check_paths(as_installed)
    except ConfigError as exc:
        raise ProvisionError("boot_config_invalid", str(exc)) from None


# --------------------------------------------------------------------------- the steps


def _pin_hash(config: KioskConfig, previous: KioskConfig | None) -> str:
    if config.provision.staff_pin:
        return hash_pin(config.provision.staff_pin)
    if config.staff.pin_hash:
        return config.staff.pin_hash
    if previous and previous.staff.pin_hash:
        return previous.staff.pin_hash
    raise ProvisionError(
        "boot_config_incomplete",
        f"{config.source}: provision.staff_pin: a staff PIN is required on a device",
    )


def _gateway_credentials(config: KioskConfig, layout: Layout) -> str:
    """Path of the credentials file the installed config names ("" if no gateway)."""
    target = layout.data_dir / GATEWAY_SECRETS
    prov = config.provision
    code = {"enrolment_code": config.gateway.enrolment_code} \
        if config.gateway.enrolment_code else {}
    if prov.gateway_client_secret:
        creds = {"client_id": prov.gateway_client_id, "client_secret": prov.gateway_client_secret}
        write_atomic(target, json.dumps({**creds, **code}, indent=2) + "\n", mode=0o600)
        return str(target)
    if target.exists():
        stored = json.loads(target.read_text(encoding="utf-8"))
        if prov.gateway_client_id and stored.get("client_id") != prov.gateway_client_id:
            raise ProvisionError(
                "boot_config_incomplete",
                f"{config.source}: provision.gateway_client_secret: the client id changed, "
                "so its secret is needed too",
            )
        if code:  # a new code (rotation) beside the kept client secret
            write_atomic(target, json.dumps({**stored, **code}, indent=2) + "\n", mode=0o600)
        return str(target)
    if code:
        raise ProvisionError(
            "boot_config_incomplete",
            f"{config.source}: provision.gateway_client_secret: gateway.enrolment_code is set, "
            "so the gateway client id and secret are required",
        )
    if config.gateway.credentials_file:
        return config.gateway.credentials_file
    if config.gateway.url:
        raise ProvisionError(
            "boot_config_incomplete",
            f"{config.source}: provision.gateway_client_secret: gateway.url is set, so the "
            "gateway client id and secret are required",
        )
    return ""


def _wifi(config: KioskConfig, layout: Layout) -> None:
    profile = layout.nm_dir / f"{network.PROFILE_NAME}.nmconnection"
    wifi = config.wifi
    if not wifi.ssid:
        with contextlib.suppress(FileNotFoundError):
            profile.unlink()
        return
    psk = wifi.psk
    if not psk and profile.exists():  # blanked after an earlier run: keep the stored passphrase
        old = profile.read_text(encoding="utf-8")
        if network.read_ssid(old) == wifi.ssid:
            psk = network.read_psk(old)
    write_atomic(profile, network.keyfile(wifi.ssid, psk, hidden=wifi.hidden), mode=0o600)


def _installed(config: KioskConfig, layout: Layout, pin_hash: str, credentials: str) -> str:
    installed = dataclasses.replace(
        config,
        kiosk=dataclasses.replace(config.kiosk, data_dir=str(layout.data_dir)),
        gateway=dataclasses.replace(config.gateway, credentials_file=credentials,
                                    enrolment_code=""),
        staff=dataclasses.replace(config.staff, pin_hash=pin_hash),
    )
    header = (
        f"Installed by kiosk provision {__version__} at {_now()} from {config.source}.\n"
        "Do not edit: edit kiosk.toml on the boot partition and reboot."
    )
    text = render(installed, omit=("provision", "wifi"), header=header)
    parse(text, "installed kiosk.toml")  # what we install must load
    return text


def _load_previous(layout: Layout) -> tuple[dict[str, object], KioskConfig | None]:
    try:
        state = json.loads(read_text(layout.data_dir / STATE_FILE))
    except (ConfigError, ValueError, RecursionError):
        return {}, None
    try:
        path = layout.system_dir / INSTALLED_CONFIG
        return state, parse(read_text(path), str(path))
    except ConfigError:
        return {}, None


def _fallback_config(layout: Layout) -> str:
    """The minimal configuration under which ``kiosk run`` starts and shows "chưa cấu hình"."""
    doc = tomlkit.document()
    comment_lines(doc, "Installed by kiosk provision: the boot partition's kiosk.toml is missing "
                  f"or wrong.\nSee {UNCONFIGURED_FILE} in the data folder and provision-result.txt "
                  "on the boot partition.")
    doc.add("kiosk", {"data_dir": str(layout.data_dir)})
    doc.add("ui", {"fullscreen": True})
    return tomlkit.dumps(doc)


# --------------------------------------------------------------------------- entry point


def provision(layout: Layout) -> Outcome:
    """Apply the boot partition's kiosk.toml; never raises for a bad or missing file."""
    state, previous = _load_previous(layout)
    try:
        outcome = _apply(layout, state, previous)
    except ProvisionError as exc:
        outcome = _fail(layout, exc, previous)
    except OSError as exc:  # the data or system folder is unusable (a file, read-only, full)
        outcome = _fail(layout, ProvisionError("device_storage", f"{exc.filename}: "
                                               f"{exc.strerror}"), previous)
    _write_result(layout, outcome)
    return outcome


def _apply(layout: Layout, state: dict[str, object], previous: KioskConfig | None) -> Outcome:
    text, config = _read_boot_config(layout)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    from appliance.crypto import DeviceKey  # PyNaCl: only when there is something to provision

    layout.data_dir.mkdir(parents=True, exist_ok=True)
    (layout.data_dir / "secrets").mkdir(mode=0o700, exist_ok=True)
    key = DeviceKey.load_or_create(layout.data_dir / DEVICE_KEY)
    hostname = config.provision.hostname or f"kiosk-{config.kiosk.id.lower()}"
    outcome = Outcome("unchanged", kiosk_id=config.kiosk.id, hostname=hostname,
                      device_public_key=key.public_key_b64)
    if previous is not None and state.get("boot_sha256") == digest:
        _chown_tree(layout.data_dir, layout.owner)
        return outcome

    _check(config, layout)
    pin_hash = _pin_hash(config, previous)
    credentials = _gateway_credentials(config, layout)
    _wifi(config, layout)
    write_atomic(layout.system_dir / "hostname", hostname + "\n")
    _symlink_atomic(str(ZONEINFO / config.provision.timezone), layout.system_dir / "localtime")
    installed = layout.system_dir / INSTALLED_CONFIG
    write_atomic(installed, _installed(config, layout, pin_hash, credentials), mode=0o640)
    _chgrp(installed, layout.owner)
    outcome.status = "provisioned"
    outcome.scrubbed, scrubbed_text = _scrub_boot(layout, text)
    new_state = {
        "boot_sha256": hashlib.sha256(scrubbed_text.encode("utf-8")).hexdigest(),
        "time": _now(),
        "kiosk_id": config.kiosk.id,
        "hostname": hostname,
        "device_public_key": key.public_key_b64,
        "version": __version__,
    }
    write_atomic(layout.data_dir / STATE_FILE, json.dumps(new_state, indent=2) + "\n")
    with contextlib.suppress(FileNotFoundError):
        (layout.data_dir / UNCONFIGURED_FILE).unlink()
    _chown_tree(layout.data_dir, layout.owner)
    return outcome


def _scrub_boot(layout: Layout, text: str) -> tuple[list[str], str]:
    """Blank the secrets in the boot file; returns (keys blanked, the file's new text)."""
    if not secrets_present(text):
        return [], text
    new_text, blanked = scrub(text)
    write_atomic(layout.boot_dir / BOOT_CONFIG, new_text)
    return blanked, new_text


def _fail(layout: Layout, exc: ProvisionError, previous: KioskConfig | None) -> Outcome:
    outcome = Outcome("kept_previous" if previous else "unconfigured", exc.code, exc.reason_en)
    if previous is not None:
        outcome.kiosk_id = previous.kiosk.id
        return outcome
    record = {
        "code": exc.code,
        "reason_en": exc.reason_en,
        "reason_vi": exc.reason_vi,
        "time": _now(),
    }
    try:
        layout.data_dir.mkdir(parents=True, exist_ok=True)
        write_atomic(layout.data_dir / UNCONFIGURED_FILE,
                     json.dumps(record, ensure_ascii=False, indent=2) + "\n")
        write_atomic(layout.system_dir / INSTALLED_CONFIG, _fallback_config(layout), mode=0o640)
        _chgrp(layout.system_dir / INSTALLED_CONFIG, layout.owner)
        _chown_tree(layout.data_dir, layout.owner)
    except OSError as err:  # still tell the technician on the boot partition
        outcome.warnings.append(f"could not record the failure: {err.filename}: {err.strerror}")
    return outcome


def _write_result(layout: Layout, outcome: Outcome) -> None:
    """The technician's receipt on the boot partition (readable from any computer)."""
    if not layout.boot_dir.is_dir():
        return
    headline = {
        "provisioned": "OK: kiosk provisioned / Đã cấu hình xong",
        "unchanged": "OK: already provisioned, kiosk.toml unchanged / Cấu hình không đổi",
        "kept_previous": "FAILED: kiosk.toml has a problem; the previous configuration stays in "
        "force / Lỗi cấu hình, máy vẫn dùng cấu hình cũ",
        "unconfigured": "FAILED: kiosk not configured / Máy chưa được cấu hình",
    }[outcome.status]
    lines = [headline, f"time: {_now()}", f"kiosk provision version: {__version__}"]
    if outcome.reason_en:
        lines += [f"problem ({outcome.code}): {outcome.reason_en}",
                  "fix kiosk.toml on this partition and restart the kiosk."]
    if outcome.kiosk_id:
        lines.append(f"kiosk id: {outcome.kiosk_id}")
    if outcome.hostname:
        lines.append(f"hostname: {outcome.hostname}")
    if outcome.device_public_key:
        lines.append(f"device public key (enrolled at the gateway with gateway.enrolment_code on "
                     f"first contact): {outcome.device_public_key}")
    if outcome.scrubbed:
        lines.append("secrets moved to the data partition and blanked here: "
                     + ", ".join(outcome.scrubbed))
    lines += [f"warning: {w}" for w in outcome.warnings]
    try:
        write_atomic(layout.boot_dir / RESULT_FILE, "\r\n".join(lines) + "\r\n")
    except OSError as exc:  # a read-only or full FAT must not turn into a crash loop
        outcome.warnings.append(f"could not write {RESULT_FILE}: {exc}")
