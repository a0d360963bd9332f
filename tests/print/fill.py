#!/usr/bin/env python3
"""How empty a poster's areas are: the share of each area's height in which nothing is printed.

Usage: tests/print/fill.py [--max PERCENT] PDF...   (needs poppler's pdftoppm; standard-library Python
otherwise). With --max it exits 1 when a poster is emptier than PERCENT.

Each poster's first page is rendered in grey at 2 px/mm. The area measured is the page below the
coloured head band (the first white row under the top rows that carry ink), inside the layout's
margins: 12 mm × scale for posters (scale = the paper against A4), 40 mm × scale at the sides and
200 mm (易拉宝) or 60 mm (X展架) at the bottom of roll-ups. A landscape page is measured as two
columns (its layouts put points left and hotlines right). A row of a column is empty when all its
pixels have the same grey (±6: the ground, white or a box's fill); runs of empty rows taller than
6 mm × scale count (the gaps between lines and blocks of a well-set page are smaller). The empty
share of a column is those runs' height over the area's height; the page's figure is its emptiest
column. Office copies (*-ziyin.pdf) and banners (*-hengfu*.pdf) are skipped.
"""
import os
import subprocess
import sys
import tempfile

PX_PER_MM = 2.0


def grey(pdf):
    with tempfile.TemporaryDirectory() as d:
        subprocess.run(
            ["pdftoppm", "-gray", "-r", str(PX_PER_MM * 25.4), "-f", "1", "-l", "1", pdf, d + "/p"],
            check=True, stderr=subprocess.DEVNULL)
        name = [f for f in os.listdir(d) if f.endswith(".pgm")][0]
        data = open(os.path.join(d, name), "rb").read()
    # P5, width height, maxval, then the bytes (no comments in poppler's output).
    magic, w, h, maxval, px = data.split(maxsplit=4)
    return int(w), int(h), px


def empty_share(pdf):
    w, h, px = grey(pdf)
    wmm, hmm = w / PX_PER_MM, h / PX_PER_MM
    landscape = wmm > hmm
    scale = min(wmm / 297, hmm / 210) if landscape else min(wmm / 210, hmm / 297)
    name = os.path.basename(pdf)
    side = bottom = 12 * scale
    if name.endswith("-yilabao.pdf") or name.endswith("-xzhanjia.pdf"):
        scale = min(wmm / 210, hmm / 297)
        side = 40
        bottom = 200 if name.endswith("-yilabao.pdf") else 60
    row = lambda y, x0, x1: px[y * w + x0:y * w + x1]
    inked = lambda y: min(row(y, 0, w)) < 250
    top = 0
    while top < h and inked(top):
        top += 1
    y0, y1 = top, h - int(bottom * PX_PER_MM)
    x0, x1 = int(side * PX_PER_MM), w - int(side * PX_PER_MM)
    cols = [(x0, (x0 + x1) // 2), ((x0 + x1) // 2, x1)] if landscape else [(x0, x1)]
    min_run = 6 * scale * PX_PER_MM
    worst = 0.0
    for a, b in cols:
        empty, run = 0, 0
        for y in range(y0, y1 + 1):
            r = row(y, a, b) if y < y1 else b""
            if r and max(r) - min(r) <= 6:
                run += 1
                continue
            if run > min_run:
                empty += run
            run = 0
        worst = max(worst, empty / max(1, y1 - y0))
    return worst


def main():
    args = sys.argv[1:]
    limit = None
    if args[:1] == ["--max"]:
        limit, args = float(args[1]), args[2:]
    over = False
    for pdf in args:
        name = os.path.basename(pdf)
        if name.endswith("-ziyin.pdf") or "-hengfu" in name:
            continue
        share = empty_share(pdf) * 100
        print(f"{share:5.1f} %  {name}")
        over |= limit is not None and share > limit
    sys.exit(1 if over else 0)


if __name__ == "__main__":
    main()
