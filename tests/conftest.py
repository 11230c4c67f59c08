"""Shared fixtures: the shared seeds live in ../shared beside the repository."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Hypothesis profiles: "ci" (default, what .ci/run uses) keeps the suite fast;
# "thorough" is the pre-release run: pytest --hypothesis-profile=thorough
_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
settings.register_profile("ci", max_examples=60, deadline=None, suppress_health_check=_QUIET)
settings.register_profile("thorough", max_examples=10_000, deadline=None,
                          suppress_health_check=_QUIET)
settings.load_profile(os.environ.get("RESPIN_HYPOTHESIS_PROFILE", "ci"))

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def shared_path(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not present (../shared is the project's read-only material)")
    return path


def clean_news_texts() -> list[str]:
    """Clean news: the negative cases, plus ../shared's clean seeds and corpus when present."""
    import json

    texts = [json.loads(line)["spun"] for line in
             (ROOT / "tests" / "cases" / "negative.jsonl").read_text(encoding="utf-8").splitlines()
             if line.strip()]
    if SHARED.exists():
        texts += [p.read_text(encoding="utf-8") for p in sorted((SHARED / "corpus" / "clean").glob("*.txt"))]
        texts += [(SHARED / "seeds" / f"{n}.txt").read_text(encoding="utf-8") for n in ("000", "002", "003", "004")]
    return texts


def clean_sentences() -> list[str]:
    """The distinct sentences (over three words) of :func:`clean_news_texts`, sorted."""
    import re

    out = []
    for t in clean_news_texts():
        out += [s for s in re.split(r"(?<=[.!?”])\s+", t) if len(s.split()) > 3]
    return sorted(set(out))


@pytest.fixture(scope="session")
def referee():
    tools = shared_path("tools")
    sys.path.insert(0, str(tools))
    import referee as module

    return module


def pytest_addoption(parser):
    parser.addoption("--slow", action="store_true",
                     help="also run the slow tests (minutes: 100 MB of real news on one line)")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--slow"):
        return
    skip = pytest.mark.skip(reason="slow; run with --slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
