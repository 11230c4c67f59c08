"""Context model: wordfreq unigrams plus the bigram counts symspellpy ships.

respin scores a candidate by asking how well each reading (the spun words
kept, or an original put back) fits its neighbours. The model is a plain
bigram language model:

- ``P(w)`` is wordfreq's frequency for ``w`` (floored, so unknown words are
  rare rather than impossible);
- ``P(b | a)`` is ``count(a b) / (N * P(a))`` when the pair is in symspellpy's
  bigram file (242,342 Google Books pairs, all with count >= 6,400,000), and
  otherwise ``min(P(b), T / (N * P(a)))``: a pair missing from a truncated
  list can be at most as common as the truncation threshold allows.

Only the data files are used: symspellpy's ``SymSpell.load_dictionary`` builds
an edit-distance index respin does not need (2.4-2.9 s, +135 MB); reading the
pairs into a dict costs about 0.2 s and 30 MB. Both tables load on first use.

>>> lm = context_model()
>>> lm.logp("supply", "chain") > lm.logp("provide", "chain")
True
"""
from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from importlib.resources import files

__all__ = ["ContextModel", "context_model", "load_bigrams", "lm_word", "lm_words"]

#: Words-to-count scale of the bigram file: sum over b of count(a b), divided
#: by wordfreq's P(a), for the two most frequent words, whose pairs the file
#: covers almost completely: "the" 1.59e13, "in" 1.64e13 (measured 2026-11-25).
BIGRAM_SCALE = 1.6e13

#: Smallest count in the bigram file (measured: 6,400,000); a missing pair is
#: below it.
BIGRAM_THRESHOLD = 6.4e6

#: Floor for P(w) of words wordfreq does not know: a little below its
#: smallest listed frequency (1e-8 is zipf 1.0; wordfreq lists down to ~zipf 1).
UNIGRAM_FLOOR = 1e-9

_BIGRAM_FILE = "frequency_bigramdictionary_en_243_342.txt"


def load_bigrams() -> dict[str, int]:
    """symspellpy's bigram counts as ``{"a b": count}`` (a small loader of our own)."""
    path = files("symspellpy") / _BIGRAM_FILE
    table: dict[str, int] = {}
    with path.open(encoding="utf-8-sig") as fh:
        for line in fh:
            a, b, count = line.split()
            table[f"{a} {b}"] = int(count)
    return table


class ContextModel:
    """A bigram language model over lowercase words.

    ``None`` as the previous word means "no usable context" (start of a line,
    or after punctuation); the model then uses the unigram probability.
    """

    def __init__(self, unigrams: dict[str, float], bigrams: dict[str, int]) -> None:
        self._unigrams = unigrams
        self._bigrams = bigrams
        self._log_cache: dict[tuple[str | None, str], float] = {}

    def p(self, word: str) -> float:
        return max(self._unigrams.get(word, 0.0), UNIGRAM_FLOOR)

    def logp(self, prev: str | None, word: str) -> float:
        """log P(word | prev), both lowercase single words."""
        key = (prev, word)
        cached = self._log_cache.get(key)
        if cached is not None:
            return cached
        pw = self.p(word)
        if prev is None:
            value = math.log(pw)
        else:
            scale = BIGRAM_SCALE * self.p(prev)
            count = self._bigrams.get(f"{prev} {word}")
            if count is not None:
                value = math.log(min(1.0, count / scale))
            else:
                value = math.log(min(pw, BIGRAM_THRESHOLD / scale))
        if len(self._log_cache) > 500_000:  # bound memory on endless streams
            self._log_cache.clear()
        self._log_cache[key] = value
        return value

    def logp_sequence(self, prev: str | None, words: Sequence[str | None]) -> float:
        """log P of ``words`` after ``prev``; a ``None`` in ``words`` is a boundary.

        Sequences of different lengths are compared as they are: the model
        prefers the shorter one by about one word's surprise, and for this
        job that is right. A spinner's "more and more" for "increasingly" is
        itself a sign of spinning. Measured 2026-11-25 on seed 001 plus the
        dev corpus at threshold 2.5, crediting each word with c nats (c = 6.66
        is the mean surprise of a clean news word): F0.5 0.824 for c = 0,
        0.808 for 2, 0.776 for 4, 0.750 for 6.66.
        """
        total = 0.0
        for w in words:
            if w is None:
                prev = None
                continue
            total += self.logp(prev, w)
            prev = w
        return total


def lm_word(token: str) -> str | None:
    """The model's view of one token: its lowercase form if it is a word, else ``None``."""
    return token.lower() if token[:1].isalpha() else None


@functools.lru_cache(maxsize=65536)
def lm_words(text: str) -> tuple[str | None, ...]:
    """The model's view of a text: lowercase words, ``None`` for anything else.

    Used for the text itself and for every replacement, so both get the same
    word boundaries ("K-12" is "k", -, 12; "know-how" is "know", -, "how").
    Cached: the same spun forms and originals recur all through a corpus.
    """
    from .tokens import tokenize

    return tuple(lm_word(t.text) for t in tokenize(text))


@functools.lru_cache(maxsize=1)
def context_model() -> ContextModel:
    """The shared model, built on first use (about 0.35 s) and cached."""
    import wordfreq

    return ContextModel(wordfreq.get_frequency_dict("en"), load_bigrams())
