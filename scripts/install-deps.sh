#!/usr/bin/env bash
# Installs the Debian 12 packages Kiln builds and tests with, and only those that
# are missing, so running it again is quick and changes nothing.
set -euo pipefail

packages=(
  g++ cmake ninja-build pkgconf ccache make
  antlr4 libantlr4-runtime-dev uuid-dev default-jre-headless
  libtorch-dev libopenblas0-pthread libtcmalloc-minimal4
  llvm-16-dev
  libcli11-dev libgtest-dev libgmock-dev libbenchmark-dev
  libedit-dev nlohmann-json3-dev libgraphviz-dev gnuplot-nox
  tmux python3
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
