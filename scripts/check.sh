#!/usr/bin/env bash
# Set up (see setup.sh) and run `tinygrad-lite check`: every op against PyTorch.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
exec .venv/bin/tinygrad-lite check "$@"
