#!/usr/bin/env bash
# Prepare this machine for running student code in the sandbox (see autograder/boundary/sandbox/):
#   - create the unprivileged users the worker runs as (autograder-student, autograder-student1..3);
#   - make the repository's reference solutions, hidden checks, self-tests and git history
#     unreadable to other users (everything but the folder that holds the Python environment);
#   - let other users pass through the folders above the Python installation (a pyenv under /root).
# Idempotent. As an ordinary user it changes nothing: the worker then runs as that user.
# Usage (from setup.sh, after the virtual environment exists):  scripts/setup_sandbox_user.sh [PYTHON]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${1:-$ROOT/.venv/bin/python}"
cd "$ROOT"
"$PYTHON" -m autograder.boundary.sandbox setup | sed 's/^/[sandbox] /'
