#!/usr/bin/env python3
"""A 64x64 RGB folder of game sprites: Battle for Wesnoth's unit images, ten classes by race, built offline.

Source: Debian package wesnoth-1.16-data (GPL-2+), data/core/images/units/: 5,796 files of 273 units (each
unit's standing image and its attack/defend/die/idle animation frames), mostly on a 72x72 transparent canvas with
the unit centred. Each picture is centred on a 72x72 canvas (larger frames cropped around the centre), its
team-colour magenta recoloured to red (the game does this at run time), composited onto white, area-averaged to
64x64 and written as an RGB PNG. Byte-identical source files are kept once. Race folders are merged into ten classes.

The held-out split takes whole units (a unit's standing image and all its frames), in a seeded order, as long as
they fit under 15% of the class (12-15% as built), so no held-out image is a neighbouring animation frame of a
training image. About 30 images are nearly empty (small ants, a vanishing mage): kept, as the game ships them.

    apt-get install -y wesnoth-1.16-data imagemagick python3-numpy
    python3 scripts/make-wesnoth-units.py data/wesnoth-units64
        -> OUT/train/<class>/*.png (4,871) and OUT/heldout/<class>/*.png (840), 10 classes of 368-891 images
           (5,711 distinct sprites of 273 units), 27 MB, about 4 minutes on one core

Deterministic: the same package version and seed give the same files.
"""
import hashlib, os, re, sys
import numpy as np
from rgbset import area_resize, flatten, heldout_groups, read_rgba, to_uint8, write_png

UNITS = "/usr/share/games/wesnoth/1.16/data/core/images/units"
CLASSES = {  # class -> race folders
    "drakes": ["drakes"], "dwarves": ["dwarves"], "elves": ["elves-wood"], "loyalists": ["human-loyalists"],
    "humans-other": ["human-magi", "human-outlaws", "human-peasants"], "monsters": ["monsters"],
    "orcs-trolls": ["orcs", "goblins", "trolls", "ogres"], "saurians": ["saurians"],
    "undead": ["undead", "undead-necromancers", "undead-skeletal"],
    "other-races": ["dunefolk", "merfolk", "nagas", "woses", "transport"],
}
# data/core/team-colors.cfg's `magenta` palette: the pixels the game recolours per side. Mapped to red by keeping
# red and copying green into blue, so shading is kept (F49AC1 -> F49A9A, EC008C -> EC0000).
MAGENTA = ["F49AC1", "3F0016", "55002A", "690039", "7B0045", "8C0051", "9E005D", "B10069", "C30074", "D6007F",
           "EC008C", "EE3D96", "EF5BA1", "F172AC", "F287B6", "F6ADCD", "F8C1D9", "FAD5E5", "FDE9F1"]
MAGENTA_KEYS = np.array([int(c, 16) for c in MAGENTA], np.int64)
WHITE = (255, 255, 255)


def team_red(rgba):
    rgba = rgba.copy()
    key = (rgba[..., 0].astype(np.int64) << 16) | (rgba[..., 1].astype(np.int64) << 8) | rgba[..., 2]
    hit = np.isin(key, MAGENTA_KEYS)
    rgba[..., 2][hit] = rgba[..., 1][hit]
    return rgba


def unit_of(race_dir, rel):
    """The unit a sprite belongs to: its sub-folder, else the shortest name prefix that is itself a sprite
    (elvish-archer-bow-1 -> elvish-archer, armageddon-fly-2-upstroke -> armageddon), else the name without
    trailing frame numbers."""
    if os.sep in rel:
        return rel.split(os.sep)[0]
    stem = rel[:-4]
    parts = stem.split("-")
    for n in range(1, len(parts)):
        if os.path.exists(os.path.join(race_dir, "-".join(parts[:n]) + ".png")):
            return "-".join(parts[:n])
    return re.sub(r"(-\d+)+$", "", stem)


def sprites():
    """(class, unit, path) for every distinct sprite, in a fixed order."""
    seen, out = set(), []
    for cls, races in CLASSES.items():
        for race in races:
            race_dir = os.path.join(UNITS, race)
            for root, _, files in sorted(os.walk(race_dir)):
                for f in sorted(files):
                    if not f.endswith(".png"):
                        continue
                    path = os.path.join(root, f)
                    digest = hashlib.sha256(open(path, "rb").read()).hexdigest()
                    if digest in seen:
                        continue
                    seen.add(digest)
                    out.append((cls, race + "/" + unit_of(race_dir, os.path.relpath(path, race_dir)), path))
    return out


def main(out, fraction=0.15, seed=23):
    if not os.path.isdir(UNITS):
        sys.exit(f"{UNITS} not found: apt-get install -y wesnoth-1.16-data")
    rng = np.random.default_rng(seed)
    items = sprites()
    for cls in CLASSES:
        mine = [(u, p) for c, u, p in items if c == cls]
        counts = {}
        for u, _ in mine:
            counts[u] = counts.get(u, 0) + 1
        held = heldout_groups(counts, fraction, rng)
        for part in ("train", "heldout"):
            os.makedirs(os.path.join(out, part, cls), exist_ok=True)
        n_held = 0
        for i, (u, p) in enumerate(mine):
            part = "heldout" if u in held else "train"
            n_held += part == "heldout"
            rgb = area_resize(flatten(team_red(read_rgba(p, 72)), WHITE), 64)
            name = f"{i:04d}-{u.split('/')[-1]}.png"
            write_png(os.path.join(out, part, cls, name), to_uint8(rgb))
        print(f"{cls}: {len(mine) - n_held} train, {n_held} heldout ({len(counts)} units, {len(held)} held out)",
              flush=True)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
