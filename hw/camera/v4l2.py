"""USB webcam (V4L2) through an ``ffmpeg`` child process that streams grey frames on a pipe.

A reader thread drains the pipe continuously and keeps only the newest frame, so the camera never
queues: a slow decoder simply sees fewer frames. Using ffmpeg (Debian ``ffmpeg``) instead of a
Python binding keeps the dependency out of the venv and lets tests run against a fake executable.
"""

from __future__ import annotations

import shutil
import subprocess
import threading

import numpy as np
from PIL import Image

from hw.camera import Camera
from hw.errors import HardwareError, MissingDependency
from hw.status import DeviceStatus, ok


class V4l2Camera(Camera):
    def __init__(
        self,
        device: str = "/dev/video0",
        size: tuple[int, int] = (640, 480),
        fps: int = 15,
        ffmpeg: str = "ffmpeg",
    ) -> None:
        exe = shutil.which(ffmpeg)
        if exe is None:
            raise MissingDependency("ffmpeg (USB webcam capture)", "apt install ffmpeg")
        self.device = device
        self.size = size
        self._frame: np.ndarray | None = None
        self._seq = 0
        self._error = ""
        self._cond = threading.Condition()
        self._proc = subprocess.Popen(
            [exe, "-nostdin", "-loglevel", "error", "-f", "v4l2", "-framerate", str(fps),
             "-video_size", f"{size[0]}x{size[1]}", "-i", device,
             "-f", "rawvideo", "-pix_fmt", "gray", "-"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        self._reader = threading.Thread(target=self._read_loop, name="v4l2-reader", daemon=True)
        self._reader.start()

    def _read_loop(self) -> None:
        width, height = self.size
        frame_bytes = width * height
        stdout = self._proc.stdout
        assert stdout is not None
        while True:
            buf = stdout.read(frame_bytes)
            if len(buf) < frame_bytes:
                break
            frame = np.frombuffer(buf, dtype=np.uint8).reshape(height, width)
            with self._cond:
                self._frame = frame
                self._seq += 1
                self._cond.notify_all()
        assert self._proc.stderr is not None
        err = self._proc.stderr.read().decode("utf-8", "replace").strip()
        with self._cond:
            self._error = err.splitlines()[-1] if err else "the video stream ended"
            self._cond.notify_all()

    def read_luma(self, timeout: float = 2.0) -> np.ndarray:
        with self._cond:
            seen = self._seq
            self._cond.wait_for(lambda: self._seq != seen or self._error, timeout)
            if self._seq != seen:
                assert self._frame is not None
                return self._frame
            if self._error:
                raise HardwareError(
                    "camera.stream_ended",
                    "Camera ngừng gửi hình. Kiểm tra dây cắm camera.",
                    f"webcam {self.device}: {self._error}",
                )
        raise HardwareError(
            "camera.no_frames",
            "Camera không gửi hình.",
            f"webcam {self.device}: no frame in {timeout}s",
        )

    def preview(self, size: tuple[int, int] = (320, 240)) -> Image.Image:
        """The newest frame already received (no wait), grey: a webcam is read as luma only."""
        with self._cond:
            frame = self._frame
        if frame is None:
            frame = self.read_luma()
        image = Image.fromarray(frame).convert("RGB")
        image.thumbnail(size)
        return image

    def status(self) -> DeviceStatus:
        try:
            self.read_luma()
        except HardwareError as exc:
            return exc.status
        return ok("camera.v4l2", "Camera sẵn sàng.", f"webcam {self.device} streaming")

    @property
    def closed(self) -> bool:
        return self._proc.poll() is not None

    def close(self) -> None:
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._reader.join(timeout=5)

