"""Locate shipped data files (never at import time)."""
from __future__ import annotations

from pathlib import Path

__all__ = ["data_path"]

_DATA = Path(__file__).resolve().parent / "data"


def data_path(name: str) -> Path:
    """The shipped data file ``respin/data/<name>`` (a plain file: respin is
    never imported from a zip; importing importlib.resources cost 4 ms)."""
    return _DATA / name
