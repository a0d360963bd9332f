#!/usr/bin/env python3
"""Print benchmark: builds a site of N posters (release build) and prints medians.

    python3 benches/print_bench.py [--posters 100] [--runs 5] [--bin target/release/fangpian]

The site is generated into a temporary folder on tmpfs when there is one: site.toml, the example's
hotlines.toml and N posters cycling through the three poster layouts (warning, hotline, case), both
orientations and A4/A3/A2, each with its own headline, slogan, points and hotlines, so that no two
documents are the same. Measured, interleaved, each a median of --runs:

  * cold:      print cache removed, full build (every PDF and preview laid out and written);
  * no-print:  the same build with --no-print (the web pages alone), for reference;
  * unchanged: a rebuild with nothing changed (every document from the print cache).

For each it reports the wall time of the whole `fangpian build` and the print phase alone, read from
FANGPIAN_TIMINGS (from "markdown rendered" to "print done"). Targets (issue #4): all N=100 posters in
<= 1.0 s on the 2-core machine, and <= 50 ms spent on print when nothing changed.
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

HEADLINES = [
    "保健品不是药", "养老钱不乱投", "陌生来电先挂断", "免费旅游不免费", "以房养老要当心",
    "预付卡别多充", "代办社保是骗局", "义诊背后有推销", "高息理财是陷阱", "冒充亲友要核实",
]
SLOGANS = ["拿不准，先问子女", "天上不会掉馅饼", "遇事多打一个电话", "不贪便宜不上当"]
POINTS = [
    "不去来历不明的讲座", "不信包治百病", "不停医生开的药", "大额消费先问子女", "验证码不告诉别人",
    "不给上门取钱的人", "先挂断再回拨", "保本高息都是假", "入股返利要警惕", "合同看清再签字",
]
LAYOUTS = ["warning", "hotline", "case"]
SIZES = [("A4", "portrait"), ("A4", "landscape"), ("A3", "portrait"), ("A2", "portrait")]


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def make_site(root, n):
    write(os.path.join(root, "site.toml"),
          'title = "海报基准"\nbase_url = "https://bench.example.org"\nlanguage = "zh-CN"\n'
          'organization = "基准测试宣教组"\n')
    os.makedirs(os.path.join(root, "content", "posters"), exist_ok=True)
    shutil.copy(os.path.join(ROOT, "content", "hotlines.toml"), os.path.join(root, "content", "hotlines.toml"))
    write(os.path.join(root, "content", "_index.md"), '+++\ntitle = "首页"\n+++\n')
    write(os.path.join(root, "content", "posters", "_index.md"), '+++\ntitle = "海报"\n+++\n')
    for i in range(n):
        layout = LAYOUTS[i % 3]
        size, orientation = SIZES[(i // 3) % len(SIZES)]
        if layout != "warning":
            orientation = "portrait"
        headline = f"{HEADLINES[i % len(HEADLINES)]}（{i + 1}）"
        points = [POINTS[(i + k) % len(POINTS)] for k in range(3 + i % 2)]
        hotlines = ["police", "fanzha"] + (["xiaofei"] if i % 2 else [])
        pts = ", ".join(f'"{p}"' for p in points)
        hl = ", ".join(f'"{h}"' for h in hotlines)
        write(os.path.join(root, "content", "posters", f"p{i:03}.md"),
              f'+++\ntitle = "海报 {i + 1}"\nheadline = "{headline}"\nslogan = "{SLOGANS[i % len(SLOGANS)]}"\n'
              f'points = [{pts}]\nhotlines = [{hl}]\nqr = "https://bench.example.org/"\nsize = "{size}"\n'
              f'orientation = "{orientation}"\nlayout = "{layout}"\n+++\n\n基准测试海报 {i + 1}。\n')


def run(binary, root, out, extra=()):
    env = dict(os.environ, FANGPIAN_TIMINGS="1", SOURCE_DATE_EPOCH="1795392000")
    t0 = time.perf_counter()
    p = subprocess.run([binary, "build", "--root", root, "--out", out, *extra],
                       capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"build failed:\n{p.stdout[-2000:]}\n{p.stderr[-4000:]}")
    # Lines look like "[timing]    123.4 ms  cpu    210.0 ms    80 MiB  print done".
    marks = dict((name, float(ms)) for ms, name in
                 re.findall(r"\[timing\]\s+([\d.]+) ms\s+(?:cpu\s+[\d.]+ ms\s+)?(?:\d+ MiB\s+)?(.+)", p.stderr))
    # The print phase runs between the list summaries and "print done" (absent with --no-print).
    start = marks["list summaries ready"]
    print_ms = marks.get("print done", start) - start
    m = re.search(r"(\d+) 份海报和三折页 PDF（新排版 (\d+) 份）", p.stdout)
    docs = (int(m.group(1)), int(m.group(2))) if m else (0, 0)
    return wall, print_ms, docs


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--posters", type=int, default=100)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "fangpian"))
    ap.add_argument("--templates", help="a folder of print templates (*.typ) the site overrides the "
                    "theme's with, to compare templates with one binary")
    a = ap.parse_args()
    if not os.path.exists(a.bin):
        subprocess.run(["cargo", "build", "--release"], cwd=ROOT, check=True)
    base = "/dev/shm" if os.path.isdir("/dev/shm") else None
    with tempfile.TemporaryDirectory(prefix="fangpian-print-bench-", dir=base) as tmp:
        root = os.path.join(tmp, "site")
        out = os.path.join(tmp, "public")
        make_site(root, a.posters)
        if a.templates:
            shutil.copytree(a.templates, os.path.join(root, "themes", "default", "print"))
        cache = os.path.join(root, ".fangpian-cache")
        # Warm-up (page cache, binary), not counted.
        run(a.bin, root, out)
        results = {"cold": [], "no-print": [], "unchanged": []}
        docs = {}
        for _ in range(a.runs):
            shutil.rmtree(cache, ignore_errors=True)
            w, p, d = run(a.bin, root, out)
            results["cold"].append((w, p))
            docs["cold"] = d
            w, p, d = run(a.bin, root, out, ["--no-print"])
            results["no-print"].append((w, p))
            w, p, d = run(a.bin, root, out)
            results["unchanged"].append((w, p))
            docs["unchanged"] = d
        pdfs = [f for f in os.listdir(os.path.join(out, "posters")) if f.endswith(".pdf")]
        size = sum(os.path.getsize(os.path.join(out, "posters", f)) for f in pdfs)
    print(f"print benchmark: {a.posters} posters, {a.runs} runs each, medians, {os.cpu_count()} CPUs")
    print(f"{'build':<12}{'wall s':>10}{'print ms':>12}   documents (laid out)")
    for name, rows in results.items():
        wall = statistics.median(r[0] for r in rows)
        pm = statistics.median(r[1] for r in rows)
        d = docs.get(name)
        dtxt = f"{d[0]} ({d[1]})" if d else "-"
        print(f"{name:<12}{wall:>10.3f}{pm:>12.1f}   {dtxt}")
    cold = statistics.median(r[0] for r in results["cold"])
    unchanged = statistics.median(r[1] for r in results["unchanged"])
    print(f"PDFs: {len(pdfs)}, {size / len(pdfs) / 1024:.0f} KB each on average")
    print(f"target: {a.posters} posters <= 1.0 s: {'met' if cold <= 1.0 else 'NOT met'} ({cold:.3f} s); "
          f"unchanged rebuild <= 50 ms on print: {'met' if unchanged <= 50 else 'NOT met'} ({unchanged:.1f} ms)")


if __name__ == "__main__":
    main()
