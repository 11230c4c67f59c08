#!/usr/bin/env python3
"""Throughput of respin.dask.fix_bag on a distributed.LocalCluster with 1 and 2 workers.

    python benchmarks/dask_scale.py [--mb 4]

The records are the news articles of the shared corpus (clean) and the dev
corpus (spun, annotations stripped), repeated to about --mb megabytes; each
cluster restores them once to warm up (every worker loads the model once),
then the timed run restores them again.
"""
from __future__ import annotations

import argparse
import glob
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT / "src"))


def records(mb: float) -> list[str]:
    from respin.bench.corpora import parse_annotation

    docs = [Path(p).read_text(encoding="utf-8") for p in sorted(glob.glob(str(SHARED / "corpus" / "clean" / "*.txt")))]
    docs += [parse_annotation(Path(p).read_text(encoding="utf-8"), p).spun
             for p in sorted(glob.glob(str(ROOT / "benchmarks" / "corpora" / "dev" / "*.ann.txt")))]
    size = sum(len(d.encode()) for d in docs)
    return docs * max(1, round(mb * 1e6 / size))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=4.0)
    args = ap.parse_args()
    import dask.bag as db
    from distributed import Client, LocalCluster

    from respin.dask import fix_bag

    texts = records(args.mb)
    mb = sum(len(t.encode()) for t in texts) / 1e6
    for workers in (1, 2):
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster, Client(cluster):
            bag = db.from_sequence(texts, npartitions=8 * workers)
            fix_bag(bag).compute()  # warm-up: each worker loads the model once
            t0 = time.perf_counter()
            fix_bag(bag).compute()
            dt = time.perf_counter() - t0
            print(f"{workers} worker(s): {mb:.1f} MB in {dt:.1f} s, {mb / dt:.2f} MB/s "
                  f"({len(texts)} records)")


if __name__ == "__main__":
    main()
