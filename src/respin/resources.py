"""Locate shipped data files with importlib.resources (never at import time)."""
from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable

__all__ = ["data_path"]


def data_path(name: str) -> Traversable:
    """The shipped data file ``respin/data/<name>``."""
    return files("respin") / "data" / name
