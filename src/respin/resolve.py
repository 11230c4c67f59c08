"""Choose which candidates to restore: a noisy-channel decode, cluster by cluster.

For every candidate there are several readings: the spun words were written
by the author (keep), or they replaced one of the rule's originals. A reading
is scored as

    log P_LM(words of the reading | neighbours)        (respin.scoring)
  + log channel                                        (respin.detect)

where the channel term is ``log(rate(o) * q(o -> w))`` for restoring original
``o`` (the spinner rewrote ``o`` and picked this spun form) and
``log((1 - rate) * a(w))`` for keeping ``w`` (the spinner left it, and it is
natural text; ``a`` is small for artifacts).

Candidates whose language-model contexts touch (adjacent or overlapping) form
a cluster and are decided jointly, so "financial competitors" can become
"economic competition" together. Each restoration's **score** is its margin:
the best total with it minus the best total without it or with another of the
match's originals (summed in probability; see :func:`_decide`). Only margins
at or above the threshold are applied; a restoration that falls short is
forbidden and the cluster decided again.

>>> from respin.candidates import analyse
>>> from respin.detect import estimate
>>> from respin.lexicon import parse_lexicon
>>> from respin.scoring import context_model
>>> lex = parse_lexicon(["# respin-lexicon 1", "t/1\\tprovide chain\\tsupply chain\\td\\tartifact,multiword"])
>>> seg = analyse("The provide chain held.", lex)
>>> ev = estimate(seg, lex, context_model())
>>> [(d.original, d.score > 1.5) for d in resolve(seg, lex, context_model(), ev, 1.5)]
[('supply chain', True)]
"""
from __future__ import annotations

import functools
import itertools
import math
import operator
from collections.abc import Sequence
from typing import NamedTuple

from .candidates import Candidate, Segment
from .detect import (ARTIFACT_NATURAL, DocumentEvidence, _key, choice_prob, counted_odds,
                     family_rate_logit, is_observed)
from .lexicon import Lexicon
from .precompute import optimised, rule_constants
from .scoring import ContextModel, lm_word, lm_words
from .tokens import token_arrays

__all__ = ["AMBIGUOUS_GATE", "Decision", "resolve"]

#: Spin score below which a segment is treated as clean: ambiguous rules
#: ("financial", "home") are not even scored, only artifacts are. Measured
#: 2026-11-25: clean texts score at most 0.02 (34 texts), spun ones at least
#: 0.88 (13 texts, one with 6% of words spun); 0.5 sits in that gap.
AMBIGUOUS_GATE = 0.5

#: Largest number of joint readings tried for one cluster; bigger clusters are
#: split where two candidates merely touch. Measured 2026-11-25: the largest
#: cluster in seed 001, dev, heldout, the clean texts and the synthetic suite
#: has 48 readings (1,960 clusters; 1,211 have 2). 256 leaves 5x headroom and
#: keeps hostile text linear and bearable: a run of 2,000 touching "p.c" costs
#: about 1 s (it was 25 s for 3,000 at 4,096 readings).
MAX_READINGS = 256

_LOG_ARTIFACT = math.log(ARTIFACT_NATURAL)

#: Rates are kept inside (0, 1) so that logs stay finite.
_RATE_EPS = 1e-6


class Decision(NamedTuple):
    """A restoration the resolver accepted: candidate, chosen original, margin."""

    candidate: Candidate
    original: str
    score: float


def _runs(cands: Sequence[Candidate], touching: bool) -> list[list[int]]:
    """Indexes of candidates grouped into runs that overlap (or, with
    ``touching``, also just touch, so share language-model context)."""
    runs: list[list[int]] = []
    end = -1
    for k, c in enumerate(cands):
        if runs and (c.first <= end if touching else c.first < end):
            runs[-1].append(k)
            end = max(end, c.last)
        else:
            runs.append([k])
            end = c.last
    return runs


def _clusters(cands: Sequence[Candidate]) -> list[list[Candidate]]:
    """Runs of candidates that overlap or touch (so share language-model context)."""
    return [[cands[k] for k in run] for run in _runs(cands, touching=True)]


def _readings(group: list[Candidate]) -> int:
    return math.prod(len(c.originals) + 1 for c in group)


def _split(cluster: list[Candidate]) -> list[list[Candidate]]:
    """Cut a cluster whose joint readings exceed MAX_READINGS into smaller runs.

    Cuts fall between overlap groups, where two candidates merely touch, so
    rival rules for the same words ("enterprise" and "enterprise mannequin")
    are always decided together; cutting between them let the first part
    restore "enterprise" alone and a second pass then "mannequin" (found by
    the idempotence property). Only a single overlap group too big on its own
    (hostile text) is cut inside; :func:`resolve` then drops any decision that
    overlaps an earlier one.
    """
    if _readings(cluster) <= MAX_READINGS:
        return [cluster]
    units: list[list[Candidate]] = []  # overlap groups; a group too big alone goes one by one
    for run in _runs(cluster, touching=False):
        group = [cluster[k] for k in run]
        units.extend([group] if _readings(group) <= MAX_READINGS else [[c] for c in group])
    parts: list[list[Candidate]] = [[]]
    for unit in units:
        if parts[-1] and _readings(parts[-1] + unit) > MAX_READINGS:
            parts.append([])
        parts[-1].extend(unit)
    return parts


def _components(cluster: list[Candidate]) -> list[list[int]]:
    """Groups of mutually overlapping candidates (by index in the cluster)."""
    return _runs(cluster, touching=False)


class _Shape(NamedTuple):
    """What :func:`_decide` needs of a cluster that depends only on its
    candidates' places (counted from its first token), their numbers of
    originals and whether each is an artifact (:func:`_shape`)."""

    groups: list[list[int]]
    group_of: dict[int, int]
    #: the valid readings in ``itertools.product`` order: (reading, mask,
    #: edited, (untouched groups, artifacts left standing))
    readings: list[tuple[tuple[int, ...], int, tuple, tuple[int, int]]]
    of_reading: dict[tuple[int, ...], tuple[int, tuple, tuple[int, int]]]


@functools.lru_cache(maxsize=4096)
def _shape(key: tuple[tuple[int, int, int, bool], ...]) -> _Shape:
    """The :class:`_Shape` of a cluster whose candidates are ``key``: (first,
    last, number of originals, artifact) each, first and last counted from
    the cluster's first token. Every reading is judged as
    :meth:`_Cluster.score_and_mask` judges it in reference mode (invalid
    when two restorations overlap; the restored spans in order; the groups
    with nothing restored; the artifacts not wholly rewritten), so clusters
    of one shape (most are two or three touching matches) share the work."""
    groups = _runs([_Span(f, l) for f, l, _, _ in key], touching=False)
    group_masks = [sum(1 << k for k in g) for g in groups]
    group_of = {k: m for g, m in zip(groups, group_masks) for k in g}
    spans = [(f, l, k) for k, (f, l, _, _) in enumerate(key)]
    ordered = all(x <= y for x, y in zip(spans, spans[1:]))
    conflicts = [sum(1 << j for j, (f2, l2, _) in enumerate(spans) if j != k and f2 < l and f < l2)
                 for f, l, k in spans]
    artifacts = [k for k, (_, _, _, art) in enumerate(key) if art]
    readings = []
    for reading in itertools.product(*[range(-1, n) for _, _, n, _ in key]):
        if ordered:
            edited, mask, ok = [], 0, True
            for k, r in enumerate(reading):
                if r >= 0:
                    if mask & conflicts[k]:
                        ok = False
                        break
                    mask |= 1 << k
                    edited.append(spans[k])
            if not ok:
                continue
        else:
            edited = sorted([spans[k] for k, r in enumerate(reading) if r >= 0])
            if any(a2 < b1 for (_, b1, _), (a2, _, _) in zip(edited, edited[1:])):
                continue
            mask = 0
            for _, _, k in edited:
                mask |= 1 << k
        untouched = sum(1 for g in group_masks if not mask & g)
        standing = 0
        for k in artifacts:
            a, b = spans[k][0], spans[k][1]
            covered = sum(min(b, l) - max(a, f) for f, l, _ in edited if f < b and a < l)
            if covered < b - a:
                standing += 1
        readings.append((reading, mask, tuple(edited), (untouched, standing)))
    return _Shape(groups, group_of, readings, {r: (m, e, c) for r, m, e, c in readings})


class _Span(NamedTuple):
    first: int
    last: int


class _Cluster:
    def __init__(self, cluster: list[Candidate], segment: Segment, lexicon: Lexicon,
                 model: ContextModel, evidence: DocumentEvidence,
                 shared: _SegmentTerms | None = None) -> None:
        self.cands = cluster
        self.model = model
        tokens = segment.tokens
        text = segment.text
        lo = min(c.first for c in cluster)
        hi = max(c.last for c in cluster)
        self.lo = lo
        self.prev = None
        if shared is not None:  # the segment's token arrays: gaps[k] is the text before token k
            lm, gaps = shared.lm, shared.gaps
            if lo > 0 and "\n" not in gaps[lo]:
                self.prev = lm[lo - 1]
            self.right: list[str | None] = []
            if hi < len(lm):
                self.right = [None, lm[hi]] if "\n" in gaps[hi] else [lm[hi]]
        else:
            if lo > 0 and "\n" not in text[tokens[lo - 1].end:tokens[lo].start]:
                self.prev = lm_word(tokens[lo - 1].text)
            self.right = []
            if hi < len(tokens):
                gap = text[tokens[hi - 1].end:tokens[hi].start]
                self.right = [None] if "\n" in gap else []
                self.right.append(lm_word(tokens[hi].text))
        self.shape: _Shape | None = None
        if shared is not None:  # what depends only on the candidates' places and kinds
            self.shape = shape = _shape(tuple([(c.first - lo, c.last - lo, len(c.originals),
                                                c.entry.artifact) for c in cluster]))
            self.groups = shape.groups
        else:
            self.groups = _components(cluster)
            # bit k stands for candidate k: a reading's restored candidates as one int
            self.group_masks = [sum(1 << k for k in g) for g in self.groups]
            # (first, last, k) of each candidate, whether they are so sorted (as
            # find_candidates sorts them), and the candidates each one overlaps:
            # two restorations overlap exactly when neighbours in that order do
            self.spans = [(c.first, c.last, k) for k, c in enumerate(cluster)]
            self.ordered = all(x <= y for x, y in zip(self.spans, self.spans[1:]))
            self.conflicts = [sum(1 << j for j, (f2, l2, _) in enumerate(self.spans)
                                  if j != k and f2 < l and f < l2)
                              for f, l, k in self.spans]
            self.artifacts = [k for k, c in enumerate(cluster) if c.entry.artifact]
        # the model's words of tokens lo..hi with a None before each line break,
        # flattened: tokens [i, j) read as flat[at[i - lo]:at[j - lo]]
        if "\n" not in text[tokens[lo].start:tokens[hi - 1].end]:  # no line break: one word a token
            self.flat: list[str | None] = (shared.lm[lo:hi] if shared is not None else
                                           [lm_word(tokens[i].text) for i in range(lo, hi)])
            self.at = list(range(hi - lo + 1))
        else:
            self.flat, self.at = [], []
            for i in range(lo, hi):
                self.at.append(len(self.flat))
                if i > lo and "\n" in text[tokens[i - 1].end:tokens[i].start]:
                    self.flat.append(None)
                self.flat.append(lm_word(tokens[i].text))
            self.at.append(len(self.flat))
        if shared is not None:  # the optimised path: per-segment and per-rule values computed once
            self.keep_base = shared.keep_base
            self.prefix = shared.prefix
            both = [shared.terms_and_words(c) for c in cluster]
            self.edit_terms = [terms for terms, _ in both]
            self.repl_words = [words for _, words in both]
            return
        spun = evidence.probability
        rate = min(max(evidence.rate, _RATE_EPS), 1 - _RATE_EPS)
        self.keep_base = math.log(1 - spun * rate)
        self.edit_terms: list[list[float]] = []
        self.repl_words: list[list[list[str | None]]] = []
        table = rule_constants(lexicon, model) if optimised() else None
        for c in cluster:
            if table is not None:  # the same values, computed once per rule
                consts = table.get(c.entry, c.originals)
                choices, words = consts.choice, list(consts.original_words)
            else:
                choices = [choice_prob(lexicon, o, rank, c.entry) for rank, o in enumerate(c.originals)]
                words = [lm_words(o) for o in c.originals]
            terms = _channel_terms(c, choices, evidence.rates_for(c),
                                   spun, self.keep_base, math.log(spun), text, model,
                                   family_rate_logit(lexicon))
            self.edit_terms.append(terms)
            self.repl_words.append(words)

    def score(self, reading: tuple[int, ...]) -> float | None:
        """Total log score of a reading (-1 = keep, k = original k), None if invalid."""
        found = self.score_and_mask(reading)
        return None if found is None else found[0]

    def score_and_mask(self, reading: tuple[int, ...]) -> tuple[float, int] | None:
        """:meth:`score` and the reading's restored candidates as a bit mask
        (bit k: candidate k), or None if invalid."""
        if self.shape is not None:
            found = self.shape.of_reading.get(reading)
            if found is None:
                return None
            mask, edited, counts = found
            return self.score_shaped(reading, edited, counts), mask
        cands = self.cands
        if self.ordered:  # the restored candidates come sorted as they are listed
            edited, mask, conflicts, spans = [], 0, self.conflicts, self.spans
            for k, r in enumerate(reading):
                if r >= 0:
                    if mask & conflicts[k]:  # overlaps one restored before
                        return None
                    mask |= 1 << k
                    edited.append(spans[k])
        else:
            edited = sorted([(cands[k].first, cands[k].last, k) for k, r in enumerate(reading) if r >= 0])
            for (a1, b1, _), (a2, _, _) in zip(edited, edited[1:]):
                if a2 < b1:
                    return None
            mask = 0
            for _, _, k in edited:
                mask |= 1 << k
        total = 0.0
        for g in self.group_masks:
            if not mask & g:  # no candidate of the group restored
                total += self.keep_base
        # an artifact costs its unnaturalness unless every one of its tokens
        # was rewritten: "through Getty Pictures" with only "Getty Pictures"
        # restored still leaves the spinner's "through" behind
        for k in self.artifacts:
            a, b = cands[k].first, cands[k].last
            covered = sum(min(b, l) - max(a, f) for f, l, _ in edited if f < b and a < l)
            if covered < b - a:
                total += _LOG_ARTIFACT
        seq: list[str | None] = []
        flat, at, lo = self.flat, self.at, self.lo
        pos = lo
        for first, last, k in edited:
            seq += flat[at[pos - lo]:at[first - lo]]  # the kept tokens before this edit
            seq.extend(self.repl_words[k][reading[k]])
            total += self.edit_terms[k][reading[k]]
            pos = last
        seq += flat[at[pos - lo]:]
        seq.extend(self.right)
        return total + self.model.logp_sequence(self.prev, seq), mask

    def score_shaped(self, reading: tuple[int, ...], edited, counts: tuple[int, int]) -> float:
        """:meth:`score` of a valid reading from its shape's ``edited`` (the
        restored candidates as (first, last, k), first and last counted from
        the cluster's first token) and ``counts`` (the groups left untouched,
        the artifacts left standing): the same terms added in the same order
        (``keep_base`` for each such group, then the artifact cost for each
        such artifact, then the restorations' channel terms)."""
        total = self.prefix(counts)
        seq: list[str | None] = []
        flat, at, repl, terms = self.flat, self.at, self.repl_words, self.edit_terms
        pos = 0
        for first, last, k in edited:
            seq += flat[at[pos]:at[first]]  # the kept tokens before this edit
            r = reading[k]
            seq.extend(repl[k][r])
            total += terms[k][r]
            pos = last
        seq += flat[at[pos]:]
        seq.extend(self.right)
        return total + self.model.logp_sequence(self.prev, seq)


@functools.lru_cache(maxsize=65536)
def _unigram_logp(phrase: str, model: ContextModel) -> float:
    return model.logp_sequence(None, lm_words(phrase))


def observed_log_odds(entry, rank: int, original: str, spun_text: str, modelled: float,
                      model: ContextModel) -> float:
    """Channel log-odds of restoring ``original``, from real-pair counts and the model.

    A row learned with ``n`` (times the spun form replaced each original) and
    ``own`` (times the spun form stood unchanged in the original: the author's
    word) says how often this spun form, in a spun document, is a spin of each
    original. ``modelled`` is the model's own log channel ratio (rate times
    choice over keeping, before the language model); at unigram level it
    gives a prior probability ``p0`` of a spin, and the counts update it like
    a Beta prior of weight ``W`` = :data:`respin.detect.OBSERVED_PRIOR_WEIGHT`: odds
    ``(n + W p0) / (own + W (1 - p0))``. Those odds already include how common
    each word is, so the unigram log-probabilities are taken out again: the
    term is added to a reading whose language-model score counts the words in
    context, and the margin becomes ``log odds + PMI(original, context) -
    PMI(spun, context)``. "on" -> "at" (10 spins, 103 own) needs a context
    that strongly wants "at"; "mentioned" -> "said" (51 spins, none own) only
    a context that does not object.
    """
    w = _unigram_logp(spun_text.lower(), model)
    lo = _unigram_logp(original.lower(), model)
    x = max(-30.0, min(30.0, modelled + lo - w))
    p0 = 1.0 / (1.0 + math.exp(-x))
    return math.log(counted_odds(entry.counts[rank], entry.own, p0)) - lo + w


#: How much of the document's own spin rate (log-odds, against the family's
#: average in the counts) shifts a counted row's odds. The counts say how
#: often the spun form is a spin in the average spun page; a page the
#: spinner rewrote more heavily makes each sighting likelier a spin.
#: Measured 2026-12-02 on two cross-validation folds of the 148 training
#: pairs (learn on one, score the other; F0.5 / recall) and seed 001 / dev:
#: 0 gave 0.706 / 0.413 and 0.738 / 0.432, seed 0.873, dev 0.829; 0.5 gave
#: 0.710 / 0.423 and 0.737 / 0.436, seed 0.881, dev 0.831; 1 gave 0.710 /
#: 0.428 and 0.737 / 0.440, seed 0.880, dev 0.824.
OBSERVED_RATE_WEIGHT = 0.5

#: Rates are read inside [c, 1 - c] for that shift (at most +-1.5 nats at
#: weight 0.5): one document's estimate is noisy. 0.02 and 0.1 measured within
#: 0.004 F0.5 of 0.05 on the folds above.
OBSERVED_RATE_CLAMP = 0.05


def _channel_terms(c: Candidate, choices, rates, spun: float, keep_base: float, log_spun: float,
                   text: str, model: ContextModel, family_logit: float) -> list[float]:
    """The channel term of restoring each original of ``c``: ``log(spun * rate *
    choice)``, or for a row seen at least :data:`respin.detect.OBSERVED_MIN` times in real
    pairs the counts' odds (:func:`observed_log_odds`, with the modelled
    channel as prior; the bigram context adds the rest) shifted by this
    document's rate for the original against the family's average."""
    entry = c.entry
    observed = is_observed(entry)
    terms = []
    for rank, (o, q, rate) in enumerate(zip(c.originals, choices, rates)):
        term = math.log(spun * min(max(rate, _RATE_EPS), 1 - _RATE_EPS) * q)
        if observed:
            term = keep_base + log_spun + observed_log_odds(
                entry, rank, o, text[c.start:c.end], term - keep_base - log_spun, model)
            ro = min(max(rate, OBSERVED_RATE_CLAMP), 1 - OBSERVED_RATE_CLAMP)
            term += OBSERVED_RATE_WEIGHT * (math.log(ro / (1 - ro)) - family_logit)
        terms.append(term)
    return terms


def _logaddexp(a: float, b: float) -> float:
    hi, lo = max(a, b), min(a, b)
    return hi if lo == -math.inf else hi + math.log1p(math.exp(lo - hi))


_first = operator.itemgetter(0)
_NO_SHARE: dict[str, float] = {}


def _decide(cl: _Cluster, threshold: float) -> list[Decision]:
    """Best reading of a cluster, keeping only restorations that clear ``threshold``.

    The margin of a restoration is the log-odds that this edit, rather than
    anything else, is right: the best reading against the best reading that
    leaves its whole overlap group untouched *and* the best reading that puts
    back another original of the same match, summed in probability. "Is
    restoring *this* better than not touching the text, or than restoring
    the other original?" A restoration whose rival original is nearly as good
    is a coin toss between two edits, and a wrong original costs a false
    positive as well as the miss. A group below the threshold is forbidden
    and the cluster decided again.

    Other rules of the overlap group are not rivals: "on account of the
    undeniable fact that" and its two halves usually restore the same words.
    Measured 2026-11-25 on seed 001 plus the dev articles at threshold 2.0:
    counting them as rivals too gave F0.5 0.881 / 0.805 (seed / dev) against
    0.884 / 0.815.
    """
    # sets of candidates as bit masks (bit k: candidate k), as in _Cluster.score
    shape = cl.shape
    forbidden = 0
    if shape is not None:  # the valid readings, in the same order, from the shape
        group_of = shape.group_of
        score = cl.score_shaped
        scored = [(score(reading, edited, counts), reading, mask)
                  for reading, mask, edited, counts in shape.readings]
    else:
        group_of = {k: sum(1 << j for j in g) for g in cl.groups for k in g}
        scored = []
        score_and_mask = cl.score_and_mask
        for reading in itertools.product(*[range(-1, len(c.originals)) for c in cl.cands]):
            found = score_and_mask(reading)
            if found is not None:
                s, mask = found
                scored.append((s, reading, mask))
    while True:
        allowed = [x for x in scored if not x[2] & forbidden]
        best_s, best_r, _ = max(allowed, key=_first)
        margins, over_untouched = {}, {}
        for k, choice in enumerate(best_r):
            if choice >= 0:
                group = group_of[k]
                untouched = rival = -math.inf
                for s, r, mask in allowed:
                    if not mask & group:
                        untouched = max(untouched, s)
                    elif r[k] >= 0 and r[k] != choice:
                        rival = max(rival, s)
                margins[k] = best_s - _logaddexp(untouched, rival)
                over_untouched[k] = best_s - untouched
        weak = [k for k, m in margins.items() if m < threshold]
        if not weak:
            return [Decision(cl.cands[k], cl.cands[k].originals[best_r[k]], margins[k])
                    for k in sorted(margins, key=lambda k: cl.cands[k].start)]
        k = min(weak, key=lambda k: margins[k])
        # unsure whether to touch the text at all: forbid the whole overlap
        # group. Sure the text changes but unsure of this rule's original
        # ("through" or "in terms of" Getty Images?): forbid only this rule,
        # so an overlapping rule can still win ("via Getty Images"). Forbidding
        # the group here made a second pass restore what the first left.
        forbidden |= group_of[k] if over_untouched[k] < threshold else 1 << k


class _SegmentTerms:
    """What every cluster of one segment shares, computed once per segment on
    the optimised path (:class:`_Cluster` recomputes it per cluster in
    reference mode): the keep term, the spin probability and its log, and each
    match's channel terms from the per-rule constants; plus the direct
    decision of a one-candidate cluster (:meth:`decide_single`)."""

    def __init__(self, segment: Segment, lexicon: Lexicon, model: ContextModel,
                 evidence: DocumentEvidence) -> None:
        self.text, self.tokens, self.model, self.evidence = segment.text, segment.tokens, model, evidence
        arrays = token_arrays(segment.tokens, segment.text)
        self.lm, self.gaps = arrays.lm, arrays.gaps
        self.spun = spun = evidence.probability
        rate = min(max(evidence.rate, _RATE_EPS), 1 - _RATE_EPS)
        self.keep_base = math.log(1 - spun * rate)
        self.log_spun = math.log(spun)  # > 0: DocumentEvidence.probability is at least 1/(1 + e^50)
        self.table = rule_constants(lexicon, model)
        self.family_logit = family_rate_logit(lexicon)
        self._terms: dict[tuple, tuple[list[float], tuple]] = {}
        self._prefixes: dict[tuple[int, int], float] = {}

    def prefix(self, counts: tuple[int, int]) -> float:
        """``0.0`` plus ``keep_base`` once for each of ``counts[0]`` untouched
        groups, then the artifact cost once for each of ``counts[1]``
        artifacts left standing, added one by one as :meth:`_Cluster.score`
        adds them (once a segment for each pair of counts)."""
        total = self._prefixes.get(counts)
        if total is None:
            total = 0.0
            for _ in range(counts[0]):
                total += self.keep_base
            for _ in range(counts[1]):
                total += _LOG_ARTIFACT
            self._prefixes[counts] = total
        return total

    def terms_and_words(self, c: Candidate) -> tuple[list[float], tuple]:
        """:class:`_Cluster`'s channel terms of ``c`` (the same operations in
        the same order) and the model's words of each of its originals.

        They depend on the rule, its filled-in originals, the match's own
        share of the segment's evidence and, for a rule with counts, the
        matched text: with all four equal (every match of a rule, as a rule),
        the terms are equal, so they are computed once a segment.
        """
        entry = c.entry
        own = self.evidence.own.get(_key(c), _NO_SHARE)
        # the share by identity: estimate gives every match of a rule the same
        # dict (and one held by the evidence is never another's while it lives)
        key = (id(entry), c.originals, id(own),
               self.text[c.start:c.end].lower() if entry.counts is not None else None)
        found = self._terms.get(key)
        if found is None:
            consts = self.table.get(entry, c.originals)
            found = self._terms[key] = (self._edit_terms(c, own, consts.choice), consts.original_words)
        return found

    def _edit_terms(self, c: Candidate, own: dict[str, float], choice) -> list[float]:
        return _channel_terms(c, choice, self.evidence.rates_for(c, own), self.spun, self.keep_base,
                              self.log_spun, self.text, self.model, self.family_logit)

    def decide_single(self, c: Candidate, threshold: float) -> list[Decision]:
        """:func:`_decide` of the one-candidate cluster ``[c]``, reduced: its
        readings scored as :meth:`_Cluster.score` scores them (the same terms
        added in the same order) without building the cluster. With one
        candidate the general loop is the best reading (keep wins ties, as it
        comes first there) and, for a restoration, its margin over keeping and
        over the best other original; forbidding the candidate after a weak
        margin leaves only "keep", so no decision."""
        text, lm, gaps, logp_sequence = self.text, self.lm, self.gaps, self.model.logp_sequence
        lo, hi = c.first, c.last
        # the model's words and the gaps between tokens, from the segment's
        # token arrays (gaps[k] is the text before token k)
        prev = None
        if lo > 0 and "\n" not in gaps[lo]:
            prev = lm[lo - 1]
        right: tuple[str | None, ...] = ()
        if hi < len(lm):
            word = lm[hi]
            right = (None, word) if "\n" in gaps[hi] else (word,)
        seq: list[str | None] = []
        if text.find("\n", c.start, c.end) >= 0:  # a line break inside the match (as in _Cluster.flat)
            for i in range(lo, hi):
                if i > lo and "\n" in gaps[i]:
                    seq.append(None)
                seq.append(lm[i])
        else:
            seq = lm[lo:hi]
        total = self.prefix((1, 1) if c.entry.artifact else (1, 0))  # 0.0 + keep_base (+ artifact)
        seq.extend(right)
        keep = best_s = total + logp_sequence(prev, seq)
        best_r = -1
        scores = []
        terms, words = self.terms_and_words(c)
        for r, term in enumerate(terms):
            s = (0.0 + term) + logp_sequence(prev, words[r] + right)
            scores.append(s)
            if s > best_s:
                best_s, best_r = s, r
        if best_r < 0:
            return []
        rival = -math.inf if len(scores) == 1 else \
            max((s for r, s in enumerate(scores) if r != best_r), default=-math.inf)
        margin = best_s - _logaddexp(keep, rival)
        return [Decision(c, c.originals[best_r], margin)] if margin >= threshold else []


def resolve(segment: Segment, lexicon: Lexicon, model: ContextModel,
            evidence: DocumentEvidence, threshold: float) -> list[Decision]:
    """Accepted restorations for one segment, sorted and non-overlapping."""
    candidates = segment.candidates
    if evidence.probability < AMBIGUOUS_GATE:
        # not a spun document: ambiguous rules stay silent, artifacts still count
        candidates = [c for c in candidates if c.entry.artifact]
    out: list[Decision] = []
    if not optimised():
        for cluster in _clusters(candidates):
            for part in _split(cluster):
                for d in _decide(_Cluster(part, segment, lexicon, model, evidence), threshold):
                    if not out or d.candidate.start >= out[-1].candidate.end:
                        out.append(d)
        return out
    shared = _SegmentTerms(segment, lexicon, model, evidence) if candidates else None
    for cluster in _clusters(candidates):
        # a single candidate (three clusters in four) is decided directly;
        # _split never cuts it (it would return it whole)
        for part in _split(cluster) if len(cluster) > 1 else (cluster,):
            if len(part) == 1:
                found = shared.decide_single(part[0], threshold)
            else:
                found = _decide(_Cluster(part, segment, lexicon, model, evidence, shared), threshold)
            for d in found:
                if not out or d.candidate.start >= out[-1].candidate.end:
                    out.append(d)
    return out
