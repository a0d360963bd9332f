#!/usr/bin/env bash
# The README's nginx server block (nginx/fangpian.conf), run by Debian's nginx on 127.0.0.1 over a
# freshly built example site with `[output] precompress = true`: every page and file answers 200 with
# its content type and the security and cache headers, gzip_static sends the .gz copies, a missing page
# gets the site's 404 page, the Content-Security-Policy causes no violation in Chromium
# (tests/e2e/csp.mjs, needs `npm ci` in tests/e2e), and wrk for SECONDS gives zero errors.
# Usage: tests/nginx/check.sh [SECONDS]   (FANGPIAN_BIN: the binary, default target/debug/fangpian)
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-20}
bin=${FANGPIAN_BIN:-$PWD/target/debug/fangpian}
nginx=${NGINX:-/usr/sbin/nginx}
[ -x "$bin" ] || { echo "no fangpian binary at $bin (cargo build, or set FANGPIAN_BIN)" >&2; exit 1; }
[ -x "$nginx" ] || { echo "nginx is not installed: apt-get install nginx" >&2; exit 1; }
work=$(mktemp -d)
chmod 755 "$work"  # nginx workers run as another user
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT

python3 - <<'PY' || { echo "FAIL README.md no longer quotes nginx/fangpian.conf word for word" >&2; exit 1; }
conf = open("nginx/fangpian.conf", encoding="utf-8").read()
raise SystemExit(0 if "```nginx\n" + conf + "```" in open("README.md", encoding="utf-8").read() else 1)
PY
"$bin" init "$work/site" >/dev/null
printf '\n[output]\nprecompress = true\n' >>"$work/site/site.toml"
"$bin" build --root "$work/site" >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
public="$work/site/public"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

# The server block exactly as the README gives it, with only its listen and root lines replaced.
mkdir -p "$work/nginx/logs" "$work/nginx/tmp"
sed -e "s|^\(\s*\)listen 80;|\1listen 127.0.0.1:$port;|" -e "s|^\(\s*\)root /var/www/fangpian/public;|\1root $public;|" \
  nginx/fangpian.conf >"$work/nginx/server.conf"
grep -q "listen 127.0.0.1:$port;" "$work/nginx/server.conf" && grep -q "root $public;" "$work/nginx/server.conf" \
  || { echo "nginx/fangpian.conf no longer has the 'listen 80;' and 'root /var/www/fangpian/public;' lines" >&2; exit 1; }
cat >"$work/nginx/nginx.conf" <<CONF
daemon off;
worker_processes 2;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path $work/nginx/tmp/body;
    proxy_temp_path $work/nginx/tmp/proxy;
    fastcgi_temp_path $work/nginx/tmp/fastcgi;
    uwsgi_temp_path $work/nginx/tmp/uwsgi;
    scgi_temp_path $work/nginx/tmp/scgi;
    include $work/nginx/server.conf;
}
CONF
"$nginx" -t -p "$work/nginx" -c "$work/nginx/nginx.conf" -e stderr
"$nginx" -p "$work/nginx" -c "$work/nginx/nginx.conf" -e stderr &
pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 50); do curl -s -o /dev/null "$base/" && break; sleep 0.1; done

fail=0
header() { grep -i "^$2:" "$1" | head -1 | cut -d' ' -f2- | tr -d '\r'; }
# check PATH STATUS TYPE CACHE [ENCODING]
check() {
  local path=$1 status=$2 type=$3 cache=$4 enc=${5:-} h="$work/h" got
  got=$(curl -s -H 'Accept-Encoding: gzip' -D "$h" -o /dev/null -w '%{http_code}' "$base$path")
  local problems=""
  [ "$got" = "$status" ] || problems+=" status $got"
  [ "$(header "$h" content-type)" = "$type" ] || problems+=" type '$(header "$h" content-type)'"
  [ "$(header "$h" cache-control)" = "$cache" ] || problems+=" cache '$(header "$h" cache-control)'"
  [ "$(header "$h" content-encoding)" = "$enc" ] || problems+=" encoding '$(header "$h" content-encoding)'"
  header "$h" content-security-policy | grep -q "default-src 'none'" || problems+=" no CSP"
  [ "$(header "$h" x-content-type-options)" = nosniff ] || problems+=" no nosniff"
  if [ -n "$problems" ]; then echo "FAIL $path:$problems"; fail=1; fi
}
pages=0
while IFS= read -r f; do
  rel=${f#"$public"}
  case "$rel" in */index.html) url=${rel%index.html} ;; *) url=$rel ;; esac
  [ "$rel" = /404.html ] && continue
  enc=""; [ -f "$f.gz" ] && enc=gzip
  check "$url" 200 "text/html; charset=utf-8" "no-cache" "$enc"
  pages=$((pages + 1))
done < <(find "$public" -name '*.html' | sort)
files=0
while IFS= read -r f; do
  rel=${f#"$public"}
  enc=""; [ -f "$f.gz" ] && enc=gzip
  case "$rel" in
    *.pdf) check "$rel" 200 application/pdf "public, max-age=3600" ;;
    *.png) check "$rel" 200 image/png "public, max-age=3600" ;;
    *.svg) check "$rel" 200 "image/svg+xml; charset=utf-8" "public, max-age=3600" "$enc" ;;
    *.xml) check "$rel" 200 "text/xml; charset=utf-8" "no-cache" "$enc" ;;
    *.json) check "$rel" 200 "application/json; charset=utf-8" "no-cache" "$enc" ;;
    *.txt) check "$rel" 200 "text/plain; charset=utf-8" "no-cache" "$enc" ;;
    *.[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f].css)
      check "$rel" 200 "text/css; charset=utf-8" "public, max-age=31536000, immutable" "$enc" ;;
    *.[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f].js)
      check "$rel" 200 "application/javascript; charset=utf-8" "public, max-age=31536000, immutable" "$enc" ;;
    *) continue ;;
  esac
  files=$((files + 1))
done < <(find "$public" -type f ! -name '*.html' ! -name '*.gz' ! -name '*.br' ! -name '.*' | sort)
check /no-such-page/ 404 "text/html; charset=utf-8" "no-cache" gzip
curl -s "$base/no-such-page/" | cmp -s - "$public/404.html" || { echo "FAIL the 404 page is not the site's 404.html"; fail=1; }
gunzip -c <(curl -s -H 'Accept-Encoding: gzip' "$base/") | cmp -s - "$public/index.html" \
  || { echo "FAIL the gzip copy of / does not unpack to index.html"; fail=1; }
echo "nginx: $pages pages and $files other files checked (status, Content-Type, Cache-Control, gzip_static, CSP, nosniff)"
echo "== headers of / and of one PDF"
curl -s -D - -o /dev/null -H 'Accept-Encoding: gzip' "$base/"
pdf=$(cd "$public" && find . -name '*.pdf' | sort | head -1)
curl -s -D - -o /dev/null "$base${pdf#.}"

echo "== Content-Security-Policy in Chromium"
node tests/e2e/csp.mjs "$base" "$public" || fail=1

echo "== wrk ${secs}s, 64 connections"
for path in / "${pdf#.}"; do
  out=$(wrk -t2 -c64 -d"${secs}s" -H 'Accept-Encoding: gzip' --latency "$base$path")
  echo "$out" | grep -E "Requests/sec|Latency   |requests in|Non-2xx|Socket errors" | sed "s|^|$path  |"
  if echo "$out" | grep -qE "Non-2xx|Socket errors"; then fail=1; echo "FAIL errors under load on $path"; fi
done
if [ -s "$work/nginx/logs/error.log" ]; then echo "nginx error log:"; cat "$work/nginx/logs/error.log"; fi
[ "$fail" = 0 ] && echo "nginx check: 0 errors" || { echo "nginx check FAILED"; exit 1; }
