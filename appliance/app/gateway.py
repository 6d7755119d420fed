"""Probing the gateway: the one rule for "is the gateway really there?", and one client.

The rule itself is ``sync.client.GatewayClient.health`` (HTTP 200, the gateway's JSON with
``service == "kiosk-gateway"`` and a ``server_time`` with a UTC offset; a Wi-Fi login page is a
captive portal, never "online"). The sync daemon calls :func:`probe` before each batch and
``kiosk doctor`` calls :func:`probe_status`, so the two can never disagree about the same answer.
"""

from __future__ import annotations

import datetime as dt

from appliance.config import KioskConfig
from hw.status import DeviceStatus, degraded, failed, ok
from sync.client import Credentials, GatewayClient, RetryPolicy
from sync.errors import CaptivePortal, SyncError, TLSFailure

UNREACHABLE_CODES = frozenset({"timeout", "connection"})
"""Transient codes that mean nothing answered (as opposed to something else answering)."""


def client_for(config: KioskConfig, credentials: Credentials | None = None,
               retry: RetryPolicy | None = None) -> GatewayClient:
    """The gateway client of this configuration (the daemon passes its credentials; a probe
    needs none: health is not authenticated)."""
    gw = config.gateway
    return GatewayClient(
        gw.url, credentials or Credentials("", ""), kiosk_id=config.kiosk.id,
        connect_timeout_s=gw.connect_timeout_s, read_timeout_s=gw.read_timeout_s,
        ca_bundle=gw.ca_bundle, retry=retry)


def probe(client: GatewayClient) -> dt.datetime:
    """The gateway's server time; raises the classified SyncError when it is not the gateway."""
    return client.server_time(client.health())


def probe_status(config: KioskConfig) -> DeviceStatus:
    """The gateway as a status line (``kiosk doctor``): one attempt, never raises."""
    if not config.gateway.url:
        return degraded("gateway.not_configured",
                        "Chưa cấu hình cổng kết nối; máy làm việc ngoại tuyến.",
                        "no gateway.url configured: offline operation")
    client = client_for(config, retry=RetryPolicy(attempts=1))
    url = client.base_url + "/api/v1/health"
    try:
        when = probe(client)
    except TLSFailure as exc:
        return failed("gateway.tls",
                      "Chứng chỉ bảo mật của cổng kết nối không hợp lệ (hoặc đồng hồ sai).",
                      f"TLS verification failed for {url}: {exc}")
    except SyncError as exc:
        if exc.code in UNREACHABLE_CODES and not isinstance(exc, CaptivePortal):
            return failed("gateway.unreachable", "Không kết nối được cổng dịch vụ công.",
                          f"{url}: {exc.describe()}")
        return failed("gateway.not_gateway",
                      "Mạng trả lời nhưng không phải cổng dịch vụ công (có thể cần đăng nhập "
                      "Wi-Fi).", f"{url}: {exc.describe()}")
    finally:
        client.close()
    return ok("gateway.ok", "Kết nối được cổng dịch vụ công.",
              f"{url}: kiosk-gateway, server time {when.isoformat(timespec='seconds')}")
