#!/usr/bin/env bash
# Set up the autograder in the folder this script lives in (Gradescope: /autograder/source).
#
#   ./setup.sh          runtime: a virtual environment in .venv with the pinned dependencies
#   ./setup.sh --dev    also the self-test tools (CI, maintainers)
#
# Runs as root on Gradescope's Ubuntu 22.04 image or on Debian; also works as an ordinary user.
# The system python3 is left alone (Gradescope's harness uses it): everything goes into .venv.
# Environment knobs:
#   TORCH_INDEX_URL=URL   an extra index for torch wheels. Default: PyTorch's CPU-only index when
#                         the machine has no NVIDIA GPU (Gradescope: ~200 MB instead of several GB
#                         of CUDA libraries); set it empty for PyPI's build only. Where that index
#                         cannot be reached, pip falls back to PyPI by itself.
#   AUTOGRADER_SKIP_CIFAR=1   do not download the CIFAR-10 test set when the zip does not bundle it
#   AUTOGRADER_CIFAR_URL=URL  a mirror of the official CIFAR-10 archive (its MD5 is still checked)
#   AUTOGRADER_EXPECTED_STORE=off  do not store expected values (or a folder to store them in)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="$ROOT/.venv"
PYTHON="${PYTHON:-python3}"
DEV=0
[ "${1:-}" = "--dev" ] && DEV=1

say() { printf '[setup] %s\n' "$*"; }

if ! "$PYTHON" -c "import venv, ensurepip" >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing python3-venv (apt)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
  else
    say "error: $PYTHON cannot create virtual environments; install python3-venv" >&2
    exit 1
  fi
fi

if [ ! -x "$VENV/bin/python" ]; then
  say "creating $VENV with $("$PYTHON" --version 2>&1)"
  "$PYTHON" -m venv "$VENV"
fi

requirements="$ROOT/requirements.txt"
[ "$DEV" = 1 ] && requirements="$ROOT/requirements-dev.txt"
if [ -z "${TORCH_INDEX_URL+set}" ] && ! command -v nvidia-smi >/dev/null 2>&1; then
  TORCH_INDEX_URL="https://download.pytorch.org/whl/cpu"
fi
if [ -n "${TORCH_INDEX_URL:-}" ] && ! "$VENV/bin/python" -c "
import sys, urllib.request
urllib.request.urlopen(sys.argv[1], timeout=15)" "$TORCH_INDEX_URL" >/dev/null 2>&1; then
  say "$TORCH_INDEX_URL cannot be reached: torch comes from PyPI"  # pip would retry it per package
  TORCH_INDEX_URL=""
fi
index_args=()
if [ -n "${TORCH_INDEX_URL:-}" ]; then
  index_args=(--extra-index-url "$TORCH_INDEX_URL")
fi
say "installing $(basename "$requirements") (torch is large: a few minutes the first time)"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${index_args[@]}" -r "$requirements"

"$VENV/bin/python" - <<'PY'
import numpy, sympy, torch, torchvision
torchvision.models.resnet18()  # fails here, not at grading time, if the torch/torchvision pair is wrong
print(f"[setup] torch {torch.__version__}, torchvision {torchvision.__version__}, "
      f"numpy {numpy.__version__}, sympy {sympy.__version__}: imports work")
PY

# The engine's steps (setup.d/), then each assignment's own (tests/NAME/setup.d/: its data).
for step in "$ROOT"/setup.d/*.sh "$ROOT"/tests/*/setup.d/*.sh; do
  [ -e "$step" ] || continue
  say "running ${step#"$ROOT"/}"
  ROOT="$ROOT" VENV="$VENV" DEV="$DEV" bash "$step"
done
# Last, once everything else is in place: grade each reference once, so that the expected values
# that depend only on the checks are stored and every later grading reads them back.
"$VENV/bin/python" "$ROOT/scripts/store_expected_values.py"
say "done"
