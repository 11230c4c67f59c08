"""Writing output without destroying anything: ``-o`` and ``--edits``.

One interface, :func:`transaction`::

    with transaction(stdout=sys.stdout.buffer) as tx:
        out = tx.open("restored.txt", errors="surrogateescape")   # or "-" for stdout
        log = tx.open("edits.jsonl", errors="backslashreplace")
        ...write...
    # leaving the block normally commits every output; an exception (an error,
    # KeyboardInterrupt, a signal turned into an exception) rolls every one back

What a target gets, as GNU tools and ftfy do:

- ``-``: the given stdout stream (never closed; what was written is flushed
  even on an error).
- an existing regular file (also through a symlink or a hard link): the new
  content is written to a temporary copy beside it (``.respin-*``; in the
  system temporary directory when its directory is read-only) and, on commit,
  copied into the file itself, so its inode, mode, owner and other links stay.
  Until the commit the old content is untouched: an error or an interrupt
  leaves it as it was. The copy into place runs with SIGINT, SIGTERM and SIGHUP
  blocked. A file without write permission is refused, even for root.
- a new file: a temporary file beside it, renamed into place on commit, with
  the mode ``0666 & ~umask`` that a shell redirection would give it. A symlink
  that points nowhere yet creates its target.
- anything else (``/dev/null``, a terminal, a FIFO, ``/dev/stdout``,
  ``>(jq .)``): opened and written directly; there is nothing to roll back.

Every failure is an :class:`OutputError` naming the path.
"""
from __future__ import annotations

import contextlib
import errno
import io
import os
import shutil
import signal
import stat
import tempfile
from collections.abc import Iterator
from typing import IO, BinaryIO

__all__ = ["DuplicateOutputError", "OutputError", "Transaction", "transaction", "same_file",
           "live_temporaries"]

_PREFIX = ".respin-"

#: Temporary files in use, for a last-resort cleanup by a second signal.
_LIVE: set[str] = set()


def live_temporaries() -> list[str]:
    """Paths of the temporary files not yet committed or removed."""
    return sorted(_LIVE)


class OutputError(Exception):
    """An output path cannot be written; ``str()`` is ``"{path}: {reason}"``."""

    def __init__(self, path: str, reason: str) -> None:
        self.path, self.reason = path, reason
        super().__init__(f"{path}: {reason}")

    def __reduce__(self):
        return (type(self), (self.path, self.reason))


class DuplicateOutputError(OutputError):
    """Two outputs of one transaction name the same file (``-o X --edits X``,
    also through links): a usage error rather than a failure to write."""

    def __init__(self, path: str) -> None:
        super().__init__(path, "given twice as an output")

    def __reduce__(self):
        return (type(self), (self.path,))


def _identity(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def same_file(a: str, b: str) -> bool:
    """Whether two paths name the same existing file (through any links)."""
    ia = _identity(a)
    return ia is not None and ia == _identity(b)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _blocked_signals():
    """Block SIGINT/SIGTERM/SIGHUP (where possible) while files are put in place."""
    sigs = {signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", signal.SIGTERM)}
    try:
        old = signal.pthread_sigmask(signal.SIG_BLOCK, sigs)
    except (AttributeError, OSError, ValueError):
        return contextlib.nullcontext()
    return _Restore(old)


class _Restore:
    def __init__(self, old) -> None:
        self.old = old

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        signal.pthread_sigmask(signal.SIG_SETMASK, self.old)
        return False


class _Target:
    """One opened output: its stream, and how to commit or roll it back."""

    def __init__(self, path: str, stream: IO, kind: str, tmp: str | None = None,
                 real: str | None = None, mode: int | None = None) -> None:
        self.path, self.stream, self.kind = path, stream, kind
        self.tmp, self.real, self.mode = tmp, real, mode

    def finish_writing(self) -> None:
        if self.kind == "stdout":
            self.stream.flush()
            self._detach()
        else:
            self.stream.close()

    def _detach(self) -> None:
        if isinstance(self.stream, io.TextIOWrapper):
            try:
                self.stream.detach()
            except (OSError, ValueError):
                pass

    def commit(self) -> None:
        if self.kind == "copy":
            with open(self.tmp, "rb") as src:
                try:
                    fd = os.open(self.real, os.O_WRONLY | os.O_CREAT | getattr(os, "O_CLOEXEC", 0))
                except OSError as exc:
                    raise OutputError(self.path, _reason(exc)) from None
                with os.fdopen(fd, "wb") as dst:
                    try:
                        # reserve the space first: a full disk fails here, before
                        # a byte of the old content is overwritten
                        size = os.fstat(src.fileno()).st_size
                        if size > os.fstat(fd).st_size and hasattr(os, "posix_fallocate"):
                            try:
                                os.posix_fallocate(fd, 0, size)
                            except OSError as exc:
                                if exc.errno not in (errno.EOPNOTSUPP, errno.EINVAL, errno.ENODEV):
                                    raise
                        shutil.copyfileobj(src, dst, 1 << 20)
                        dst.truncate()
                    except OSError as exc:
                        raise OutputError(self.path, _reason(exc)) from None
        elif self.kind == "new":
            try:
                os.chmod(self.tmp, self.mode)
                os.replace(self.tmp, self.real)
            except OSError as exc:
                raise OutputError(self.path, _reason(exc)) from None
        self.remove_temporary()

    def rollback(self) -> None:
        if self.kind == "stdout":
            try:  # keep what was restored before the error; never close the caller's stream
                self.stream.flush()
            except (OSError, ValueError):
                pass
            self._detach()
        else:
            try:
                self.stream.close()
            except (OSError, ValueError):
                pass
        self.remove_temporary()

    def remove_temporary(self) -> None:
        if self.tmp is not None:
            try:
                os.unlink(self.tmp)
            except OSError:
                pass
            _LIVE.discard(self.tmp)
            self.tmp = None


class Transaction:
    """Outputs opened together, committed together (see the module docstring)."""

    def __init__(self, stdout: BinaryIO | None = None) -> None:
        self._stdout = stdout
        self._targets: list[_Target] = []

    def open(self, path: str, *, errors: str = "strict", line_buffering: bool = False) -> IO:
        """A UTF-8 text stream writing to ``path`` (``"-"``: stdout) once the transaction commits.

        Raises :class:`OutputError` for a path that cannot be written, and
        :class:`DuplicateOutputError` for a path that names the same file as one
        already opened in this transaction.
        """
        key = self._key(path)
        if key is not None and any(self._key(t.path) == key for t in self._targets):
            raise DuplicateOutputError(path)
        if path == "-":
            if self._stdout is None:
                raise OutputError(path, "no standard output")
            raw: BinaryIO = self._stdout
            stream: IO = io.TextIOWrapper(
                raw, encoding="utf-8", errors=errors, newline="", line_buffering=line_buffering)
            target = _Target(path, stream, "stdout")
        else:
            target = self._open_path(path, errors, line_buffering)
        self._targets.append(target)
        return target.stream

    def _key(self, path: str):
        """What identifies an output: its file (device, inode), or its resolved
        path when it does not exist yet. None for a character device (``-o
        /dev/null --edits /dev/null`` is harmless)."""
        try:
            st = os.fstat(self._stdout.fileno()) if path == "-" else os.stat(path)
        except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
            return ("path", "-") if path == "-" else ("path", os.path.realpath(path))
        if stat.S_ISCHR(st.st_mode):
            return None
        return ("file", st.st_dev, st.st_ino)

    def _open_path(self, path: str, errors: str, line_buffering: bool) -> _Target:
        real = os.path.realpath(path)
        try:
            st = os.stat(path)
        except FileNotFoundError:
            st = None
        except OSError as exc:
            raise OutputError(path, _reason(exc)) from None

        def wrap(fd: int) -> IO:
            return os.fdopen(fd, "w", encoding="utf-8", errors=errors, newline="",
                             buffering=1 if line_buffering else -1)

        if st is not None and stat.S_ISDIR(st.st_mode):
            raise OutputError(path, "is a directory")
        if st is not None and not stat.S_ISREG(st.st_mode):
            # a device, FIFO, socket or terminal: write through it directly
            try:
                fd = os.open(path, os.O_WRONLY | getattr(os, "O_CLOEXEC", 0))
            except OSError as exc:
                raise OutputError(path, _reason(exc)) from None
            return _Target(path, wrap(fd), "direct")
        if st is not None:
            if not (st.st_mode & 0o222) or not os.access(real, os.W_OK):
                raise OutputError(path, "file is read-only (respin does not overwrite it)")
            fd, tmp = self._temporary(path, os.path.dirname(real), fallback=True)
            return _Target(path, wrap(fd), "copy", tmp, real)
        fd, tmp = self._temporary(path, os.path.dirname(real), fallback=False)
        return _Target(path, wrap(fd), "new", tmp, real, 0o666 & ~_umask())

    @staticmethod
    def _temporary(path: str, directory: str, fallback: bool) -> tuple[int, str]:
        try:
            fd, tmp = tempfile.mkstemp(prefix=_PREFIX, dir=directory or ".")
        except OSError as exc:
            if not fallback:
                raise OutputError(path, _reason(exc)) from None
            try:  # a writable file in a read-only directory: stage the copy elsewhere
                fd, tmp = tempfile.mkstemp(prefix=_PREFIX)
            except OSError as exc2:
                raise OutputError(path, _reason(exc2)) from None
        _LIVE.add(tmp)
        return fd, tmp

    def commit(self) -> None:
        """Finish every stream, then put every file in place (signals blocked)."""
        for t in self._targets:
            try:
                t.finish_writing()
            except OSError as exc:
                if isinstance(exc, BrokenPipeError):
                    raise
                raise OutputError(t.path, _reason(exc)) from None
        with _blocked_signals():
            for t in self._targets:
                t.commit()
        self._targets.clear()

    def rollback(self) -> None:
        """Remove every temporary file; the targets keep their old content."""
        for t in self._targets:
            t.rollback()
        self._targets.clear()


@contextlib.contextmanager
def transaction(stdout: BinaryIO | None = None) -> Iterator[Transaction]:
    """Outputs committed when the block ends normally, rolled back on any exception."""
    tx = Transaction(stdout)
    try:
        yield tx
    except BaseException:
        tx.rollback()
        raise
    try:
        tx.commit()
    finally:
        tx.rollback()  # after a failed commit: remove what is left
