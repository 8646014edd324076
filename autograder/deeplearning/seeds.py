"""Seeding torch without `torch.manual_seed`'s cost.

`torch.manual_seed` also queues a seeding for each accelerator kind (CUDA, XPU, MTIA) that is not
initialized yet, and formats the whole call stack for each, in case that seeding fails later: about
2 ms per call under pytest's deep stacks. The worker seeds before every call and every model build,
so on a machine without a GPU that was a quarter of a second per grading. These functions seed the
same generators that matter here: the CPU's always, CUDA's where CUDA can be used.
"""
from __future__ import annotations

import torch


def seed_cpu(seed: int) -> None:
    """Seed the CPU generator only: for building a model inside `fork_rng(devices=[])`, which
    restores only that one (torch.manual_seed there would also reseed CUDA, for good)."""
    torch.default_generator.manual_seed(seed)


def seed_torch(seed: int) -> None:
    """What `torch.manual_seed(seed)` does for the CPU and CUDA (the devices a grading uses)."""
    seed_cpu(seed)
    # a fork of a process that used CUDA cannot use it (torch.manual_seed skips it there too)
    if not torch.cuda._is_in_bad_fork() and torch.cuda.is_available():
        torch.cuda.manual_seed_all(seed)
