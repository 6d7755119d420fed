"""Roll-out, quiet time and the gates of downloads and reboots (appliance/update/policy.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from appliance.update.policy import (
    Facts,
    QuietWindow,
    Rollout,
    bucket,
    failed_checks,
    may_download,
    may_install,
    may_reboot,
)

ids = st.text(alphabet="ABCDEFGHJKMNPQRSTUVWXYZ0123456789-", min_size=1, max_size=12)
percent = st.floats(min_value=0, max_value=100)


@given(kiosk=ids, low=percent, high=percent)
def test_raising_the_percentage_only_adds_kiosks(kiosk: str, low: float, high: float) -> None:
    low, high = sorted((low, high))
    if Rollout(low).includes(kiosk, "1.2.0"):
        assert Rollout(high).includes(kiosk, "1.2.0")


@given(kiosk=ids)
def test_zero_percent_is_nobody_but_the_list_and_a_hundred_is_everybody(kiosk: str) -> None:
    assert not Rollout(0).includes(kiosk, "2")
    assert Rollout(0, frozenset({kiosk})).includes(kiosk, "2")
    assert Rollout(100).includes(kiosk, "2")


def test_ten_percent_selects_about_a_tenth_and_the_same_kiosks_every_time() -> None:
    kiosks = [f"K{n:03d}" for n in range(2000)]
    chosen = [k for k in kiosks if Rollout(10).includes(k, "1.4.0")]
    assert 150 <= len(chosen) <= 250
    assert chosen == [k for k in kiosks if Rollout(10).includes(k, "1.4.0")]
    other_version = {k for k in kiosks if Rollout(10).includes(k, "1.5.0")}
    assert set(chosen) != other_version  # each version picks its own first few
    assert all(0 <= bucket(k, "1.4.0") < 10_000 for k in kiosks)


@pytest.mark.parametrize("bad", [-1, 100.5])
def test_a_percentage_outside_0_100_is_refused(bad: float) -> None:
    with pytest.raises(ValueError, match=r"0\.\.100"):
        Rollout(bad)


@given(at=st.times())
def test_a_window_that_wraps_midnight_is_the_complement_of_the_day_window(at: dt.time) -> None:
    night = QuietWindow(dt.time(22), dt.time(5))
    day = QuietWindow(dt.time(5), dt.time(22))
    assert night.contains(at) != day.contains(at)


def test_dossiers_and_citizens_come_before_the_download() -> None:
    assert may_download(Facts())
    assert not may_download(Facts(pending_dossiers=1))
    assert not may_download(Facts(session_active=True))
    assert not may_install(Facts(session_active=True))


@given(at=st.times(), force=st.booleans())
def test_never_reboot_into_a_citizen_session(at: dt.time, force: bool) -> None:
    assert not may_reboot(Facts(session_active=True, local_time=at, force_reboot=force))


def test_reboot_in_the_quiet_window_or_when_staff_force_it() -> None:
    assert may_reboot(Facts(local_time=dt.time(23, 30)))
    assert not may_reboot(Facts(local_time=dt.time(10, 0)))
    assert may_reboot(Facts(local_time=dt.time(10, 0), force_reboot=True))


def test_a_missing_health_result_is_a_failure() -> None:
    assert failed_checks({"store_opens": True, "ui_first_frame": True}) == ["sync_started"]
    assert failed_checks({"store_opens": True, "ui_first_frame": True,
                          "sync_started": True}) == []
