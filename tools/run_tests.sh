#!/usr/bin/env bash
# Set-up, then the whole test suite on CPU (pytest arguments pass through).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
bash tools/setup_env.sh
export HF_HUB_OFFLINE=1
exec "${DSYM_VENV:-$ROOT/.venv}/bin/python" -m pytest "$@"
