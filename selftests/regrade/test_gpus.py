"""The local engine gives each grading process one GPU explicitly, and refuses cuda without one.

No GPU is needed: CUDA_VISIBLE_DEVICES names the GPUs a machine shows, and what each grading
process was given is read back from its environment.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from autograder.regrade.files import passable_folder, passable_tmp
from autograder.regrade.local import LocalEngine, visible_gpus

OPTIONS = {"assignment": "hw2", "device": "auto", "data": None, "eval_limit": None, "only": None,
           "tests": None}


@pytest.mark.parametrize("listed, gpus", [("0,1", ["0", "1"]), ("2", ["2"]), ("", []),
                                          ("1,-1,0", ["1"]), ("GPU-3f2a, GPU-77b0", ["GPU-3f2a", "GPU-77b0"])])
def test_the_visible_gpus_are_those_cuda_visible_devices_names(monkeypatch, listed, gpus) -> None:
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", listed)
    assert visible_gpus() == gpus


def _environment(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(item.decode().partition("=")[::2] for item in raw if item)


def test_each_grading_process_sees_one_gpu_the_least_used(monkeypatch) -> None:
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "0,1")
    parent = passable_folder(passable_tmp(), "test-gpus-")
    engine = LocalEngine(3, OPTIONS, 60.0, parent)
    assert engine.gpus == ["0", "1"] and "on GPUs 0,1" in engine.describe()
    live = []
    try:
        for _ in range(3):
            live.append(engine._start(live))
        given = [process.gpu for process in live]
        assert given == ["0", "1", "0"]
        assert [_environment(p.process.pid)["CUDA_VISIBLE_DEVICES"] for p in live] == given
        live.pop(0).close()  # a process that ended is replaced on the GPU it left free
        live.append(engine._start(live))
        assert live[-1].gpu == "0"
    finally:
        for process in live:
            process.close()
        shutil.rmtree(parent, ignore_errors=True)


def test_cpu_grading_sees_no_gpu_assignment_and_cuda_needs_a_gpu(monkeypatch) -> None:
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "0")
    assert LocalEngine(1, {**OPTIONS, "device": "cpu"}, 60.0, Path("/tmp")).gpus == []
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "")
    with pytest.raises(ValueError, match="no GPU"):
        LocalEngine(1, {**OPTIONS, "device": "cuda"}, 60.0, Path("/tmp"))
