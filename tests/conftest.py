"""Shared fixtures: the shared seeds live in ../shared beside the repository."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def shared_path(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not present (../shared is the project's read-only material)")
    return path


@pytest.fixture(scope="session")
def referee():
    tools = shared_path("tools")
    sys.path.insert(0, str(tools))
    import referee as module

    return module
