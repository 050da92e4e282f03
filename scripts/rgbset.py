#!/usr/bin/env python3
"""Shared parts of the scripts that build 64x64 RGB image folders from Debian packages (make-wesnoth-units.py,
make-oxygen-icons.py and make-papirus-icons.py import it from this folder): reading through ImageMagick,
compositing, exact area resizing, PNG writing, and a held-out choice that keeps whole groups (a game unit's
animation frames, a folder glyph's colours) on one side.

A folder whose images are independent is split with the tool itself: `gan data split SRC --heldout 15% --out DIR`
(the wallpaper crops of make-wallpaper-crops.py are split that way). Needs python3 and numpy; reading images needs
ImageMagick's `convert` (apt-get install -y imagemagick python3-numpy).
"""
import functools, struct, subprocess, zlib
import numpy as np


def read_rgba(path, canvas):
    """The picture centred on a transparent canvas x canvas square (cropped if larger), as [H, W, 4] uint8."""
    raw = subprocess.run(["convert", path, "-background", "none", "-gravity", "center",
                          "-extent", f"{canvas}x{canvas}", "-depth", "8", "rgba:-"],
                         capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(canvas, canvas, 4)


def flatten(rgba, background):
    """Alpha-composite onto a fixed RGB colour: a GAN folder holds no transparency, so it must be decided once."""
    a = rgba[..., 3:4].astype(np.float32) / 255.0
    return rgba[..., :3].astype(np.float32) * a + np.asarray(background, np.float32) * (1.0 - a)


def area_resize(img, size):
    """Exact area-average resampling of a square [N, N, C] float image to size x size (each output pixel is the
    mean of the source area it covers), so no ringing and no aliasing at non-integer ratios such as 72 -> 64."""
    w = _area_weights(img.shape[0], size)
    rows = np.tensordot(w, img, axes=(1, 0))                            # [size, N, C]
    return np.tensordot(w, rows, axes=(1, 1)).transpose(1, 0, 2)        # [size, size, C]


@functools.lru_cache(maxsize=None)
def _area_weights(n, size):
    """Row i: how much of source pixel j output pixel i covers, normalised to sum 1."""
    edges = np.arange(size + 1) * (n / size)
    w = np.zeros((size, n), np.float32)
    for i in range(size):
        for j in range(n):
            w[i, j] = max(0.0, min(edges[i + 1], j + 1) - max(edges[i], j))
    return w / w.sum(axis=1, keepdims=True)


def to_uint8(img):
    return np.clip(img + 0.5, 0, 255).astype(np.uint8)


def write_png(path, rgb):
    """An 8-bit RGB PNG with zlib alone (no imaging library needed)."""
    h, w, _ = rgb.shape
    raw = b"".join(b"\x00" + rgb[y].tobytes() for y in range(h))
    chunk = lambda kind, d: struct.pack(">I", len(d)) + kind + d + struct.pack(">I", zlib.crc32(kind + d) & 0xffffffff)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


def heldout_groups(groups, fraction, rng):
    """The set of group keys to hold out: whole groups (e.g. all animation frames of one unit), taken in a seeded
    order, each only if it still fits under `fraction` of the items, so a class is never over-held by one big group.
    `groups` maps key -> number of items; sorted first so the choice does not depend on dict order."""
    keys = sorted(groups)
    want, held, chosen = int(round(fraction * sum(groups.values()))), 0, set()
    for i in rng.permutation(len(keys)):
        if held + groups[keys[i]] <= want:
            chosen.add(keys[i])
            held += groups[keys[i]]
    return chosen
