"""Parametrized cases from tests/cases/*.jsonl (see tests/cases/README.md)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from respin import apply_edits, fix_and_explain, fix_text

CASES = Path(__file__).resolve().parent / "cases"
FIELDS = {"label", "comment", "spun", "expected", "expect", "source"}


def load() -> list:
    params = []
    for path in sorted(CASES.glob("*.jsonl")):
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            case = json.loads(line)
            assert set(case) == FIELDS, f"{path.name}:{lineno} has fields {sorted(case)}"
            assert case["expect"] in ("pass", "fail")
            assert (case["expect"] == "fail") == (path.name == "known-failures.jsonl")
            marks = [pytest.mark.xfail(strict=True, reason=case["comment"])] if case["expect"] == "fail" else []
            params.append(pytest.param(case, id=f"{path.stem}:{case['label']}", marks=marks))
    return params


PARAMS = load()


def test_labels_are_unique():
    labels = [p.values[0]["label"] for p in PARAMS]
    assert len(labels) == len(set(labels))


@pytest.mark.parametrize("case", PARAMS)
def test_case(case):
    out = fix_text(case["spun"])
    assert out == case["expected"]
    result = fix_and_explain(case["spun"])
    assert result.text == out
    assert apply_edits(case["spun"], result.edits) == out
    assert fix_text(out) == out
