#!/usr/bin/env bash
# The main job on a fresh machine: set-up, NEU-DET conversion, training of
# the headline config on the CPU schedule (first its supervised stage, if
# it has one), then mAP@0.5 on the 180 test images from the last
# checkpoint. Set CONFIG to run another config.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
CONFIG=${CONFIG:-configs/dsym_neu_40pct.py}
NAME=$(basename "$CONFIG" .py)
WORK_DIR=${WORK_DIR:-work_dirs/$NAME}
bash tools/setup_env.sh
bash tools/prepare_neu_det.sh
PY=${DSYM_VENV:-$ROOT/.venv}/bin/python
export HF_HUB_OFFLINE=1
# A DSYM config that fine-tunes a supervised model names that model's
# config (``supervised_config``): train it first, in its default work dir
# where the DSYM config's init_cfg finds its last checkpoint.
SUP_CONFIG=$("$PY" -c 'import sys; from mmengine.config import Config
print(Config.fromfile(sys.argv[1]).get("supervised_config", ""))' "$CONFIG")
if [ -n "$SUP_CONFIG" ]; then
    "$PY" tools/train.py "$SUP_CONFIG" --resume
fi
# --resume: a killed run continues from its last checkpoint
"$PY" tools/train.py "$CONFIG" --work-dir "$WORK_DIR" --resume
"$PY" tools/test.py "$CONFIG" "$(cat "$WORK_DIR/last_checkpoint")" --work-dir "$WORK_DIR/test"
