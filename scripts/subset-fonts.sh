#!/usr/bin/env bash
# Rebuilds the CJK font subsets bundled with the default theme (themes/default/fonts/).
#
# Source: Noto Sans CJK SC, regular and bold, from Debian's fonts-noto-cjk package (face index 2 of each .ttc is
# the Simplified Chinese face). Licence: SIL Open Font License 1.1 (themes/default/fonts/OFL.txt).
# Needs: apt-get install fonts-noto-cjk; pip install fonttools.
#
# Kept: ASCII and Latin-1, general punctuation, letterlike symbols, arrows, enclosed numbers, shapes and
# symbols, CJK symbols and punctuation, the whole CJK Unified Ideographs block U+4E00–U+9FFF, CJK compatibility
# forms and full-width forms. Layout features: pyftsubset's defaults (kerning, ligatures, marks, vertical forms …) without `locl` and `aalt`, which would pull in
# the Japanese, Korean and Traditional Chinese glyph variants.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
src=${NOTO_CJK_DIR:-/usr/share/fonts/opentype/noto}
out="$here/themes/default/fonts"
mkdir -p "$out"
unicodes="U+0020-007E,U+00A0-00FF,U+2000-206F,U+2100-214F,U+2190-21FF,U+2460-24FF,U+2500-25FF,U+2600-26FF,U+2700-27BF,U+3000-303F,U+3200-32FF,U+4E00-9FFF,U+FE10-FE1F,U+FE30-FE4F,U+FF00-FFEF"
for weight in Regular Bold; do
  pyftsubset "$src/NotoSansCJK-$weight.ttc" --font-number=2 \
    --unicodes="$unicodes" \
    --layout-features-='locl,aalt' \
    --name-IDs='*' --name-languages='*' --notdef-outline --no-hinting \
    --output-file="$out/NotoSansCJKsc-$weight-subset.otf"
done
ls -l "$out"
