"""`python -m autograder`: see `autograder.cli`."""

import atexit
import os
import sys
import threading

from autograder.cli import main

code = main()
if threading.active_count() == 1:
    # Python's own shutdown then tears torch's modules down one by one: 1.3 s of a 10 s grading,
    # after everything was written. The exit handlers still run (they end the workers' template
    # and remove the sandbox's folders); only that teardown is skipped. With threads still
    # running, the normal exit waits for them.
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)
sys.exit(code)
