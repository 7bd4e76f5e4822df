#!/usr/bin/env bash
# Convert NEU-DET to COCO JSON under data/neu_det/, again whenever the
# split files or the converter change (a stamp records what made them).
# Source, first found: $1, $NEU_DET_SRC, data/NEU-DET, ../shared/datasets/neu_det
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PY=${DSYM_VENV:-$ROOT/.venv}/bin/python
OUT=$ROOT/data/neu_det
STAMP=$OUT/annotations/.made_by
made_by=$(cd "$ROOT" && cat splits/neu_det/*.txt tools/dataset_converters/neu_det.py \
  dsym_mm/datasets/voc_annotations.py | sha256sum | cut -d' ' -f1)
if [ -f "$OUT/annotations/test.json" ] && [ -e "$OUT/images" ] \
    && [ "$(cat "$STAMP" 2>/dev/null)" = "$made_by" ]; then
  echo "[prepare_neu_det] data/neu_det is ready"
  exit 0
fi
for src in "${1:-}" "${NEU_DET_SRC:-}" "$ROOT/data/NEU-DET" "$ROOT/../shared/datasets/neu_det"; do
  if [ -n "$src" ] && [ -d "$src/annotations" ] && [ -d "$src/images" ]; then
    echo "[prepare_neu_det] converting $src"
    "$PY" "$ROOT/tools/dataset_converters/neu_det.py" --src "$src" --out "$OUT"
    echo "$made_by" > "$STAMP"
    exit 0
  fi
done
echo "[prepare_neu_det] NEU-DET not found: put it in data/NEU-DET (images/, annotations/)" >&2
echo "  or pass its path: bash tools/prepare_neu_det.sh /path/to/NEU-DET" >&2
exit 1
