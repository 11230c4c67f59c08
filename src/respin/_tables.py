"""The context model's tables in a compact, prebuilt form, cached on disk.

Reading wordfreq's English list (gzip + msgpack) and symspellpy's bigram file
costs about 0.1 s at every start, and their dicts another 0.1 s. The first
use on a machine writes each table once as sorted UTF-8 keys plus arrays of
offsets and values (:class:`SortedTable`); later starts read that file (a few
ms) and look keys up by binary search, until enough lookups were made that a
dict pays for itself.

The file is our own format: a short JSON header and raw arrays, read with
``json`` and ``array`` (never pickle, marshal or eval), with a CRC-32 of the
payload. It records the source file's path, size and modification time and
the format version: if any of them differs, or the file is damaged, it is
ignored and rebuilt. Where it lives: ``$RESPIN_CACHE_DIR`` when set (empty
means "no cache"), else ``_cache/`` in the package directory when that is
writable, else ``respin`` in the user's cache directory; a valid file is read
from either. When nothing can be read or written the tables load as before
(see :mod:`respin.scoring`). Nothing is downloaded: the sources are the files
the installed packages ship.
"""
from __future__ import annotations

import json
import os
import sys
import threading
import zlib
from array import array
from pathlib import Path

__all__ = ["SortedTable", "cache_dir", "cache_dirs", "cached_table"]

#: Bump when the file layout or what a table holds changes: older files are then ignored.
FORMAT_VERSION = 1
_MAGIC = b"respin-table\n"

#: Lookups answered by binary search before the dict is built: a lookup costs
#: 5-7 us, building the dict 0.11-0.19 s (unigrams) or 0.11-0.13 s (bigrams),
#: about what 20,000 lookups cost, so no text pays more than twice the best
#: choice made in hindsight. A short text makes a few dozen lookups, a news
#: article a few hundred to a few thousand, a crawl millions (measured
#: 2026-12-02 on the 2-core development machine, busy).
SORTED_LOOKUPS = 20_000


def cache_dirs() -> list[Path]:
    """Where the tables may be cached, first choice first: ``$RESPIN_CACHE_DIR``
    alone when set (none when empty), else the package's ``_cache`` folder and
    the user's cache folder."""
    env = os.environ.get("RESPIN_CACHE_DIR")
    if env is not None:
        return [Path(env)] if env else []
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return [Path(__file__).resolve().parent / "_cache", Path(base) / "respin"]


def cache_dir() -> Path | None:
    """Where new table files are written: the first of :func:`cache_dirs` that
    is (or can be made) writable; ``None`` when none is."""
    for path in cache_dirs():
        if path.is_dir():
            if os.access(path, os.W_OK):
                return path
            continue
        parent = path.parent
        while not parent.exists() and parent != parent.parent:
            parent = parent.parent
        if parent.is_dir() and os.access(parent, os.W_OK):
            return path
    return None


class SortedTable:
    """A read-only ``str -> value`` map: sorted UTF-8 keys, each ending in
    ``\\n``, with their start offsets and their values in arrays. ``get`` is a
    binary search until :data:`SORTED_LOOKUPS` lookups, then a dict of the same
    items. Safe to share between threads (a Dask worker's)."""

    def __init__(self, blob: bytes, offsets: array, values: array, scale=None) -> None:
        """``scale``, when given, maps a stored integer to the value returned."""
        self._blob = blob
        self._offsets = offsets
        self._values = values
        self._n = len(offsets) - 1
        self._scale = scale
        self._table: dict | None = None
        self._left = SORTED_LOOKUPS
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return self._n

    def _build(self) -> dict:
        with self._lock:
            if self._table is None:
                keys = self._blob.decode("utf-8").split("\n")
                keys.pop()  # (after the last key's "\n")
                values = self._values.tolist()
                if self._scale is not None and values:
                    lut = [self._scale(v) for v in range(max(values) + 1)]
                    values = map(lut.__getitem__, values)
                self._table = dict(zip(keys, values))
                self._blob = self._offsets = self._values = None  # (10 MB for both tables)
        return self._table

    def get(self, key: str, default=None):
        table = self._table
        if table is not None:
            return table.get(key, default)
        self._left -= 1
        blob, off, values = self._blob, self._offsets, self._values
        if self._left < 0 or blob is None or off is None or values is None:
            return self._build().get(key, default)  # (or another thread just built it)
        try:
            k = key.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: in no table
            return default
        lo, hi = 0, self._n
        while lo < hi:
            mid = (lo + hi) >> 1
            if blob[off[mid]:off[mid + 1] - 1] < k:
                lo = mid + 1
            else:
                hi = mid
        if lo < self._n and blob[off[lo]:off[lo + 1] - 1] == k:
            v = values[lo]
            return self._scale(v) if self._scale is not None else v
        return default


def _source_stamp(source: Path) -> dict:
    st = source.stat()
    return {"source": str(source), "size": st.st_size, "mtime_ns": st.st_mtime_ns}


def _encode(items: dict, value_type: str) -> tuple[bytes, array, array] | None:
    """Sorted keys, offsets and values of ``items``; ``None`` if a key holds ``\\n``."""
    pairs = sorted((k.encode("utf-8"), v) for k, v in items.items())
    if any(b"\n" in k for k, _ in pairs):
        return None
    blob = b"".join(k + b"\n" for k, _ in pairs)
    offsets = array("I", [0])
    pos = 0
    for k, _ in pairs:
        pos += len(k) + 1
        offsets.append(pos)
    return blob, offsets, array(value_type, [v for _, v in pairs])


def _pad(n: int) -> bytes:
    return b"\0" * (-n % 8)


def write_table(path: Path, stamp: dict, items: dict, value_type: str
                ) -> tuple[bytes, array, array] | None:
    """Write ``items`` (str keys) as a table file at ``path``; returns what was
    written (blob, offsets, values, as :func:`read_table` would read it back),
    ``None`` if they cannot be written."""
    encoded = _encode(items, value_type)
    if encoded is None:
        return None
    blob, offsets, values = encoded
    payload = b"".join((blob, _pad(len(blob)), offsets.tobytes(), _pad(len(offsets) * 4),
                        values.tobytes()))
    header = dict(stamp, format=FORMAT_VERSION, byteorder=sys.byteorder, count=len(offsets) - 1,
                  blob=len(blob), offsets=offsets.itemsize, values=value_type,
                  value_size=values.itemsize, crc32=zlib.crc32(payload))
    head = _MAGIC + json.dumps(header, sort_keys=True).encode("ascii") + b"\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(head + _pad(len(head)) + payload)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return encoded


def read_table(path: Path, stamp: dict, value_type: str) -> tuple[bytes, array, array] | None:
    """(blob, offsets, values) of a table file, or ``None`` when it is missing,
    stale (another source, size, time or format) or damaged."""
    try:
        with open(path, "rb") as fh:
            head = fh.readline(len(_MAGIC) + 4096)
            if head != _MAGIC:
                return None
            line = fh.readline(4096)
            header = json.loads(line)
            expected = dict(stamp, format=FORMAT_VERSION, byteorder=sys.byteorder,
                            values=value_type, offsets=array("I").itemsize,
                            value_size=array(value_type).itemsize)
            if not isinstance(header, dict) or any(header.get(k) != v
                                                   for k, v in expected.items()):
                return None
            count, size, crc = header["count"], header["blob"], header["crc32"]
            if not all(isinstance(v, int) and v >= 0 for v in (count, size, crc)):
                return None
            fh.read(len(_pad(len(head) + len(line))))
            blob = fh.read(size)
            rest = fh.read()
    except (OSError, ValueError, KeyError):
        return None
    o_size = (count + 1) * 4
    o_end = o_size + len(_pad(o_size))
    if len(blob) != size or len(rest) != len(_pad(size)) + o_end + count * array(value_type).itemsize \
            or zlib.crc32(rest, zlib.crc32(blob)) != crc:
        return None
    view = memoryview(rest)[len(_pad(size)):]
    offsets = array("I")
    offsets.frombytes(view[:o_size])
    values = array(value_type)
    values.frombytes(view[o_end:])
    if offsets[0] != 0 or offsets[-1] != size or (size and blob[-1:] != b"\n"):
        return None
    return blob, offsets, values


def cached_table(name: str, source: Path, value_type: str, load, scale=None) -> SortedTable | None:
    """The table ``name`` for ``source``: from its cache file, or built by
    ``load()`` (a dict, or ``None`` when the source is unusable) and written
    there. ``None`` when there is no cache directory or the table cannot be written.
    A valid file is read wherever it is found (a read-only package folder, say)."""
    dirs = cache_dirs()
    if not dirs:
        return None
    try:
        stamp = _source_stamp(source)
    except OSError:
        return None
    file_name = f"{name}.v{FORMAT_VERSION}.bin"
    for directory in dirs:
        found = read_table(directory / file_name, stamp, value_type)
        if found is not None:
            return SortedTable(*found, scale=scale)
    directory = cache_dir()
    if directory is None:
        return None
    path = directory / file_name
    items = load()
    if items is None:
        return None
    try:
        written = write_table(path, stamp, items, value_type)
    except (OSError, OverflowError):
        return None
    # the arrays just written, not the ~10 MB file read back
    return SortedTable(*written, scale=scale) if written is not None else None
