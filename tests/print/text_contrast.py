"""Text contrast of a page printed in grayscale.

Usage: text_contrast.py FULL.pgm NOTEXT.pgm MIN — two grayscale renders of the same page without
anti-aliasing (Ghostscript pgmraw), one with the text and one without it (-dFILTERTEXT). Pixels that
differ are text; each is compared with the ground under it (the same pixel without text). Prints the
lowest WCAG contrast ratio between a text grey and its ground (pairs of at least 20 pixels) and exits 1
if it is below MIN. Standard library only.
"""
import sys
from collections import Counter


def pgm(path):
    d = open(path, "rb").read()
    fields = []
    i = 0
    while len(fields) < 4:
        while d[i:i + 1].isspace():
            i += 1
        if d[i:i + 1] == b"#":
            while d[i:i + 1] != b"\n":
                i += 1
            continue
        j = i
        while not d[j:j + 1].isspace():
            j += 1
        fields.append(d[i:j])
        i = j
    w, h = int(fields[1]), int(fields[2])
    return w, h, d[i + 1:i + 1 + w * h]


def luminance(v):
    c = v / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def contrast(a, b):
    la, lb = sorted((luminance(a), luminance(b)))
    return (lb + 0.05) / (la + 0.05)


def main():
    full, notext, least = pgm(sys.argv[1]), pgm(sys.argv[2]), float(sys.argv[3])
    if full[:2] != notext[:2]:
        raise SystemExit("renders differ in size")
    pairs = Counter((t, g) for t, g in zip(full[2], notext[2]) if t != g)
    pairs = {p: n for p, n in pairs.items() if n >= 20}
    if not pairs:
        print("no text found")
        sys.exit(1)
    (t, g), worst = min(((p, contrast(*p)) for p in pairs), key=lambda x: x[1])
    msg = f"lowest text contrast {worst:.2f}:1 (text grey {t} on {g})"
    print(msg if worst >= least else f"{msg} is below {least:g}:1")
    sys.exit(0 if worst >= least else 1)


main()
