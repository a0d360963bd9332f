#!/usr/bin/env python3
"""Tag scaling benchmark: how build time grows with the number of distinct tags (release build).

    python3 benches/tags_scale.py [--tags 10000 100000] [--runs 3] [--bin target/release/fangpian]

For each N a site is generated in a temporary folder (on tmpfs when there is one): N/5 case pages,
each with five tags of its own, so the site has N tag pages, N/5 article pages and one tag list of N
terms. Each site is built --runs times with --no-print; the median wall time, the median CPU time
(user + system, less disturbed by other work on the machine) and the peak memory are printed, and the
ratio of the largest N to the smallest. Target (issue #21): 100,000 tags in <= 10 x the time of 10,000.
"""

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def generate(root, n):
    os.makedirs(os.path.join(root, "content", "cases"))
    with open(os.path.join(root, "site.toml"), "w") as f:
        f.write('title = "标签测试"\nbase_url = "https://t.example.org"\nlanguage = "zh-CN"\ntheme = "default"\n')
    with open(os.path.join(root, "content", "hotlines.toml"), "w") as f:
        f.write('[[hotline]]\nid = "police"\nname = "报警电话"\nnumber = "110"\nprimary = true\nverified = 2026-11-01\n')
    with open(os.path.join(root, "content", "_index.md"), "w") as f:
        f.write('+++\ntitle = "首页"\n+++\n')
    with open(os.path.join(root, "content", "cases", "_index.md"), "w") as f:
        f.write('+++\ntitle = "案例"\n+++\n')
    for p in range(n // 5):
        tags = ", ".join(f'"标签{5 * p + k}"' for k in range(5))
        with open(os.path.join(root, "content", "cases", f"c{p}.md"), "w") as f:
            f.write(f'+++\ntitle = "案例{p}"\ndate = 2026-01-01\ntags = [{tags}]\n+++\n\n案例正文。\n')


def build(binary, root):
    """Wall seconds, CPU seconds and peak RSS (MiB) of one build."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [binary, "build", "--root", root, "--no-print"],
        check=True,
        stdout=subprocess.DEVNULL,
        env=dict(os.environ, SOURCE_DATE_EPOCH="1795392000"),
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, after.ru_maxrss / 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tags", type=int, nargs="+", default=[10000, 100000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "fangpian"))
    args = ap.parse_args()
    base = "/dev/shm" if os.path.isdir("/dev/shm") else None
    results = {}
    for n in args.tags:
        tmp = tempfile.mkdtemp(prefix=f"fangpian-tags-{n}-", dir=base)
        try:
            generate(tmp, n)
            build(args.bin, tmp)  # warm-up (also writes the output once)
            runs = [build(args.bin, tmp) for _ in range(args.runs)]
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        results[n] = (wall, cpu)
        print(f"{n:>7} tags: wall {wall:7.2f} s  cpu {cpu:7.2f} s  (peak RSS of any build so far {runs[-1][2]:.0f} MiB)")
    lo, hi = min(results), max(results)
    if lo != hi:
        print(
            f"{hi} / {lo} tags: wall x{results[hi][0] / results[lo][0]:.1f}, "
            f"cpu x{results[hi][1] / results[lo][1]:.1f} (linear: x{hi / lo:.0f})"
        )


if __name__ == "__main__":
    main()
