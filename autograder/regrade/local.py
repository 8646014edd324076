"""The local engine: `--jobs` long-lived grading processes on this machine.

Each process grades one submission at a time and keeps its imports between submissions; a
process that dies or runs past the time limit is replaced by a fresh one. Outcomes reach the
driver's callback as they finish, in the driver's own thread, which writes them at once. On a
machine with GPUs (and `--device` other than cpu) each process is given one GPU explicitly
(`CUDA_VISIBLE_DEVICES`, the least used one when it starts): its checks and its student code see
that GPU alone, and the jobs spread over all of them.
"""
from __future__ import annotations

import os
from collections import Counter, deque
from multiprocessing.connection import wait
from pathlib import Path
from typing import Any, Callable

from autograder.regrade.process import GradingProcess, Outcome, close_all

MEMORY_PER_JOB = 1.5 * 2**30   # a grader and the worker that runs student code, both with torch
POLL_S = 1.0


def machine_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def available_memory() -> int | None:
    """MemAvailable from /proc/meminfo, in bytes (None where unknown)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as stream:
            for line in stream:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def visible_gpus() -> list[str]:
    """The GPUs a process here may use, as CUDA_VISIBLE_DEVICES names them ([] without CUDA)."""
    listed = os.environ.get("CUDA_VISIBLE_DEVICES")
    if listed is not None:
        names = [name.strip() for name in listed.split(",")]
        return names[:names.index("-1")] if "-1" in names else [name for name in names if name]
    if not os.path.exists("/dev/nvidiactl"):  # no NVIDIA driver: no need to import torch
        return []
    import torch

    return [str(index) for index in range(torch.cuda.device_count())]


def default_jobs() -> int:
    """As many gradings as there are cores, as far as memory (1.5 GB each) and the sandbox's
    users (one per grading) allow."""
    from autograder.boundary.sandbox import SLOTS

    memory = available_memory()
    by_memory = int(memory // MEMORY_PER_JOB) if memory else machine_cores()
    return max(1, min(machine_cores(), by_memory, SLOTS))


class LocalEngine:
    """A pool of grading processes on this machine."""

    name = "local"

    def __init__(self, jobs: int, options: dict[str, Any], timeout: float, tmp_parent: Path) -> None:
        self.jobs, self.options, self.timeout, self.tmp_parent = jobs, options, timeout, tmp_parent
        self.threads = max(1, machine_cores() // jobs)
        self.gpus = [] if options.get("device") == "cpu" else visible_gpus()
        if options.get("device") == "cuda" and not self.gpus:
            raise ValueError("--device cuda was asked for, but this machine shows no GPU")

    def describe(self) -> str:
        gpus = f", on GPU{'s' if len(self.gpus) > 1 else ''} {','.join(self.gpus)}" if self.gpus else ""
        return f"local engine, {self.jobs} grading process{'es' if self.jobs != 1 else ''}{gpus}"

    def _start(self, live: list[GradingProcess]) -> GradingProcess:
        return GradingProcess(self.options, self.tmp_parent, threads=self.threads,
                              gpu=self.least_used_gpu([process.gpu for process in live]))

    def least_used_gpu(self, taken: list[str | None]) -> str | None:
        """The GPU the fewest of the live processes hold (the first such), None without GPUs."""
        if not self.gpus:
            return None
        uses = Counter(taken)
        return min(self.gpus, key=lambda gpu: uses[gpu])

    def run(self, tasks: list[dict[str, Any]], on_done: Callable[[Outcome], None]) -> None:
        """Grade every task ({"id", "folder"}); `on_done` gets each outcome as it finishes."""
        queue = deque(tasks)
        idle: list[GradingProcess] = []
        busy: list[GradingProcess] = []
        try:
            while queue or busy:
                while queue and len(busy) < self.jobs:
                    process = idle.pop() if idle else self._start(idle + busy)
                    process.submit(queue.popleft())
                    busy.append(process)
                left = min(self.timeout - process.elapsed() for process in busy)
                ready = wait([process.replies for process in busy], timeout=min(POLL_S, max(0.0, left)))
                for process in list(busy):
                    if process.replies in ready:
                        outcome = process.collect()
                    elif process.elapsed() > self.timeout:
                        outcome = process.time_out(self.timeout)
                    else:
                        continue
                    busy.remove(process)
                    if process.alive():
                        idle.append(process)
                    else:
                        process.close()
                    on_done(outcome)
        finally:
            close_all(idle + busy)
