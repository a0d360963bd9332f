"""Highest total ink coverage of Ghostscript tiffsep separations.

Usage: ink_coverage.py DIR LIMIT — DIR holds sepN(Cyan).tif, sepN(Magenta).tif, … for every page N
(uncompressed, 8-bit, 0 = full ink). Prints the highest C+M+Y+K of any pixel in percent and the plates
that carry ink; exits 1 if it is above LIMIT or a plate is missing. Standard library only.
"""
import glob
import os
import struct
import sys

PLATES = ("Cyan", "Magenta", "Yellow", "Black")


def values(d, e, typ, cnt, val):
    if cnt == 1:
        return [val]
    fmt, size = ("H", 2) if typ == 3 else ("I", 4)
    return list(struct.unpack(e + fmt * cnt, d[val:val + size * cnt]))


def plate(path):
    """Pixels of an uncompressed 8-bit grey TIFF as ink fractions 0..255."""
    d = open(path, "rb").read()
    e = "<" if d[:2] == b"II" else ">"
    off = struct.unpack(e + "I", d[4:8])[0]
    (n,) = struct.unpack(e + "H", d[off:off + 2])
    tags = {}
    for i in range(n):
        raw = d[off + 2 + 12 * i:off + 14 + 12 * i]
        tag, typ = struct.unpack(e + "HH", raw[:4])
        (cnt,) = struct.unpack(e + "I", raw[4:8])
        val = struct.unpack(e + ("H" if typ == 3 and cnt == 1 else "I"), raw[8:10] if typ == 3 and cnt == 1 else raw[8:12])[0]
        tags[tag] = (typ, cnt, val)
    w, h = tags[256][2], tags[257][2]
    if tags.get(259, (3, 1, 1))[2] != 1 or tags.get(258, (3, 1, 8))[2] != 8:
        raise SystemExit(f"{path}: not an uncompressed 8-bit plate")
    offs = values(d, e, *tags[273])
    lens = values(d, e, *tags[279])
    px = b"".join(d[o:o + ln] for o, ln in zip(offs, lens))[: w * h]
    return (w, h), bytes(255 - v for v in px)


def main():
    folder, limit = sys.argv[1], float(sys.argv[2])
    worst = 0.0
    inked = set()
    pages = sorted(glob.glob(os.path.join(folder, "sep*(Cyan).tif")))
    if not pages:
        print("no separations")
        sys.exit(1)
    for cyan in pages:
        base = cyan[: -len("(Cyan).tif")]
        plates = []
        for name in PLATES:
            path = f"{base}({name}).tif"
            if not os.path.exists(path):
                print(f"plate {name} missing")
                sys.exit(1)
            size, ink = plate(path)
            plates.append(ink)
            if max(ink) > 0:
                inked.add(name)
        total = max(sum(p) for p in zip(*plates))
        worst = max(worst, total / 255 * 100)
    # Spot plates would mean a colour outside CMYK.
    spots = [f for f in glob.glob(os.path.join(folder, "sep*(*).tif")) if not f.endswith(tuple(f"({p}).tif" for p in PLATES))]
    order = [p for p in PLATES if p in inked]
    msg = f"max total ink {worst:.0f} % (plates: {', '.join(order) or 'none'})"
    if spots:
        print(f"{msg}; spot colour plates: {spots}")
        sys.exit(1)
    print(msg if worst <= limit else f"{msg} is above {limit:.0f} %")
    sys.exit(0 if worst <= limit else 1)


main()
