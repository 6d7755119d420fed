"""Spoken guidance in Vietnamese through espeak-ng (DESIGN §9: optional voice).

Silent when switched off or when espeak-ng is not installed. Speaking never blocks the UI: the
synthesiser runs as a child process, and a new instruction stops the one still speaking.
"""

from __future__ import annotations

import logging
import shutil
import subprocess

log = logging.getLogger(__name__)


class Voice:
    def __init__(self, enabled: bool = False, program: str = "espeak-ng",
                 voice: str = "vi") -> None:
        self.program = shutil.which(program)
        self.voice = voice
        self.enabled = enabled
        self._proc: subprocess.Popen[bytes] | None = None
        self.last_said: str = ""

    @property
    def available(self) -> bool:
        return self.program is not None

    def say(self, text: str) -> bool:
        """Speak ``text`` (replacing whatever is being said); False when silent."""
        if not (self.enabled and self.program and text):
            return False
        self.stop()
        self.last_said = text
        try:
            self._proc = subprocess.Popen(
                [self.program, "-v", self.voice, "-s", "140", "--", text],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
        except OSError as exc:
            log.warning("voice_unavailable: %s", exc)
            return False
        return True

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=1)
            except subprocess.TimeoutExpired:
                proc.kill()
