#!/usr/bin/env bash
# Load and safety check of the preview server: wrk for 20 s at 64 connections on loopback must give zero
# errors; traversal attempts get 404; every file type gets its content type.
# Usage: benches/serve_load.sh [SECONDS]   (needs wrk and curl; builds nothing: run `cargo build --release` first,
# or set FANGPIAN_BIN to the fangpian binary to use, as CI does with the debug build)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-20}
bin=${FANGPIAN_BIN:-target/release/fangpian}
[ -x "$bin" ] || { echo "build the release binary first: cargo build --release (or set FANGPIAN_BIN)" >&2; exit 1; }
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
"$bin" init "$work/site" >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin" serve --root "$work/site" --port "$port" >"$work/serve.log" 2>&1 &
pid=$!
# The first build lays out every poster afresh (a cold print cache): with the debug binary on a busy
# machine that takes well over ten seconds, so wait up to two minutes and say so if it never starts.
for _ in $(seq 1 1200); do grep -q "正在预览" "$work/serve.log" 2>/dev/null && break; sleep 0.1; done
grep -q "正在预览" "$work/serve.log" || { echo "serve did not start within 120 s:"; cat "$work/serve.log"; exit 1; }
base="http://127.0.0.1:$port"
fail=0

echo "== content types"
check_type() {
  local path=$1 want=$2 got
  got=$(curl -s -o /dev/null -w '%{content_type}' "$base$path")
  if [ "$got" != "$want" ]; then echo "FAIL $path: $got (want $want)"; fail=1; else echo "ok   $path: $got"; fi
}
check_type / "text/html; charset=utf-8"
check_type /fangpian.css "text/css; charset=utf-8"
check_type /fangpian.js "text/javascript; charset=utf-8"
check_type /atom.xml "text/xml; charset=utf-8"
check_type /sitemap.xml "text/xml; charset=utf-8"
for f in $(cd "$work/site/public" && find . -name '*.pdf' -o -name '*.png' -o -name '*.svg' | head -3); do
  case "$f" in
    *.pdf) check_type "${f#.}" "application/pdf" ;;
    *.png) check_type "${f#.}" "image/png" ;;
    *.svg) check_type "${f#.}" "image/svg+xml; charset=utf-8" ;;
  esac
done

echo "== path traversal"
for p in '/../site.toml' '/%2e%2e/site.toml' '/..%2fsite.toml' '/%2e%2e%5csite.toml' '/..\site.toml' '/.fangpian-build' '/tactics/../../site.toml'; do
  code=$(curl -s --path-as-is -o /dev/null -w '%{http_code}' "$base$p")
  if [ "$code" != 404 ]; then echo "FAIL $p -> $code"; fail=1; else echo "ok   $p -> 404"; fi
done

echo "== wrk ${secs}s, 64 connections"
for path in / /tactics/baojianpin/ /fangpian.css; do
  out=$(wrk -t2 -c64 -d"${secs}s" --latency "$base$path")
  echo "$out" | grep -E "Requests/sec|Latency   |requests in|Non-2xx|Socket errors" | sed "s|^|$path  |"
  if echo "$out" | grep -qE "Non-2xx|Socket errors"; then fail=1; echo "FAIL errors under load on $path"; fi
done
[ "$fail" = 0 ] && echo "serve load check: 0 errors" || { echo "serve load check FAILED"; exit 1; }
