#!/usr/bin/env python3
"""Throughput of respin, single process, on clean news, spun news and candidate-free text.

    python benchmarks/speed.py [--seconds S]

Clean news: the 30 shared clean articles plus the four clean seeds. Spun news:
seed 001 plus the dev corpus (spun side). Candidate-free: the same clean news
with every lexicon match removed, which exercises the fast path (no scoring).
Also streams a large file through the CLI (`respin FILE -o OUT`) with 1 and 2
worker processes and reports MB/s and peak resident memory of the process tree.
"""
from __future__ import annotations

import argparse
import glob
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT / "src"))

import respin  # noqa: E402
from respin.bench.corpora import parse_annotation  # noqa: E402
from respin.candidates import analyse  # noqa: E402


def rate(text: str, seconds: float) -> float:
    n, t0 = 0, time.perf_counter()
    while True:
        respin.fix_text(text)
        n += 1
        dt = time.perf_counter() - t0
        if dt >= seconds:
            return len(text.encode()) * n / dt / 1e6


def without_candidates(text: str) -> str:
    lex = respin.default_lexicon()
    seg = analyse(text, lex)
    out, pos = [], 0
    for c in seg.candidates:
        if c.start >= pos:
            out.append(text[pos:c.start])
            pos = c.end
    out.append(text[pos:])
    return "".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--stream-mb", type=float, default=20.0)
    args = ap.parse_args()
    clean_paths = sorted(glob.glob(str(SHARED / "corpus" / "clean" / "*.txt")))
    clean_paths += [str(SHARED / "seeds" / f"{n}.txt") for n in ("000", "002", "003", "004")]
    clean = "\n".join(Path(p).read_text(encoding="utf-8") for p in clean_paths) + "\n"
    spun_paths = [str(SHARED / "corpus" / "001.ann.txt")] + sorted(glob.glob(str(ROOT / "benchmarks" / "corpora" / "dev" / "*.ann.txt")))
    spun = "\n".join(parse_annotation(Path(p).read_text(encoding="utf-8"), p).spun for p in spun_paths) + "\n"
    bare = without_candidates(clean)
    while any(c for c in analyse(bare, respin.default_lexicon()).candidates):
        bare = without_candidates(bare)
    respin.fix_text("warm-up: 3 p.c this yr")
    print(f"{'input':28s} {'MB':>7s} {'MB/s':>7s}")
    for name, text in (("clean news", clean), ("spun news", spun), ("candidate-free (fast path)", bare)):
        print(f"{name:28s} {len(text.encode()) / 1e6:7.3f} {rate(text, args.seconds):7.2f}")
    # streaming through the CLI: a large file of alternating spun and clean articles
    block = (spun + clean)
    reps = max(1, int(args.stream_mb * 1e6 / len(block.encode())))
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "big.txt"
        with src.open("w", encoding="utf-8") as fh:
            for _ in range(reps):
                fh.write(block)
        size = src.stat().st_size / 1e6
        for jobs in (1, 2):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-m", "respin", str(src), "-o", str(Path(tmp) / "out.txt"),
                            "--jobs", str(jobs)], check=True)
            dt = time.perf_counter() - t0
            rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            print(f"CLI stream {size:.1f} MB, --jobs {jobs}: {size / dt:.2f} MB/s, "
                  f"peak RSS of largest process {rss:.0f} MB (cores: {os.cpu_count()})")


if __name__ == "__main__":
    main()
