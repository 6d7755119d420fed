"""What staff do at the kiosk: the queue, restore, send now, clock, site, Wi-Fi, transport mode,
the end-of-day report, and the PIN gate's memory. Plain calls on the store and devices."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from appliance.app.tracking import parse_time
from appliance.clock import ClockStatus
from appliance.config import KioskConfig
from appliance.domain.catalogue import Catalogue
from appliance.store import Alert, DossierRecord, Store
from hw.factory import Devices
from hw.network import Network, NetworkState

PIN_GATE_KEY = "staff_pin_gate"


@dataclass(frozen=True)
class Queue:
    counts: dict[str, int]
    last_success: dt.datetime | None
    oldest_pending_s: float | None
    alerts: list[Alert]
    quarantined: list[DossierRecord]


def queue(store: Store) -> Queue:
    return Queue(store.counts_by_state(),
                 parse_time((store.sync_state() or {}).get("last_success")),
                 store.oldest_pending_age_s(), store.alerts(), store.quarantined())


def send_now(store: Store) -> None:
    """Wake the sync daemon now instead of at its next timer."""
    store.request_sync()


def restore(store: Store, dossier_id: str) -> None:
    """Put a quarantined dossier back in the queue (staff checked it)."""
    store.restore(dossier_id)


def record_event(store: Store, kind: str, dossier_id: str | None = None) -> None:
    """An event for the audit log (help called, slip printed, safe shutdown)."""
    store.record_event(kind, dossier_id)


def clock_info(store: Store) -> tuple[ClockStatus, dt.datetime]:
    return store.clock.status(store), store.clock.wall()


def confirm_clock(store: Store) -> None:
    """Staff vouch for the clock (no network time yet): due dates can be printed."""
    store.clock.confirm(store)
    store.record_event("clock_confirmed_by_staff")


def current_site(config: KioskConfig, store: Store) -> str:
    """The site staff chose (kept in the store), else the configured one."""
    return str(store.get_setting("site", config.kiosk.site) or config.kiosk.site)


def sites(config: KioskConfig, store: Store, catalogue: Catalogue | None
          ) -> tuple[str, list[str]]:
    """(current site, every site staff may choose: configured, then the gateway's)."""
    current = current_site(config, store)
    raw = catalogue.sites if catalogue is not None else ()
    from_gateway = [str(s.get("name", "")) for s in raw]
    names = [config.kiosk.site, *config.kiosk.sites, *from_gateway]
    if current not in names:
        names.insert(0, current)
    return current, list(dict.fromkeys(n for n in names if n))


def set_site(store: Store, site: str) -> None:
    store.set_setting("site", site)


def network(devices: Devices) -> Network:
    if devices.network is None:
        raise devices.errors.get("network") or RuntimeError("no network")
    return devices.network


def wifi(devices: Devices) -> tuple[str, list[str]]:
    """(the connection's state for staff, the networks in range)."""
    net = network(devices)
    return net.state().device_status.reason_vi, [n.ssid for n in net.scan()]


def wifi_connect(devices: Devices, ssid: str, password: str) -> NetworkState:
    return network(devices).connect(ssid, password or None)


def transport_info(store: Store) -> tuple[bool, int]:
    """(transport mode on, dossiers still waiting to be sent)."""
    return bool(store.get_setting("transport_mode", False)), store.pending_count()


def set_transport(store: Store, on: bool) -> None:
    """Transport mode: the kiosk is about to be carried elsewhere; send what is waiting."""
    store.set_setting("transport_mode", on)
    store.record_event("transport_mode", on=on)
    if on:
        store.request_sync()


@dataclass(frozen=True)
class DayReport:
    at: dt.datetime
    counts: dict[str, int]
    last_success: dt.datetime | None
    alerts: list[Alert]


def day_report(store: Store) -> DayReport:
    """The end-of-day facts staff print: counts by state, last send, open alerts."""
    return DayReport(store.clock.wall(), store.counts_by_state(),
                     parse_time((store.sync_state() or {}).get("last_success")), store.alerts())


class PinMemory:
    """The PIN gate's count in the store's settings, so a restart does not reset it."""

    def __init__(self, store: Callable[[], Store | None]) -> None:
        self._store = store
        """The store, once it is open (the UI opens it in the background)."""

    def load(self) -> tuple[int, bool, int]:
        """(failed attempts so far, whether a lockout was in force, lockouts in a row)."""
        store = self._store()
        saved = store.get_setting(PIN_GATE_KEY, {}) if store is not None else {}
        return (int(saved.get("failures", 0)), bool(saved.get("locked", False)),
                int(saved.get("lockouts", 0)))

    def save(self, failures: int, locked: bool, lockouts: int) -> None:
        store = self._store()
        if store is not None:
            store.set_setting(PIN_GATE_KEY,
                              {"failures": failures, "locked": locked, "lockouts": lockouts})
