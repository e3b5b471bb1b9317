#!/usr/bin/env bash
# Set up (see setup.sh) and train: `scripts/train.sh` trains the MLP on the digits;
# any arguments replace the default job, e.g. `scripts/train.sh transformer --task sort`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh examples
if [ "$#" -eq 0 ]; then
  set -- mlp
fi
exec .venv/bin/tinygrad-lite train "$@"
