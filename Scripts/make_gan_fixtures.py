#!/usr/bin/env python3
"""Writes the toy data sets for `aigc gan train` (Python standard library only, deterministic):

  Fixtures/gan/blob2d.npy     float32 [2000, 2]: one Gaussian blob, mean (0.35, 0.65), std (0.08, 0.05)
  Fixtures/gan/mixture2d.npy  float32 [2000, 2]: two blobs, means (0.25, 0.25) and (0.75, 0.75), std 0.05

Values are clipped to [0, 1] (at these means and widths no draw comes within 4 standard deviations of the edge).
Usage: python3 Scripts/make_gan_fixtures.py [OUTDIR]   (default Fixtures/gan)
"""
import os
import random
import struct
import sys


def npy_bytes(rows, dim, values):
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }" % (rows, dim)
    pad = (64 - (10 + len(header) + 1) % 64) % 64
    header = header + " " * pad + "\n"
    out = b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode("latin-1")
    return out + struct.pack("<%df" % len(values), *values)


def clip(v):
    return min(1.0, max(0.0, v))


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "Fixtures", "gan")
    os.makedirs(outdir, exist_ok=True)
    rng = random.Random(20261129)
    blob = []
    for _ in range(2000):
        blob += [clip(rng.gauss(0.35, 0.08)), clip(rng.gauss(0.65, 0.05))]
    with open(os.path.join(outdir, "blob2d.npy"), "wb") as f:
        f.write(npy_bytes(2000, 2, blob))
    mix = []
    for i in range(2000):
        c = 0.25 if i % 2 == 0 else 0.75
        mix += [clip(rng.gauss(c, 0.05)), clip(rng.gauss(c, 0.05))]
    with open(os.path.join(outdir, "mixture2d.npy"), "wb") as f:
        f.write(npy_bytes(2000, 2, mix))


if __name__ == "__main__":
    main()
