#!/usr/bin/env bash
# Regenerate the files the .deb package installs besides the binary: bash and zsh completions and
# the Chinese man page, all generated from the command-line definition (src/cli/). They are kept
# in packaging/ so that `cargo deb` alone builds the package; `cargo test --test cli` fails when
# they no longer match the program and names this script.
# Usage: scripts/packaging-files.sh [path/to/fangpian]   (default: builds and uses the debug binary)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-}
if [ -z "$bin" ]; then
  cargo build --quiet
  bin=target/debug/fangpian
fi
"$bin" completions bash > packaging/fangpian.bash
"$bin" completions zsh > packaging/_fangpian
"$bin" man > packaging/fangpian.1
echo "packaging/: fangpian.bash, _fangpian, fangpian.1 regenerated from $bin"
