"""Greyscale (and RGB) PNG encoding and digit grids, with nothing but zlib.

The CLI writes ``samples.png`` and the live view ships each frame's digit grid as a PNG data
URI; a 10x10 grid of MNIST-like digits is ~25 KB this way, against ~300 KB as a JSON array.
Pillow is installed (Gradio needs it, and the GIF export uses it), but this path is small and
fast enough with zlib alone, and keeps ``engine`` free of an imaging library.
"""

from __future__ import annotations

import base64
import struct
import zlib

import numpy as np


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def encode_png(pixels: np.ndarray, level: int = 6) -> bytes:
    """An 8-bit PNG of a (height, width) greyscale or (height, width, 3) RGB uint8 array."""
    pixels = np.ascontiguousarray(pixels, dtype=np.uint8)
    if pixels.ndim == 3 and pixels.shape[2] == 3:
        colour = 2  # truecolour (Stacked MNIST: one digit per channel)
    elif pixels.ndim == 2:
        colour = 0
    else:
        raise ValueError(f"expected a (h, w) greyscale or (h, w, 3) RGB array, got shape "
                         f"{pixels.shape}")
    height, width = pixels.shape[:2]
    rows = np.zeros((height, pixels[0].size + 1), dtype=np.uint8)  # filter byte 0 (None) per row
    rows[:, 1:] = pixels.reshape(height, -1)
    header = struct.pack(">IIBBBBB", width, height, 8, colour, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(rows.tobytes(), level)) + _chunk(b"IEND", b""))


def png_data_uri(pixels: np.ndarray) -> str:
    return "data:image/png;base64," + base64.b64encode(encode_png(pixels, level=3)).decode()


def image_grid(images: np.ndarray, columns: int = 10, pad: int = 2) -> np.ndarray:
    """(n, 1, h, w) images in [-1, 1] → one uint8 (H, W) picture, row by row, white on black
    digits separated by mid-grey padding; (n, 3, h, w) images (Stacked MNIST) → an (H, W, 3)
    RGB picture, the channels as red, green and blue. Missing cells at the end stay grey."""
    images = np.asarray(images, dtype=np.float32)
    n, channels, h, w = images.shape
    rows = max(1, -(-n // columns))
    pixels = np.clip(np.rint((np.nan_to_num(images) + 1.0) * 127.5), 0, 255)
    pixels = pixels.transpose(0, 2, 3, 1) if channels == 3 else pixels[:, 0]
    shape = (rows * (h + pad) + pad, columns * (w + pad) + pad)
    grid = np.full(shape + ((3,) if channels == 3 else ()), 96, dtype=np.uint8)
    for index in range(n):
        r, c = divmod(index, columns)
        top, left = pad + r * (h + pad), pad + c * (w + pad)
        grid[top:top + h, left:left + w] = pixels[index]
    return grid


def decode_png_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a PNG's header: enough for tests and size checks."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    return struct.unpack(">II", data[16:24])
