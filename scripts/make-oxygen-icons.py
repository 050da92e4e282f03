#!/usr/bin/env python3
"""A small 64x64 RGB folder of desktop icons for fine-tuning: 500 training + 125 held-out Oxygen icons, 6 classes.

Source: Debian package oxygen-icon-theme (LGPL-3+), /usr/share/icons/oxygen/base/<size>/<context>/*.png. The
classes are the icon theme's contexts: actions, apps, devices, mimetypes, places, status (emotes are left out: they
are smileys, and emoji-like sets are kept for an independent check; emblems and categories are too few). Each
distinct icon (symlinked aliases and byte-identical files kept once) is read at the largest size the theme has,
256, 128, 64 or 48 px, composited onto white, area-averaged (or, from 48 px, box-enlarged) to 64x64 and written as
an RGB PNG.

625 icons are drawn in a seeded order, the classes in turn (a class that runs out drops out of the rotation), and a
seeded 20% of each class is held out: 500 to fine-tune on, 125 to score against.

    apt-get install -y oxygen-icon-theme imagemagick python3-numpy
    python3 scripts/make-oxygen-icons.py data/oxygen-icons64 [TOTAL=625]
        -> OUT/train/<class>/*.png (500) and OUT/heldout/<class>/*.png (125), 4 MB, about a minute

Deterministic: the same package version and seed give the same files.
"""
import hashlib, os, sys
import numpy as np
from rgbset import area_resize, flatten, read_rgba, to_uint8, write_png

BASE = "/usr/share/icons/oxygen/base"
SIZES = [256, 128, 64, 48]  # largest first: the 64 px file is drawn from the best rendering the theme ships
CLASSES = ["actions", "apps", "devices", "mimetypes", "places", "status"]
WHITE = (255, 255, 255)


def icons(context):
    """(name, path, size) of each distinct icon of a context at its largest size, sorted by name."""
    best = {}
    for size in SIZES:
        d = os.path.join(BASE, f"{size}x{size}", context)
        if not os.path.isdir(d):
            continue
        for f in sorted(os.listdir(d)):
            if f.endswith(".png") and f not in best:
                best[f] = (os.path.join(d, f), size)
    seen, out = set(), []
    for name in sorted(best):
        path, size = best[name]
        real = os.path.realpath(path)
        digest = hashlib.sha256(open(real, "rb").read()).hexdigest()
        if real in seen or digest in seen:
            continue
        seen.update((real, digest))
        out.append((name[:-4], path, size))
    return out


def held_counts(sizes, n):
    """How many of each class to hold out: n in all, shared in proportion to class size (largest remainders get the
    odd ones, ties in class order), so the split is exactly 500 / 125 and still 20% of every class."""
    total = sum(sizes.values())
    quota = {c: n * k / total for c, k in sizes.items()}
    held = {c: int(q) for c, q in quota.items()}
    for c in sorted(sizes, key=lambda c: (-(quota[c] - held[c]), CLASSES.index(c)))[:n - sum(held.values())]:
        held[c] += 1
    return held


def main(out, total=625, heldout=0.2, seed=23):
    if not os.path.isdir(BASE):
        sys.exit(f"{BASE} not found: apt-get install -y oxygen-icon-theme")
    rng = np.random.default_rng(seed)
    found = {c: icons(c) for c in CLASSES}
    pools = {c: [found[c][i] for i in rng.permutation(len(found[c]))] for c in CLASSES}
    chosen = {c: [] for c in CLASSES}
    while sum(map(len, chosen.values())) < total and any(pools.values()):
        for c in CLASSES:
            if pools[c] and sum(map(len, chosen.values())) < total:
                chosen[c].append(pools[c].pop())
    held = held_counts({c: len(chosen[c]) for c in CLASSES}, int(round(heldout * total)))
    for c in CLASSES:
        n_held = held[c]
        for part in ("train", "heldout"):
            os.makedirs(os.path.join(out, part, c), exist_ok=True)
        for i, (name, path, size) in enumerate(chosen[c]):   # chosen[c] is already in a seeded random order
            part = "heldout" if i < n_held else "train"
            rgb = area_resize(flatten(read_rgba(path, size), WHITE), 64)
            write_png(os.path.join(out, part, c, f"{name}.png"), to_uint8(rgb))
        print(f"{c}: {len(chosen[c]) - n_held} train, {n_held} heldout (of {len(found[c])} distinct)", flush=True)


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 625)
