"""Which environment variables a worker gets, and which ones a grader may hold and still fork
the workers' template from itself.

A worker's environment is small and fixed (`base_environment`, plus its folders): nothing of the
grader's (tokens, paths) reaches student code. A template forked from the grader
(`autograder.boundary.sandbox.template.fork_early`) replaces its environment too, but freed memory
may still hold the old values, so a grader forks only when its whole environment is `plain`:
names that never carry a secret. The regrade driver gives its grading processes such an
environment (`plain_environment`), and so does Gradescope's `run_autograder`.
"""
from __future__ import annotations

import os
from collections.abc import Mapping

THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                    "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")
PLAIN_NAMES = frozenset({
    "PATH", "HOME", "PWD", "OLDPWD", "SHELL", "USER", "LOGNAME", "LANG", "LANGUAGE", "TERM", "TZ",
    "TMPDIR", "SHLVL", "HOSTNAME", "COLUMNS", "LINES", "_", "VIRTUAL_ENV", "MPLBACKEND",
    "CUDA_VISIBLE_DEVICES", "PYTHONPATH", "PYTHONHASHSEED", "PYTHONDONTWRITEBYTECODE",
    "PYTHONUNBUFFERED", "PYTHONIOENCODING", "DEBIAN_FRONTEND", *THREAD_VARIABLES})
PLAIN_PREFIXES = ("LC_", "AUTOGRADER_")


def base_environment(threads: int) -> dict[str, str]:
    """What every worker's environment starts from (`Sandbox.environment` adds its folders)."""
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "MPLBACKEND": "Agg",
           "AUTOGRADER_WORKER_THREADS": str(threads)}
    env.update({name: str(threads) for name in THREAD_VARIABLES})
    if "CUDA_VISIBLE_DEVICES" in os.environ:
        env["CUDA_VISIBLE_DEVICES"] = os.environ["CUDA_VISIBLE_DEVICES"]
    return env


def is_plain_name(name: str) -> bool:
    return name in PLAIN_NAMES or name.startswith(PLAIN_PREFIXES)


def plain_environment(env: Mapping[str, str]) -> dict[str, str]:
    """`env` without every variable whose name might carry a secret (a token, a password)."""
    return {name: value for name, value in env.items() if is_plain_name(name)}


def is_plain(env: Mapping[str, str]) -> bool:
    return all(is_plain_name(name) for name in env)
