"""Run respin and the baselines over suites and collect every number the reports show.

The result of :func:`evaluate` is a plain JSON-ready dict: the markdown
report and the terminal table are rendered from it alone, so a saved
``report.json`` can be re-rendered or compared across runs.

Timing covers only the restorer call (not scoring), after a warm-up call that
loads respin's lexicon and context model, whose cost is reported separately
as ``load_seconds``. Peak memory is measured in a separate pass with
``tracemalloc`` (which slows Python down, so it never overlaps the timed pass).
"""
from __future__ import annotations

import dataclasses
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import respin

from .baselines import NaiveReplacer, SymSpellBaseline, identity
from .corpora import Document, tokens
from .metrics import RuleStats, Tally, attribute_edits, auroc, score_clean, score_document
from .suites import Suite

__all__ = ["DEFAULT_THRESHOLDS", "evaluate", "lexicon_pairs", "measure_floor", "progress_units"]

#: Thresholds of the precision-recall sweep. respin's margins are in nats;
#: edits on the seeds score from about 1 to 15, so this spans "everything the
#: model prefers" (0) to "only the surest" (12).
DEFAULT_THRESHOLDS = (0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0)

#: Documents traced by the memory pass (the longest ones); see :func:`_memory`.
MEMORY_SAMPLE = 25

#: How many examples of each kind (missed pairs, wrong outputs) the reports keep.
TOP_EXAMPLES = 25

Progress = Callable[[int], None]


def _noop(_: int) -> None:
    pass


def lexicon_pairs(lexicon: Any) -> list[tuple[str, str]]:
    """(spun, original) pairs of a respin lexicon, every original of every entry."""
    return [(e.spun, o) for e in lexicon.entries for o in e.originals]


def _doc_record(doc: Document, score: Any, seconds: float) -> dict[str, Any]:
    rec: dict[str, Any] = {"id": doc.id, "origin": doc.origin, "seconds": seconds}
    if doc.is_spun:
        rec.update(kind="spun", **score.asdict())
    else:
        rec.update(kind="clean", clean_changed=score.changed, words=score.words,
                   clean_changed_per_1k_words=score.per_1k)
    return rec


def _score(doc: Document, output: str) -> Any:
    return score_document(doc.gold, output) if doc.gold is not None else score_clean(doc.text, output)


def evaluate(suites: Sequence[Suite], config: respin.Config, *, baselines: Sequence[str] = (),
             thresholds: Sequence[float] = DEFAULT_THRESHOLDS, cache_dir: Path | None = None,
             progress: Progress = _noop, table: Any = None, measure_memory: bool = True) -> dict[str, Any]:
    """Score respin (and ``baselines``) on ``suites``; return the full result dict."""
    lexicon = config.lexicon()
    entries = {e.id: e for e in lexicon.entries}
    t0 = time.perf_counter()
    respin.fix_and_explain("Warm-up: the yr's 3 p.c rise.", config)
    load_seconds = time.perf_counter() - t0

    naive: NaiveReplacer | None = None
    naive_build = 0.0
    if "naive" in baselines:
        t0 = time.perf_counter()
        naive = NaiveReplacer(lexicon)
        naive_build = time.perf_counter() - t0
    symspell = SymSpellBaseline(cache_dir) if "symspell" in baselines else None

    systems = ["respin", *[b for b in ("identity", "naive", "symspell") if b in baselines]]
    speed: dict[str, dict[str, float]] = {s: {"seconds": 0.0, "bytes": 0, "cached": 0} for s in systems}
    rules: dict[str, RuleStats] = {}
    missed: Counter[tuple[str, str]] = Counter()
    wrong: Counter[tuple[str, str, str, str]] = Counter()
    suite_results: list[dict[str, Any]] = []
    spin_scores: dict[str, list[tuple[str, float, bool]]] = {}

    for suite in suites:
        sres: dict[str, Any] = {"name": suite.name, "about": suite.about, "notes": suite.notes,
                                "synthetic": suite.synthetic,
                                "spun_documents": sum(d.is_spun for d in suite.documents),
                                "clean_documents": sum(not d.is_spun for d in suite.documents),
                                "words": sum(len(tokens(d.text)) for d in suite.documents),
                                "systems": {}}
        for system in systems:
            tally = Tally()
            docs: list[dict[str, Any]] = []
            for doc in suite.documents:
                edits = None
                seconds = 0.0
                if system == "respin":
                    t0 = time.perf_counter()
                    res = respin.fix_and_explain(doc.text, config)
                    seconds = time.perf_counter() - t0
                    output, edits = res.text, res.edits
                elif system == "identity":
                    t0 = time.perf_counter()
                    output = identity(doc.text)
                    seconds = time.perf_counter() - t0
                elif system == "naive":
                    assert naive is not None
                    t0 = time.perf_counter()
                    output = naive.fix(doc.text)
                    seconds = time.perf_counter() - t0
                else:
                    assert symspell is not None
                    hit = symspell.cached(doc.text)
                    if hit is not None:
                        output, seconds = hit
                        speed[system]["cached"] += 1
                    else:
                        t0 = time.perf_counter()
                        output = symspell.fix(doc.text)
                        seconds = time.perf_counter() - t0
                        symspell.store(doc.text, output, seconds)
                speed[system]["seconds"] += seconds
                speed[system]["bytes"] += len(doc.text.encode("utf-8"))
                score = _score(doc, output)
                tally.add(score)
                rec = _doc_record(doc, score, seconds)
                if edits is not None:
                    rec["edits"] = len(edits)
                    _collect_rules(doc, score, edits, rules, entries)
                    if doc.gold is not None:
                        for r in score.regions:
                            if r.outcome == "missed":
                                missed[(r.spun, r.want)] += 1
                            elif r.outcome in ("wrong", "unasked"):
                                wrong[(r.outcome, r.spun, r.output, r.want)] += 1
                    else:
                        for e in edits:
                            if e.before != e.after:
                                wrong[("clean", e.before, e.after, e.before)] += 1
                docs.append(rec)
                progress(1)
            sres["systems"][system] = {**tally.asdict(), "documents": docs}
        suite_results.append(sres)

    # detection: spin_score over spun vs clean documents
    det_seconds = 0.0
    for suite in suites:
        for doc in suite.documents:
            t0 = time.perf_counter()
            s = respin.spin_score(doc.text, config)
            det_seconds += time.perf_counter() - t0
            spin_scores.setdefault(suite.name, []).append((doc.id, s, doc.is_spun))
            progress(1)
    detection = _detection(spin_scores)
    detection["seconds"] = det_seconds

    memory = _memory(suites, config, progress) if measure_memory else {}

    sweep = _sweep(suites, config, thresholds, suite_results, progress)

    overlap = None
    if table is not None:
        synthetic_docs = [d for s in suites if s.synthetic for d in s.documents]
        from .simulate import table_overlap

        overlap = table_overlap(table, lexicon_pairs(lexicon), synthetic_docs)
        overlap["table"] = str(table.path)

    total_bytes = speed["respin"]["bytes"]
    for system, sp in speed.items():
        sp["mb_per_s"] = (sp["bytes"] / 1e6 / sp["seconds"]) if sp["seconds"] > 0 else None
    speed["respin"]["load_seconds"] = load_seconds
    if naive is not None:
        speed["naive"]["load_seconds"] = naive_build
    if symspell is not None:
        speed["symspell"]["load_seconds"] = symspell.load_seconds

    rule_rows = sorted((r.asdict() for r in rules.values()),
                       key=lambda r: (-(r["wrong"] + r["unasked"] + r["clean"]), -r["fires"], r["rule"]))
    return {
        "respin_version": respin.__version__,
        "config": {"threshold": config.threshold, "lexicons": list(config.lexicons),
                   "use_default_lexicon": config.use_default_lexicon,
                   "lexicon_rules": len(lexicon.entries)},
        "systems": systems,
        "suites": suite_results,
        "detection": detection,
        "speed": speed,
        "memory": memory,
        "bytes": total_bytes,
        "sweep": sweep,
        "rules": rule_rows,
        "missed": [{"spun": s, "want": w, "count": c} for (s, w), c in missed.most_common(TOP_EXAMPLES)],
        "wrong": [{"kind": k, "spun": s, "output": o, "want": w, "count": c}
                  for (k, s, o, w), c in wrong.most_common(TOP_EXAMPLES)],
        "overlap": overlap,
    }


def _collect_rules(doc: Document, score: Any, edits: Sequence[Any], rules: dict[str, RuleStats],
                   entries: dict[str, Any]) -> None:
    gold_score = score if doc.gold is not None else None
    for edit, outcome in attribute_edits(doc.gold, gold_score, edits):
        st = rules.get(edit.rule)
        if st is None:
            entry = entries.get(edit.rule)
            st = RuleStats(edit.rule, entry.spun if entry else "",
                           "|".join(entry.originals) if entry else "")
            rules[edit.rule] = st
        setattr(st, outcome, getattr(st, outcome) + 1)
        example = f"{doc.id}: {edit.before!r} -> {edit.after!r} ({outcome})"
        if outcome in ("wrong", "unasked", "clean") and len(st.examples) < 3 and example not in st.examples:
            st.examples.append(example)


def _detection(scores: dict[str, list[tuple[str, float, bool]]]) -> dict[str, Any]:
    spun = [s for rows in scores.values() for _, s, is_spun in rows if is_spun]
    clean = [s for rows in scores.values() for _, s, is_spun in rows if not is_spun]
    per_suite = {}
    for name, rows in scores.items():
        mine = [s for _, s, is_spun in rows if is_spun]
        if mine:
            per_suite[name] = {"auroc_vs_all_clean": auroc(mine, clean), "spun_documents": len(mine),
                               "mean_spin_score": sum(mine) / len(mine)}
    return {"auroc": auroc(spun, clean), "spun_documents": len(spun), "clean_documents": len(clean),
            "max_clean_spin_score": max(clean) if clean else None,
            "min_spun_spin_score": min(spun) if spun else None,
            "per_suite": per_suite,
            "scores": {name: [{"id": i, "spin_score": s, "spun": sp} for i, s, sp in rows]
                       for name, rows in scores.items()}}


def _memory(suites: Sequence[Suite], config: respin.Config, progress: Progress) -> dict[str, Any]:
    """Peak Python heap while restoring the largest documents (model already loaded), and max RSS.

    respin's working memory grows with the segment, not the corpus, so the
    peak over the :data:`MEMORY_SAMPLE` longest documents is the peak over
    all of them; tracing every document would triple the run time for nothing.
    """
    docs = sorted((d for s in suites for d in s.documents), key=lambda d: -len(d.text))
    sample = docs[:MEMORY_SAMPLE]
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        for doc in sample:
            respin.fix_and_explain(doc.text, config)
            progress(1)
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    out: dict[str, Any] = {"peak_heap_mb": peak / 1e6, "documents_traced": len(sample),
                           "largest_document_bytes": len(sample[0].text.encode("utf-8")) if sample else 0}
    try:
        import resource
        import sys

        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        out["max_rss_mb"] = rss / 1e6 if sys.platform == "darwin" else rss / 1e3
    except ImportError:  # pragma: no cover - Windows
        pass
    return out


def _sweep(suites: Sequence[Suite], config: respin.Config, thresholds: Sequence[float],
           suite_results: list[dict[str, Any]], progress: Progress) -> list[dict[str, Any]]:
    """respin at each threshold: P/R/F0.5 per spun suite and damage per clean suite."""
    points: list[dict[str, Any]] = []
    for th in sorted(set(thresholds) | {config.threshold}):
        if th == config.threshold:
            per_suite = {s["name"]: {k: v for k, v in s["systems"]["respin"].items() if k != "documents"}
                         for s in suite_results}
        else:
            cfg = dataclasses.replace(config, threshold=th)
            per_suite = {}
            for suite in suites:
                tally = Tally()
                for doc in suite.documents:
                    tally.add(_score(doc, respin.fix_text(doc.text, cfg)))
                    progress(1)
                per_suite[suite.name] = tally.asdict()
        points.append({"threshold": th, "operating": th == config.threshold, "suites": per_suite})
    return points


def progress_units(suites: Sequence[Suite], n_systems: int, n_thresholds: int, memory: bool) -> int:
    """How many progress ticks :func:`evaluate` will make (for the progress bar's total)."""
    n = sum(len(s.documents) for s in suites)
    return n * (n_systems + 1 + n_thresholds) + (min(n, MEMORY_SAMPLE) if memory else 0)


def measure_floor(spun: Sequence[Document], clean: Sequence[Document],
                  config: respin.Config | None = None,
                  spun_name: str = "seed001", clean_name: str = "clean-seeds") -> dict[str, Any]:
    """The floor metrics: micro P/R/F0.5 on the spun documents, damage on the clean ones."""
    config = config or respin.Config()
    tally = Tally()
    for doc in spun:
        tally.add(_score(doc, respin.fix_text(doc.text, config)))
    clean_tally = Tally()
    for doc in clean:
        clean_tally.add(_score(doc, respin.fix_text(doc.text, config)))
    return {
        "threshold": config.threshold,
        "spun_suite": spun_name,
        "clean_suite": clean_name,
        spun_name: {"documents": tally.documents, "tp": tally.tp, "fp": tally.fp, "fn": tally.fn,
                    "precision": round(tally.precision, 6), "recall": round(tally.recall, 6),
                    "f05": round(tally.f05, 6)},
        clean_name: {"documents": clean_tally.clean_documents, "clean_changed": clean_tally.clean_changed,
                     "clean_words": clean_tally.clean_words,
                     "clean_changed_per_1k_words": round(clean_tally.clean_per_1k, 6)},
    }

