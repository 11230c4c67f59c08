"""Per-rule constants, computed once per lexicon, and the clean-text screen.

Everything here is a cache of a pure function the pipeline already defines,
so the optimised pipeline computes the same numbers as the reference one:

- :func:`rule_constants` memoises, per rule (and per filled-in original for
  ``<num>`` and built-in rules), :func:`respin.detect._terms` (the rule's
  evidence terms), :func:`respin.detect.choice_prob` and the language-model
  words of each original (what :mod:`respin.resolve` scores). It is **the one
  place** where per-rule constants live: a change to the evidence or channel
  maths in ``detect.py`` flows through here untouched.
- :func:`nothing_to_do` proves, from word counts alone, that the full
  pipeline would leave a segment unchanged (see its docstring for the proof).

:func:`reference_mode` switches every shortcut off, so tests can compare the
optimised pipeline with the unoptimised one on the same input.

>>> import respin
>>> from respin.scoring import context_model
>>> lex = respin.default_lexicon()
>>> nothing_to_do("The economy grew, officials said.", lex, context_model())
True
>>> nothing_to_do("The economy grew 3 p.c, officers stated.", lex, context_model())
False
"""
from __future__ import annotations

import contextlib
import functools
import math
import re
from collections import Counter
from collections.abc import Iterator
from typing import NamedTuple

from .candidates import _LOWER, protected_spans
from .lexicon import NUM_SLOT, Entry, Lexicon
from .tokens import _HSPACE, NUM_KEY, WORD_PATTERN

__all__ = ["RuleConstants", "rule_constants", "nothing_to_do", "reference_mode", "optimised",
           "gate_log_ratio", "inert_tokens"]

_reference = False


def optimised() -> bool:
    """False inside :func:`reference_mode`: run the unoptimised pipeline."""
    return not _reference


@contextlib.contextmanager
def reference_mode() -> Iterator[None]:
    """Run the unoptimised reference pipeline inside this block (this process only).

    No fast path, no cached rule constants, no single-candidate shortcut, and
    the created-match check re-reads the whole restored segment. Output must
    be identical either way; the tests compare the two.
    """
    global _reference
    before, _reference = _reference, True
    try:
        yield
    finally:
        _reference = before


class RuleConstants(NamedTuple):
    """What never changes for one rule (with its originals filled in)."""

    terms: tuple            # detect._terms: ((P(w)a(w), raw), (credited P(w)a(w), credited))
    spin_log_ratio: float   # log(b / a) of the credited evidence pair: a match's most
                            # possible addition to its segment's spin log-ratio
    choice: tuple[float, ...]                  # detect.choice_prob per original, by rank
    original_words: tuple[tuple[str | None, ...], ...]  # scoring.lm_words per original
    pairs: tuple            # (a, sum of the b) of terms: (raw pair, credited pair), as
                            # detect.estimate sums them


class _Table:
    """Lazily filled per-rule constants of one lexicon under one context model."""

    def __init__(self, lexicon: Lexicon, model) -> None:
        self.lexicon, self.model = lexicon, model
        #: (id of the entry, originals) -> constants, as :meth:`get` keys them
        self.memo: dict[tuple[int, tuple[str, ...]], RuleConstants] = {}
        #: id of the entry -> its ``spin_log_ratio``, as the clean screen reads it
        #: (one dict lookup a rule, cheaper than building the key for :meth:`get`)
        self.log_ratios: dict[int, float] = {}

    def get(self, entry: Entry, originals: tuple[str, ...]) -> RuleConstants:
        """Constants of ``entry`` matched with these (slot-filled) ``originals``.

        A match's evidence terms depend only on the rule, its filled-in
        originals and the model's words for the matched text, which are the
        rule's own key words lowercased (a number slot reads as no word);
        so (rule id, originals) is the whole key.
        """
        key = (id(entry), originals)  # entries live as long as the lexicon (or forever)
        found = self.memo.get(key)
        if found is None:
            found = self._compute(entry, originals)
            if len(self.memo) > 200_000:  # filled-in numbers are unbounded: bound memory
                self.memo.clear()
            self.memo[key] = found
        return found

    def _compute(self, entry: Entry, originals: tuple[str, ...]) -> RuleConstants:
        from .candidates import Candidate
        from .detect import _terms, choice_prob
        from .scoring import lm_words

        spun = _sample_text(entry, originals)
        c = Candidate(0, 0, 0, len(spun), entry, originals)
        terms = _terms(c, self.lexicon, self.model, spun)
        a, outs = terms[1]
        b = sum(x for _, x in outs)
        log_r = math.log(b / a) if a > 0 and b > 0 else (-math.inf if b == 0 else math.inf)
        return RuleConstants(
            terms, log_r,
            tuple(choice_prob(self.lexicon, o, rank, entry) for rank, o in enumerate(originals)),
            tuple(lm_words(o) for o in originals),
            tuple((a, sum(x for _, x in outs)) for a, outs in terms))


def _sample_text(entry: Entry, originals: tuple[str, ...]) -> str:
    """A text the rule matches, with the same model words as any real match."""
    if entry.id == "builtin/brace":
        return "{" + originals[0] + "}"
    if entry.id == "builtin/numeral":
        from .candidates import _NUMBER_WORDS

        return next(w for w, d in _NUMBER_WORDS.items() if d == originals[0])
    return entry.spun.replace(NUM_SLOT, "0")


@functools.lru_cache(maxsize=16)
def rule_constants(lexicon: Lexicon, model) -> _Table:
    """The per-rule constants table of ``lexicon`` under ``model`` (one per pair, cached)."""
    return _Table(lexicon, model)


def gate_log_ratio() -> float:
    """The spin log-ratio at which a segment's spin probability reaches the gate.

    Below it, :func:`respin.resolve.resolve` scores artifacts only.
    """
    from .detect import EVIDENCE_WEIGHT, SPUN_PRIOR_LOGODDS
    from .resolve import AMBIGUOUS_GATE

    return (math.log(AMBIGUOUS_GATE / (1 - AMBIGUOUS_GATE)) - SPUN_PRIOR_LOGODDS) / EVIDENCE_WEIGHT


@functools.lru_cache(maxsize=16)
def inert_tokens(lexicon: Lexicon) -> tuple[frozenset, frozenset] | None:
    """The tokens of artifact and name rules' spun forms: (lowercase tokens of
    case-folded rules plus the number words of builtin/numeral, exact tokens
    of name rules). A token outside both (and not a number, which a ``<num>``
    slot matches) can be part of no artifact or name match but a brace's.

    The created-match check skips an edit whose tokens are all outside.
    """
    from .candidates import _NUMBER_WORDS

    folded, exact = set(_NUMBER_WORDS), set()
    for key, entries in lexicon.index.items():
        parts = {p.lstrip(" ") for p in key}
        for e in entries:
            if e.artifact or e.name:
                if e.name:
                    exact.update(parts)
                else:
                    folded.update(parts)
    return frozenset(folded), frozenset(exact)


# -- the clean screen ---------------------------------------------------------

_WORD = re.compile(WORD_PATTERN)
_BEFORE_DIGIT = re.compile(r"[.,](?=\d)")
#: Bytes looked at first: spun text usually shows an artifact or enough
#: evidence early, and then the rest of the segment is not counted in vain.
_PROBE_CHARS = 4096


class _Screen(NamedTuple):
    index: dict    # lowercase first word -> [(entry, words, word pairs, probe, originals_in,
                   #                           artifact, has a <num> slot)]
    fragile: bool  # some rule's words hold a sigma (see _screen)
    usable: bool   # False when some rule has no word to count (screen disabled)
    originals: frozenset  # one-word originals: the words that count as untouched


#: Horizontal whitespace: the gaps a phrase key folds to one " " (tokens.gap_key).
_HSPACE_RUN = _HSPACE
#: What folding would change: a horizontal space other than " ", or two spaces.
#: Five substring tests (0.1 ms on the 97 KB of clean news) where one regex
#: search for the same took 1.0 ms (measured 2026-12-02).
_ODD_SPACES = ("\t", "\u00a0", "\u2009", "\u202f", "  ")
_SIGMAS = frozenset("Σσς")


@functools.lru_cache(maxsize=16)
def _screen(lexicon: Lexicon) -> _Screen:
    """Each rule under the lowercase form of its first word, with what the
    screen needs: its words (lowercase) and pairs of consecutive words (in a
    match nothing but numbers and punctuation stands between them, so they
    are neighbours in the text's sequence of words too), what must occur in
    the text for a match (:func:`_probe`; lowercase unless a name rule) and
    how many of its words are originals (which a match would take from the
    untouched count).

    The screen lowers each word alone, as the matcher does; the literal
    probes look in the lowercased text, which lowers as the matcher does
    except for the final-sigma rule, so a rule with a sigma sends any text
    with a sigma the full way.
    """
    index: dict[str, list] = {}
    usable, fragile = True, False
    per_original = lexicon.spun_forms_per_original
    for key, entries in lexicon.index.items():
        words = tuple(w.lower() for w in (part.lstrip(" ") for part in key)
                      if w != NUM_KEY and _WORD.fullmatch(w))
        if not words:
            usable = False
            continue
        joined = "".join(key)
        fragile = fragile or bool(set(joined) & _SIGMAS) or bool(set(joined.lower()) & _SIGMAS)
        originals_in = sum(w in per_original for w in words)
        pairs = tuple(zip(words, words[1:]))
        for e in entries:
            index.setdefault(words[0], []).append(
                (e, words, pairs, _probe(joined if e.name else joined.lower(), len(key)),
                 originals_in, e.artifact, NUM_SLOT in e.spun))
    originals = frozenset(o for o in per_original if o[:1].isalpha() and _WORD.fullmatch(o))
    return _Screen(index, fragile, usable, originals)


def _probe(joined: str, tokens: int):
    """What must occur in the folded text for a match: the spun form's literal
    text (gaps as one space), with a number pattern for a ``<num>`` slot (and
    the longest literal part, looked for first: a pattern that starts with a
    number scans 97 KB in 0.5 ms, a substring test in 0.02 ms); ``None`` for a
    one-token form, whose count says whether it occurs."""
    if NUM_KEY in joined:
        parts = joined.split(NUM_KEY)
        return (max(parts, key=len),
                re.compile(r"\d+(?:[.,]\d+)*".join(re.escape(p) for p in parts)))
    return joined if tokens > 1 else None


def _occurs(probe, haystack, name: bool) -> bool:
    if probe is None:
        return True
    if isinstance(probe, str):
        return probe in haystack(name)
    literal, pattern = probe
    text = haystack(name)
    return literal in text and pattern.search(text) is not None


def _numeral_possible(text: str) -> bool:
    """Whether a number word may be glued to "," or "." and a digit (builtin/numeral).

    Finds "," or "." before a digit first (a plain character scan), then
    looks at the letters before it.
    """
    from .candidates import _NUMBER_WORDS

    for m in _BEFORE_DIGIT.finditer(text):
        i = m.start()
        if text[max(0, i - 9):i].lower().endswith(tuple(_NUMBER_WORDS)):
            return True
    return False


def nothing_to_do(text: str, lexicon: Lexicon, model=None) -> bool:
    """True only if the full pipeline would return ``text`` unchanged.

    The full pipeline edits a segment only through a candidate that
    :func:`respin.resolve.resolve` scores, and while the segment's spin
    probability is under the gate it scores artifacts only. So two facts
    prove "nothing to do": no artifact can match, and the spin log-ratio
    stays under :func:`gate_log_ratio`.

    - Every match of a rule contains each word of its spun form as a token,
      so the rule has at most ``n = min(count of each word)`` matches (case
      folded, or exact for name rules). No counted word, no match; and no
      match either when the spun form's literal text (gaps as one space,
      around any number slot) is missing from the text with its runs of
      horizontal whitespace folded to one space. A rule that is not a
      ``name`` rule cannot match a capitalised word in mid-sentence (a part
      of a name, protected in the pass the gate reads: :func:`_in_names`),
      so those occurrences are not counted for it.
    - The log-ratio is ``sum_i w_i log(1 + rho (r_i - 1)) + U log(1 - rho)``
      at some ``rho`` in [0, 1), where ``r_i = b_i / a_i`` is a per-rule
      constant (the rule's ``spin_log_ratio`` is ``log r``), the ``n``
      matches of one ambiguous rule weigh ``n ** -0.5`` each and ``U`` counts
      untouched originals. Dropping the rules with ``r <= 1`` and taking
      ``n`` as large as the counts allow only raises it; so does taking
      ``U`` smaller: the lowercase originals among the words, less every
      one a match or a protected span could cover (each token once, however
      many rules could match it). With ``U = 0`` the
      maximum is ``sum sqrt(n) log r``; otherwise :func:`_max_gain` bounds it.

    Brace and number-word artifacts are built in, not lexicon rules: any "{"
    or a number word glued to digits sends the segment to the full pipeline.
    ``model`` defaults to :func:`respin.scoring.context_model`, loaded only
    when some rule's words occur.
    """
    if "{" in text or _numeral_possible(text):
        return False
    screen = _screen(lexicon)
    if not screen.usable:
        return False
    limit = gate_log_ratio() - 1e-6  # float slack: the sum below is exact to ~1e-12

    def table() -> _Table:
        from .scoring import context_model

        return rule_constants(lexicon, model if model is not None else context_model())
    if len(text) > 2 * _PROBE_CHARS and not _under(text[:_PROBE_CHARS], lexicon, screen, table, limit):
        return False
    return _under(text, lexicon, screen, table, limit)


def _under(text: str, lexicon: Lexicon, screen: _Screen, get_table, limit: float) -> bool:
    # Protected text (quotes, URLs...) never matches: blank it out, with a
    # line break so no phrase can run across. A blanked span may leave a
    # fragment of a token at either end: two words per span, counted below.
    spans = protected_spans(text)
    if spans:
        parts, pos = [], 0
        for a, b in spans:
            if a > pos:
                parts.append(text[pos:a])
            pos = max(pos, b)
        parts.append(text[pos:])
        text = "\n".join(parts)
    if screen.fragile and not _SIGMAS.isdisjoint(text):
        return False
    folded: list[str] = []  # the text and its lowercase with whitespace runs as " ", when asked

    def haystack(name: bool) -> str:
        if not folded:
            # with no tab, odd space or double space, folding changes nothing
            flat = _HSPACE_RUN.sub(" ", text) if any(c in text for c in _ODD_SPACES) else text
            folded.extend((flat.lower(), flat))
        return folded[name]
    text_words = _WORD.findall(text)
    seq = list(map(str.lower, text_words))  # each word lowered alone, as the matcher does
    counts = Counter(seq)
    neighbours = Counter(zip(seq, seq[1:]))
    found = []           # (n, log r, originals_in, probe, name) of rules whose words occur
    table = ratios = None
    for anchor in counts.keys() & screen.index.keys():
        for e, words, pairs, probe, originals_in, artifact, slot in screen.index[anchor]:
            if not pairs:
                n = counts[anchor]
            elif len(pairs) == 1:
                n = neighbours[pairs[0]]
            else:
                n = min(neighbours[p] for p in pairs)
            if not n:
                continue
            if artifact:
                if _occurs(probe, haystack, e.name):
                    return False
                continue
            if table is None:
                table = get_table()
                ratios = table.log_ratios
            log_r = ratios.get(id(e))
            if log_r is None:
                if slot:
                    log_r = (math.inf if _slot_collides(lexicon, e)
                             else table.get(e, _filled(e.originals)).spin_log_ratio)
                else:
                    log_r = table.get(e, e.originals).spin_log_ratio
                ratios[id(e)] = log_r
            if log_r > 0 or originals_in:
                found.append((n, log_r, originals_in, probe, e.name, words))
    # First as if every rule whose words occur matched; if that is not
    # enough, drop the rules whose spun form's text does not occur; then
    # leave out what they could only match inside names.
    exact: Counter | None = None  # the words as written, counted when first asked
    untouched_all = 0             # the untouched originals among them (lowercase exact tokens)

    def bounded(found: list) -> bool:
        nonlocal exact, untouched_all
        cheap = 0.0      # sum of sqrt(n) * max(0, log r): the bound without untouched words
        terms = []       # (sqrt(n), r) of rules with r > 1
        covered = 0      # most untouched originals all possible matches can cover
        matchable = set()  # the words of those matches: a match covers only its own tokens
        for n, log_r, originals_in, _, _, words in found:
            covered += n * originals_in
            if originals_in:
                matchable.update(words)
            if log_r > 0:
                cheap += math.sqrt(n) * log_r
                terms.append((math.sqrt(n), math.exp(log_r)))
        if cheap < limit:
            return True
        if cheap == math.inf:
            return False
        # Untouched originals pull the best rate down: count the lowercase
        # ones (exact tokens), less any a match or a blanked span's edge could take
        # (each token once, whichever rules could match it).
        if exact is None:
            exact = Counter(text_words)
            untouched_all = sum(exact[w] for w in exact.keys() & screen.originals) - 2 * len(spans)
        left = untouched_all - min(covered, sum(exact[w] for w in matchable & screen.originals))
        return left > 0 and _max_gain(terms, left, limit) < limit

    if bounded(found):
        return True
    found = [f for f in found if _occurs(f[3], haystack, f[4])]
    if bounded(found):
        return True
    in_names = _in_names(text)
    if not in_names:
        return False
    refined = []
    for f in found:
        n = f[0] if f[4] else min(f[0], *(counts[w] - in_names[w] for w in f[5]))
        if n > 0:
            refined.append((n, *f[1:]))
    return bounded(refined)


def _in_names(text: str) -> Counter:
    """Lowercase forms of capitalised words that are surely parts of names in
    ``text``, counted: a space (no line break) parts each from a word, a
    number or a mark that neither ends a sentence nor opens a quote, so it
    is no sentence start and :func:`respin.candidates._name_protected`
    protects any match holding it (and an acronym anywhere). A rule that is
    not a ``name`` rule matches none of them in the pass whose gate the
    screen bounds: names open only once that gate is open. Empty when some
    line has no lowercase letter (a shouted line protects no name)."""
    found = [w for w in _MID_SENTENCE_WORD.findall(text) if w[:1].isupper()]
    if not found or any(_LOWER.search(line) is None and _WORD.search(line)
                        for line in text.split("\n")):
        return Counter()
    return Counter(map(str.lower, found))


#: A word after horizontal space that follows a character which is neither
#: whitespace nor a sentence end (candidates._SENTENCE_END) nor an opener
#: (candidates._OPENERS): openers and marks are passed over as "maybe a
#: sentence start", which only makes the bound looser.
_MID_SENTENCE_WORD = re.compile(r"(?<=[^\s.!?:;•|“\"‘'(\[«])[^\S\n]+(" + WORD_PATTERN + ")")


def _max_gain(terms: list[tuple[float, float]], untouched: int,
              limit: float | None = None) -> float:
    """An upper bound of max over rho in [0, 1) of
    ``sum s log(1 + rho (r - 1)) + untouched * log(1 - rho)`` (concave in rho).

    Bisection on the slope keeps ``slope(lo) > 0 > slope(hi)``, so the
    maximum lies in [lo, hi] and, by concavity, under the tangent at ``lo``.
    Stops as soon as that bound is small enough to matter no more, or, when
    the caller only asks whether the maximum is under ``limit``, as soon as
    that is decided: the bound is under it, or ``f(lo)`` (which the maximum
    reaches at least) is not. The bounds only fall from step to step (by
    concavity, the tangent at a larger ``lo`` stays under the one before), so
    the answer to "under ``limit``?" is the same as without it.
    """
    def f(rho: float) -> float:
        return (sum(s * math.log1p(rho * (r - 1.0)) for s, r in terms)
                + untouched * math.log1p(-rho))

    def slope(rho: float) -> float:
        return sum(s * (r - 1.0) / (1.0 + rho * (r - 1.0)) for s, r in terms) - untouched / (1.0 - rho)

    lo, hi = 0.0, 1.0
    d = slope(lo)
    if d <= 0:
        return 0.0
    f_lo = f(lo)
    for _ in range(60):
        bound = f_lo + d * (hi - lo)
        if limit is not None and (bound < limit or f_lo >= limit):
            return bound
        mid = (lo + hi) / 2
        d_mid = slope(mid)
        if d_mid > 0:
            lo, d = mid, d_mid
            f_lo = f(lo)
        else:
            hi = mid
        if bound - f_lo < 1e-3:
            return bound
    return f_lo + d * (hi - lo)


def _filled(originals: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(o.replace(NUM_SLOT, "0") for o in originals)


@functools.lru_cache(maxsize=4096)
def _slot_collides(lexicon: Lexicon, entry: Entry) -> bool:
    """Whether a filled-in original of a ``<num>`` rule is itself a known original,
    so that its choice probability would depend on the number (then the screen
    does not vouch for the rule)."""
    pats = [re.compile(re.escape(o.lower()).replace(re.escape(NUM_SLOT), r"\d+(?:[.,]\d+)*"))
            for o in entry.originals]
    return any(p.fullmatch(k) for p in pats for k in lexicon.spun_forms_per_original)
