"""Synthetic material for demos, the screenshot tour and ``kiosk doctor``: sample pages and ID-card
QR payloads rendered by the hardware seams' simulators, and the simulated printer's paper switch.
Synthetic dossiers are ``seeding.py``'s."""

from __future__ import annotations

from PIL import Image

from hw.camera.samples import card_payloads
from hw.camera.sim import render_payload
from hw.factory import Devices
from hw.printer import PaperState
from hw.scanner.synthetic import page_text, render_page

DEMO_SITES = ["Trụ sở UBND xã", "Nhà văn hóa thôn Đông", "Nhà văn hóa thôn Tây"]
"""The sites staff can choose between in ``kiosk demo`` and the screenshots."""


def page_images(count: int, seed: int = 0, lines: int = 14) -> list[Image.Image]:
    """``count`` A4 text pages as scanned images at 150 dpi (rendering one costs ~0.3 s)."""
    return [render_page(page_text(seed + i, lines=lines), dpi=150, seed=seed + i)
            for i in range(count)]


def card_image(seed: int = 1) -> tuple[str, Image.Image]:
    """A synthetic ID card's QR payload (every Vietnamese letter) and a picture of it."""
    payload = card_payloads(1, seed=seed)[0]
    return payload, render_payload(payload)


def set_paper(devices: Devices, state: str) -> None:
    """The simulated printer's paper (ok, near_end, out, unknown): demos of a paper alarm."""
    printer = devices.printer
    if printer is None or not hasattr(printer, "set_paper"):
        raise RuntimeError("only the simulated printer's paper can be set")
    printer.set_paper(PaperState(state))
