"""Metrics with the referee's definitions: GEC-style edits, WER, clean-text damage, AUROC.

:func:`score_document` is a port of ``../shared/tools/referee.py``'s ``score``
(same alignment, same regions, same counting), kept line for line close to it
so that a reader can check one against the other; ``tests/test_bench.py``
checks they agree on seed 001. It also returns the connected *regions* it
judged, so that each respin edit can be traced to the gold region it fell in
(:func:`attribute_edits`) and the per-rule table can say which lexicon rules
fire right and which fire wrong.

The counting, as the referee does it:

- a region is a connected run of gold spans and output changes;
- a region with gold spans whose output is one of the accepted readings
  scores its required spans as TP (an optional span, whose alternatives list
  the spun text, scores nothing either way);
- a region with gold spans and any other output scores its required spans as
  FN, and, if the output changed there, also FP (a wrong change is both);
- a change in a region with no gold span is FP.

>>> from respin.bench.corpora import parse_annotation
>>> g = parse_annotation("Profits rose 4 [[p.c=>percent]] in the [[final=>last]] yr.")
>>> s = score_document(g, "Profits rose 4 percent in the previous yr.")
>>> (s.tp, s.fp, s.fn)
(1, 1, 1)
>>> round(f_beta(precision(s.tp, s.fp), recall(s.tp, s.fn)), 3)
0.5
"""
from __future__ import annotations

import difflib
import functools
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from .corpora import TOKEN, Gold, tokens

__all__ = [
    "CleanScore",
    "DocumentScore",
    "Region",
    "RuleStats",
    "Tally",
    "attribute_edits",
    "auroc",
    "clean_changes",
    "f_beta",
    "precision",
    "recall",
    "score_clean",
    "score_document",
    "word_errors",
]

#: The referee gives up enumerating accepted readings of a region beyond this
#: many combinations (and scores the region as not accepted); same here.
MAX_COMBINATIONS = 4096


def precision(tp: int, fp: int) -> float:
    """TP / (TP + FP); 1.0 when nothing was changed (the referee's convention)."""
    return tp / (tp + fp) if tp + fp else 1.0


def recall(tp: int, fn: int) -> float:
    """TP / (TP + FN); 1.0 when nothing needed restoring."""
    return tp / (tp + fn) if tp + fn else 1.0


def f_beta(p: float, r: float) -> float:
    """F0.5, weighting precision twice as much as recall (errant's choice for GEC).

    >>> f_beta(1.0, 0.0), round(f_beta(0.9, 0.6), 4)
    (0.0, 0.8182)
    """
    return (1.25 * p * r / (0.25 * p + r)) if p + r else 0.0


def word_errors(hyp: Sequence[str], ref: Sequence[str]) -> int:
    """Word-level edit operations from ``hyp`` to ``ref`` on difflib's alignment (the referee's WER numerator).

    Each non-equal opcode costs the longer of its two sides, so a replaced
    word costs 1 and an inserted phrase costs its length.
    """
    sm = difflib.SequenceMatcher(a=list(ref), b=list(hyp), autojunk=False)
    d = 0
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op != "equal":
            d += max(i2 - i1, j2 - j1)
    return d


@dataclass(frozen=True, slots=True)
class Region:
    """One connected region the scorer judged, over spun tokens ``[lo, hi)``.

    ``outcome`` is ``"unasked"`` (changes, no gold), ``"right"`` (gold, accepted
    output), ``"wrong"`` (gold, changed to something not accepted) or
    ``"missed"`` (gold, left unchanged and not accepted).
    """

    lo: int
    hi: int
    outcome: str
    required: int
    spun: str
    output: str
    want: str


class _Rates:
    """Precision, recall, F0.5 and WER from counts (shared by a document and a tally)."""

    __slots__ = ()
    tp: int
    fp: int
    fn: int
    gold_words: int
    errors_in: int
    errors_out: int

    @property
    def precision(self) -> float:
        return precision(self.tp, self.fp)

    @property
    def recall(self) -> float:
        return recall(self.tp, self.fn)

    @property
    def f05(self) -> float:
        return f_beta(self.precision, self.recall)

    @property
    def wer_in(self) -> float:
        return self.errors_in / max(1, self.gold_words)

    @property
    def wer_out(self) -> float:
        return self.errors_out / max(1, self.gold_words)

    @property
    def err_reduction(self) -> float:
        return (self.wer_in - self.wer_out) / self.wer_in if self.wer_in else 0.0


@dataclass(frozen=True, slots=True)
class DocumentScore(_Rates):
    """The referee's counts for one spun document, plus the regions behind them."""

    tp: int
    fp: int
    fn: int
    words: int
    gold_words: int
    errors_in: int
    errors_out: int
    regions: tuple[Region, ...]


    def asdict(self) -> dict[str, Any]:
        """The referee's result keys (``tp`` ... ``words``), without the wrong list."""
        return {"tp": self.tp, "fn": self.fn, "fp": self.fp, "precision": self.precision,
                "recall": self.recall, "f05": self.f05, "wer_in": self.wer_in,
                "wer_out": self.wer_out, "err_reduction": self.err_reduction, "words": self.words}


def score_document(gold: Gold, output: str) -> DocumentScore:
    """Score a restorer's ``output`` for a spun document against its gold (referee ``score``)."""
    spans = gold.spans
    S = [t.lower() for t in tokens(gold.spun)]
    O = [t.lower() for t in tokens(output)]
    G = [t.lower() for t in tokens(gold.gold)]
    sm = difflib.SequenceMatcher(a=S, b=O, autojunk=False)
    ops = sm.get_opcodes()
    changes = [(i1, i2, j1, j2) for op, i1, i2, j1, j2 in ops if op != "equal"]

    def out_index(i: int) -> int:
        for op, i1, i2, j1, j2 in ops:
            if i1 <= i < i2 or (i == i2 == len(S)):
                return j1 + (i - i1) if op == "equal" else (j1 if i == i1 else j2)
        return len(O)

    items = [(sp.start, sp.end, "g", k) for k, sp in enumerate(spans)]
    items += [(i1, i2, "c", k) for k, (i1, i2, _, _) in enumerate(changes)]
    items.sort(key=lambda x: (x[0], x[1]))
    raw_regions: list[list[Any]] = []
    cur: list[Any] | None = None
    for a, b, kind, k in items:
        lo, hi = a, max(b, a + (1 if a == b else 0))
        if cur and lo < cur[1] or (cur and lo == cur[1] and (kind == "c" and a == b)):
            cur[1] = max(cur[1], hi)
            cur[2].append((kind, k))
        else:
            cur = [lo, hi, [(kind, k)]]
            raw_regions.append(cur)
    tp = fn = fp = 0
    regions: list[Region] = []
    for lo, hi, members in raw_regions:
        gks = [k for kind, k in members if kind == "g"]
        cks = [k for kind, k in members if kind == "c"]
        j1 = min([changes[k][2] for k in cks] + [out_index(lo)])
        j2 = max([changes[k][3] for k in cks] + [out_index(hi) if hi <= len(S) else len(O)])
        got = O[j1:j2]
        req = sum(1 for k in gks if spans[k].required)
        if not gks:
            fp += len(cks)
            regions.append(Region(lo, hi, "unasked", 0, " ".join(S[lo:hi]), " ".join(got),
                                  " ".join(S[lo:hi])))
            continue
        pieces: list[Sequence[Sequence[str]]] = []
        p = lo
        for k in sorted(gks, key=lambda k: spans[k].start):
            sp = spans[k]
            pieces.append([S[p:sp.start]])
            pieces.append(sp.accepted)
            p = sp.end
        pieces.append([S[p:hi]])
        ok = False
        combos = 1
        for pc in pieces:
            combos *= len(pc)
        if combos <= MAX_COMBINATIONS:
            for choice in itertools.product(*pieces):
                if [t for part in choice for t in part] == got:
                    ok = True
                    break
        changed = got != S[lo:hi]
        want: list[str] = []
        for pc in pieces:
            want.extend(pc[0])
        if ok:
            tp += req
            outcome = "right"
        else:
            fn += req
            if changed:
                fp += max(1, len(cks))
            outcome = "wrong" if changed else "missed"
        regions.append(Region(lo, hi, outcome, req, " ".join(S[lo:hi]), " ".join(got),
                              " ".join(want)))
    errors_in = _input_errors(gold.spun, gold.gold)
    errors_out = errors_in if O == S else word_errors(O, G)
    return DocumentScore(tp, fp, fn, len(S), len(G), errors_in, errors_out, tuple(regions))


@functools.lru_cache(maxsize=1024)
def _input_errors(spun: str, gold: str) -> int:
    """WER numerator of the spun input, the same for every system and threshold (so cached)."""
    return word_errors([t.lower() for t in tokens(spun)], [t.lower() for t in tokens(gold)])


@dataclass(frozen=True, slots=True)
class CleanScore:
    """Changed spans in the output of a clean document, and its word count."""

    changed: int
    words: int

    @property
    def per_1k(self) -> float:
        return 1000.0 * self.changed / self.words if self.words else 0.0


def clean_changes(text: str, output: str) -> tuple[int, int]:
    """Changed chunks in ``output`` of an unspun ``text``, and its word count (referee ``clean_changes``).

    Tokens are compared case-sensitively here, unlike in :func:`score_document`:
    on clean text a change of case is damage too.

    >>> clean_changes("Shares rose 3 percent.", "Shares rose 3 per cent.")
    (1, 5)
    """
    S, O = tokens(text), tokens(output)
    sm = difflib.SequenceMatcher(a=S, b=O, autojunk=False)
    return sum(1 for op, *_ in sm.get_opcodes() if op != "equal"), len(S)


def score_clean(text: str, output: str) -> CleanScore:
    """:func:`clean_changes` as a record."""
    return CleanScore(*clean_changes(text, output))


# --------------------------------------------------------------------------- aggregation

@dataclass(slots=True)
class Tally(_Rates):
    """Micro-averaged sums over documents: spun counts and clean counts kept apart."""

    documents: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    words: int = 0
    gold_words: int = 0
    errors_in: int = 0
    errors_out: int = 0
    clean_documents: int = 0
    clean_changed: int = 0
    clean_words: int = 0

    def add(self, score: DocumentScore | CleanScore) -> None:
        if isinstance(score, CleanScore):
            self.clean_documents += 1
            self.clean_changed += score.changed
            self.clean_words += score.words
            return
        self.documents += 1
        self.tp += score.tp
        self.fp += score.fp
        self.fn += score.fn
        self.words += score.words
        self.gold_words += score.gold_words
        self.errors_in += score.errors_in
        self.errors_out += score.errors_out


    @property
    def clean_per_1k(self) -> float:
        return 1000.0 * self.clean_changed / self.clean_words if self.clean_words else 0.0

    def asdict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.documents:
            out.update(spun_documents=self.documents, tp=self.tp, fp=self.fp, fn=self.fn,
                       precision=self.precision, recall=self.recall, f05=self.f05,
                       words=self.words, wer_in=self.wer_in, wer_out=self.wer_out,
                       err_reduction=self.err_reduction)
        if self.clean_documents:
            out.update(clean_documents=self.clean_documents, clean_changed=self.clean_changed,
                       clean_words=self.clean_words, clean_changed_per_1k_words=self.clean_per_1k)
        return out


# --------------------------------------------------------------------------- edit attribution

class _EditLike(Protocol):
    start: int
    end: int
    before: str
    after: str
    rule: str


def attribute_edits(gold: Gold | None, score: DocumentScore | None,
                    edits: Iterable[_EditLike]) -> list[tuple[_EditLike, str]]:
    """Judge each respin edit by the gold region its spun tokens fall in.

    Outcomes: ``"right"`` (its region was restored acceptably), ``"wrong"``
    (its region has gold but the output is not accepted), ``"unasked"`` (no
    gold span there: a false positive), ``"clean"`` (any edit on a clean
    document), ``"neutral"`` (the edit changed nothing the scorer sees, such as
    case alone in a spun document). An edit touching several regions takes
    the worst of them.
    """
    edits = list(edits)
    if gold is None or score is None:
        return [(e, "clean" if e.before != e.after else "neutral") for e in edits]
    starts: list[int] = []
    ends: list[int] = []
    for m in TOKEN.finditer(gold.spun):
        starts.append(m.start())
        ends.append(m.end())
    rank = {"wrong": 3, "unasked": 2, "right": 1, "missed": 0}
    out: list[tuple[Any, str]] = []
    for e in edits:
        toks = [i for i in range(len(starts)) if starts[i] < e.end and ends[i] > e.start]
        if toks:
            a, b = toks[0], toks[-1] + 1
        else:
            a = next((i for i in range(len(starts)) if starts[i] >= e.end), len(starts))
            b = a
        hits = [r for r in score.regions if (r.lo < b and r.hi > a) or (a == b and r.lo <= a < r.hi)]
        if not hits:
            out.append((e, "neutral"))
            continue
        worst = max(hits, key=lambda r: rank[r.outcome]).outcome
        out.append((e, "neutral" if worst == "missed" else worst))
    return out


# --------------------------------------------------------------------------- detection

def auroc(positives: Sequence[float], negatives: Sequence[float]) -> float | None:
    """Area under the ROC curve: P(score of a spun doc > score of a clean doc), ties half.

    Computed from ranks (Mann-Whitney U) so it stays fast on large corpora.
    None when either class is empty.

    >>> auroc([0.9, 0.8], [0.1, 0.8])
    0.875
    """
    if not positives or not negatives:
        return None
    labelled = sorted([(s, 1) for s in positives] + [(s, 0) for s in negatives])
    rank_sum = 0.0
    i = 0
    while i < len(labelled):
        j = i
        while j < len(labelled) and labelled[j][0] == labelled[i][0]:
            j += 1
        avg = (i + 1 + j) / 2.0  # ranks i+1 .. j
        rank_sum += avg * sum(1 for k in range(i, j) if labelled[k][1] == 1)
        i = j
    n1, n0 = len(positives), len(negatives)
    return (rank_sum - n1 * (n1 + 1) / 2.0) / (n1 * n0)


@dataclass(slots=True)
class RuleStats:
    """How one lexicon rule fared: fires by outcome."""

    rule: str
    spun: str = ""
    original: str = ""
    right: int = 0
    wrong: int = 0
    unasked: int = 0
    clean: int = 0
    neutral: int = 0
    examples: list[str] = field(default_factory=list)

    @property
    def fires(self) -> int:
        return self.right + self.wrong + self.unasked + self.clean + self.neutral

    @property
    def bad(self) -> int:
        return self.wrong + self.unasked + self.clean

    def asdict(self) -> dict[str, Any]:
        return {"rule": self.rule, "spun": self.spun, "original": self.original,
                "fires": self.fires, "right": self.right, "wrong": self.wrong,
                "unasked": self.unasked, "clean": self.clean, "neutral": self.neutral,
                "examples": self.examples}
