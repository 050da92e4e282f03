#!/usr/bin/env python3
"""The RGB 64x64 wallpaper-crops folder of the ResNet-vs-DCGAN measurement (docs/architectures.md), rebuilt offline.

Ten 1024 px renderings of Debian's wallpapers (packages gnome-backgrounds and ukui-wallpapers), one class per
picture, 1,000 random square crops each: 128 to 384 px, block-averaged to 64x64, written as PNGs. Needs those two
packages, imagemagick (to decode .webp/.jpg) and numpy; no network beyond Debian's mirror.

    apt-get install -y gnome-backgrounds ukui-wallpapers imagemagick
    python3 scripts/make-wallpaper-crops.py data/wallpaper-crops64      # 10 classes x 1,000 PNGs, ~80 MB
"""
import os, subprocess, sys
import numpy as np

from rgbset import write_png   # the same zlib-only PNG writer the other dataset scripts use

PICTURES = {  # class -> source file
    "2004default": "/usr/share/backgrounds/2004default.jpg", "calla": "/usr/share/backgrounds/calla.png",
    "firstgeneration": "/usr/share/backgrounds/firstgeneration.jpg", "goldfish": "/usr/share/backgrounds/goldfish.png",
    "rhythm": "/usr/share/backgrounds/rhythm.jpg", "the-mouse": "/usr/share/backgrounds/the-mouse.jpg",
    "pixels-l": "/usr/share/backgrounds/gnome/pixels-l.webp", "licorice-l": "/usr/share/backgrounds/gnome/licorice-l.webp",
    "truchet-l": "/usr/share/backgrounds/gnome/truchet-l.webp", "wood-l": "/usr/share/backgrounds/gnome/wood-l.webp",
}


def read(path, scratch):
    """The picture resized to fit 1024x1024 (through a PNG, as the measured copy was made), as an [H, W, 3] uint8
    array: ImageMagick writes a plain binary PPM."""
    subprocess.run(["convert", path, "-resize", "1024x1024", scratch], check=True)
    ppm = subprocess.run(["convert", scratch, "ppm:-"], capture_output=True, check=True).stdout
    magic, size, maxval, data = ppm.split(b"\n", 3)
    w, h = map(int, size.split())
    return np.frombuffer(data, np.uint8).reshape(h, w, 3)



def main(out, per_class=1000, seed=12):
    rng = np.random.default_rng(seed)
    os.makedirs(out, exist_ok=True)
    for name, path in PICTURES.items():
        img = read(path, os.path.join(out, ".source.png")).astype(np.float32)
        h, w, _ = img.shape
        os.makedirs(os.path.join(out, name), exist_ok=True)
        for i in range(per_class):
            k = int(rng.integers(2, 7))          # crop side 64k px, averaged over k x k blocks
            s = 64 * k
            y, x = int(rng.integers(0, h - s + 1)), int(rng.integers(0, w - s + 1))
            crop = img[y:y + s, x:x + s].reshape(64, k, 64, k, 3).mean(axis=(1, 3))
            write_png(os.path.join(out, name, f"{i:04d}.png"), np.clip(crop + 0.5, 0, 255).astype(np.uint8))
        print(name, flush=True)
    os.remove(os.path.join(out, ".source.png"))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1000)
