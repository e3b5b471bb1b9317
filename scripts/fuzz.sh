#!/usr/bin/env bash
# Set up (see setup.sh) and run the differential fuzzer: random programs in the engine and in
# torch side by side (10,000 by default; arguments go to scripts/fuzz.py, e.g. -n 2000 --seed 3).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
exec .venv/bin/python scripts/fuzz.py "$@"
