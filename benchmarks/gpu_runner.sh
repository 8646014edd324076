#!/usr/bin/env bash
# The GPU runner, measured in one prepared run (benchmarks/gpu_runner.py says what it does):
# 100 HW2 checkpoints regraded with 5.a on the GPU (all 10,000 images, clean and one-step FGSM),
# 8 of them again on the CPU, printing per-checkpoint and total times and the CPU/GPU agreement.
#
# For a GPU machine that has PyTorch (and torchvision) but no network: the other dependencies
# come from PyPI when it can be reached, else from wheels made beforehand on a machine that can:
#     grep -vE '^(torch|torchvision)==' requirements.txt | .venv/bin/pip download -d wheels -r /dev/stdin
# then carry `wheels/` along and run   WHEELS=wheels benchmarks/gpu_runner.sh
# Arguments go to gpu_runner.py (e.g. --count 100 --cpu-count 8). Run as root, as the sandbox needs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON=${PYTHON:-python3}
CHECK='import torch, torchvision, numpy, sympy, mpmath, pytest, pytest_timeout, jsonschema, yaml, matplotlib, tqdm, gradescope_utils'
if ! "$PYTHON" -c "$CHECK" 2>/dev/null; then
    # the machine's own torch stays: a venv that sees its packages, the rest installed beside it
    "$PYTHON" -m venv --system-site-packages .venv-gpu
    PYTHON=.venv-gpu/bin/python
    wanted=$(mktemp)
    grep -vE '^(torch|torchvision)==' requirements.txt > "$wanted"  # requirements.txt, less torch
    if [ -n "${WHEELS:-}" ]; then
        "$PYTHON" -m pip install -q --no-index --find-links "$WHEELS" -r "$wanted"
    else
        "$PYTHON" -m pip install -q -r "$wanted"
    fi
    rm -f "$wanted"
    "$PYTHON" -c "$CHECK"
fi
exec "$PYTHON" benchmarks/gpu_runner.py "$@"
