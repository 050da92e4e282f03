#!/usr/bin/env python3
"""A 64x64 RGB folder of full-colour desktop icons: Papirus's apps, mimetypes and places, with a 15% held-out split.

Source: Debian package papirus-icon-theme (GPL-3), /usr/share/icons/Papirus/64x64/<context>/*.svg: the full-colour
theme at its 64 px design size (its 128x128 and 64x64@2x folders link there, and so do Papirus-Dark, Papirus-Light
and ePapirus, whose own files are small panel glyphs). Not read: symbolic/ and the small sizes' panel and status
glyphs, which are monochrome. Kept once: each regular file (symlinked aliases point at a file read in its own
context), byte-identical files (3 pairs: the first in class order and name order stays) and pictures that render to
the same 64x64 pixels (none as built). Dropped: icons that fail to render or cover under 2% of the square (none as
built; counted and printed), and the devices context (49 distinct icons, too few for a class, and no natural partner
to merge with).

Classes are the contexts: apps (3,613, a different drawing each), mimetypes (226 file-type sheets), places (1,928:
74 folder glyphs, each in the theme's 26 colours, and 4 others). Natural proportions are kept (apps 63%): capping
apps at 40% would drop some 2,000 of the most varied drawings while keeping 1,900 recoloured folders, and the split
below is per class, so held-out images have the same mix as training images.

Each SVG is rendered with rsvg-convert at 4x (256 px), composited onto white and area-averaged to 64x64 (RGB PNG).
A direct 64 px rendering looks the same (0.2-0.4 levels apart on average) but differs by up to 38 levels on a few
antialiased edge pixels, where cairo's coverage estimate is not the exact area; averaging 16 samples a pixel is the
exact-area rule of the other scripts and costs little, as process start-up dominates (70 ms an icon against 34 ms).

Held out: a seeded 15% of each class. Icons are independent drawings, so apps and mimetypes are split icon by icon
and the held-out set comes from the training distribution; places are split by glyph (all 26 colours of a folder
glyph, open and closed, on one side), so no held-out folder is a recolouring of a training one.

    apt-get install -y papirus-icon-theme librsvg2-bin imagemagick python3-numpy
    python3 scripts/make-papirus-icons.py data/papirus-icons64
        -> OUT/train/<class>/*.png (4,902) and OUT/heldout/<class>/*.png (865): apps 3,071 + 542, mimetypes 192 +
           34, places 1,639 + 289 (13 of 70 glyph groups); none failed, none nearly empty, no two alike in pixels;
           24 MB, 2 min 50 s on the idle 2-core machine (papirus-icon-theme 20230104-2)

Deterministic: the same package version and seed give the same files.
"""
import hashlib, os, re, subprocess, sys
import numpy as np
from rgbset import area_resize, flatten, heldout_groups, read_rgba, to_uint8, write_png

BASE = "/usr/share/icons/Papirus/64x64"
CLASSES = ["apps", "mimetypes", "places"]
ZOOM = 4            # render at 256 px, then area-average to 64
MIN_COVER = 0.02    # mean opacity below this: an empty or nearly empty picture
WHITE = (255, 255, 255)
# Papirus's folder colours: folder-<colour>-<glyph>.svg and user-<colour>-home.svg are one glyph in 26 colours.
COLOUR = re.compile(r"^(folder|user)-(adwaita|black|blue|bluegrey|breeze|brown|carmine|custom|cyan|darkcyan|"
                    r"deeporange|green|grey|indigo|magenta|nordic|orange|palebrown|paleorange|pink|red|teal|violet|"
                    r"white|yaru|yellow)(?=-|$)")


def sources(context, seen):
    """(name, path) of each regular SVG of a context not already in `seen` (file digests), sorted by name."""
    d = os.path.join(BASE, context)
    out = []
    for f in sorted(os.listdir(d)):
        path = os.path.join(d, f)
        if not f.endswith(".svg") or os.path.islink(path):
            continue
        digest = hashlib.sha256(open(path, "rb").read()).hexdigest()
        if digest not in seen:
            seen.add(digest)
            out.append((f[:-4], path))
    return out


def render(path, scratch):
    """The icon as a 64x64 uint8 RGB array on white and its mean opacity, or None if rsvg-convert fails."""
    n = 64 * ZOOM
    try:
        subprocess.run(["rsvg-convert", "-z", str(ZOOM), path, "-o", scratch], capture_output=True, check=True)
        rgba = read_rgba(scratch, n)
    except subprocess.CalledProcessError:
        return None
    cover = float(rgba[..., 3].mean()) / 255.0
    return to_uint8(area_resize(flatten(rgba, WHITE), 64)), cover


def group_of(context, name):
    """What must stay on one side of the split: a places glyph in all its colours, open and closed, else the icon."""
    return re.sub(r"-open$", "", COLOUR.sub(r"\1", name)) if context == "places" else name


def main(out, fraction=0.15, seed=23):
    if not os.path.isdir(BASE):
        sys.exit(f"{BASE} not found: apt-get install -y papirus-icon-theme librsvg2-bin")
    rng = np.random.default_rng(seed)
    os.makedirs(out, exist_ok=True)
    scratch = os.path.join(out, ".render.png")
    seen_files, seen_pixels = set(), set()
    for c in CLASSES:
        kept, failed, empty, same = [], [], [], 0
        for name, path in sources(c, seen_files):
            r = render(path, scratch)
            if r is None:
                failed.append(name)
                continue
            rgb, cover = r
            if cover < MIN_COVER:
                empty.append(name)
                continue
            digest = hashlib.sha256(rgb.tobytes()).hexdigest()
            if digest in seen_pixels:
                same += 1
                continue
            seen_pixels.add(digest)
            kept.append((name, rgb))
        counts = {}
        for name, _ in kept:
            counts[group_of(c, name)] = counts.get(group_of(c, name), 0) + 1
        held = heldout_groups(counts, fraction, rng)
        for part in ("train", "heldout"):
            os.makedirs(os.path.join(out, part, c), exist_ok=True)
        n_held = 0
        for name, rgb in kept:
            part = "heldout" if group_of(c, name) in held else "train"
            n_held += part == "heldout"
            write_png(os.path.join(out, part, c, f"{name}.png"), rgb)
        print(f"{c}: {len(kept) - n_held} train, {n_held} heldout ({len(counts)} groups); skipped {len(failed)} "
              f"failed {failed[:5]}, {len(empty)} nearly empty {empty[:5]}, {same} same pixels as another",
              flush=True)
    if os.path.exists(scratch):
        os.remove(scratch)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
