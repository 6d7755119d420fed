"""QR decoding throughput: the camera pipeline against naive full-frame decoding.

Frames are synthetic camera views of chip-ID-card QR codes (Vietnamese payloads, rotated, blurred,
noisy; a third of the frames show no code, as between citizens) at 640×480 and 1280×960. For each
method: frames per second, p95 per-frame latency, how often a code was found and how often the
text was exactly right. The baseline is naive pyzbar on the full frame, as many projects use it.
Target (issue 4): the pipeline ≥ 3× the baseline's throughput with an equal or better decode rate.

    .venv/bin/python bench/qr.py [--frames N]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable

import numpy as np

from hw.camera.samples import card_payloads
from hw.camera.sim import render_payload
from hw.qr import DecodedQr, decode
from hw.qr.pipeline import FramePipeline

Frame = tuple[str | None, np.ndarray]
"""The payload shown (None for an empty scene) and the luma frame."""


def make_frames(size: tuple[int, int], count: int, seed: int) -> list[Frame]:
    rng = random.Random(seed)
    payloads = card_payloads(count, seed=seed)
    frames: list[Frame] = []
    for i, payload in enumerate(payloads):
        if i % 3 == 2:  # nobody in front of the camera: sensor noise on a grey slot
            noise = np.random.default_rng(i).normal(150, 6, (size[1], size[0]))
            frames.append((None, np.clip(noise, 0, 255).astype(np.uint8)))
            continue
        module_px = max(2, round(size[1] / 480 * rng.choice((3, 4, 5))))
        image = render_payload(
            payload, size, module_px=module_px, angle=rng.uniform(-30, 30),
            blur=rng.uniform(0.3, 1.2) * size[1] / 480, noise=rng.uniform(3, 10), seed=i,
        )
        frames.append((payload, np.asarray(image)))
    return frames


def naive_pyzbar(frame: np.ndarray) -> list[DecodedQr]:
    from pyzbar import pyzbar

    return [DecodedQr(d.data.decode("utf-8", "replace"), d.data) for d in pyzbar.decode(frame)]


def naive_zxing(frame: np.ndarray) -> list[DecodedQr]:
    return decode(frame, "zxing")


METHODS: dict[str, Callable[[np.ndarray], list[DecodedQr]]] = {
    "naive pyzbar (full frame)": naive_pyzbar,
    "naive zxing (full frame)": naive_zxing,
    "pipeline pyzbar": FramePipeline("pyzbar").decode,
    "pipeline zxing": FramePipeline("zxing").decode,
}


def measure(method: Callable, frames: list[Frame]) -> dict[str, float]:
    latencies, found, correct, wrong = [], 0, 0, 0
    with_code = sum(1 for payload, _ in frames if payload)
    for payload, frame in frames:
        start = time.perf_counter()
        results = method(frame)
        latencies.append(time.perf_counter() - start)
        if payload:
            found += bool(results)
            correct += any(r.text == payload for r in results)
        wrong += sum(1 for r in results if r.text != payload)
    total = sum(latencies)
    return {
        "fps": len(frames) / total,
        "p95_ms": statistics.quantiles(latencies, n=20)[18] * 1000,
        "found": found / with_code,
        "correct": correct / with_code,
        "wrong": wrong,
    }


def scanner_cpu(decoder: str, seconds: float = 3.0, fps: float = 15.0) -> tuple[float, int]:
    """CPU share of one core used by a running QrScanner (camera at ``fps``, a card in view),
    and how many payloads it delivered (1: the card is reported once while it stays in view)."""
    import threading

    from hw.camera.sim import SimCamera
    from hw.qrscanner import QrScanner

    camera = SimCamera(fps=fps)
    camera.inject(render_payload(card_payloads(1, seed=3)[0], (640, 480), module_px=4, blur=0.8,
                                 noise=6))
    delivered: list[str] = []
    scanner = QrScanner(camera, lambda text, raw: delivered.append(text), decoder=decoder)
    start_cpu, start = time.process_time(), time.perf_counter()
    scanner.start()
    threading.Event().wait(seconds)
    scanner.stop()
    camera.close()
    return (time.process_time() - start_cpu) / (time.perf_counter() - start), len(delivered)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=90)
    args = parser.parse_args()
    print(f"{'frame':>9}  {'method':<27} {'fps':>7} {'× base':>7} {'p95 ms':>7} "
          f"{'found':>6} {'exact':>6} {'wrong':>6}")
    verdicts = []
    for size in ((640, 480), (1280, 960)):
        frames = make_frames(size, args.frames, seed=size[0])
        for method in METHODS.values():  # warm-up: library loading, first-call allocations
            method(frames[0][1])
        rows = {name: measure(method, frames) for name, method in METHODS.items()}
        base = rows["naive pyzbar (full frame)"]
        for name, row in rows.items():
            print(f"{size[0]}x{size[1]:<4}  {name:<27} {row['fps']:7.1f} "
                  f"{row['fps'] / base['fps']:6.1f}× {row['p95_ms']:7.1f} "
                  f"{row['found']:6.0%} {row['correct']:6.0%} {row['wrong']:6d}")
        pipe = rows["pipeline zxing"]
        verdicts.append(
            f"{size[0]}x{size[1]}: pipeline zxing {pipe['fps'] / base['fps']:.1f}× naive pyzbar "
            f"(target ≥ 3×), exact {pipe['correct']:.0%} vs {base['correct']:.0%} "
            f"(found {base['found']:.0%}) — "
            + ("MET" if pipe["fps"] >= 3 * base["fps"] and pipe["correct"] >= base["found"]
               else "NOT MET")
        )
    print()
    print("\n".join(verdicts))
    print()
    for decoder in ("zxing", "pyzbar"):
        cpu, delivered = scanner_cpu(decoder)
        print(f"continuous QrScanner, {decoder}, 640x480 at 15 fps, card in view: "
              f"{cpu:.1%} of one core, {delivered} delivery")


if __name__ == "__main__":
    main()
