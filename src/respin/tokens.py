"""Offsets-preserving tokenizer.

respin never rebuilds text from tokens: every token keeps its character
offsets, and the output is the input with edited spans replaced. Tokens are
words (letters, with digits and combining marks), numbers ("5,653", "3.2") and
single punctuation characters; whitespace is the gap between tokens.

>>> [t.text for t in tokenize("Korea’s 25 p.c {industry}")]
['Korea', '’', 's', '25', 'p', '.', 'c', '{', 'industry', '}']
>>> phrase_key("provide chain")
('provide', ' chain')
"""
from __future__ import annotations

import functools
import re
from itertools import accumulate
from typing import NamedTuple

__all__ = ["Token", "Tokens", "tokenize", "token_arrays", "word_tokens", "phrase_key", "gap_key", "is_number", "NUM_KEY"]

# Stdlib ``re`` runs this pattern about twice as fast as ``regex`` (measured:
# 8.9 ms against 15.3 ms on the 80 KB clean corpus, with tuple.__new__).
# [^\W\d_] is a Unicode letter; combining marks continue a word.
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
#: One word token (also used alone by respin.precompute to count words): a
#: letter, then letters, digits and marks. Written as runs ("a[bc]*" unrolled
#: to "a b*(?:c+b*)*"; a mark is never a letter or digit, tested) because
#: ``re`` loops over a one-class run in C but steps through an alternation
#: char by char: 4.2-5.4 ms against 7.4-7.7 ms on the 0.1 MB clean news of
#: ``respin-bench --speed`` (measured 2026-12-02), the same matches. The
#: runs are possessive (``*+``): nothing follows them in their branch, so
#: giving characters back never helps a match, and not keeping the
#: backtracking state cut the tokenizer's split from 2.9-3.3 to 2.7 ms on the
#: 44 KB spun news of ``--speed`` (measured 2026-12-02; tests/test_tokens.py
#: compares it with the plain greedy pattern).
WORD_PATTERN = rf"[^\W\d_][^\W_]*+(?:[{_MARKS}]+[^\W_]*+)*+"
# A byte-order mark (U+FEFF) is not a token: "\ufeffYr" starts with the word "Yr".
_TOKEN = re.compile(rf"{WORD_PATTERN}|\d++(?:[.,]\d+)*+|[^\s\ufeff]")
_TOKEN_SPLIT = re.compile(f"({_TOKEN.pattern})").split

#: The token regex of ``../shared/tools/referee.py``, copied verbatim: the
#: benchmark harness (``respin.bench.corpora.TOKEN``) and ``respin learn`` split
#: text as the referee scores it. Not respin's own tokenizer (``_TOKEN``).
REFEREE_TOKEN = re.compile(r"\w+(?:[.\-]\w+)*|[’']\w+|[^\w\s]")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_HSPACE = re.compile(r"[ \t\u00a0\u2009\u202f]+")  # (literal characters: re, not regex)

#: Match key of the ``<num>`` slot.
NUM_KEY = "<num>"
_SLOT = "\ue000"  # private-use stand-in for the slot while tokenizing


class Token(NamedTuple):
    start: int
    end: int
    text: str

    @property
    def is_word(self) -> bool:
        return self.text[0].isalpha()


_make_token = functools.partial(tuple.__new__, Token)


class Tokens(list):
    """The list of :class:`Token` that :func:`tokenize` returns, with per-token
    arrays that several passes (matching, evidence, scoring) read, built once
    from the split that made the tokens instead of once per pass:

    - ``texts``: each token's text;
    - ``gaps``: ``gaps[k]`` is the text between token ``k - 1`` and token ``k``
      (before the first token for ``k == 0``), and ``gaps[len(tokens)]`` what
      follows the last;
    - ``lows``: each text lowercase (built on first use);
    - ``lm``: each token as the context model sees it
      (:func:`respin.scoring.lm_word`; built on first use).

    Any list of tokens works where a ``Tokens`` does (see :func:`token_arrays`).
    """

    __slots__ = ("texts", "gaps", "_lows", "_lm")

    @property
    def lows(self) -> list[str]:
        if self._lows is None:
            self._lows = list(map(str.lower, self.texts))
        return self._lows

    @property
    def lm(self) -> list[str | None]:
        if self._lm is None:
            self._lm = [low if low[:1].isalpha() else None for low in self.lows]
        return self._lm


def tokenize(text: str) -> Tokens:
    """Split ``text`` into tokens with offsets; whitespace is dropped."""
    # split with the token captured: [gap, token, gap, token, ..., gap]; the
    # running sum of the lengths gives every start and end (all at C speed)
    parts = _TOKEN_SPLIT(text)
    ends = list(accumulate(map(len, parts)))
    texts = parts[1::2]
    tokens = Tokens(map(_make_token, zip(ends[0::2], ends[1::2], texts)))
    tokens.texts, tokens.gaps, tokens._lows, tokens._lm = texts, parts[0::2], None, None
    return tokens


def token_arrays(tokens: list[Token], text: str) -> Tokens:
    """``tokens`` (of ``text``) as :class:`Tokens`: themselves when they are
    one, else a copy with the arrays built from the tokens."""
    if type(tokens) is Tokens:
        return tokens
    out = Tokens(tokens)
    out.texts = [t.text for t in tokens]
    out.gaps = [text[a:b] for a, b in zip([0] + [t.end for t in tokens],
                                           [t.start for t in tokens] + [len(text)])]
    out._lows = out._lm = None
    return out


def word_tokens(text: str) -> list[str]:
    """The word tokens of ``text`` (the ``<num>`` slot counts as a word)."""
    return [t for t in _TOKEN.findall(text.replace(NUM_KEY, " 0 ")) if t[0].isalnum()]


def is_number(text: str) -> bool:
    return _NUMBER.fullmatch(text) is not None


def gap_key(gap: str) -> str | None:
    """Key prefix for the gap before a non-initial phrase token.

    ``""`` for no gap, ``" "`` for horizontal whitespace, ``None`` when the gap
    cannot be inside a phrase (a line break, or anything that is not space).
    """
    if not gap:
        return ""
    if _HSPACE.fullmatch(gap):
        return " "
    return None


def phrase_key(phrase: str, keep_case: bool = False) -> tuple[str, ...]:
    """The match key of a lexicon phrase: one string per token, gaps folded in.

    Two texts match the same rule when their keys are equal, so "p.c" never
    matches "p. c", and "provide  chain" (two spaces) matches "provide chain".
    """
    s = phrase.replace(NUM_KEY, _SLOT)
    key: list[str] = []
    prev_end: int | None = None
    for t in tokenize(s):
        g = "" if prev_end is None else gap_key(s[prev_end:t.start])
        if g is None:
            raise ValueError(f"phrase {phrase!r} has a gap that cannot be matched")
        text = NUM_KEY if t.text == _SLOT else (t.text if keep_case else t.text.lower())
        key.append(g + text)
        prev_end = t.end
    return tuple(key)
