#!/usr/bin/env python3
"""Measure what folding a batch of new real pairs into the lexicon does, before doing it.

    python scripts/fold_check.py ../scratch/real/new \
        --earlier benchmarks/real/counts/round5.tsv ... --earlier benchmarks/real/counts/round7.tsv
    python scripts/fold_check.py DIR --earlier ... --min-count 3 --min-two-way 3   # other bars

Options it does not know go to ``merge_learned.py`` as the bars (default: the shipped
``--min-count 2 --min-two-way 3 --min-longer 5``).

DIR holds the batch's pairs (``NAME.spun.txt`` + ``NAME.orig.txt``, the ids of
``benchmarks/real/manifest.tsv``, so run ``scripts/real_pairs.py`` first). The pairs are
split by story into two folds (stories in SHA-1 order of their slugs, alternately), and
for each fold:

- **before**: the fold's pages scored with the lexicon as it stands (pages never seen);
- **added**: the *other* fold learned (``respin learn``, curated reference), its counts
  added to the lexicon with ``merge_learned.py --add`` (``--earlier`` and the bars as
  given), and the fold's pages scored with that lexicon.

Each fold's gold is ``respin learn --ann`` with the curated reference, as for the held-out
pairs. The lexicons are built in a throw-away git worktree of HEAD, or of ``--rev`` (the
repository's own files are never touched); the numbers are ``respin-bench``'s, at each threshold of
``--thresholds``. This is the measurement behind each round's "folds" in
docs/benchmarks.md and lexicons/README.md.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BARS = ["--min-count", "2", "--min-two-way", "3", "--min-longer", "5"]


def _stories() -> dict[str, str]:
    lines = [ln.split("\t") for ln in (ROOT / "benchmarks" / "real" / "manifest.tsv")
             .read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    head = lines[0]
    return {row[0]: row[head.index("story")] for row in lines[1:]}


def _run(cmd: list, env: dict, cwd: Path) -> str:
    done = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"fold_check: {' '.join(map(str, cmd))} failed:\n{done.stderr[-2000:]}")
    return done.stdout


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("pairs", type=Path, help="folder of the new batch's NAME.spun.txt + NAME.orig.txt")
    ap.add_argument("--earlier", action="append", default=[], type=Path, metavar="FILE",
                    help="raw counts of a batch already folded in (repeatable; see merge_learned.py)")
    ap.add_argument("--thresholds", default="1.5,2,2.5", help="comma-separated (default 1.5,2,2.5)")
    ap.add_argument("--rev", default="HEAD",
                    help="the commit whose lexicon and code to start from (default HEAD: a batch "
                         "not folded in yet)")
    args, bars = ap.parse_known_args(argv)
    bars = bars or BARS
    story_of = _stories()
    ids = sorted({p.name.split(".")[0] for p in args.pairs.glob("*.spun.txt")
                  if (args.pairs / p.name.replace(".spun.", ".orig.")).exists()})
    missing = [i for i in ids if i not in story_of]
    if not ids or missing:
        sys.exit(f"fold_check: no pairs in {args.pairs}" if not ids else
                 f"fold_check: not in benchmarks/real/manifest.tsv (run real_pairs.py): {missing}")
    order = sorted({story_of[i] for i in ids}, key=lambda s: hashlib.sha1(s.encode()).hexdigest())
    side = {s: "AB"[k % 2] for k, s in enumerate(order)}
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        tree = tmp / "tree"
        _run(["git", "worktree", "add", "--detach", "-q", tree, args.rev], dict(os.environ), ROOT)
        try:
            env = dict(os.environ, PYTHONPATH=str(tree / "src"))
            curated = tmp / "curated.tsv"
            _run([py, "scripts/build_lexicon.py", "--curated", curated], env, tree)
            for fold in "AB":
                d = tmp / fold
                d.mkdir()
                for i in ids:
                    if side[story_of[i]] == fold:
                        for kind in ("spun", "orig"):
                            (d / f"{i}.{kind}.txt").symlink_to((args.pairs / f"{i}.{kind}.txt").resolve())
                # the gold (its rows are thrown away)
                _run([py, "-m", "respin", "learn", d, "--no-default-lexicon", "--lexicon", curated,
                      "-o", tmp / f"gold{fold}.tsv", "--ann", tmp / f"ann{fold}"], env, tree)
            print(f"{len(ids)} pairs, {len(order)} stories: fold A "
                  f"{sum(side[story_of[i]] == 'A' for i in ids)} pairs, fold B "
                  f"{sum(side[story_of[i]] == 'B' for i in ids)}; merge: {' '.join(bars)}")
            print(f"{'fold':5} {'lexicon':8} {'threshold':>9} {'prec':>6} {'recall':>7} {'F0.5':>6}")
            for fold, other in (("A", "B"), ("B", "A")):
                for label in ("before", "added"):
                    _run(["git", "checkout", "-q", "--", "lexicons", "src/respin/data"], env, tree)
                    if label == "added":
                        learned = tmp / f"learned{other}.tsv"
                        _run([py, "-m", "respin", "learn", tmp / other, "--no-default-lexicon",
                              "--lexicon", curated, "-o", learned], env, tree)
                        _run([py, "scripts/merge_learned.py", learned, "--write", "--add",
                              *[x for f in args.earlier for x in ("--earlier", f.resolve())], *bars],
                             env, tree)
                        _run([py, "scripts/build_lexicon.py"], env, tree)
                    out = tmp / f"bench{fold}{label}"
                    _run([py, "-m", "respin.bench", tmp / f"ann{fold}", "--baselines", "none",
                          "--no-memory", "--quiet", "--thresholds", args.thresholds, "--out", out],
                         env, tree)
                    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
                    for s in report["sweep"]:
                        x = next(iter(s["suites"].values()))
                        print(f"{fold:5} {label:8} {s['threshold']:9} {x['precision']:6.3f} "
                              f"{x['recall']:7.3f} {x['f05']:6.3f}")
        finally:
            _run(["git", "worktree", "remove", "--force", tree], dict(os.environ), ROOT)
            shutil.rmtree(tree, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
