"""Probing the gateway: the one rule for "is the gateway really there?", and one client.

The rule itself is ``sync.client.GatewayClient.health`` (HTTP 200, the gateway's JSON with
``service == "kiosk-gateway"`` and a ``server_time`` with a UTC offset, bounded in size and time;
a Wi-Fi login page is a captive portal, never "online"). The sync daemon calls :func:`probe`
before each batch and ``kiosk doctor`` calls :func:`probe_status`, so the two can never disagree
about the same answer.
"""

from __future__ import annotations

import datetime as dt

from appliance.config import KioskConfig
from hw.status import DeviceStatus, degraded, failed, ok
from sync.client import Credentials, GatewayClient, RetryPolicy
from sync.client import probe as sync_probe
from sync.errors import BadAnswer, CaptivePortal, SyncError
from sync.transport import redact_url


def client_for(config: KioskConfig, credentials: Credentials | None = None,
               retry: RetryPolicy | None = None) -> GatewayClient:
    """The gateway client of this configuration (the daemon passes its credentials; a probe
    needs none: health is not authenticated)."""
    gw = config.gateway
    return GatewayClient(
        gw.url, credentials, kiosk_id=config.kiosk.id, connect_timeout_s=gw.connect_timeout_s,
        read_timeout_s=gw.read_timeout_s, ca_bundle=gw.ca_bundle, retry=retry)


def probe(client: GatewayClient) -> dt.datetime:
    """The gateway's server time; raises the classified SyncError when it is not the gateway."""
    return client.health().server_time


def probe_status(config: KioskConfig) -> DeviceStatus:
    """The gateway as a status line (``kiosk doctor``): one attempt with the daemon's client
    (``sync.client.probe``), never raises."""
    if not config.gateway.url:
        return degraded("gateway.not_configured",
                        "Chưa cấu hình cổng kết nối; máy làm việc ngoại tuyến.",
                        "no gateway.url configured: offline operation")
    gw = config.gateway
    try:
        health = sync_probe(gw.url, connect_timeout_s=gw.connect_timeout_s,
                            read_timeout_s=gw.read_timeout_s, ca_bundle=gw.ca_bundle)
    except SyncError as err:
        if isinstance(err, CaptivePortal | BadAnswer):
            code = "gateway.not_gateway"
        elif err.code in ("tls", "config"):
            code = f"gateway.{err.code}"
        else:
            code = "gateway.unreachable"
        return failed(code, err.reason_vi, f"{redact_url(gw.url)}: {err.describe()}")
    return ok("gateway.ok", health.reason_vi, health.reason_en)
