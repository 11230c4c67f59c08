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
pairs into a dict costs about 0.2 s and 30 MB. Both tables load on first use,
and only as far as needed: from the compact files :mod:`respin._tables` writes
on first use (a short text looks its few words up by binary search), or,
without a writable cache, as :func:`load_unigrams` and :class:`LazyBigrams`
describe.

>>> lm = context_model()
>>> lm.logp("supply", "chain") > lm.logp("provide", "chain")
True
"""
from __future__ import annotations

import bisect
import functools
import math
import threading
from collections.abc import Sequence
from pathlib import Path

__all__ = ["ContextModel", "LazyBigrams", "LazyUnigrams", "context_model", "load_bigrams",
           "load_unigrams", "lm_word", "lm_words"]

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
_OTHER_WHITESPACE = "\t\r\x0b\x0c\x1c\x1d\x1e\x1f"


def _package_file(package: str, *parts: str) -> Path:
    """A data file of an installed package, found without importing the package
    (importing symspellpy costs about 0.02 s)."""
    import importlib.util

    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"package {package!r} is not installed")
    return Path(list(spec.submodule_search_locations)[0], *parts)


def load_bigrams() -> dict[str, int]:
    """symspellpy's bigram counts as ``{"a b": count}`` (a small loader of our own)."""
    path = _package_file("symspellpy", _BIGRAM_FILE)
    table: dict[str, int] = {}
    with path.open(encoding="utf-8-sig") as fh:
        for line in fh:
            a, b, count = line.split()
            table[f"{a} {b}"] = int(count)
    return table


#: Lookups answered from the bigram file's text before the dict is built.
#: A lookup scans the 5 MB text (about 1 ms); building the dict costs about
#: 0.2 s. "x p.c" needs 2 lookups, a sentence about 12, an article hundreds,
#: so after 16 the dict is built: a short text is spared the load, a long
#: one wastes at most about 16 ms (measured 2026-12-02).
LAZY_BIGRAM_LOOKUPS = 16


class LazyBigrams:
    """:func:`load_bigrams` by need: ``get`` answers from the file's text
    (the last "a b count" line, as the dict keeps the last) until
    :data:`LAZY_BIGRAM_LOOKUPS` lookups, then builds the same dict.

    Valid for the shipped file's shape, one "a b count" per line with single
    spaces; :func:`context_model` checks that shape and otherwise loads the
    dict at once. Safe to share between threads (a Dask worker's).
    """

    def __init__(self, text: str) -> None:
        self._text: str | None = "\n" + text
        self._table: dict[str, int] | None = None
        self._left = LAZY_BIGRAM_LOOKUPS
        self._lock = threading.Lock()

    def _build(self) -> dict[str, int]:
        with self._lock:
            if self._table is None:
                self._table = _parse_bigrams(self._text[1:])  # (less the leading "\n")
                self._text = None
        return self._table

    def get(self, key: str, default=None):
        table, text = self._table, self._text
        if table is None:
            self._left -= 1
            if self._left >= 0 and text is not None:
                i = _last(text, "\n" + key + " ")
                if i < 0:
                    return default
                j = i + len(key) + 2
                end = text.find("\n", j)
                return int(text[j:end if end >= 0 else len(text)])
            table = self._build()
        return table.get(key, default)


def _last(text: str, needle: str) -> int:
    """``text.rfind(needle)``, by forward searches (about 4x faster here)."""
    i = text.find(needle)
    while i >= 0:
        j = text.find(needle, i + 1)
        if j < 0:
            break
        i = j
    return i


def _parse_bigrams(text: str) -> dict[str, int]:
    import io

    table: dict[str, int] = {}
    for line in io.StringIO(text):  # line by line: no list of all 242,342 lines at once
        a, b, count = line.split()  # (the shape check ruled out blank lines)
        table[f"{a} {b}"] = int(count)
    return table


def _bigram_table():
    """The bigram counts as a :class:`respin._tables.SortedTable` read from the
    cache (written on first use), else a :class:`LazyBigrams` over the shipped
    file, or the dict when the file is not in the one-pair-per-line shape the
    lazy lookup relies on."""
    from ._tables import cached_table

    path = _package_file("symspellpy", _BIGRAM_FILE)
    table = cached_table("bigrams-en", path, "q", load_bigrams)
    if table is not None:
        return table
    text = path.read_text(encoding="utf-8-sig")
    # load_bigrams splits each line on whitespace into exactly three fields.
    # With no whitespace but spaces and line breaks, and two spaces per line
    # on average, every line has exactly two: "a b count" is the line itself
    # (one-character counts only: a two-character search here costs 7 ms)
    lines = text.count("\n") + (not text.endswith("\n"))
    if not text.isascii() or any(c in text for c in _OTHER_WHITESPACE) \
            or text.count(" ") != 2 * lines:
        return load_bigrams()
    return LazyBigrams(text)


def load_unigrams() -> dict[str, float]:
    """``wordfreq.get_frequency_dict("en")``, read straight from wordfreq's data
    file: equal to it (tested) without importing wordfreq (0.08 s) or looping
    over its 321,180 words in Python. Falls back to wordfreq when the file is
    not where, or not what, wordfreq 3 keeps it.
    """
    buckets = _read_buckets()
    if buckets is None:
        import wordfreq

        return wordfreq.get_frequency_dict("en")
    return _unigram_dict(buckets)


def _read_buckets() -> list[list[str]] | None:
    """wordfreq's English cBpack (word lists by centibel), or None if it is not
    where, or not what, wordfreq 3 keeps."""
    import gzip

    try:
        path = _wordfreq_file()
        import msgpack

        with gzip.open(path, "rb") as fh:
            data = msgpack.load(fh, raw=False)
        if data[0] != {"format": "cB", "version": 1}:
            return None
        return data[1:]
    except Exception:  # noqa: BLE001 - any surprise: let wordfreq read it
        return None


def _wordfreq_file() -> Path:
    return _package_file("wordfreq", "data", "large_en.msgpack.gz")


def _unigram_dict(buckets: list[list[str]]) -> dict[str, float]:
    freqs: dict[str, float] = {}
    for index, bucket in enumerate(buckets):
        # wordfreq: freqs[word] = cB_to_freq(-index), later buckets win
        freqs.update(dict.fromkeys(bucket, _bucket_freq(index)))
    return freqs


#: Lookups answered from the joined word lists before the dict is built
#: (hashing 321,180 words into a dict costs about 0.07 s; a lookup in the
#: 2.6 MB joined text about 0.5 ms). "x p.c" needs 7, a sentence about 28:
#: after 16 the dict is built (measured 2026-12-02).
LAZY_UNIGRAM_LOOKUPS = 16


class LazyUnigrams:
    """:func:`load_unigrams` by need: ``get`` finds the word in wordfreq's
    buckets joined into one text (the last bucket holding it, as the dict
    keeps the last) until :data:`LAZY_UNIGRAM_LOOKUPS` lookups, then builds
    the same dict. Safe to share between threads (a Dask worker's)."""

    _SEP = "\x00"

    def __init__(self, buckets: list[list[str]]) -> None:
        self._buckets: list[list[str]] | None = buckets
        self._table: dict[str, float] | None = None
        self._left = LAZY_UNIGRAM_LOOKUPS
        self._lock = threading.Lock()
        sep = self._SEP
        parts, starts, pos = [], [], 0
        for bucket in buckets:
            starts.append(pos)
            part = sep + sep.join(bucket) + sep if bucket else ""
            parts.append(part)
            pos += len(part)
        self._text = "".join(parts)
        self._starts = starts
        # a word holding the separator would break the lookup: use the dict
        if self._text.count(sep) != sum(len(b) + 1 for b in buckets if b):
            self._build()

    def _build(self) -> dict[str, float]:
        with self._lock:
            if self._table is None:
                self._table = _unigram_dict(self._buckets)
                self._buckets = self._text = None
        return self._table

    def get(self, word: str, default=None):
        table, text = self._table, self._text
        if table is None:
            self._left -= 1
            if self._left >= 0 and text is not None and self._SEP not in word:
                i = _last(text, self._SEP + word + self._SEP)
                if i < 0:
                    return default
                index = bisect.bisect_right(self._starts, i) - 1
                return _bucket_freq(index)
            table = self._build()
        return table.get(word, default)


def _bucket_freq(index: int) -> float:
    return 10 ** (-index / 100)  # as _unigram_dict (wordfreq's cB_to_freq)


def _bucket_numbers() -> dict[str, int] | None:
    """Each word's bucket number (the last bucket holding it), or None."""
    buckets = _read_buckets()
    if buckets is None:
        return None
    numbers: dict[str, int] = {}
    for index, bucket in enumerate(buckets):
        numbers.update(dict.fromkeys(bucket, index))
    return numbers


def _unigram_table():
    """wordfreq's English frequencies as a :class:`respin._tables.SortedTable`
    read from the cache (written on first use), else a :class:`LazyUnigrams`
    over its buckets (or wordfreq's dict)."""
    from ._tables import cached_table

    try:
        table = cached_table("unigrams-en", _wordfreq_file(), "H", _bucket_numbers,
                             scale=_bucket_freq)
    except FileNotFoundError:
        table = None
    if table is not None:
        return table
    buckets = _read_buckets()
    return LazyUnigrams(buckets) if buckets is not None else load_unigrams()


class ContextModel:
    """A bigram language model over lowercase words.

    ``None`` as the previous word means "no usable context" (start of a line,
    or after punctuation); the model then uses the unigram probability.
    """

    def __init__(self, unigrams: dict[str, float], bigrams: dict[str, int]) -> None:
        self._unigrams = unigrams
        self._bigrams = bigrams
        self._log_cache: dict[tuple[str | None, str], float] = {}

    def load_all(self) -> None:
        """Build both tables whole now (before forking worker processes, say,
        which then share them instead of each loading its own)."""
        for table in (self._unigrams, self._bigrams):
            build = getattr(table, "_build", None)
            if build is not None:
                build()

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
        cached = self._log_cache.get  # logp's own cache, read here first: one call less a word
        for w in words:
            if w is None:
                prev = None
                continue
            value = cached((prev, w))
            total += self.logp(prev, w) if value is None else value
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
    """The shared model, built on first use and cached; both tables fill by
    need (:class:`LazyUnigrams`, :class:`LazyBigrams`)."""
    return ContextModel(_unigram_table(), _bigram_table())
