"""The worker: the only process that imports and runs student code.

It reads requests from the grader over a pipe, builds model arguments from their recipes, calls
the student's function with seeds set, and sends back the result as plain data together with what
the call changed and how the models were run. Everything here runs beside student code, so the
grader trusts none of it: it re-checks every reply (see `autograder.boundary.wire.decode`).
"""
from __future__ import annotations

import copy
import hashlib
import importlib
import importlib.util
import inspect
import json
import os
import resource
import sys
import traceback
from pathlib import Path
from types import ModuleType
from typing import Any, Mapping

import numpy as np
import torch

from autograder.boundary import framing, modules, wire
from autograder.boundary.capped_output import CappedText
from autograder.deeplearning import models, recipes
from autograder.errors import FileRejected
from autograder.tasks import is_worker_task

MAX_FORWARD_LOG = 10_000
MAX_TRACEBACK_CHARS = 4_000


class StudentCodeFailed(Exception):
    """Carries an exception raised by student code (or by its import) as plain text."""

    def __init__(self, kind: str, error: BaseException, student_files: set[str]) -> None:
        super().__init__(str(error))
        self.payload = {
            "kind": kind,
            "type": type(error).__name__,
            "message": _safe_str(error)[:2000],
            "traceback": _student_traceback(error, student_files),
        }


def _safe_str(error: BaseException) -> str:
    try:
        return str(error)
    except BaseException:  # a hostile __str__
        return "<exception message could not be read>"


def _student_traceback(error: BaseException, student_files: set[str]) -> str:
    """Only the frames in the student's own files: engine internals are noise to a student."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename in student_files]
    text = "".join(traceback.format_list(frames))
    return text[-MAX_TRACEBACK_CHARS:]


class Worker:
    def __init__(self, notify: Any = None) -> None:
        self.modules: dict[str, ModuleType] = {}
        self.import_errors: dict[str, dict[str, str]] = {}
        self.student_files: set[str] = set()
        self.notify = notify or (lambda event: None)  # tells the grader how far a call got

    # ------------------------------------------------------------------ loading student files
    def module(self, name: str, path: str) -> ModuleType:
        if name in self.import_errors:
            raise _Reported(self.import_errors[name])
        if name in self.modules:
            return self.modules[name]
        self.student_files.add(path)
        try:
            spec = importlib.util.spec_from_file_location(name, path)
            if spec is None or spec.loader is None:
                raise ImportError(f"cannot load {path}")
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            spec.loader.exec_module(module)
        except BaseException as error:  # SystemExit, KeyboardInterrupt, pytest.skip's Skipped...
            sys.modules.pop(name, None)
            payload = StudentCodeFailed("import", error, self.student_files).payload
            self.import_errors[name] = payload
            raise _Reported(payload) from None
        self.modules[name] = module
        return module

    # ------------------------------------------------------------------ one call
    def call(self, request: dict[str, Any],
             built: Mapping[int, torch.nn.Module] = {}) -> tuple[dict[str, Any], wire.EncodeContext]:
        """Run one function of the submission; `built`: the models the request built, by id, each
        with the pristine model it was copied from."""
        fresh = request["module"] not in self.modules and request["module"] not in self.import_errors
        _seed_everything(int(request.get("seed", 0)))  # module-level randomness is seeded too
        module = self.module(request["module"], request["path"])
        if fresh:
            self.notify("imported")  # a later timeout or crash is the function's, not the import's
        try:  # a module-level __getattr__ may raise anything: that is the student's error
            function = getattr(module, request["function"], None)
        except BaseException as error:
            raise _Reported(StudentCodeFailed("lookup", error, self.student_files).payload) from None
        if not callable(function):
            raise _Reported({"kind": "missing_function", "type": "AttributeError",
                             "message": f"{request['function']} is not defined", "traceback": ""})
        self.notify("found")  # a later crash is the call's; one before it, the lookup's
        device = _pick_device(request.get("device"))
        args = [_to_device(a, device) for a in request.get("args", [])]
        kwargs = {k: _to_device(v, device) for k, v in request.get("kwargs", {}).items()}
        try:
            recipes.bind_optimizers(args, kwargs)
        except recipes.RecipeError as error:  # the check's mistake, reported as a bad request
            raise _Reported({"kind": "bad_request", "type": "ValueError", "message": str(error),
                             "traceback": ""}) from None
        named = _argument_names(function, args, kwargs)
        model_args = {n: v for n, v in named.items() if isinstance(v, torch.nn.Module)}
        log: list[dict[str, Any]] = []
        for argument, model in model_args.items():
            _instrument(model, log, argument)
        before = _snapshot(named, built)
        _seed_everything(int(request.get("seed", 0)))
        try:
            value = function(*args, **kwargs)
        except BaseException as error:
            raise _Reported(StudentCodeFailed("exception", error, self.student_files).payload) from None
        context = wire.EncodeContext(param_names={
            id(p): n for model in model_args.values() for n, p in model.named_parameters()})
        reply = {"ok": True, "value": value, "forward_log": log[:MAX_FORWARD_LOG],
                 "mutations": _compare(before, _snapshot(named, {}, copy=False))}
        if request.get("changes_models"):
            reply["model_states"] = _model_states(args, kwargs, built)
        probes = [x for x in request.get("probe", []) if isinstance(x, torch.Tensor)]
        if probes:
            _seed_everything(int(request.get("seed", 0)))
            context.probe_outputs = {id(m): modules.probe(m, [x.to(device) for x in probes])
                                     for m in _returned_modules(value)}
        return reply, context

    def task(self, request: dict[str, Any]) -> tuple[dict[str, Any], None]:
        """Grader-written work that must still run here because it parses a student file: a
        function of the engine marked `@worker_task` (`autograder.tasks`), named "module:function"."""
        module_name, _, function_name = str(request.get("name", "")).partition(":")
        function = None
        if module_name.startswith("autograder.") and function_name.isidentifier():
            try:
                function = getattr(importlib.import_module(module_name), function_name, None)
            except ImportError:
                function = None
        if not is_worker_task(function):
            raise _Reported({"kind": "bad_request", "type": "ValueError",
                             "message": "unknown task", "traceback": ""})
        try:
            data = function(Path(request["path"]), **request.get("kwargs", {}))
        except FileRejected as error:
            raise _Reported({"kind": "rejected", "type": type(error).__name__,
                             "message": str(error), "traceback": ""}) from None
        return {"ok": True, "value": data, "forward_log": [], "mutations": {}}, None


class _Reported(Exception):
    """An error to send back as data instead of a value."""

    def __init__(self, payload: dict[str, str]) -> None:
        super().__init__(payload.get("message", ""))
        self.payload = payload


def _seed_everything(seed: int) -> None:
    """Same seeds before every call: the same submission gets the same score every run."""
    recipes.seed_everything(seed)


def _model_states(args: list[Any], kwargs: dict[str, Any],
                  built: Mapping[int, torch.nn.Module]) -> dict[int | str, dict[str, torch.Tensor]]:
    """Each model argument's parameters and buffers after a call whose job was to change them
    (the models the grader sent, not a loss module built from a recipe)."""
    where = [*enumerate(args), *kwargs.items()]
    return {key: {name: tensor.detach().cpu().clone()
                  for name, tensor in torch.nn.Module.state_dict(model, keep_vars=True).items()}
            for key, model in where if id(model) in built}


def _returned_modules(value: Any) -> list[torch.nn.Module]:
    """The modules a call returned, alone or in a list, tuple or dict's values (one level)."""
    items = value.values() if type(value) is dict else value if type(value) in (list, tuple) else [value]
    return [item for item in items if isinstance(item, torch.nn.Module)]


def _pick_device(requested: str | None) -> torch.device:
    if requested == "cuda" and torch.cuda.is_available():
        return torch.device("cuda")
    return torch.device("cpu")


def _to_device(value: Any, device: torch.device) -> Any:
    if device.type == "cpu":
        return value
    if isinstance(value, (torch.Tensor, torch.nn.Module)):
        return value.to(device)
    return value


def _argument_names(function: Any, args: list[Any], kwargs: dict[str, Any]) -> dict[str, Any]:
    try:
        bound = inspect.signature(function).bind_partial(*args, **kwargs)
        return dict(bound.arguments)
    except (TypeError, ValueError):
        named = {f"argument {i + 1}": a for i, a in enumerate(args)}
        named.update(kwargs)
        return named


def _instrument(model: torch.nn.Module, log: list[dict[str, Any]], argument: str) -> None:
    """Record how each forward pass of a model argument ran (which argument, mode, autograd
    state, batch): a loss module passed beside the model logs its own passes."""
    def record(module: torch.nn.Module, inputs: tuple[Any, ...]) -> None:
        if len(log) >= MAX_FORWARD_LOG:
            return
        first = inputs[0] if inputs else None
        log.append({
            "argument": argument,
            "training": bool(module.training),
            "grad_enabled": bool(torch.is_grad_enabled()),
            "inference_mode": bool(torch.is_inference_mode_enabled()),
            "batch": int(first.shape[0]) if isinstance(first, torch.Tensor) and first.dim() else 0,
            "dtype": str(first.dtype).replace("torch.", "") if isinstance(first, torch.Tensor) else "",
        })

    model.register_forward_pre_hook(record)


def _frozen(tensor: torch.Tensor) -> torch.Tensor:
    """A copy to compare with later: copying and comparing bytes is several times faster than
    hashing them, which matters for a ResNet's 47 MB of state on every call."""
    return tensor.detach().to("cpu", copy=True)


def _same(before: Any, after: Any) -> bool:
    """Bit for bit (a NaN that stays NaN is unchanged), shape and dtype included."""
    if not (isinstance(before, torch.Tensor) and isinstance(after, torch.Tensor)):
        return before == after
    after = after.detach().cpu()
    if before.shape != after.shape or before.dtype != after.dtype:
        return False
    try:
        return torch.equal(*_as_words(before, after))
    except RuntimeError:  # a layout that has no byte view (sparse, quantized)
        return bool(torch.equal(before, after))


def _as_words(*tensors: torch.Tensor) -> tuple[torch.Tensor, ...]:
    """The tensors' bytes as the widest integers that tile them all: comparing integers is bit
    for bit, and comparing 8-byte words is six times faster than comparing bytes (a ResNet-18's
    state: 6 ms against 36 ms, on every call that is given one)."""
    raw = [tensor.contiguous().reshape(-1).view(torch.uint8) for tensor in tensors]
    for dtype in (torch.int64, torch.int32, torch.int16):
        try:
            return tuple(r.view(dtype) for r in raw)
        except RuntimeError:  # a size or a slice's start that the wider type does not tile
            continue
    return tuple(raw)


def _snapshot(named: dict[str, Any], built: Mapping[int, torch.nn.Module], *,
              copy: bool = True) -> dict[str, Any]:
    """Every tensor argument and every model's state (copies, or with `copy=False` the live
    tensors, to compare with copies), digests of arrays, and the models' training flags. A model
    in `built` (the request built it, copying a pristine one nobody else touches) is read from its
    pristine one, not copied again (a ResNet-18's 47 MB per call otherwise)."""
    keep = _frozen if copy else (lambda tensor: tensor)
    snap: dict[str, Any] = {"inputs": {}, "state": {}, "training": {}}
    for name, value in named.items():
        if isinstance(value, torch.Tensor):
            snap["inputs"][name] = keep(value)
        elif isinstance(value, np.ndarray):
            snap["inputs"][name] = hashlib.blake2b(np.ascontiguousarray(value).tobytes()).hexdigest()
        elif isinstance(value, torch.nn.Module):
            pristine = built.get(id(value))
            source = value if pristine is None else pristine
            for key, tensor in source.state_dict(keep_vars=True).items():
                snap["state"][key] = tensor.detach() if pristine is not None else keep(tensor)
            for module_name, module in value.named_modules():
                snap["training"][module_name or "<model>"] = module.training
    return snap


def _compare(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[str]]:
    return {kind: sorted(k for k in before[kind] if not _same(before[kind][k], after[kind].get(k)))
            for kind in ("inputs", "state", "training")}


def _decode_request(tree: Any, buffers: list[bytes]) -> tuple[Any, dict[int, torch.nn.Module]]:
    from autograder.boundary import symbolic

    def rebuild(sympy_tree: Any) -> Any:
        import sympy  # only when a call sends an expression: most workers never load sympy

        value = symbolic.rebuild(sympy_tree, {})
        # a matrix arrives as the mutable Matrix a student would build themselves
        return sympy.Matrix(value) if isinstance(value, sympy.ImmutableMatrix) else value

    built: dict[int, torch.nn.Module] = {}  # the grader's models (copy's id -> its pristine)

    def build_model(recipe: dict, state: dict | None) -> torch.nn.Module:
        pristine = _pristine({k: v for k, v in recipe.items() if k != "train_mode"}, state)
        model = copy.deepcopy(pristine)
        model.train(bool(recipe.get("train_mode")))  # as build_model sets it: one pristine for both
        built[id(model)] = pristine
        return model

    request = wire.decode(tree, buffers, build_model=build_model, build_recipe=recipes.build,
                          rebuild_sympy=rebuild)
    return request, built


_PRISTINE: dict[str, torch.nn.Module] = {}
MAX_PRISTINE = 8


def _pristine(recipe: dict, state: dict | None) -> torch.nn.Module:
    """The model a recipe builds, built once per worker: each call gets a deep copy (a ResNet-18
    costs ~0.1 s to build, ~0.02 s to copy). A call that changed its copy never changes the next
    one's; student code that reaches this cache can only spoil its own later calls."""
    key = json.dumps(recipe, sort_keys=True, default=str)
    if key not in _PRISTINE:
        if len(_PRISTINE) >= MAX_PRISTINE:
            _PRISTINE.pop(next(iter(_PRISTINE)))
        _PRISTINE[key] = models.build_model(recipe, state)
    return _PRISTINE[key]


def serve(fd_in: int, fd_out: int) -> None:
    current: dict[str, Any] = {}
    worker = Worker(lambda event: framing.write_message(fd_out, {"id": current.get("id"), "progress": event}))
    while True:
        try:
            tree, buffers = framing.read_message(fd_in)
        except framing.PeerClosed:
            return
        request, built = _decode_request(tree, buffers)
        current["id"] = request.get("id")
        context = None
        _limit_cpu_for_call(request.get("cpu_s"))
        try:
            if request.get("op") == "call":
                reply, context = worker.call(request, built)
            elif request.get("op") == "task":
                reply, context = worker.task(request)
            else:
                reply = {"ok": True, "value": None, "forward_log": [], "mutations": {}}
        except _Reported as reported:
            reply = {"ok": False, "error": reported.payload}
        reply["id"] = request.get("id")
        try:
            framing.write_message(fd_out, reply, context)
        except BaseException as error:  # encoding failed before anything was written
            message = str(error) if isinstance(error, wire.WireError) else \
                f"the value could not be encoded ({type(error).__name__})"
            framing.write_message(fd_out, {"ok": False, "id": request.get("id"), "error": {
                "kind": "unsendable", "type": "ValueError", "message": message, "traceback": ""}})


def _limit_cpu_for_call(seconds: Any) -> None:
    """This call's CPU time: a soft RLIMIT_CPU (SIGXCPU) a little past what it used so far.
    Student code could raise it back up to the hard limit; the parent's deadline still holds."""
    if type(seconds) is not int or seconds <= 0:
        return
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = int(usage.ru_utime + usage.ru_stime) + 1
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = used + seconds if hard == resource.RLIM_INFINITY else min(hard, used + seconds)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def main(argv: list[str] | None = None, confinement: dict[str, Any] | None = None) -> None:
    """Entry point: `main([fd_in, fd_out, student_root], confinement)`, started (and confined by
    `autograder.confine`) by `autograder.boundary.student`."""
    argv = sys.argv[1:] if argv is None else argv
    fd_in, fd_out = int(argv[0]), int(argv[1])
    student_root = argv[2] if len(argv) > 2 else ""
    threads = max(1, int(os.environ.get("AUTOGRADER_WORKER_THREADS", "1")))
    torch.set_num_threads(threads)
    try:
        torch.set_num_interop_threads(threads)
    except RuntimeError:  # already fixed by an earlier parallel call
        pass
    sys.stdout, sys.stderr = CappedText(1), CappedText(2)
    import autograder.boundary.symbolic  # noqa: F401  (imported before any student code can shadow sympy)

    engine_root = str(Path(__file__).resolve().parents[2])
    # The engine is imported: drop its folder from the import path so that `import reference`
    # or `import tests` cannot find the grader's files by module name.
    sys.path[:] = [p for p in sys.path if p not in ("", engine_root)]
    if student_root:
        sys.path.append(student_root)  # after site-packages: a student `torch.py` cannot shadow torch
    framing.write_message(fd_out, {"ready": True, "confinement": confinement or {}})
    serve(fd_in, fd_out)


if __name__ == "__main__":
    main()
