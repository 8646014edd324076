"""The local engine: `--jobs` long-lived grading processes on this machine.

Each process grades one submission at a time and keeps its imports between submissions; a
process that dies or runs past the time limit is replaced by a fresh one. Outcomes reach the
driver's callback as they finish, in the driver's own thread, which writes them at once.
"""
from __future__ import annotations

import os
from collections import deque
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

    def describe(self) -> str:
        return f"local engine, {self.jobs} grading process{'es' if self.jobs != 1 else ''}"

    def _start(self) -> GradingProcess:
        return GradingProcess(self.options, self.tmp_parent, threads=self.threads)

    def run(self, tasks: list[dict[str, Any]], on_done: Callable[[Outcome], None]) -> None:
        """Grade every task ({"id", "folder"}); `on_done` gets each outcome as it finishes."""
        queue = deque(tasks)
        idle: list[GradingProcess] = []
        busy: list[GradingProcess] = []
        try:
            while queue or busy:
                while queue and len(busy) < self.jobs:
                    process = idle.pop() if idle else self._start()
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
