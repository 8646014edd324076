"""What a call into student code comes back as: its outcome, or the failure that a check shows.

The worker sends plain data (`autograder.boundary.wire`); this module turns a reply into an
`Outcome` and an error payload into the `CheckFailed` subclass a test raises. Their messages are
shown for hidden checks too, so they never hold text chosen by student code (an exception's type
is named only when it is a built-in one); that text goes to `detail`, which hidden checks drop.
"""
from __future__ import annotations

import builtins
from dataclasses import dataclass, field
from typing import Any

import torch

from autograder.boundary import wire
from autograder.errors import CheckFailed, GraderError

_KNOWN_EXCEPTIONS = {name for name, value in vars(builtins).items()
                     if isinstance(value, type) and issubclass(value, BaseException)} | {
    "LinAlgError", "OutOfMemoryError", "AcceleratorError", "UFuncTypeError", "AxisError",
    "SympifyError", "PolynomialError", "ShapeError", "NonSquareMatrixError", "PicklingError",
    "UnpicklingError", "Skipped", "Failed", "Exit", "UnsupportedOperation"}


# ------------------------------------------------------------------ failures of student code
class StudentError(CheckFailed):
    """The student's function raised an exception (its text is detail: hidden checks drop it)."""


class StudentTimeout(CheckFailed):
    """The call ran past its deadline; the worker was killed."""


class WorkerCrashed(CheckFailed):
    """The worker process died (os._exit, a signal, out of memory) or sent a malformed reply."""


class LookupCrashed(WorkerCrashed):
    """The worker died looking the function up in its imported file (a module-level __getattr__),
    before the call began: that sees no argument of the call, so it would die again."""


class WorkerStartError(GraderError):
    """The worker could not start before any student code ran: a problem of the grading machine
    (not a check failure: the plugin reports it to the instructor as a grader error)."""


class MissingSubmission(CheckFailed):
    """The file a check needs is not in the submission."""


class MissingFunction(CheckFailed):
    """The submission's file does not define the function."""


# ------------------------------------------------------------------ what a call returns
@dataclass(frozen=True)
class Mutations:
    """What a call changed that the contract says it must not (names only)."""

    inputs: tuple[str, ...] = ()
    state: tuple[str, ...] = ()
    training: tuple[str, ...] = ()

    def describe(self, *, allow_training_change: bool = False) -> list[str]:
        changes = []
        if self.inputs:
            changes.append("modified argument(s) in place: " + ", ".join(self.inputs))
        if self.state:
            shown = ", ".join(self.state[:5]) + (" ..." if len(self.state) > 5 else "")
            changes.append(f"changed the model's parameters or buffers: {shown}")
        if self.training and not allow_training_change:
            changes.append("left the model's train/eval mode changed (call model.train(was_training) "
                           "before returning)")
        return changes


@dataclass(frozen=True)
class Outcome:
    """A call's decoded return value and what the worker saw while it ran.

    `model_states`: with `changes_models=True`, the state (parameter and buffer name -> tensor)
    of each model argument after the call, keyed by its position (or keyword) in the call.
    """

    value: Any
    mutations: Mutations = field(default_factory=Mutations)
    forward_log: tuple[dict[str, Any], ...] = ()
    model_states: dict[int | str, dict[str, torch.Tensor]] = field(default_factory=dict)


@dataclass(frozen=True)
class CallOptions:
    """How one call runs (`student.options(...)`).

    `probe`: tensors that every `nn.Module` the call returns is run on, in eval mode without
    autograd, in the worker (the outputs come back in its `ModuleInfo`). `changes_models`: the call's
    job is to change its model arguments (a training step): their states come back as data.
    """

    timeout: float | None = None
    device: str | None = None
    seed: int = 0
    probe: tuple[Any, ...] = ()
    changes_models: bool = False


# ------------------------------------------------------------------ replies
def failure_from_payload(error: Any, what: str) -> CheckFailed:
    """The check failure for an error payload; only grader-chosen words go into its message."""
    if not isinstance(error, dict):
        return WorkerCrashed(f"{what} sent back a malformed error")
    kind = str(error.get("kind", ""))[:50]
    name = str(error.get("type", "Exception"))[:100]
    message = str(error.get("message", ""))[:2000]
    trace = str(error.get("traceback", ""))[:4000]
    shown = name if name in _KNOWN_EXCEPTIONS else "an exception"
    detail = f"{name}: {message}" + (f"\n\nTraceback (your code):\n{trace}" if trace else "")
    if kind == "missing_function":
        return MissingFunction(f"{what} is not defined in the submission")
    if kind == "import":
        return StudentError(f"{what.split('.')[0]}.py failed to import ({shown})", detail=detail)
    if kind == "lookup":  # a module-level __getattr__ that raises something else than AttributeError
        module, _, function = what.partition(".")
        return StudentError(f"looking up {function} in {module}.py raised {shown} (from the "
                            "module's own __getattr__); define the function itself", detail=detail)
    if kind == "rejected":  # a fresh worker that never ran student code wrote this message
        return StudentError(f"{what}: {wire.printable(message, 500)}")
    if name == "NotImplementedError":
        return StudentError(f"{what} is not implemented yet (it raised NotImplementedError)")
    return StudentError(f"{what} raised {shown}", detail=detail)


def outcome_from_reply(reply: dict[str, Any], what: str) -> Outcome:
    log = reply.get("forward_log", [])
    mutations = reply.get("mutations", {})
    if not isinstance(log, list) or not all(isinstance(e, dict) for e in log) \
            or not isinstance(mutations, dict):
        raise WorkerCrashed(f"{what} sent back a malformed reply")

    def names(kind: str) -> tuple[str, ...]:
        items = mutations.get(kind, [])
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise WorkerCrashed(f"{what} sent back a malformed reply")
        return tuple(items)

    return Outcome(reply.get("value"), Mutations(names("inputs"), names("state"), names("training")),
                   tuple(log), _model_states(reply.get("model_states", {}), what))


def _model_states(states: Any, what: str) -> dict[int | str, dict[str, torch.Tensor]]:
    """The model states a `changes_models` call sent back: names mapped to plain tensors only."""
    malformed = WorkerCrashed(f"{what} sent back a malformed reply")
    if not isinstance(states, dict):
        raise malformed
    for state in states.values():
        if not isinstance(state, dict) or not all(
                isinstance(k, str) and type(v) is torch.Tensor for k, v in state.items()):
            raise malformed
    return states
