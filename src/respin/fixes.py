"""The public pipeline: segment, match, estimate, resolve, rewrite.

Text is processed in segments of whole lines (at most
``Config.max_segment_chars``): a segment is the unit of document evidence,
so a news article is judged as a whole, while a crawl of any length streams
through bounded memory. :func:`fix_text`, :func:`fix_lines` and
:func:`fix_and_explain` share one segmenter, so for file-like lines
``"".join(fix_lines(lines)) == fix_text("".join(lines))``.

>>> fix_text("Shares rose 3 p.c in the provide chain {industry}.")
'Shares rose 3 percent in the supply chain industry.'
>>> fix_text("The financial outlook is important, officials said.")
'The financial outlook is important, officials said.'
"""
from __future__ import annotations

import bisect
import functools
import operator
import os
import re
import signal
from collections.abc import Iterable, Iterator
from itertools import compress, repeat
from typing import NamedTuple

from .candidates import (_OPENERS, _QUOTE_OPEN, _START_END, Segment, analyse, find_candidates,
                         protected_mask)
from .tokens import _MARKS, _TOKEN, NUM_KEY, gap_key, is_number, token_arrays, tokenize
from .config import Config, check_text, config_from_kwargs
from .detect import _document_level, estimate, spin_probability
from .edits import Edit, ExplainedText, apply_edits, article_for, transfer_case
from .precompute import inert_tokens, nothing_to_do, optimised
from .resolve import AMBIGUOUS_GATE, Decision, resolve
from .scoring import context_model

__all__ = ["fix_text", "fix_and_explain", "fix_lines", "fix_segments", "fix_stream",
           "explain_segment", "split_lines", "resolve_jobs"]


def _first_word(s: str) -> str:
    for part in s.split():
        word = "".join(ch for ch in part if ch.isalnum())
        if word:
            return word
    return s


def _edits_for(segment: Segment, decisions: list[Decision], config: Config) -> list[Edit]:
    """Turn decisions into edits: case transfer and the a/an fix happen here."""
    text, tokens = segment.text, segment.tokens
    edits: list[Edit] = []
    for d in decisions:
        c = d.candidate
        start, before = c.start, text[c.start:c.end]
        after = transfer_case(before, d.original) if config.preserve_case else d.original
        if config.fix_articles and c.first > 0:
            art = tokens[c.first - 1]
            have = art.text.lower()
            if (have in ("a", "an") and text[art.end:c.start] == " "
                    and not segment.protected[c.first - 1]
                    and (c.first < 2 or tokens[c.first - 2].end < art.start)
                    and (not edits or edits[-1].end <= art.start)
                    and article_for(_first_word(before)) == have):
                want = article_for(_first_word(after))
                if want != have:
                    if art.text.isupper() and len(art.text) > 1:
                        want = want.upper()
                    elif art.text[0].isupper():
                        want = want.capitalize()
                    start, before = art.start, text[art.start:c.end]
                    after = f"{want} {after}"
        edits.append(Edit(start, c.end, before, after, c.entry.id, round(d.score, 4),
                          c.entry.source))
    return edits


def _created_matches(text: str, edits: list[Edit], lexicon, quotes: bool = True,
                     names: bool = True, restored: str | None = None) -> set[int]:
    """Indexes of edits that, in the restored text, form part of the spun form
    of an artifact or name rule reaching beyond the edit. A second pass would
    edit again ("via ZUMA Press Wire": "via" -> "through" makes "through ZUMA
    Press Wire", a name rule's spun form), so such restorations are left out.
    Ambiguous matches created this way are allowed: a second pass weighs them
    like any other word (vetoing them too cost seed 001 a correct "within",
    measured 2026-11-25; no other change on 001 and the dev articles).

    ``restored``: ``apply_edits(text, edits)``, if the caller has it.
    """
    spans, shift = [], 0
    for e in edits:  # where each edit's text lands in the restored text
        spans.append((e.start + shift, e.start + shift + len(e.after)))
        shift += len(e.after) - (e.end - e.start)
    if restored is None:
        restored = apply_edits(text, edits)
    back = _longest_spun_form(lexicon) - 1
    if not optimised():
        return _created_in(restored, 0, list(range(len(spans))), spans, back, lexicon, quotes, names)
    # Such a match holds a token of the edit's text that some artifact or
    # name rule has (see inert_tokens); and only the lines around such edits
    # can hold it: read those windows again, not the whole segment.
    inert = inert_tokens(lexicon)
    pairs = _boundary_pairs(lexicon)
    windows: list[list[int]] = []
    braces = "{" in restored
    for a, b in spans:
        # three proofs that the edit creates nothing, the cheapest and most
        # often decisive first (on the 44 KB spun news of respin-bench
        # --speed, 732 of 1,006 edits are inert; measured 2026-12-02)
        if not braces and (_inert(restored, a, b, inert)
                           or not _crossable(restored, a, pairs) and not _crossable(restored, b, pairs)
                           or not _maybe_created(restored, a, b, back, lexicon)):
            continue
        ws, we = _window(restored, a, b, back)
        if windows and ws <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], we)
        else:
            windows.append([ws, we])
    bad: set[int] = set()
    k = 0
    for ws, we in windows:  # each with every edit inside it, as the full check has
        while spans[k][0] < ws:
            k += 1
        ks = []
        while k < len(spans) and spans[k][1] <= we:
            ks.append(k)
            k += 1
        bad |= _created_in(restored[ws:we], ws, ks, spans, back, lexicon, quotes, names)
    return bad


class _Pairs(NamedTuple):
    """Neighbouring parts of artifact and name rules' match keys (:func:`_boundary_pairs`)."""

    folded: frozenset       # (left token, gap + right token), lowercase
    exact: frozenset        # the same for name rules, as written
    lefts: frozenset        # every left token of either (a quick refusal)


@functools.lru_cache(maxsize=16)
def _boundary_pairs(lexicon) -> _Pairs:
    """Every two neighbouring parts of an artifact or name rule's match key, as
    (left token, gap + right token): lowercase for case-folded rules, exact for
    name rules (the tries :func:`respin.candidates.find_candidates` walks)."""
    folded, exact = set(), set()
    for key, entries in lexicon.index.items():
        for e in entries:
            if e.artifact or e.name:
                (exact if e.name else folded).update(
                    (left.lstrip(" "), right) for left, right in zip(key, key[1:]))
    lefts = {left for left, _ in folded} | {left for left, _ in exact}
    return _Pairs(frozenset(folded), frozenset(exact), frozenset(lefts))


def _word_char(ch: str) -> bool:
    return ch.isalnum() or _MARK.match(ch) is not None


def _crossable(text: str, pos: int, pairs: _Pairs) -> bool:
    """Whether an artifact or name rule's match may hold tokens on both sides
    of ``pos`` in ``text`` (False is a proof that none does).

    A match that overlaps an edit and reaches beyond it crosses one of the
    edit's ends: either one token straddles that end, or the match holds the
    last token before it and the first token after it as neighbours, so its
    key holds them as neighbouring parts (:func:`_boundary_pairs`; a number
    reads as itself or the ``<num>`` slot). So an edit neither of whose ends
    is crossable creates no such match, and the created-match check can skip
    it. Braces are left to the full check by the caller.
    """
    if pos <= 0 or pos >= len(text):
        return False  # nothing on one side
    x, y = text[pos - 1], text[pos]
    # may one token straddle pos? (a superset: letters, digits and combining
    # marks run on in a word or number, "." and "," between digits; never
    # next to whitespace)
    if not x.isspace() and not y.isspace() and (
            (x.isdigit() and y in ".,") or (x in ".," and y.isdigit())
            or (_word_char(x) and _word_char(y))):
        return True
    # No token straddles pos, so the run of non-space characters that ends
    # the text before pos (whitespace is a token boundary), tokenized alone,
    # ends with the token the whole text has there, and tokenizing from pos
    # finds the token after it.
    j = pos
    while j > 0 and (text[j - 1].isspace() or text[j - 1] == "\ufeff"):
        j -= 1
    if j == 0:
        return False   # no token before pos
    lo = max(0, j - 64)
    # the common case first: letters after a space or a line break (a run
    # of letters holds no whitespace, so that is the last whitespace)
    k = max(text.rfind(" ", lo, j), text.rfind("\n", lo, j)) + 1
    u = text[k:j]
    if k > 0 and u.isalpha():  # a run of letters is one word token
        before_end = j
    else:
        m = _LAST_SPACE_BEFORE(text, lo, j)
        k = m.end() if m else lo
        if k == lo and lo > 0 and not text[lo - 1].isspace():
            return True    # a run of 64 non-space characters: cannot tell cheaply
        u = text[k:j]
        if u.isalpha():
            before_end = j
        else:
            before = None
            for before in _TOKEN.finditer(text, k, j):
                pass
            if before is None:
                return True
            u, before_end = before.group(), before.end()
    u_number = u[0].isdigit() and is_number(u)
    if not u_number and u not in pairs.lefts and u.lower() not in pairs.lefts:
        return False   # no rule has this token before another
    after = _TOKEN.search(text, pos)
    if after is None:
        return False
    gap = text[before_end:after.start()]
    g = gap if gap in ("", " ") else gap_key(gap)
    if g is None:
        return False   # a line break or other gap: no match holds both
    v = after.group()
    v_number = v[0].isdigit() and is_number(v)
    ul, vl = u.lower(), v.lower()
    for lefts, rights, found in (((u,), (g + v,), pairs.exact), ((ul,), (g + vl,), pairs.folded)):
        if u_number:
            lefts += (NUM_KEY,)
        if v_number:
            rights += (g + NUM_KEY,)
        if any((left, right) in found for left in lefts for right in rights):
            return True
    return False


def _maybe_created(text: str, a: int, b: int, back: int, lexicon) -> bool:
    """Whether an artifact or name match may overlap [a, b) and reach beyond it,
    judged on a few hundred characters around it with nothing protected.

    Every match the full check finds there, this finds too: cut at
    whitespace, the excerpt has the same tokens; with no protection mask,
    and with the excerpt's edge read as a line start (sentence-initial, no
    glued neighbour, no shouted line), the matcher only accepts more. So
    False proves the edit creates nothing (braces excepted: the caller
    sends those to the full check).
    """
    n, reach = len(text), 8 * (back + 1)
    while True:  # enough whole tokens on both sides for any match through [a, b)
        x, y = max(0, a - reach), min(n, b + reach)
        if x > 0:  # start after the first whitespace past x: no token is cut
            m = _SPACE.search(text, x, a)
            x = m.end() if m else -1
        if y < n:  # end at the last whitespace before y
            m = _LAST_SPACE_BEFORE(text, b, y)
            y = m.end() if m else -1
        if x >= 0 and y >= 0 and (x == 0 or len(_TOKENS_OF(text, x, a + 1)) > back) \
                and (y == n or len(_TOKENS_OF(text, b, y)) > back):
            break
        reach *= 4
    excerpt = text[x:y]
    tokens = tokenize(excerpt)
    positions = [t.start for t in tokens]
    a, b = a - x, b - x
    first = max(bisect.bisect_right(positions, a) - 1, 0)
    starts = range(max(first - back, 0), bisect.bisect_left(positions, b))
    for m in find_candidates(excerpt, lexicon, tokens, [False] * len(tokens), starts, names=False):
        if (m.entry.artifact or m.entry.name) and m.start < b and a < m.end \
                and (m.start < a or m.end > b):
            return True
    return False


def _inert(text: str, a: int, b: int, inert) -> bool:
    """Whether no token overlapping [a, b) (the edit's text, with whatever is
    glued to it) can be part of an artifact or name rule's match."""
    x, reach = -1, 64
    while x < 0:  # just after the last whitespace before a (looking back a little at a time)
        lo = max(0, a - reach)
        m = _LAST_SPACE_BEFORE(text, lo, a)
        x = m.end() if m else (0 if lo == 0 else -1)
        reach *= 4
    y = _SPACE.search(text, b)
    y = y.start() if y else len(text)
    folded, exact = inert
    for t in _TOKENS_OF(text, x, y):
        if t.lower() in folded or t in exact or t[0].isdigit():
            return False
    return True


def _created_in(text: str, offset: int, ks: list[int], spans: list[tuple[int, int]], back: int,
                lexicon, quotes: bool = True, names: bool = True) -> set[int]:
    """The created-match check on ``text`` (the restored segment or a window of
    it starting at ``offset``) for the edits ``ks`` whose spans lie in it."""
    tokens = tokenize(text)
    positions = [t.start for t in tokens]
    # only a match starting at most (longest spun form - 1) tokens before an
    # edit can reach into it: match from those token positions only
    starts: set[int] = set()
    for k in ks:
        a, b = spans[k][0] - offset, spans[k][1] - offset
        first = max(bisect.bisect_right(positions, a) - 1, 0)
        starts.update(range(max(first - back, 0), bisect.bisect_left(positions, b)))
    found = find_candidates(text, lexicon, tokens, protected_mask(text, tokens, quotes), sorted(starts),
                            names=names)
    bad = set()
    for m in found:
        if m.entry.artifact or m.entry.name:
            ms, me = m.start + offset, m.end + offset
            bad.update(k for k in ks
                       if ms < spans[k][1] and spans[k][0] < me
                       and (ms < spans[k][0] or me > spans[k][1]))
    return bad


def _window(text: str, a: int, b: int, back: int) -> tuple[int, int]:
    """Whole lines of ``text`` around the span [a, b) in which the created-match
    check finds exactly what it finds in the whole text.

    Everything the matcher looks at is on the match's own line (tokens,
    quotes, URLs and gaps never cross a line break), except for three looks
    across lines, which the window takes in: the ``back`` tokens before the
    span where a match may start; the sentence-start test, which skips back
    over openers to one token and the token before it; and the name test,
    which skips forward over "-", "’", "'" and "&" to the next token.
    """
    start = text.rfind("\n", 0, a) + 1
    # tokens starting at or before a, from the window start: need back + 1
    while start > 0 and len(_TOKENS_OF(text, start, a + 1)) <= back:
        start = text.rfind("\n", 0, start - 1) + 1
    k = start
    while k > 0 and (text[k - 1].isspace() or text[k - 1] in _OPENERS):
        k -= 1
    if k > 0:  # k ends the token before any openers; take its line ...
        k = text.rfind("\n", 0, k - 1) + 1
        while k > 0 and text[k - 1].isspace():
            k -= 1
        # ... and the line of the token before it
        k = text.rfind("\n", 0, k - 1) + 1 if k > 0 else 0
    end = text.find("\n", b)
    if end >= 0:
        m = _NAME_JOINERS.match(text, end)
        end = text.find("\n", m.end())
    return k, len(text) if end < 0 else end + 1


@functools.lru_cache(maxsize=16)
def _longest_spun_form(lexicon) -> int:
    """Tokens in the lexicon's longest spun form (a brace artifact may be longer)."""
    return max((len(key) for key in lexicon.index), default=1)


#: Segments shorter than this skip the clean screen: the full pipeline on a
#: sentence costs about what the screen does, and a one-sentence cold start
#: is spared building the screen's index (10-20 ms; measured 2026-12-02).
SCREEN_MIN_CHARS = 200


def explain_segment(text: str, config: Config, glued: bool = False) -> ExplainedText:
    """Restore one segment. Text without lexicon matches returns at once, unscored,
    and so does text that :func:`respin.precompute.nothing_to_do` proves clean.

    ``glued``: the segment starts inside a word (a run of letters too long for
    one segment was cut hard), so its first token is a fragment, not a word.
    """
    lexicon = config.lexicon()
    quotes = config.quotes != "edit"  # protected, unless "auto" opens them below
    names = config.names != "edit"  # likewise
    if quotes and names and optimised() and len(text) >= SCREEN_MIN_CHARS \
            and nothing_to_do(text, lexicon):
        return ExplainedText(text, [])
    # the matches left alone only as parts of names, kept for the names
    # reopening below (found in the same walk: no second one)
    held = [] if config.names == "auto" and optimised() else None
    segment = _analyse(text, lexicon, quotes, glued, names, held)
    if not segment.candidates:
        return ExplainedText(text, [])
    model = context_model()
    # The reopenings below are judged on the document-level log-ratio alone;
    # the rest of the evidence (rates, each match's share) is estimated once,
    # for the segment they leave (estimate with the level it already has is
    # estimate of that segment: the same values).
    level = _document_level(segment, lexicon, model)
    if config.quotes == "auto" and spin_probability(level.log_ratio) >= AMBIGUOUS_GATE \
            and _has_quote(text):
        # a spun document: did its spinner rewrite quoted speech too?
        segment, level, quotes, held = _unlock_quotes(text, segment, level, lexicon, model,
                                                      glued, held)
    if config.names == "auto" and spin_probability(level.log_ratio) >= AMBIGUOUS_GATE:
        # ... and the capitalised words of names?
        segment, level, names = _unlock_names(text, segment, level, lexicon, model, glued, held)
    evidence = estimate(segment, lexicon, model, level=level)
    decisions = resolve(segment, lexicon, model, evidence, config.threshold)
    edits = _edits_for(segment, decisions, config)
    while edits:
        restored = apply_edits(text, edits)
        bad = _created_matches(text, edits, lexicon, quotes, names, restored)
        if not bad:
            return ExplainedText(restored, edits)  # (the check's own replay of them)
        edits = [e for k, e in enumerate(edits) if k not in bad]
    return ExplainedText(text, edits)  # (no edits left: nothing to replay)


def _analyse(text: str, lexicon, quotes: bool, glued: bool, names: bool = True,
             held: list | None = None) -> Segment:
    """``held``: a list that receives the matches left alone only as parts of
    names (:func:`respin.candidates.find_candidates`'s ``name_held``)."""
    segment = analyse(text, lexicon, quotes, names, held)
    if glued and segment.candidates and segment.candidates[0].first == 0:
        segment = segment._replace(candidates=[c for c in segment.candidates if c.first > 0])
    if glued and held:
        held[:] = [c for c in held if c.first > 0]
    return segment


def _has_quote(text: str) -> bool:
    return _QUOTE_OPEN.search(text) is not None  # where candidates._quote_spans starts one


#: Evidence, in nats of spin log-ratio, that quoted speech was spun too before
#: :attr:`Config.quotes` ``"auto"`` edits inside quotes: the document's
#: log-ratio with quotes read as text minus the same with quotes protected.
#: The spinner family met on real pages rewrites quotes at nearly the rate
#: of the rest (0.19-0.22 of quoted words against 0.24, two halves of the
#: training pairs); hand-spun corpora leave them alone. Measured 2026-12-02:
#: see docs/how-it-works.md, "Quoted speech". 3 until the 442-pair lexicon:
#: with it, folds of those pairs 0.788 / 0.780 F0.5 at 3, 0.788 / 0.779 at 4,
#: 0.786 / 0.778 at 5; synthetic 0.696 at 3, 0.699 at 4; clean quotes edited
#: in 5 of the 400 mixtures of tests/test_properties.py at 3, 3 at 4.
QUOTE_UNLOCK_LOG_RATIO = 4.0


def _open_quotes(text: str, segment: Segment, lexicon, glued: bool, held: list | None = None):
    """``segment`` analysed again with quoted speech unprotected, matching only
    where that can change anything: at the quoted tokens and at the few
    tokens before each (a match spans at most ``reach`` tokens; a brace
    artifact, seven). Equal to ``analyse(text, lexicon, quotes=False)``.
    Returned with the matches held as parts of names in the opened segment,
    from ``held``, those of ``segment`` (None: not kept)."""
    tokens = segment.tokens
    mask = protected_mask(text, tokens, False)
    # the tokens quotes protected and protect no longer (was > now)
    ranges = _start_ranges(compress(range(len(mask)), map(operator.gt, segment.protected, mask)),
                           max(_longest_spun_form(lexicon), 7))
    if not ranges:
        return segment, held
    more = [] if held is not None else None
    found = find_candidates(text, lexicon, tokens, mask, _in_ranges(ranges), name_held=more)
    if held is not None:
        held = _merge_found(held, more, ranges, glued)
    return Segment(text, tokens, mask, _merge_found(segment.candidates, found, ranges, glued)), held


def _start_ranges(indexes: Iterable[int], reach: int) -> list[list[int]]:
    """The token indexes a match reaching the tokens ``indexes`` (ascending)
    can start at: each index and the ``reach - 1`` before it, as ranges
    ``[a, b)``, merged where they touch."""
    indexes = list(indexes)
    if not indexes:
        return []
    # index i joins the range before it exactly when i - reach + 1 <= (the
    # index before it) + 1: the breaks between ranges found at C speed
    breaks = list(compress(range(1, len(indexes)),
                           map(operator.gt, map(operator.sub, indexes[1:], indexes), repeat(reach))))
    firsts = [indexes[0]] + [indexes[k] for k in breaks]
    lasts = [indexes[k - 1] for k in breaks] + [indexes[-1]]
    return [[max(0, a - reach + 1), b + 1] for a, b in zip(firsts, lasts)]


def _in_ranges(ranges: list[list[int]]) -> list[int]:
    return [i for a, b in ranges for i in range(a, b)]  # ascending


def _merge_found(candidates: list, found: list, ranges: list[list[int]], glued: bool) -> list:
    """``candidates`` starting outside ``ranges``, with ``found`` (the matches
    found again inside them), sorted as :func:`find_candidates` sorts."""
    if glued:
        found = [c for c in found if c.first > 0]
    # those starting outside every range: the ranges' tokens marked once,
    # each candidate's first token looked up at C speed
    size = max(ranges[-1][1] if ranges else 0, max(map(_FIRST_TOKEN, candidates), default=-1) + 1)
    inside = bytearray(size)
    for a, b in ranges:
        inside[a:b] = b"\1" * (b - a)
    kept = list(compress(candidates, map(operator.not_, map(inside.__getitem__,
                                                             map(_FIRST_TOKEN, candidates)))))
    return sorted(kept + found, key=_START_END)


_FIRST_TOKEN = operator.attrgetter("first")


def _unlock_quotes(text: str, segment: Segment, level, lexicon, model, glued: bool,
                   held: list | None = None):
    """The segment with quoted speech unprotected, if its evidence says the
    spinner rewrote quotes too; else the segment as it was; with its
    document level (:func:`respin.detect._document_level`, ``level`` being
    the segment's). (With the matches ``held`` as parts of names, and those
    of the segment returned.)"""
    opened, opened_held = _open_quotes(text, segment, lexicon, glued, held)
    segment, level, protect = _unlock(segment, level, opened, lexicon, model,
                                      QUOTE_UNLOCK_LOG_RATIO, _PROVE_QUOTES)
    return segment, level, protect, held if protect else opened_held


#: Whether a reopening first tries to prove that it falls short of its bar
#: (:func:`respin.detect._log_ratio_below`: about 0.6-0.8 ms on the 44 KB
#: spun news of ``respin-bench --speed``, against about 2.5 ms for the rate
#: search and log-likelihoods it saves when it succeeds). Measured 2026-12-02
#: on the 440 real spun pages of ../scratch/real: the quote reopening was
#: proven short 137 times in 293 tries, the names reopening 83 in 407 (about
#: even: the names bar is lower and the opened names usually pass it).
_PROVE_QUOTES = True
_PROVE_NAMES = False


def _unlock(segment: Segment, level, opened: Segment, lexicon, model, bar: float,
            prove: bool = False):
    """``opened`` (the segment with more matches) and its document level if
    reading them raises the document's spin log-ratio by at least ``bar``
    nats, else ``segment`` and ``level`` (its document level) as they were;
    and whether the segment kept its protection (True) or is the opened one
    (False). ``prove``: first try to prove that it falls short (see
    :data:`_PROVE_QUOTES`)."""
    if len(opened.candidates) == len(segment.candidates):
        return segment, level, True
    # its log-ratio decides (estimate reuses it); None: proven to fall short
    # of the bar (a generous margin under it, far beyond any rounding)
    short = level.log_ratio + bar - 1e-6 * (1.0 + abs(level.log_ratio) + abs(bar))
    more = _document_level(opened, lexicon, model,
                           below=(short, level.rho_all) if prove else None)
    if more is None or more.log_ratio - level.log_ratio < bar:
        return segment, level, True
    return opened, more, False


#: Evidence, in nats of spin log-ratio, that the capitalised words of names
#: were spun too before :attr:`Config.names` ``"auto"`` edits them: the
#: document's log-ratio with names read as words minus the same with names
#: protected. The family met on real pages rewrites names ("Nationwide
#: Guard", "Finest Purchase", "Choose Smith"); other spinners and hand-spun
#: corpora mostly leave them alone. Measured 2026-12-02 on two cross-validation
#: folds of the real training pairs, seed 001, dev and synthetic-real
#: (docs/how-it-works.md, "Names"): 1-2 nats equal, 0 costs seed 001 and
#: synthetic-real, 3 loses recall on the folds. Measured again with 418
#: training pairs (folds by story, learn on one and score the other; F0.5):
#: 2, 2.5, 3 and 4 nats 0.785 / 0.776 on both folds, 6 0.786 / 0.776, never
#: 0.785 / 0.774 (recall -0.01); seed 001 0.870 at 2 (its names opened at 2.5
#: nats: "Indo-Pacific Security Initiative" read as a spun "Safety"), 0.881
#: at 3; dev, heldout and real-heldout equal from 2 to 4. With the final 442
#: pairs: folds 0.788 / 0.779 at 2 and 3, seed 001 0.871 and 0.883. 3: the
#: lowest bar that keeps a hand-spun page's names. Fifth round (104 more
#: training pairs, their counts added): seed 001's names opened at 3, 4 and 5
#: nats ("Scowcroft Center" -> "Middle", "Indo-Pacific Security" -> "Safety",
#: "Credit Image" -> "Credits": F0.5 0.856); two folds of the 104 pairs (by
#: story, learn on one, score the other; F0.5) 0.784 / 0.800 at 3, 0.783 /
#: 0.802 at 6 and 8, 0.783 / 0.801 never (recall -0.005 / -0.004); seed 001
#: 0.872 from 6 on; dev and synthetic-real equal. 6: the folds equal, the
#: hand-spun page's names kept.
#: The comparison leans towards opening: capitalised words that are an
#: original left untouched still count as names (not as evidence against
#: spin) in the opened reading; the gate must already be open, and the bar
#: was measured with that lean.
NAME_UNLOCK_LOG_RATIO = 6.0


def _open_names(text: str, segment: Segment, lexicon, glued: bool,
                held: list | None = None) -> Segment:
    """``segment`` with its candidates found again with names unprotected,
    matching only where that can change anything: at capitalised tokens and
    the few tokens before each. Equal to ``analyse(text, lexicon, quotes,
    names=False)`` for the same protection mask.

    ``held``: the matches the segment's own walk left alone only as parts of
    names; then nothing is walked again: names unprotected accept exactly
    those more (``find_candidates``, ``name_held``)."""
    if held is not None:
        if not held:
            return segment
        return segment._replace(candidates=sorted(segment.candidates + held, key=_START_END))
    tokens = segment.tokens
    texts = token_arrays(tokens, text).texts
    ranges = _start_ranges(compress(range(len(texts)), map(str.isupper, map(_FIRST_CHAR, texts))),
                           max(_longest_spun_form(lexicon), 7))
    if not ranges:
        return segment
    found = find_candidates(text, lexicon, tokens, segment.protected, _in_ranges(ranges), names=False)
    return segment._replace(candidates=_merge_found(segment.candidates, found, ranges, glued))


def _unlock_names(text: str, segment: Segment, level, lexicon, model, glued: bool,
                  held: list | None = None):
    """The segment with names unprotected, if its evidence says the spinner
    rewrote names too; else the segment as it was (and whether names stay
    protected); with its document level, as for :func:`_unlock_quotes`.
    ``held``: as for :func:`_open_names`."""
    return _unlock(segment, level, _open_names(text, segment, lexicon, glued, held), lexicon,
                   model, NAME_UNLOCK_LOG_RATIO, _PROVE_NAMES)


_TOKENS_OF = _TOKEN.findall
_FIRST_CHAR = operator.itemgetter(0)
_MARK = re.compile(f"[{_MARKS}]")
_SPACE = re.compile(r"\s")
#: What the name test skips forward over: whitespace and the joiners "-’'&".
_NAME_JOINERS = re.compile(r"[\s\-’'&]*")

_LAST_SPACE = re.compile(r".*\s", re.DOTALL)
_LAST_SPACE_BEFORE = _LAST_SPACE.match
_LAST_WORD_EDGE = re.compile(r".*(?:(?<=[^\W_])(?=[\W_])|(?<=[\W_])(?=[^\W_]))", re.DOTALL)


def cut_point(line: str, limit: int) -> int:
    """Where to cut a line longer than ``limit``: after the last whitespace in
    its second half, else at the last edge between a letter or digit and
    another character, else (one run of letters) at ``limit``.

    The cut depends only on ``line[:limit + 1]``, so a reader that sees a long
    line in chunks (the CLI) cuts it exactly where :func:`fix_text` does.
    """
    half = limit // 2
    m = _LAST_SPACE.match(line, half, limit)
    if m:
        return m.end()
    m = _LAST_WORD_EDGE.match(line, half, limit + 1)
    if m and m.end() > half:
        return m.end()
    return limit


def _cut(line: str, limit: int) -> list[str]:
    """Cut an over-long line into pieces of at most ``limit`` chars (see :func:`cut_point`)."""
    pieces = []
    while len(line) > limit:
        k = cut_point(line, limit)
        pieces.append(line[:k])
        line = line[k:]
    if line:
        pieces.append(line)
    return pieces


class _Pieces(list):
    """The (line number, offset in line, text) pieces of one segment.

    ``glued`` is set when the segment starts inside a run of letters that the
    previous segment began (only a hard cut of a 100,000+ letter run does that).
    """

    glued = False


def _segments(lines: Iterable[str], limit: int) -> Iterator[_Pieces]:
    """Group (line number, offset in line, text) pieces into segments of at most ``limit`` chars."""
    buf = _Pieces()
    size = 0
    last = ""
    for n, line in enumerate(lines):
        check_text(line)
        offset = 0
        for piece in (_cut(line, limit) if len(line) > limit else (line,)):
            if buf and size + len(piece) > limit:
                yield buf
                buf, size = _Pieces(), 0
                buf.glued = last.isalnum() and piece[:1].isalnum()
            buf.append((n, offset, piece))
            size += len(piece)
            offset += len(piece)
            last = piece[-1:] or last
    if buf:
        yield buf


def split_lines(text: str) -> list[str]:
    """Split on "\\n" only, keeping the endings (as a binary file reader does).

    ``str.splitlines`` also splits on "\\r", form feeds and U+2028; the CLI reads
    bytes split on b"\\n", and both must see the same lines.
    """
    lines = text.split("\n")
    out = [line + "\n" for line in lines[:-1]]
    if lines[-1]:
        out.append(lines[-1])
    return out


def _fix_segment(segment: _Pieces, config: Config) -> list[tuple[str, list[Edit]]]:
    """Fix one segment; return each piece's output and its edits (offsets in its line)."""
    text = "".join(p for _, _, p in segment)
    result = explain_segment(text, config, segment.glued)
    if not result.edits:
        return [(p, []) for _, _, p in segment]
    out = []
    pos, k = 0, 0
    edits = result.edits
    for _, line_offset, piece in segment:
        end = pos + len(piece)
        mine = []
        while k < len(edits) and edits[k].start < end:
            mine.append(edits[k].shifted(-pos))
            k += 1
        # an edit never crosses a line break, so it ends inside this piece
        out.append((apply_edits(piece, mine) if mine else piece,
                    [e.shifted(line_offset) for e in mine]))
        pos = end
    return out


def resolve_jobs(jobs: int) -> int:
    """Worker processes for ``jobs``: 0 means one per core; more than the cores
    is capped at the core count (the work is CPU-bound: extra workers only add
    memory and start-up time)."""
    if isinstance(jobs, bool) or not isinstance(jobs, int):
        raise TypeError(f"jobs must be an int >= 0 (0: one per core), not {jobs!r}")
    if jobs < 0:
        raise ValueError(f"jobs must be >= 0 (0: one per core), not {jobs}")
    cores = _cores()
    return cores if jobs == 0 else min(jobs, cores)


def _cores() -> int:
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except (AttributeError, OSError):
        return os.cpu_count() or 1


#: Worker pools running now, so a second interrupt can stop them at once.
_POOLS: set = set()


def _kill_pool(pool) -> None:
    """Stop a ProcessPoolExecutor now: cancel what is queued, SIGKILL its workers.

    ``shutdown(wait=True)``, what ``with`` does, waits for every running task;
    Python 3.11 has no public way to stop workers, hence ``_processes``.
    """
    processes = list(getattr(pool, "_processes", {}).values())
    for proc in processes:
        try:
            proc.kill()
        except (OSError, ValueError, AttributeError):
            pass
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in processes:
        try:
            proc.join(2)
        except (OSError, ValueError, AssertionError, AttributeError):
            pass
    # Python 3.11's exit hook wakes every pool's manager thread through a pipe
    # that the thread closes as it ends: a race that prints "Exception ignored
    # ... Bad file descriptor" (seen once in 60 interrupts). Wait for the thread
    # here and take it off that list.
    thread = getattr(pool, "_executor_manager_thread", None)
    if thread is not None:
        thread.join(1.0)
        if not thread.is_alive():
            from concurrent.futures import process

            getattr(process, "_threads_wakeups", {}).pop(thread, None)
    _POOLS.discard(pool)


def kill_workers() -> None:
    """SIGKILL every worker process of every running pool (last-resort cleanup)."""
    for pool in list(_POOLS):
        for proc in list(getattr(pool, "_processes", {}).values()):
            try:
                proc.kill()
            except (OSError, ValueError, AttributeError):
                pass


def _init_worker(config: Config) -> None:
    """Workers leave interrupts to the parent, which stops them: Ctrl-C reaches
    the whole process group, and a worker that raised KeyboardInterrupt would
    print a traceback. SIGTERM kills a worker outright (the parent's handler
    is inherited through fork and must not run here). Then each worker loads
    the lexicon once and calls ``gc.freeze()``: the long-lived tables and tries
    are never traversed by the collector again (issue 11: garbage collection
    took 12-21% of spun-text time; freezing saved 7-13%)."""
    import gc

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    config.lexicon()
    gc.freeze()


def _map_segments(segments: Iterable[_Pieces], config: Config,
                  jobs: int) -> Iterator[tuple[_Pieces, list[tuple[str, list[Edit]]]]]:
    """Fix segments in order, in ``jobs`` worker processes when ``jobs > 1``.

    At most ``2 * jobs`` segments are in flight, so memory stays bounded.
    """
    if jobs <= 1:
        for seg in segments:
            yield seg, _fix_segment(seg, config)
        return
    held = []

    def keep(seg: _Pieces) -> _Pieces:
        held.append(seg)
        return seg
    for result in _parallel((keep(seg) for seg in segments), _fix_segment, config, jobs):
        yield held.pop(0), result


def _parallel(items: Iterable, fn, config: Config, jobs: int) -> Iterator:
    """``fn(item, config)`` for each item, in order, in ``jobs`` worker processes,
    at most ``2 * jobs`` items in flight. Each worker loads the lexicon once and
    freezes it out of the garbage collector's sight (:func:`_init_worker`). On
    an error, an interrupt or ``close()``, the workers are killed at once.
    """
    import gc
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor

    from ._startup import critical
    from .precompute import _screen
    from .scoring import context_model

    # Load everything once here (a bad lexicon fails here, once, not in every
    # worker): workers forked from this process share it (other start methods
    # load it in _init_worker). Frozen first, so no collection in a worker
    # touches, and so copies, the shared pages.
    _screen(config.lexicon())
    inert_tokens(config.lexicon())
    context_model().load_all()
    gc.freeze()
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(config,))
    _POOLS.add(pool)
    try:
        window: deque = deque()
        for item in items:
            with critical():  # submit forks the workers: no exception may cut into that
                fut = pool.submit(fn, item, config)
            window.append(fut)
            if len(window) >= 2 * jobs:
                yield window.popleft().result()
        while window:
            yield window.popleft().result()
    except BaseException:
        _kill_pool(pool)
        raise
    _POOLS.discard(pool)
    pool.shutdown(wait=True)


def _fix_joined(item: tuple[str, bool], config: Config) -> str:
    text, glued = item
    return explain_segment(text, config, glued).text


def fix_segments(lines: Iterable[str], config: Config, jobs: int = 1) -> Iterator[str]:
    """The restored text, one string per segment: ``"".join(fix_segments(lines))
    == "".join(fix_lines(lines))``, with no per-line work after segmenting.

    The CLI's plain output path: with ``jobs > 1`` the parent process only
    reads, segments and writes; segments travel as one string each.
    ``jobs`` as everywhere (:func:`resolve_jobs`), checked now.
    """
    return _fix_segments(lines, config, resolve_jobs(jobs))


def _fix_segments(lines: Iterable[str], config: Config, jobs: int) -> Iterator[str]:
    items = (("".join(p for _, _, p in seg), seg.glued)
             for seg in _segments(lines, config.max_segment_chars))
    if jobs <= 1:
        for item in items:
            yield _fix_joined(item, config)
    else:
        yield from _parallel(items, _fix_joined, config, jobs)


def fix_stream(lines: Iterable[str], config: Config, jobs: int = 1) -> Iterator[tuple[str, list[Edit]]]:
    """Per input line: the restored line and its edits (offsets within the line)."""
    jobs = resolve_jobs(jobs)
    current, pending, pending_edits = -1, [], []
    for segment, results in _map_segments(_segments(lines, config.max_segment_chars), config, jobs):
        for (n, _, _), (out, edits) in zip(segment, results):
            if n != current:
                if current >= 0:
                    yield "".join(pending), pending_edits
                current, pending, pending_edits = n, [], []
            pending.append(out)
            pending_edits.extend(edits)
    if current >= 0:
        yield "".join(pending), pending_edits


def fix_lines(lines: Iterable[str], config: Config | None = None, *, jobs: int = 1,
              **kwargs) -> Iterator[str]:
    """Restore a stream of lines (as read from a file, with their line endings).

    Yields one output string per input line. Lines are held back only until
    their segment is complete, so memory stays bounded by ``max_segment_chars``
    (times ``2 * jobs`` when segments are restored in ``jobs`` processes).
    """
    if isinstance(lines, (str, bytes, bytearray)):
        raise TypeError(f"fix_lines takes an iterable of lines, not a {type(lines).__name__}: "
                        "use fix_text for one string, or fix_lines(text.splitlines(keepends=True))")
    config = config_from_kwargs(config, kwargs)
    jobs = resolve_jobs(jobs)  # checked now, not at the first next()
    return (out for out, _ in fix_stream(lines, config, jobs))


def fix_text(text: str, config: Config | None = None, **kwargs) -> str:
    """Restore spun wording in ``text``; clean text comes back unchanged.

    Keyword arguments are :class:`~respin.Config` fields, e.g.
    ``fix_text(s, threshold=3.0)``.
    """
    check_text(text)
    # as "".join(fix_lines(...)), without cutting each segment's result back
    # into lines (fix_segments' contract; measured: 5% of spun-text time)
    jobs = kwargs.pop("jobs", 1)
    config = config_from_kwargs(config, kwargs)
    return "".join(fix_segments(split_lines(text), config, jobs))


def fix_and_explain(text: str, config: Config | None = None, **kwargs) -> ExplainedText:
    """Restore ``text`` and return the edits, with offsets into ``text``.

    ``apply_edits(text, result.edits) == result.text`` always holds.
    """
    check_text(text)
    config = config_from_kwargs(config, kwargs)
    edits: list[Edit] = []
    offset = 0
    lines = split_lines(text)
    for line, (_, line_edits) in zip(lines, fix_stream(lines, config)):
        edits.extend(e.shifted(offset) for e in line_edits)
        offset += len(line)
    return ExplainedText(apply_edits(text, edits), edits)
