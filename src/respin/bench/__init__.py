"""respin-bench: correction accuracy, clean-text damage and speed on corpora.

The harness reads evaluation corpora (gold-format annotated text, parallel
spun/original pairs, clean text, JSONL), runs respin and baselines on them,
and reports the referee's metrics (``../shared/tools/referee.py``): edit-level
TP/FP/FN, precision, recall and F0.5; WER before and after; clean-text damage;
plus a per-rule table, detection AUROC, throughput and memory. See
``docs/benchmarks.md``.

The console script ``respin-bench`` is :func:`main`.
"""
from __future__ import annotations

from .cli import main

__all__ = ["main"]
