"""What tracking tells a citizen about a dossier, from a real store (no window needed)."""

from __future__ import annotations

import datetime as dt

import pytest

from appliance.app import runtime
from appliance.config import parse
from appliance.crypto import PortalKey
from appliance.domain.dossier import Draft
from appliance.domain.identity import Identity
from appliance.submission import finalize
from appliance.ui import strings as T
from appliance.ui.services import Services, fold


@pytest.fixture
def sent_dossier(tmp_path):
    portal = PortalKey.generate()
    config = parse(f'[kiosk]\ndata_dir = "{tmp_path}"\nclock = "host"\n[gateway]\n'
                   f'portal_public_key = "{portal.public_key_b64}"\n[storage]\nreserve_mb = 1\n',
                   "test")
    store = runtime.open_store(config)
    person = Identity("001088012345", "Nguyễn Thị Mẫu", None, "Nữ", "Xã Mẫu")
    result = finalize(store, Draft("1.001193", person), runtime.finalize_context(config, store))
    now = store.clock.wall()
    store.mark_sending(result.id)
    store.mark_sent(result.id, "G-1", now, {"MaHoSo": "G-1"})
    store.set_portal_status(result.id, 9, now)
    yield Services(config, store=store, catalogue=None, devices=None), result.code, now
    store.close()


def test_a_fresh_status_is_shown_plainly(sent_dossier) -> None:
    services, code, now = sent_dossier
    services.store.update_sync_state(last_success=now.isoformat())
    line, stale = services.describe_status(services.store.find_by_code(code))
    assert T.TRACK_RESULT_READY in line and T.TRACK_RESULT_COME in line and stale == ""
    assert line.startswith(f"{T.TRACK_PROCEDURE}: ")


def test_an_old_status_says_it_may_be_old(sent_dossier) -> None:
    services, code, now = sent_dossier
    services.store.update_sync_state(last_success=(now - dt.timedelta(days=3)).isoformat())
    line, stale = services.describe_status(services.store.find_by_code(code))
    assert T.TRACK_RESULT_READY in line
    assert "có thể đã cũ" in stale and (now - dt.timedelta(days=3)).strftime("%d/%m/%Y") in stale


def test_a_waiting_dossier_says_it_is_waiting_to_be_sent(tmp_path) -> None:
    portal = PortalKey.generate()
    config = parse(f'[kiosk]\ndata_dir = "{tmp_path}"\nclock = "host"\n[gateway]\n'
                   f'portal_public_key = "{portal.public_key_b64}"\n[storage]\nreserve_mb = 1\n',
                   "test")
    store = runtime.open_store(config)
    person = Identity("001088012345", "Nguyễn Thị Mẫu", None, "Nữ", "Xã Mẫu")
    result = finalize(store, Draft("1.001193", person), runtime.finalize_context(config, store))
    services = Services(config, store=store, catalogue=None, devices=None)
    line, stale = services.describe_status(store.find_by_code(result.code))
    assert T.TRACK_WAITING in line and stale == ""
    assert f"{T.TRACK_PROCEDURE}: Đăng ký khai sinh" in line
    store.close()


def test_search_folds_tones_and_letters() -> None:
    assert fold("Đăng ký KHAI SINH") == "dang ky khai sinh"
    assert fold("khai sinh") in fold("Đăng ký khai sinh")


def test_an_unconfigured_kiosk_shows_the_reason_provisioning_left(tmp_path) -> None:
    import json

    from appliance.provisioning import UNCONFIGURED_FILE
    from appliance.ui.services import unconfigured_reason

    config = parse(f'[kiosk]\ndata_dir = "{tmp_path}"\n', "test")
    assert unconfigured_reason(config) is None
    (tmp_path / UNCONFIGURED_FILE).write_text(json.dumps(
        {"code": "boot_config_missing", "reason_vi": "Không thấy tệp kiosk.toml trên thẻ nhớ."},
        ensure_ascii=False), encoding="utf-8")
    assert unconfigured_reason(config) == "Không thấy tệp kiosk.toml trên thẻ nhớ."
    (tmp_path / UNCONFIGURED_FILE).write_text("{not json", encoding="utf-8")
    assert unconfigured_reason(config) == T.UNCONFIGURED_BODY


def test_work_queued_after_close_is_dropped_not_raised(tmp_path) -> None:
    """A device report scheduled just before the app stops reaches a closed Services (kiosk
    run on SIGTERM, the screenshot tool): it must not turn shutdown into a traceback."""
    config = parse(f'[kiosk]\ndata_dir = "{tmp_path}"\nclock = "host"\n', "test")
    store = runtime.open_store(config)
    services = Services(config, store=store, catalogue=None, devices=None)
    assert services.on_store(lambda: 41 + 1).result(10) == 42
    services.close()
    ran: list[int] = []
    assert services.on_store(lambda: ran.append(1)).result(10) is None
    assert ran == [] and not services.busy
