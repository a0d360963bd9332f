#!/usr/bin/env python3
"""Time from saving a one-page edit to the reload event of `fangpian serve`.

Usage: benches/serve_reload.py [N] [RUNS]   (defaults: 10000 pages, 30 edits)

Generates the shared benchmark corpus with N pages, starts the release binary's `serve` on it,
subscribes to its event stream, then repeatedly rewrites the body of one page and measures the time
until the `reload` event arrives. Prints median, p90, min and max in milliseconds. Build the release
binary first: `cargo build --release`.
"""
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import queue

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
BIN = os.path.join(REPO, "target", "release", "fangpian")
GEN = os.path.join(REPO, "..", "shared", "bench", "gen_corpus.py")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    if not os.path.exists(BIN):
        sys.exit("build the release binary first: cargo build --release")
    work = tempfile.mkdtemp(prefix="fangpian-serve-bench-")
    corpus = os.path.join(work, "c")
    subprocess.run([sys.executable, GEN, str(n), corpus], check=True, stdout=subprocess.DEVNULL)
    site = os.path.join(corpus, "fangpian")
    port = free_port()
    t_start = time.perf_counter()
    proc = subprocess.Popen([BIN, "serve", "--root", site, "--port", str(port), "--out", os.path.join(work, "out")],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        for line in proc.stdout:
            if "正在预览" in line:
                break
        print(f"initial build and start: {time.perf_counter() - t_start:.2f} s for {n} pages")
        events = queue.Queue()
        sock = socket.create_connection(("127.0.0.1", port))
        sock.sendall(b"GET /__fangpian/events HTTP/1.1\r\nHost: localhost\r\n\r\n")

        def reader():
            buf = b""
            while True:
                data = sock.recv(65536)
                if not data:
                    return
                buf += data
                while b"\n" in buf:
                    line, buf = buf.split(b"\n", 1)
                    if line.startswith(b"event: "):
                        events.put((time.perf_counter(), line[7:].strip().decode()))

        threading.Thread(target=reader, daemon=True).start()
        time.sleep(0.3)
        page = os.path.join(site, "content", "tactics", "tactic-00002.md")
        with open(page, encoding="utf-8") as f:
            original = f.read()
        samples = []
        for i in range(runs):
            text = original + f"\n这是第 {i + 1} 次修改，用来测量预览刷新的速度。\n"
            t0 = time.perf_counter()
            with open(page, "w", encoding="utf-8") as f:
                f.write(text)
            t1, ev = events.get(timeout=30)
            if ev != "reload":
                sys.exit(f"unexpected event {ev}")
            samples.append((t1 - t0) * 1000)
            time.sleep(0.15)
        samples.sort()
        p90 = samples[int(len(samples) * 0.9) - 1]
        print(f"save -> reload event over {runs} one-page edits ({n} pages): "
              f"median {statistics.median(samples):.1f} ms, p90 {p90:.1f} ms, "
              f"min {samples[0]:.1f} ms, max {samples[-1]:.1f} ms")
    finally:
        proc.kill()
        proc.wait()


if __name__ == "__main__":
    main()
