#!/usr/bin/env bash
# Create (or update) the project's virtualenv at .venv/ and install everything
# dsym_mm needs on a CPU machine. Idempotent: a second run takes seconds.
#
#   bash tools/setup_env.sh
#
# Environment:
#   DSYM_VENV        virtualenv path (default: <repo>/.venv)
#   DSYM_WHEEL_CACHE where the built mmcv wheel is kept
#                    (default: ~/.cache/dsym_mm/wheels/torch-<version>)
#   MMCV_WHEEL       an mmcv 2.0.x wheel you already have: skips the build
#   PYTHON           interpreter used to create the virtualenv (default: python3)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${DSYM_VENV:-$ROOT/.venv}
PYTHON=${PYTHON:-python3}
log() { echo "[setup_env] $*"; }

if [ ! -x "$VENV/bin/python" ]; then
  log "creating virtualenv $VENV"
  "$PYTHON" -m venv "$VENV"
fi
PY="$VENV/bin/python"
PIP=("$PY" -m pip install --disable-pip-version-check)

stamp="$VENV/.dsym_mm_installed"
want=$(cat "$ROOT"/requirements/*.txt "$ROOT/setup.py" | sha256sum | cut -c1-16)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && \
   "$PY" -c "import dsym_mm, mmcv.ops, mmdet, mmyolo" 2>/dev/null; then
  log "environment up to date ($VENV)"
  exit 0
fi

log "installing build requirements (torch, setuptools<81)"
"${PIP[@]}" -r "$ROOT/requirements/build.txt"

# ---------------------------------------------------------------- mmcv ----
# mmcv 2.x has no wheel for this torch on the registry. Build it once from the
# sdist with CPU ops, patching the C++ standard (torch >= 2.10 headers need
# C++20; mmcv 2.0.1 forces c++14/c++17), and keep the wheel in a cache.
mmcv_spec=$(grep -E '^mmcv' "$ROOT/requirements/mmcv.txt")
mmcv_ver=${mmcv_spec#mmcv==}
if "$PY" -c "import mmcv, mmcv.ops, sys; sys.exit(mmcv.__version__ != '$mmcv_ver')" 2>/dev/null; then
  log "mmcv $mmcv_ver with ops already installed"
else
  torch_ver=$("$PY" -c "import torch; print(torch.__version__.split('+')[0])")
  cache=${DSYM_WHEEL_CACHE:-$HOME/.cache/dsym_mm/wheels/torch-$torch_ver}
  mkdir -p "$cache"
  wheel=${MMCV_WHEEL:-$(ls "$cache"/mmcv-"$mmcv_ver"-*.whl 2>/dev/null | head -n 1 || true)}
  if [ -z "$wheel" ]; then
    log "building mmcv $mmcv_ver with CPU ops (about 8 minutes on 2 cores)"
    work=$(mktemp -d)
    "$PY" -m pip download --disable-pip-version-check --no-deps --no-binary :all: \
      -d "$work" "$mmcv_spec"
    tar -xzf "$work"/mmcv-"$mmcv_ver".tar.gz -C "$work"
    src="$work/mmcv-$mmcv_ver"
    sed -i -E 's/-std=c\+\+1[47]/-std=c++20/g' "$src/setup.py"
    grep -q -- '-std=c++20' "$src/setup.py" || { log "mmcv setup.py patch failed"; exit 1; }
    (cd "$src" && MMCV_WITH_OPS=1 FORCE_CUDA=0 MAX_JOBS=${MAX_JOBS:-$(nproc)} \
      "$PY" -m pip wheel --disable-pip-version-check --no-build-isolation --no-deps \
      -w "$cache" .)
    rm -rf "$work"
    wheel=$(ls "$cache"/mmcv-"$mmcv_ver"-*.whl | head -n 1)
  fi
  log "installing $wheel"
  "${PIP[@]}" "$wheel"
fi

log "installing runtime and test requirements"
"${PIP[@]}" -r "$ROOT/requirements/runtime.txt" -r "$ROOT/requirements/tests.txt"
"${PIP[@]}" --no-deps --no-build-isolation -e "$ROOT"
"$PY" -c "import mmcv.ops, mmdet, mmyolo, dsym_mm; print('mmcv', mmcv.__version__, 'mmdet', mmdet.__version__, 'mmyolo', mmyolo.__version__)"
echo "$want" > "$stamp"
log "done: $VENV"
