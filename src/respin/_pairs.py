"""Reading spun/original pairs and the files around them: one reader for
``respin learn`` (:mod:`respin.learn`) and the benchmark harness
(:mod:`respin.bench.corpora`), so both decode, walk and check the same way.

- :func:`read_text`: a file's UTF-8 text (a leading byte-order mark dropped);
  a file that is missing, a directory, unreadable or not UTF-8 is one error
  naming the file (and the line of the first bad byte).
- :func:`jsonl_records`: the JSON objects of a JSONL file with their line
  numbers and ids (``id`` optional, a string or an integer, unique; the line
  number otherwise); blank lines are skipped.
- :func:`walk`: the files under a directory in a stable order, hidden files
  and folders left out; :func:`is_spun` / :func:`is_original` recognise
  ``NAME.spun.txt`` and ``NAME.orig.txt`` (any case), and :func:`original_of`
  finds a spun file's original next to it.

Every error is an :class:`InputError` (or the caller's subclass, passed as
``error``): ``path``, ``line`` (or ``None``) and ``reason``, shown as
``path:line: reason``.

>>> InputError("pairs.jsonl", 3, "invalid JSON: Expecting value at column 1")
InputError('pairs.jsonl:3: invalid JSON: Expecting value at column 1')
"""
from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

__all__ = ["ORIG", "SPUN", "InputError", "is_original", "is_spun", "jsonl_records",
           "original_of", "read_text", "walk"]

#: The names of a parallel pair: ``NAME.spun.txt`` and its original ``NAME.orig.txt``.
SPUN, ORIG = ".spun.txt", ".orig.txt"


class InputError(ValueError):
    """An input file cannot be used: names the file, the line and the reason.

    ``path`` and ``line`` may be ``None`` (the reason then says what it is about).
    """

    def __init__(self, path: str | None, line: int | None, reason: str) -> None:
        self.path, self.line, self.reason = path, line, reason
        where = f"{path}:{line}" if path is not None and line else path
        super().__init__(f"{where}: {reason}" if where is not None else reason)

    def __reduce__(self):  # so it crosses process boundaries (multiprocessing) intact
        return (type(self), (self.path, self.line, self.reason))


def read_text(path: Path, error: type[InputError] = InputError) -> str:
    """The UTF-8 text of ``path``, without a leading byte-order mark."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise error(str(path), None, "no such file") from None
    except IsADirectoryError:
        raise error(str(path), None, "is a directory, expected a file") from None
    except OSError as exc:
        raise error(str(path), None, f"cannot read: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise error(str(path), line, f"not valid UTF-8 (byte 0x{data[exc.start]:02x})") from None
    return text.removeprefix("\ufeff")


def jsonl_records(path: Path, error: type[InputError] = InputError,
                  strings: Iterable[str] = ()) -> Iterator[tuple[int, dict, str]]:
    """``(line number, record, id)`` for each non-blank line of a JSONL file.

    Each line must be a JSON object; its ``id`` (default: the line number) a
    string or an integer, unique in the file; each field named in ``strings``,
    when present, a string.
    """
    strings = tuple(strings)
    seen: set[str] = set()
    for n, line in enumerate(read_text(path, error).split("\n"), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            raise error(str(path), n, f"invalid JSON: {exc.msg} at column {exc.colno}") from None
        if not isinstance(rec, dict):
            raise error(str(path), n, f"expected a JSON object, found {type(rec).__name__}")
        rid = rec.get("id", n)
        if not isinstance(rid, (str, int)) or isinstance(rid, bool):
            raise error(str(path), n, "field 'id' must be a string or an integer")
        rid = str(rid)
        if rid in seen:
            raise error(str(path), n, f"duplicate id {rid!r}")
        seen.add(rid)
        for key in strings:
            if key in rec and not isinstance(rec[key], str):
                raise error(str(path), n, f"field {key!r} must be a string")
        yield n, rec, rid


def walk(root: Path) -> list[Path]:
    """The files under ``root``, folder by folder in sorted order, hidden ones
    (and everything in hidden folders) left out."""
    files: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        files.extend(Path(dirpath) / f for f in sorted(filenames) if not f.startswith("."))
    return files


def is_spun(path: Path) -> bool:
    """Whether ``path`` is named ``NAME.spun.txt`` (any case)."""
    return path.name.lower().endswith(SPUN)


def is_original(path: Path) -> bool:
    """Whether ``path`` is named ``NAME.orig.txt`` (any case)."""
    return path.name.lower().endswith(ORIG)


def original_of(spun: Path, error: type[InputError] = InputError) -> Path:
    """``NAME.orig.txt`` next to the spun file ``NAME.spun.txt``; an error if there is none."""
    orig = spun.with_name(spun.name[: -len(SPUN)] + ORIG)
    if not orig.exists():
        raise error(str(spun), None, f"no original {orig.name} next to this spun file")
    return orig
