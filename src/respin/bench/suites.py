"""Named suites (``benchmarks/suites.json``) and the CI floor (``benchmarks/floor.json``).

The manifest names the default suites so that ``respin-bench`` with no
argument always measures the same things: the spun seed 001, the clean seeds,
the shared clean corpus, the dev and held-out corpora, and a synthetic corpus
spun from the shared clean corpus with a fixed seed. Paths in it are relative
to the repository root (the folder that holds ``benchmarks/``), so ``../shared``
is the shared seeds folder next to the repository. A default suite whose files
are absent is skipped with a note, not an error: the shared seeds are not
part of the repository and may be missing.

The floor is a small golden JSON: precision and F0.5 on seed 001 and damage
on the clean seeds, at the default configuration. ``tests/test_bench.py``
fails when a change makes any of them worse; ``respin-bench --update-floor``
records new values, deliberately.
"""
from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .corpora import CorpusError, Document, load_corpus
from .simulate import SHIPPED_TABLE

__all__ = [
    "FLOOR_FORMAT",
    "MANIFEST_FORMAT",
    "Manifest",
    "Suite",
    "check_floor",
    "find_manifest",
    "load_manifest",
    "load_suite",
    "read_floor",
    "write_floor",
]

MANIFEST_FORMAT = "respin-bench suites 1"
FLOOR_FORMAT = "respin-bench floor 1"

#: Slack when comparing with the floor: only float noise, never a real drop.
FLOOR_TOLERANCE = 1e-9


@dataclass(slots=True)
class Suite:
    """Documents under one name, with notes about what was skipped or odd."""

    name: str
    documents: list[Document]
    about: str = ""
    notes: list[str] = field(default_factory=list)
    synthetic: bool = False


@dataclass(frozen=True, slots=True)
class Manifest:
    """A parsed suites manifest."""

    path: Path
    root: Path
    suites: tuple[dict[str, Any], ...]
    floor: dict[str, str]

    @property
    def floor_path(self) -> Path:
        return self.path.with_name("floor.json")

    def names(self) -> list[str]:
        return [s["name"] for s in self.suites]

    def spec(self, name: str) -> dict[str, Any]:
        for s in self.suites:
            if s["name"] == name:
                return s
        raise CorpusError(str(self.path), None, f"no suite named {name!r}; "
                          f"suites: {', '.join(self.names())}")


def find_manifest(explicit: str | None = None) -> Path | None:
    """The manifest to use: ``explicit``, else ./benchmarks/suites.json, else the repository's."""
    if explicit:
        return Path(explicit)
    here = Path.cwd() / "benchmarks" / "suites.json"
    if here.exists():
        return here
    # src/respin/bench/suites.py -> repository root in an editable install
    repo = Path(__file__).resolve().parents[3] / "benchmarks" / "suites.json"
    return repo if repo.exists() else None


def _read_json(path: Path, fmt: str, missing: str) -> dict[str, Any]:
    """A JSON object with ``"format": fmt``; errors name the file (and line)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CorpusError(str(path), None, missing) from None
    except json.JSONDecodeError as exc:
        raise CorpusError(str(path), exc.lineno, f"invalid JSON: {exc.msg}") from None
    if not isinstance(data, dict) or data.get("format") != fmt:
        raise CorpusError(str(path), None, f"expected \"format\": \"{fmt}\"")
    return data


def load_manifest(path: Path) -> Manifest:
    """Read and check a suites manifest; errors name the file."""
    data = _read_json(path, MANIFEST_FORMAT, "no such manifest")
    suites = data.get("suites")
    if not isinstance(suites, list) or not suites:
        raise CorpusError(str(path), None, "expected a non-empty list \"suites\"")
    names: set[str] = set()
    for s in suites:
        if not isinstance(s, dict) or not isinstance(s.get("name"), str):
            raise CorpusError(str(path), None, "every suite needs a \"name\"")
        if s["name"] in names:
            raise CorpusError(str(path), None, f"suite {s['name']!r} is listed twice")
        names.add(s["name"])
        if ("paths" in s) == ("simulate" in s):
            raise CorpusError(str(path), None, f"suite {s['name']!r} needs exactly one of "
                              "\"paths\" or \"simulate\"")
    floor = data.get("floor", {})
    return Manifest(path, path.resolve().parent.parent, tuple(suites), floor)


def load_suite(manifest: Manifest, name: str, table_override: str | None = None) -> Suite:
    """Read one named suite; missing paths make an empty suite with a note."""
    from .simulate import DEFAULT_RATE, DEFAULT_SEED, load_table, simulate_documents

    spec = manifest.spec(name)
    about = spec.get("about", "")
    if "paths" in spec:
        paths = [_under(manifest.root, p) for p in spec["paths"]]
        missing = [str(p) for p in paths if not p.exists()]
        present = [p for p in paths if p.exists()]
        notes = [f"{name}: not found, skipped: {', '.join(missing)}"] if missing else []
        corpus = load_corpus(present, spec.get("format", "auto"))
        return Suite(name, corpus.documents, about, notes + corpus.notes)
    sim = spec["simulate"]
    sources = [_under(manifest.root, p) for p in sim.get("from", [])]
    missing = [str(p) for p in sources if not p.exists()]
    if missing:
        return Suite(name, [], about, [f"{name}: sources not found, skipped: {', '.join(missing)}"],
                     synthetic=True)
    corpus = load_corpus(sources)
    clean = [d for d in corpus.documents if not d.is_spun]
    table = load_table(table_override or (manifest.root / sim["table"] if "table" in sim else SHIPPED_TABLE))
    docs = simulate_documents(clean, table, float(sim.get("rate", DEFAULT_RATE)),
                              int(sim.get("seed", DEFAULT_SEED)), sim.get("documents"), prefix=name,
                              quote_rate=float(sim.get("quotes", 0.0)))
    note = (f"{name}: {len(docs)} documents spun from {len(clean)} clean sources, "
            f"rate {sim.get('rate', DEFAULT_RATE)}, seed {sim.get('seed', DEFAULT_SEED)}"
            + (f", quotes at {sim['quotes']} of the rate" if sim.get("quotes") else ""))
    return Suite(name, docs, about, [note], synthetic=True)


def _under(root: Path, relative: str) -> Path:
    """``root / relative`` without ``..`` in it, so notes and ids show /work/shared, not /work/main/../shared."""
    return Path(os.path.normpath(root / relative))


# --------------------------------------------------------------------------- the floor

def read_floor(path: Path) -> dict[str, Any]:
    data = _read_json(path, FLOOR_FORMAT, "no floor recorded yet; run respin-bench --update-floor")
    return data


def write_floor(path: Path, measured: dict[str, Any]) -> None:
    """Write the golden floor file (stable key order, one number per line, for readable diffs)."""
    data = {"format": FLOOR_FORMAT,
            "about": "Metric floor for tests/test_bench.py: precision and F0.5 on the spun seed "
                     "must not fall, clean-text damage must not rise. Update deliberately with "
                     "respin-bench --update-floor and say why in the commit.",
            **measured}
    path.write_text(json.dumps(data, indent=2, sort_keys=False) + "\n", encoding="utf-8")


def check_floor(measured: dict[str, Any], floor: dict[str, Any]) -> list[str]:
    """Every way ``measured`` is worse than ``floor``, as readable sentences (empty: all good)."""
    problems: list[str] = []
    spun_name = floor.get("spun_suite", "seed001")
    clean_name = floor.get("clean_suite", "clean-seeds")
    for metric in ("precision", "f05"):
        want = floor.get(spun_name, {}).get(metric)
        have = measured.get(spun_name, {}).get(metric)
        if want is None or have is None:
            continue
        if not math.isfinite(have) or have < want - FLOOR_TOLERANCE:
            problems.append(f"{spun_name} {metric} {have:.4f} < floor {want:.4f}")
    want = floor.get(clean_name, {}).get("clean_changed_per_1k_words")
    have = measured.get(clean_name, {}).get("clean_changed_per_1k_words")
    if want is not None and have is not None and have > want + FLOOR_TOLERANCE:
        problems.append(f"{clean_name} damage {have:.4f} changed spans per 1,000 words > floor {want:.4f}")
    return problems
