"""picamera2 backend against a stand-in module: no Pi camera exists on this machine, so only the
contract with picamera2 is checked (one instance per process, lores YUV420, luma plane only)."""

from __future__ import annotations

import sys
import types

import numpy as np
import pytest

import hw.camera.picamera2 as backend


class FakePicamera2:
    instances = 0

    def __init__(self):
        FakePicamera2.instances += 1
        self.config = None
        self.started = 0

    def create_preview_configuration(self, main, lores):
        return {"main": main, "lores": lores}

    def configure(self, config):
        self.config = config

    def start(self):
        self.started += 1

    def stop(self):
        self.started -= 1

    def capture_array(self, stream):
        if stream == "lores":
            w, h = self.config["lores"]["size"]
            yuv = np.zeros((h * 3 // 2, w), dtype=np.uint8)  # YUV420: Y plane, then U and V
            yuv[:h] = 77
            yuv[h:] = 200
            return yuv
        w, h = self.config["main"]["size"]
        bgr = np.zeros((h, w, 3), dtype=np.uint8)
        bgr[:, :, 2] = 255  # red, in picamera2's BGR memory order
        return bgr


@pytest.fixture
def fake_module(monkeypatch):
    FakePicamera2.instances = 0
    monkeypatch.setitem(sys.modules, "picamera2", types.SimpleNamespace(Picamera2=FakePicamera2))
    monkeypatch.setattr(backend, "_shared", None)


def test_luma_of_lores_stream_and_one_instance_per_process(fake_module):
    camera = backend.Picamera2Camera(lores_size=(64, 48), main_size=(128, 96))
    luma = camera.read_luma()
    assert luma.shape == (48, 64) and (luma == 77).all()  # the Y plane only
    assert camera._cam.config["lores"]["format"] == "YUV420"
    assert camera.preview().getpixel((0, 0)) == (255, 0, 0)
    assert camera.capture().size == (128, 96)
    camera.close()
    again = backend.Picamera2Camera(lores_size=(64, 48), main_size=(128, 96))
    assert FakePicamera2.instances == 1 and again._cam.started == 1
    again.close()
    assert again.status().state == "failed"
