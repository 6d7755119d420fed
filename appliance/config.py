"""Loading and validating ``kiosk.toml``.

The file is edited by technicians on a FAT boot partition with a text editor, so every mistake must
come back as one precise line (file, key, what was expected) rather than a traceback. The schema is
a set of frozen dataclasses: a field's type annotation is the check, its default the desktop
default. Unknown keys are errors, because a misspelt key silently ignored is a kiosk misconfigured.

Lookup order (DESIGN §11): ``--config PATH``, then ``$KIOSK_CONFIG``, then
``/etc/kiosk/kiosk.toml``, then a desktop default with simulated hardware and a per-user data dir.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import ipaddress
import math
import os
import re
import stat
import tomllib
import typing
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import platformdirs

from kioskbase import files

SYSTEM_CONFIG = Path("/etc/kiosk/kiosk.toml")
DEVICE_DATA_DIR = Path("/var/lib/kiosk")
ENV_VAR = "KIOSK_CONFIG"
MAX_CONFIG_BYTES = 256 * 1024
"""Largest kiosk.toml read (a commented real one is ~5 KB): a huge or endless file is refused
before it is read, so no file can make the kiosk allocate more than this."""
MAX_STRING_CHARS = 1024
"""Longest string value; the longest real ones (addresses, a PIN hash) are ~120 characters."""
MAX_LIST_ITEMS = 100


class ConfigError(Exception):
    """A configuration problem, phrased for the technician: where, which key, what is expected."""

    def __init__(self, source: str, key: str, expected: str) -> None:
        self.source = source
        self.key = key
        self.expected = expected
        text = f"{source}: {key}: {expected}" if key else f"{source}: {expected}"
        super().__init__(one_line(text))


def one_line(text: str) -> str:
    """``text`` with control, format and line-separator characters escaped (``\\u2028``), so a
    message naming a hostile key or file name stays one line and shows what is really there."""
    return "".join(
        f"\\u{ord(c):04x}" if unicodedata.category(c) in _INVISIBLE else c for c in text
    )


_INVISIBLE = ("Cc", "Cf", "Cs", "Co", "Zl", "Zp")


@dataclass(frozen=True)
class KioskSection:
    """Who this kiosk is and where it stands."""

    id: str = "K01"
    """Short kiosk number, unique within the receiving unit; part of every dossier code."""
    unit_code: str = "000.00.00.H00"
    """Electronic id of the receiving unit (mã định danh điện tử), first part of dossier codes."""
    unit_name: str = "Trung tâm Phục vụ hành chính công xã Mẫu"
    parent_body: str = "UBND XÃ MẪU"
    place: str = "Xã Mẫu"
    """Place name written before the date on the slip (``<place>, ngày … tháng … năm …``)."""
    site: str = "Trụ sở UBND xã"
    """Where the kiosk stands at first; field staff change it when they move the kiosk."""
    sites: list[str] = field(default_factory=list)
    """The places staff may move it to (the commune office, village cultural houses), offered in
    staff mode with any the gateway's catalogue lists: known offline from the first day."""
    data_dir: str = ""
    """Store location; empty means ``/var/lib/kiosk`` on a device, a per-user folder elsewhere."""
    clock: str = "auto"
    """``auto``: trust the wall clock only when NTP-synchronised, kept by an RTC or confirmed by
    staff; ``host``: the operating system keeps time (desktops, VMs)."""
    hotline: str = ""
    """The unit's hotline printed on every slip ("Đường dây nóng: …"); empty prints none."""


@dataclass(frozen=True)
class GatewaySection:
    """The provincial integration gateway (DESIGN §7)."""

    url: str = ""
    """Base URL; empty means no gateway configured (the kiosk still works offline)."""
    credentials_file: str = ""
    """JSON file with ``client_id`` and ``client_secret``; kept 0600 on the data partition."""
    ca_bundle: str = ""
    """Extra CA bundle for TLS verification; empty means the system store."""
    portal_public_key: str = ""
    """Base64 Curve25519 public key that dossiers are sealed to."""
    receipt_public_key: str = ""
    """Base64 Ed25519 key the gateway signs its receipts with; a dossier becomes ``sent`` only on
    a receipt whose signature verifies with it (docs/gateway-api.yaml, Receipt)."""
    enrolment_code: str = ""
    """One-time code from the gateway's administrator that lets this kiosk register its device
    key (no trust on first use); moved to the credentials file at provisioning and scrubbed here."""
    lookup_url: str = "https://dichvucong.example.gov.vn/tra-cuu"
    """Public tracking page; the slip's QR is ``<lookup_url>?ma=<code>``."""
    connect_timeout_s: float = 5.0
    read_timeout_s: float = 30.0


@dataclass(frozen=True)
class HardwareSection:
    """Which backend each device seam uses (see docs/hardware.md for the strings)."""

    camera: str = "sim"
    qr_decoder: str = "zxing"
    scanner: str = "sim"
    printer: str = "sim"
    paper_width_mm: int = 80
    gpio: str = "mock"
    network: str = "sim"
    card_reader: str = "none"
    """The ID-card chip reader (docs/identity.md): ``none``, ``sim`` (a virtual card the demo and
    tests put down), ``pcsc`` (the first PC/SC reader) or ``pcsc:<part of the reader name>``."""
    sim_dir: str = ""
    """Folder the simulated camera and scanner read from; empty means ``<data_dir>/sim``."""
    pins: dict[str, int] = field(
        default_factory=lambda: {
            "status_green": 17,
            "status_amber": 27,
            "status_red": 22,
            "help_button": 23,
            "help_output": 24,
            "motion": 25,
            "power_fail": 5,
        }
    )


@dataclass(frozen=True)
class IdentitySection:
    """How citizens are identified: a province's settings (docs/identity.md)."""

    allow_qr_only: bool = True
    """When the chip cannot be read (no reader, a broken chip), may the citizen go on with the
    card's unsigned QR alone (the dossier is marked ``qr``)? False: staff must help."""
    read_face: bool = False
    """Read the chip's face image (DG2) and send it in the sealed payload. Off: never read."""
    trust_store: str = ""
    """Folder of CSCA certificates, master lists and CRLs; empty means ``<data_dir>/truststore``
    (the gateway's trust-store updates are installed there)."""


@dataclass(frozen=True)
class UISection:
    fullscreen: bool = False
    width: int = 800
    height: int = 480
    voice: bool = False
    inactivity_timeout_s: int = 120
    countdown_s: int = 20


@dataclass(frozen=True)
class StaffSection:
    pin_hash: str = ""
    """``scrypt$…`` hash of the staff PIN (``kiosk`` never stores the PIN itself); empty = 1234
    on a desktop default, refused on a provisioned device."""
    max_attempts: int = 5
    lockout_s: int = 300


WORKING_DAY_COUNTS = ("whole_days", "working_hours")


@dataclass(frozen=True)
class CalendarSection:
    office_hours: list[str] = field(default_factory=lambda: ["07:00-11:30", "13:30-17:00"])
    saturday_hours: list[str] = field(default_factory=list)
    """Some communes open on Saturday mornings, e.g. ``["07:30-11:30"]``."""
    overrides_file: str = ""
    """Extra reviewed holiday overrides (TOML) on top of the shipped table."""
    working_day_count: str = "whole_days"
    """How a limit in working days is counted: ``whole_days`` (the day of receipt is not counted,
    Civil Code art. 147) or ``working_hours`` (N × office hours from the receipt time), one of
    WORKING_DAY_COUNTS (appliance.domain.calendar.DayCount; docs/domain.md §3)."""


@dataclass(frozen=True)
class StorageSection:
    reserve_mb: int = 256
    """New submissions are refused when free space would drop below this."""
    retention_days: int = 90
    """How long tombstones of purged dossiers are kept."""


@dataclass(frozen=True)
class SyncSection:
    interval_s: float = 60.0
    backoff_cap_s: float = 300.0
    escalate_after_h: float = 24.0
    batch_size: int = 20


@dataclass(frozen=True)
class ProvisionSection:
    """Boot-partition-only settings, applied by ``kiosk provision`` (systemd/, docs/technician.md).

    Secrets typed here by the technician are moved to the data partition and blanked on the FAT;
    the installed copy of the configuration carries none of this section.
    """

    hostname: str = ""
    """Network name; empty means ``kiosk-<kiosk.id>`` in lower case."""
    timezone: str = "Asia/Ho_Chi_Minh"
    staff_pin: str = ""
    """Staff PIN in clear (4–12 digits): hashed into ``staff.pin_hash``, then blanked."""
    gateway_client_id: str = ""
    gateway_client_secret: str = ""
    """Moved to ``gateway.credentials_file`` (0600 on the data partition), then blanked."""


@dataclass(frozen=True)
class WifiSection:
    """One Wi-Fi network, written as a NetworkManager profile by ``kiosk provision``."""

    ssid: str = ""
    """Empty means no Wi-Fi profile (Ethernet or staff-mode setup)."""
    psk: str = ""
    """WPA2/WPA3 passphrase (8–63 characters); moved into the profile (0600), then blanked."""
    hidden: bool = False


@dataclass(frozen=True)
class KioskConfig:
    kiosk: KioskSection = field(default_factory=KioskSection)
    gateway: GatewaySection = field(default_factory=GatewaySection)
    hardware: HardwareSection = field(default_factory=HardwareSection)
    identity: IdentitySection = field(default_factory=IdentitySection)
    ui: UISection = field(default_factory=UISection)
    staff: StaffSection = field(default_factory=StaffSection)
    calendar: CalendarSection = field(default_factory=CalendarSection)
    storage: StorageSection = field(default_factory=StorageSection)
    sync: SyncSection = field(default_factory=SyncSection)
    provision: ProvisionSection = field(default_factory=ProvisionSection)
    wifi: WifiSection = field(default_factory=WifiSection)
    source: str = "<built-in desktop default>"
    """Where this configuration came from (for messages); not a file key."""

    @property
    def data_dir(self) -> Path:
        """``kiosk.data_dir``; if empty, ``/var/lib/kiosk`` for a device's installed
        configuration (under /etc/kiosk) and a per-user folder anywhere else."""
        if self.kiosk.data_dir:
            return Path(self.kiosk.data_dir).expanduser()
        if Path(self.source).parent == SYSTEM_CONFIG.parent:
            return DEVICE_DATA_DIR
        return Path(platformdirs.user_data_dir("kiosk", appauthor=False))

    @property
    def sim_dir(self) -> Path:
        return (
            Path(self.hardware.sim_dir).expanduser()
            if self.hardware.sim_dir
            else (self.data_dir / "sim")
        )

    @property
    def trust_store_dir(self) -> Path:
        if self.identity.trust_store:
            return Path(self.identity.trust_store).expanduser()
        return self.data_dir / "truststore"

    def with_data_dir(self, data_dir: Path) -> KioskConfig:
        """A copy pointing at another data folder (demo, tests, benchmarks)."""
        kiosk = dataclasses.replace(self.kiosk, data_dir=str(data_dir))
        return dataclasses.replace(self, kiosk=kiosk)


_SECTIONS: dict[str, type] = {
    f.name: typing.get_type_hints(KioskConfig)[f.name]
    for f in dataclasses.fields(KioskConfig)
    if f.name != "source"
}


def _describe(tp: object) -> str:
    origin = typing.get_origin(tp)
    if origin is list:
        return f"a list of {_describe(typing.get_args(tp)[0])}"
    if origin is dict:
        return f"a table of {_describe(typing.get_args(tp)[1])}"
    names: dict[object, str] = {
        str: "a string", int: "a whole number", float: "a number", bool: "true or false"
    }
    return names.get(tp, str(tp))


def _check_value(value: object, tp: object, source: str, key: str) -> object:
    origin = typing.get_origin(tp)
    if origin is list:
        (item_tp,) = typing.get_args(tp)
        if not isinstance(value, list):
            raise ConfigError(source, key, f"expected {_describe(tp)}, got {_kind(value)}")
        if len(value) > MAX_LIST_ITEMS:
            raise ConfigError(source, key, f"expected at most {MAX_LIST_ITEMS} items")
        return [_check_value(v, item_tp, source, f"{key}[{i}]") for i, v in enumerate(value)]
    if origin is dict:
        _, val_tp = typing.get_args(tp)
        if not isinstance(value, dict):
            raise ConfigError(source, key, f"expected {_describe(tp)}, got {_kind(value)}")
        if len(value) > MAX_LIST_ITEMS:
            raise ConfigError(source, key, f"expected at most {MAX_LIST_ITEMS} entries")
        return {k: _check_value(v, val_tp, source, f"{key}.{k}") for k, v in value.items()}
    if tp is str and isinstance(value, str):
        return _check_string(value, source, key)
    if tp is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if tp is int and isinstance(value, bool):
        raise ConfigError(source, key, f"expected {_describe(tp)}, got {_kind(value)}")
    # tp is a class or a union (X | None) from the dataclass's hints; typed `object` for the rest.
    if not isinstance(value, tp):  # type: ignore[arg-type]
        raise ConfigError(source, key, f"expected {_describe(tp)}, got {_kind(value)}")
    return value


def _check_string(value: str, source: str, key: str) -> str:
    """No control or invisible format characters: a NUL in a path crashes ``open``, and an
    invisible or bidirectional character prints a different text on the slip than it shows."""
    if len(value) > MAX_STRING_CHARS:
        raise ConfigError(source, key, f"expected at most {MAX_STRING_CHARS} characters")
    for c in value:
        if unicodedata.category(c) in _INVISIBLE:
            raise ConfigError(
                source, key, f"contains the invisible or control character U+{ord(c):04X}"
            )
    return value


def _kind(value: object) -> str:
    return {
        str: "a string",
        int: "a whole number",
        float: "a number",
        bool: "true/false",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)


def _build_section(cls: type, raw: object, source: str, name: str) -> object:
    if not isinstance(raw, dict):
        raise ConfigError(source, f"[{name}]", "expected a table (a [section] header)")
    hints = typing.get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls)}
    values: dict[str, object] = {}
    for key, value in raw.items():
        if key not in known:
            allowed = ", ".join(sorted(known))
            raise ConfigError(source, f"{name}.{key}", f"unknown key (known keys: {allowed})")
        values[key] = _check_value(value, hints[key], source, f"{name}.{key}")
    return cls(**values)


def _is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


_BOUNDS: dict[str, tuple[float, float, bool]] = {
    # key: (low, high, low excluded). Zero or negative timeouts and waits spin or disarm the
    # kiosk (backoff_cap_s = 0 retried 1,261 times in 8 s; lockout_s = -300 allowed 10,000 PIN
    # guesses); infinite ones hang it. The highs are far beyond any sensible setting.
    "gateway.connect_timeout_s": (0, 600, True),
    "gateway.read_timeout_s": (0, 3600, True),
    "ui.width": (100, 10_000, False),
    "ui.height": (100, 10_000, False),
    "ui.inactivity_timeout_s": (10, 86_400, False),
    "ui.countdown_s": (1, 3600, False),
    "staff.max_attempts": (1, 10, False),
    "staff.lockout_s": (1, 86_400, False),
    "storage.reserve_mb": (0, 1_000_000, False),
    "storage.retention_days": (0, 3650, False),
    "sync.interval_s": (0, 86_400, True),
    "sync.backoff_cap_s": (0, 86_400, True),
    "sync.escalate_after_h": (0, 8760, True),
    "sync.batch_size": (1, 1000, False),
}
_KIOSK_ID = re.compile(r"[A-Za-z0-9]{1,8}")
_UNIT_CODE = re.compile(r"[A-Za-z0-9]+(?:\.[A-Za-z0-9]+)*")  # as appliance.domain.codes
_CARD_READER = re.compile(r"none|sim|pcsc(?::[A-Za-z0-9 ._()\[\]-]{1,64})?")
"""A PC/SC reader name part: printable ASCII as pcscd names readers (``ACS ACR1252 1S CL …``)."""
_KEY_BYTES = 32


def _check_bounds(config: KioskConfig) -> None:
    for key, (low, high, open_low) in _BOUNDS.items():
        section, name = key.split(".")
        value = getattr(getattr(config, section), name)
        too_low = value <= low if open_low else value < low
        if not math.isfinite(value) or too_low or value > high:
            sign = ">" if open_low else "≥"
            raise ConfigError(
                config.source, key, f"expected a number {sign} {low} and ≤ {high}, got {value}"
            )
    for pin, number in config.hardware.pins.items():
        if not 0 <= number <= 27:
            raise ConfigError(config.source, f"hardware.pins.{pin}", "expected a BCM pin 0–27")


def _check_url(src: str, key: str, url: str, *, http_anywhere: bool) -> None:
    """An http(s) URL with a host and no user name or password; never echoes the URL, which may
    hold a secret."""
    try:
        parts = urlsplit(url)
        host, _port = parts.hostname, parts.port
    except ValueError:
        raise ConfigError(src, key, "not a valid URL (check brackets and the port)") from None
    if parts.username is not None or parts.password is not None:
        raise ConfigError(
            src, key, "must not contain a user name or password (user:password@); "
            "the gateway client secret goes in the credentials file"
        )
    if parts.scheme not in ("https", "http") or not host:
        raise ConfigError(src, key, "expected an https:// URL with a host name")
    if parts.scheme == "http" and not (http_anywhere or _is_loopback(host)):
        raise ConfigError(
            src, key, f"plain http:// is only allowed for loopback; use https:// for {host}"
        )


def _check_key(src: str, key: str, value: str) -> None:
    """Empty (not configured) or the base64 of a 32-byte Curve25519/Ed25519 public key."""
    if not value:
        return
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != _KEY_BYTES:
        raise ConfigError(src, key, "expected the base64 of a 32-byte public key (44 characters)")


def validate(config: KioskConfig) -> KioskConfig:
    """Cross-field and range checks that a type annotation cannot express."""
    src = config.source
    if config.gateway.url:
        _check_url(src, "gateway.url", config.gateway.url, http_anywhere=False)
    _check_url(src, "gateway.lookup_url", config.gateway.lookup_url, http_anywhere=True)
    _check_key(src, "gateway.portal_public_key", config.gateway.portal_public_key)
    _check_key(src, "gateway.receipt_public_key", config.gateway.receipt_public_key)
    if not _KIOSK_ID.fullmatch(config.kiosk.id):
        raise ConfigError(src, "kiosk.id", 'expected 1–8 ASCII letters or digits, e.g. "K01"')
    if not _UNIT_CODE.fullmatch(config.kiosk.unit_code):
        raise ConfigError(src, "kiosk.unit_code", 'expected letters/digits separated by dots, '
                          'e.g. "000.00.00.H56"')
    if config.kiosk.clock not in ("auto", "host"):
        raise ConfigError(src, "kiosk.clock", 'expected "auto" or "host"')
    if config.hardware.paper_width_mm not in (58, 80):
        raise ConfigError(src, "hardware.paper_width_mm", "expected 58 or 80")
    if config.hardware.qr_decoder not in ("zxing", "pyzbar"):
        raise ConfigError(src, "hardware.qr_decoder", 'expected "zxing" or "pyzbar"')
    if not _CARD_READER.fullmatch(config.hardware.card_reader):
        raise ConfigError(src, "hardware.card_reader",
                          'expected "none", "sim", "pcsc" or "pcsc:<part of the reader name>"')
    _check_bounds(config)
    for i, span in enumerate(config.calendar.office_hours + config.calendar.saturday_hours):
        if not _is_span(span):
            raise ConfigError(src, f"calendar hours[{i}]", f'expected "HH:MM-HH:MM", got {span!r}')
    if config.calendar.working_day_count not in WORKING_DAY_COUNTS:
        raise ConfigError(src, "calendar.working_day_count",
                          'expected "whole_days" or "working_hours"')
    return config


def _is_span(span: str) -> bool:
    try:
        start, end = span.split("-")
        sh, sm = (int(x) for x in start.split(":"))
        eh, em = (int(x) for x in end.split(":"))
    except ValueError:
        return False
    return 0 <= sh < 24 and 0 <= eh < 24 and 0 <= sm < 60 and 0 <= em < 60 and (sh, sm) < (eh, em)


def parse(text: str, source: str) -> KioskConfig:
    """Parse TOML text into a validated configuration (a leading UTF-8 BOM, as Windows Notepad
    writes, is accepted)."""
    try:
        raw = tomllib.loads(text.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(source, "", f"not valid TOML ({exc})") from None
    except RecursionError:  # tomllib recurses once per nested array or inline table
        raise ConfigError(source, "", "not valid TOML (arrays or tables nested too deep)") from None
    sections: dict[str, object] = {}
    for name, value in raw.items():
        if name not in _SECTIONS:
            allowed = ", ".join(f"[{s}]" for s in _SECTIONS)
            raise ConfigError(source, name, f"unknown section or key (known sections: {allowed})")
        sections[name] = _build_section(_SECTIONS[name], value, source, name)
    # Each section was built and checked against its field's type by _build_section.
    return validate(KioskConfig(**sections, source=source))  # type: ignore[arg-type]


def read_text(path: Path, limit: int = MAX_CONFIG_BYTES) -> str:
    """The UTF-8 text of a regular file of at most ``limit`` bytes, or ConfigError (a FIFO, a
    device, a folder or a huge file is refused at once: kioskbase.files)."""
    try:
        return files.read_text(path, limit)
    except files.FileRefused as exc:
        raise ConfigError(str(path), "", exc.problem) from None


def load_file(path: Path) -> KioskConfig:
    return parse(read_text(path), str(path))


def check_paths(config: KioskConfig) -> KioskConfig:
    """The files and folders the configuration names are usable: a named file is a readable
    regular file, the data and sim folders are folders (or can be created). Run where the
    configuration is used, not where it is written. The credentials file (0600, readable by the
    services' user alone) is checked by ``kiosk sync``, its only reader."""
    for key, name in (
        ("gateway.ca_bundle", config.gateway.ca_bundle),
        ("calendar.overrides_file", config.calendar.overrides_file),
    ):
        if name:
            try:
                read_text(Path(name).expanduser(), limit=4 * MAX_CONFIG_BYTES)
            except ConfigError as exc:
                raise ConfigError(config.source, key, f"{name}: {exc.expected}") from None
    _check_folder(config, "kiosk.data_dir", config.data_dir)
    _check_folder(config, "hardware.sim_dir", config.sim_dir)
    return config


def _check_folder(config: KioskConfig, key: str, path: Path) -> None:
    """``path`` is a folder, or does not exist yet and its nearest existing parent is one."""
    for candidate in (path, *path.parents):
        try:
            info = os.stat(candidate)
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise ConfigError(config.source, key, f"{path}: {files.open_problem(exc)}") from None
        if stat.S_ISDIR(info.st_mode):
            return
        what = "is a file" if candidate == path else f"{candidate} is a file"
        raise ConfigError(config.source, key, f"{path}: {what}, expected a folder")


def resolve_path(explicit: str | os.PathLike[str] | None) -> Path | None:
    """The config file to use under DESIGN §11's lookup order, or None for the desktop default."""
    if explicit:
        return Path(explicit)
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    if SYSTEM_CONFIG.exists():
        return SYSTEM_CONFIG
    return None


def load(explicit: str | os.PathLike[str] | None = None) -> KioskConfig:
    """Load the configuration following the lookup order; raises ConfigError on a bad file."""
    path = resolve_path(explicit)
    if path is None:
        # A desktop without a kiosk.toml: its operating system keeps time.
        return KioskConfig(kiosk=KioskSection(clock="host"))
    return check_paths(load_file(path))


def is_simulated(config: KioskConfig) -> bool:
    """True when every device seam is simulated (desktop demo, tests)."""
    hw = config.hardware
    seams = (hw.camera, hw.scanner, hw.printer, hw.gpio, hw.network)
    return all(v in ("sim", "mock") for v in seams)


__all__ = [
    "ConfigError",
    "KioskConfig",
    "check_paths",
    "is_simulated",
    "load",
    "load_file",
    "parse",
    "read_text",
    "resolve_path",
]
