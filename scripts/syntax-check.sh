#!/usr/bin/env bash
# Type-checks one runtime/stdlib/inference source file (or header) without
# building anything: g++ -fsyntax-only with the runtime's flags, at low
# priority. For quick feedback while writing a file; the build is the judge.
#   scripts/syntax-check.sh stdlib/distributions/gamma.cpp
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: scripts/syntax-check.sh FILE..." >&2; exit 2; }
for f in "$@"; do
  nice -n 19 c++ -fsyntax-only -std=c++20 -Wall -Wextra -Wno-unused-parameter \
    -D_GLIBCXX_USE_CXX11_ABI=1 -I. -Ibuild -isystem /usr/include/torch/csrc/api/include \
    -x c++ -include runtime/pch.h "$f"
done
