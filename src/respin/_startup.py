"""Signals that arrive while the ``respin`` command is still starting.

The command's own handlers are installed by :func:`respin.cli.main`, after
about 0.1 s of imports. A Ctrl-C in that window would print an import
traceback, and SIGTERM or SIGHUP would end the process without a word. When
(and only when) this process is the ``respin`` command (``respin ...`` or
``python -m respin ...``), the package's first import records such signals
instead, and ``main()`` reports the first one as soon as it runs: nothing has
been written yet, so there is nothing to clean up. Library users' signal
handling is never touched.
"""
from __future__ import annotations

import os
import signal
import sys

#: Signals recorded before main() took over (first one first).
pending: list[int] = []

_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
                 if hasattr(signal, name))
_installed = False


def is_cli() -> bool:
    """Whether this process is the ``respin`` command."""
    argv = getattr(sys, "orig_argv", None) or []
    if "-m" in argv:
        k = argv.index("-m")
        return argv[k + 1:k + 2] == ["respin"]
    return bool(sys.argv) and os.path.basename(sys.argv[0]) in ("respin", "respin.exe")


def _record(signum, frame) -> None:
    pending.append(signum)


def defer_signals_if_cli() -> None:
    global _installed
    if _installed or not is_cli():
        return
    try:
        for sig in _SIGNALS:
            signal.signal(sig, _record)
    except ValueError:  # not the main thread
        return
    _installed = True


def restore_defaults() -> None:
    """Put back Python's own handlers where the startup recorder is installed."""
    for sig in _SIGNALS:
        if signal.getsignal(sig) is _record:
            signal.signal(sig, signal.default_int_handler if sig == signal.SIGINT else signal.SIG_DFL)


# ---- critical sections: where raising from a signal handler is unsafe ------------

#: Depth of :func:`critical` blocks now running.
deferring = 0

#: Set by the command: raises the exception for a recorded signal.
raise_pending = None


class critical:
    """A block in which the command's signal handler only records a signal;
    it is raised when the outermost block ends. Used around forking worker
    processes: an exception raised inside ``os.fork``'s at-fork hooks
    (logging's lock, threading's state) leaves a lock held and hangs the exit.
    """

    def __enter__(self):
        global deferring
        deferring += 1
        return self

    def __exit__(self, *exc):
        global deferring
        deferring -= 1
        if not deferring and pending and raise_pending is not None and exc[0] is None:
            raise_pending(pending.pop(0))
        return False
