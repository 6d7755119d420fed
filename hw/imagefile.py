"""Opening an image file someone handed us, within a memory bound.

A small compressed file can describe a huge picture (a 17 KB PNG of 81 million pixels took 600 MB
to decode), and a path can name a FIFO that blocks the reader forever. So the file must be a
regular file of bounded size, opened without blocking, and its pixel count is read from the header
and checked before any pixel is decoded.
"""

from __future__ import annotations

import os
import stat
import warnings
from pathlib import Path
from typing import BinaryIO

from PIL import Image

MAX_PIXELS = 2**24
"""16.8 million pixels: a 12-megapixel phone photo or camera frame fits; decoding one for QR codes
peaks at ~100 MB (greyscale) to ~200 MB (colour)."""
MAX_FILE_BYTES = 64 * 2**20


class ImageFileError(Exception):
    """The file is not an image we will decode; ``code`` is stable, ``reason_en`` for staff."""

    def __init__(self, code: str, reason_en: str) -> None:
        super().__init__(f"{code}: {reason_en}")
        self.code = code
        self.reason_en = reason_en


def load_image(path: Path, max_pixels: int = MAX_PIXELS) -> Image.Image:
    """The decoded image at ``path``; ImageFileError (code ``file_not_found``, ``not_a_file``,
    ``image_too_large`` or ``not_an_image``) for anything else."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise ImageFileError("file_not_found", "no such file") from None
    except OSError as exc:
        raise ImageFileError("not_an_image", f"cannot open: {exc.strerror}") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise ImageFileError("not_a_file", "not a regular file (a folder, a pipe or a device)")
    with os.fdopen(fd, "rb") as f:
        if info.st_size > MAX_FILE_BYTES:
            raise ImageFileError("image_too_large", f"{info.st_size} bytes, more than "
                                 f"{MAX_FILE_BYTES}")
        return _decode(f, max_pixels)


def _decode(f: BinaryIO, max_pixels: int) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # checked below instead
        try:
            image = Image.open(f)  # reads the header only
            if image.width * image.height > max_pixels:
                raise ImageFileError("image_too_large", f"{image.width}×{image.height} pixels, "
                                     f"more than {max_pixels}")
            image.load()  # the pixels are in memory now: the caller's file may close
            return image
        except Image.DecompressionBombError:
            raise ImageFileError("image_too_large", f"more than {max_pixels} pixels") from None
        except (OSError, SyntaxError, ValueError, EOFError) as exc:  # Pillow's ways to say "bad"
            raise ImageFileError("not_an_image", f"cannot read as an image: {exc}") from None
