"""Remembers the inputs of every call (in memory and in a file) and shows the earlier ones in the
exception of the next call, so that a public check's feedback would show a hidden check's inputs."""
# expect: 3.b
# absent: EARLIER=[(
import json
import os

_memory = []


def effective_learning_rate(eta, w):
    path = os.path.join(os.path.expanduser("~"), "seen.json")
    earlier = list(_memory)
    if os.path.exists(path):
        with open(path) as handle:
            earlier += [tuple(item) for item in json.load(handle)]
    current = (float(eta), [round(x, 6) for x in w.flatten().tolist()])
    _memory.append(current)
    with open(path, "w") as handle:
        json.dump(earlier + [current], handle)
    raise ValueError(f"EARLIER={sorted(set(map(repr, earlier)))!r} NOW={current!r}".replace("['(", "[("))
