#!/usr/bin/env bash
# Print acceptance with independent tools (poppler-utils, zbar-tools): every PDF in an output folder
# has a TrimBox 3 mm inside its MediaBox (office copies: none), only embedded subset fonts, is tagged, carries a title, and
# the QR code on its first page decodes (rendered by poppler at 150 dpi) to a URL of the site, and its
# colour is print-ready: Ghostscript's tiffsep separates every page into C, M, Y and K plates and the
# total ink (C+M+Y+K) of every pixel is at most 300 %; the highest total per PDF is printed.
# Roll-up stands (*-yilabao.pdf, *-xzhanjia.pdf) and banners (*-hengfu*.pdf) have no bleed either.
# Banners carry no QR code (it would hang out of reach): theirs is not looked for.
# Office-printer copies (*-ziyin.pdf) instead have no bleed (MediaBox = A4), and their text keeps a
# contrast of at least 7:1 printed in grayscale: Ghostscript renders each page in grey twice, with and
# without its text (-dFILTERTEXT), and every text grey is compared with the ground under it.
# Every poster's area under its band is at most 40 % empty (tests/print/fill.py says how it is measured).
# Usage: tests/print/check_pdfs.sh OUT_DIR BASE_URL
set -euo pipefail
out=$1
base=$2
n=0
fail=0
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
while IFS= read -r -d '' pdf; do
  n=$((n + 1))
  rel=${pdf#"$out"/}
  # Roll-ups are 2 m tall and their QR codes 15 cm wide: 30 dpi is enough (10 dpi for the separations).
  dpi=150
  sep_dpi=36
  case "$rel" in *-yilabao.pdf | *-xzhanjia.pdf | *-hengfu*.pdf) dpi=30 sep_dpi=10 ;; esac
  info=$(pdfinfo -box "$pdf" 2>/dev/null)
  media=$(awk '/^MediaBox:/ {print $2, $3, $4, $5}' <<<"$info")
  trim=$(awk '/^TrimBox:/ {print $2, $3, $4, $5}' <<<"$info")
  bleed=3
  # Office copies, roll-up stands (易拉宝, X展架) and banners (横幅) have no bleed.
  case "$rel" in *-ziyin.pdf | *-yilabao.pdf | *-xzhanjia.pdf | *-hengfu*.pdf) bleed=0; [ -n "$trim" ] || trim=$media ;; esac
  if ! python3 - "$media" "$trim" "$bleed" <<'PY'
import sys
m = [float(x) for x in sys.argv[1].split()]
t = [float(x) for x in sys.argv[2].split()]
b = float(sys.argv[3]) * 72 / 25.4
ok = all(abs(d - b) < 0.05 for d in (t[0] - m[0], t[1] - m[1], m[2] - t[2], m[3] - t[3]))
sys.exit(0 if ok else 1)
PY
  then
    echo "FAIL $rel: MediaBox [$media] is not TrimBox [$trim] + $bleed mm"; fail=1
  fi
  grep -q '^Tagged: *yes' <<<"$info" || { echo "FAIL $rel: not tagged"; fail=1; }
  grep -q '^Title: *[^ ]' <<<"$info" || { echo "FAIL $rel: no title"; fail=1; }
  # pdffonts: name type encoding emb sub uni — every font embedded and subset.
  if pdffonts "$pdf" 2>/dev/null | tail -n +3 | awk '{ if ($(NF-4) != "yes" || $(NF-3) != "yes") bad = 1 } END { exit bad }'; then :; else
    echo "FAIL $rel: a font is not embedded as a subset"; pdffonts "$pdf"; fail=1
  fi
  rm -f "$tmp"/sep*.tif
  gs -q -dNOPAUSE -dBATCH -dSAFER -sDEVICE=tiffsep -r"$sep_dpi" -sCompression=none \
    -sOutputFile="$tmp/sep%d.tif" "$pdf" >/dev/null 2>&1 || { echo "FAIL $rel: Ghostscript cannot separate it"; fail=1; }
  if ink=$(python3 "$here/ink_coverage.py" "$tmp" 300); then
    echo "ink $rel: $ink"
  else
    echo "FAIL $rel: $ink"; fail=1
  fi
  case "$rel" in *-ziyin.pdf)
    rm -f "$tmp"/*.pgm
    for mode in full notext; do
      filter=()
      [ "$mode" = notext ] && filter=(-dFILTERTEXT)
      gs -q -dNOPAUSE -dBATCH -dSAFER -sDEVICE=pgmraw -r100 -dTextAlphaBits=1 -dGraphicsAlphaBits=1 \
        "${filter[@]}" -sOutputFile="$tmp/$mode%d.pgm" "$pdf" >/dev/null 2>&1
    done
    for page in "$tmp"/full*.pgm; do
      if c=$(python3 "$here/text_contrast.py" "$page" "${page/full/notext}" 7); then
        echo "contrast $rel $(basename "$page" .pgm): $c"
      else
        echo "FAIL $rel $(basename "$page" .pgm): $c"; fail=1
      fi
    done
    ;;
  esac
  case "$rel" in *-hengfu*.pdf) continue ;; esac
  pdftoppm -r "$dpi" -f 1 -l 1 -png "$pdf" "$tmp/page" 2>/dev/null
  qr=$(zbarimg -q --raw "$tmp"/page*.png 2>/dev/null || true)
  rm -f "$tmp"/page*.png
  case "$qr" in
    "$base"/*) ;;
    *) echo "FAIL $rel: QR code decodes to '$qr'"; fail=1 ;;
  esac
done < <(find "$out" -name '*.pdf' -print0 | sort -z)
if [ "$n" -eq 0 ]; then echo "FAIL: no PDF under $out"; exit 1; fi
# Posters use their space: no poster's area under its band is more than about a third empty (40 %
# allowed: a narrow X展架 cannot fill its height with one-line points).
if [ -d "$out/posters" ]; then
  if ! python3 "$here/fill.py" --max 40 "$out"/posters/*.pdf >"$tmp/fill.txt"; then
    echo "FAIL: a poster is more than 40 % empty"; fail=1
  fi
  sed 's/^/empty /' "$tmp/fill.txt"
fi
[ "$fail" -eq 0 ] || exit 1
echo "print check: $n PDFs — page boxes with 3 mm bleed (large format: none), fonts embedded and subset, tagged with a title, QR codes decode, total ink ≤ 300 %, posters at most 40 % empty; office copies without bleed, text contrast ≥ 7:1 in grayscale"
