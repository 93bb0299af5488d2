#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to the demo: installs what is
# missing, builds, and runs examples/geometric.ppl.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
build/bin/kiln run examples/geometric.ppl --seed 1
