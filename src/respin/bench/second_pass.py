"""Second-pass edit rate: what respin does to its own output.

With two-way lexicon rows (house -> home and home -> house) a restored word can
be another row's spun form, so a second pass may edit again. One pass never
does: it matches the input once and never re-matches what it restored (see
docs/how-it-works.md, "Two-way rules"). This module measures the rest:

- ``first``: edits of ``fix_text`` on the input;
- ``second``: edits of ``fix_text`` on the first pass's output;
- ``on_restored``: second-pass edits that overlap text the first pass wrote;
- ``reverted``: second-pass edits that put back exactly what the first pass
  replaced (a flip-flop);
- ``rate``: ``second / first`` (``None`` when the first pass made no edit).

>>> from respin import Config
>>> s = second_pass(["Shares rose 3 p.c, the White Home stated."], Config())
>>> (s.first, s.second, s.rate)
(3, 0, 0.0)
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..config import Config
from ..edits import Edit
from ..fixes import fix_and_explain

__all__ = ["SecondPass", "restored_spans", "second_pass"]


@dataclass(slots=True)
class SecondPass:
    """Counts over a set of texts (see the module docstring)."""

    documents: int = 0
    first: int = 0
    second: int = 0
    on_restored: int = 0
    reverted: int = 0

    @property
    def rate(self) -> float | None:
        return self.second / self.first if self.first else None

    def add(self, other: SecondPass) -> None:
        for name in ("documents", "first", "second", "on_restored", "reverted"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def restored_spans(edits: Iterable[Edit]) -> list[tuple[int, int, Edit]]:
    """Where the words each edit changed lie in the output: ``(start, end, edit)``.

    Words an edit kept at either end are not counted as restored: "the vary
    of" -> "the range of" restored "range", and a second-pass edit of the
    "within the" before it touches the author's "the", not restored text.

    >>> [(a, b) for a, b, _ in restored_spans([Edit(4, 15, "the vary of", "the range of", "r", 1)])]
    [(8, 13)]
    """
    out, shift = [], 0
    for e in edits:
        start = e.start + shift
        lead, trail = _common_words(e.before, e.after)
        out.append((start + lead, start + len(e.after) - trail, e))
        shift += len(e.after) - (e.end - e.start)
    return out


def _common_words(before: str, after: str) -> tuple[int, int]:
    """Characters of whole words (with their space) shared at the start and at the end."""
    b, a = before.split(" "), after.split(" ")
    lead = 0
    k = 0
    while k < min(len(a), len(b)) - 1 and a[k] == b[k]:
        lead += len(a[k]) + 1
        k += 1
    trail = 0
    j = 1
    while j < min(len(a), len(b)) - k and a[-j] == b[-j]:
        trail += len(a[-j]) + 1
        j += 1
    return lead, trail


def second_pass(texts: Iterable[str], config: Config | None = None) -> SecondPass:
    """Run ``fix_text`` twice on each text and count the second pass's edits."""
    config = config or Config()
    total = SecondPass()
    for text in texts:
        first = fix_and_explain(text, config)
        second = fix_and_explain(first.text, config)
        spans = restored_spans(first.edits)
        one = SecondPass(documents=1, first=len(first.edits), second=len(second.edits))
        for e in second.edits:
            touched = [f for a, b, f in spans if a < e.end and e.start < b]
            one.on_restored += bool(touched)
            one.reverted += any(f.after == e.before and f.before == e.after for f in touched)
        total.add(one)
    return total
