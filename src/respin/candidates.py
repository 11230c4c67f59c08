"""Find lexicon matches in a segment, outside protected text.

A :class:`Candidate` is a place where a spun form from the lexicon occurs and
nothing forbids restoring it. Forbidding is this stage's other job: respin
never edits

- URLs, e-mail addresses, @handles, #hashtags and `code`,
- a word stuck to a hyphenated compound that the rule does not cover
  ("AI-centered" is not "AI-" + "centered"),
- acronyms, unless the rule is a ``name`` rule written in that case;

and leaves alone, unless the document's own evidence opens them
(:attr:`respin.config.Config.quotes` and ``names``, ``"auto"``):

- quoted speech (“…”, "…", ‘…’; an unclosed quote runs to the end of the line),
- capitalised names: a capitalised word in mid-sentence, or a sentence-initial
  one followed by another capitalised word ("Security" in "Indo-Pacific
  Security Initiative"), unless the rule is a ``name`` rule written in that case.

Two built-in artifact rules complete the lexicon, because they are patterns
rather than word pairs: ``builtin/brace`` ("{industry}" -> "industry") and
``builtin/numeral`` ("five,653" -> "5,653").

>>> from respin.lexicon import parse_lexicon
>>> lex = parse_lexicon(["# respin-lexicon 1", "t/1\\tp.c\\tpercent\\td\\tartifact"])
>>> [(c.start, c.end, c.entry.id) for c in find_candidates('Up 5 p.c, “not 5 p.c”.', lex)]
[(5, 8, 't/1')]
"""
from __future__ import annotations

import bisect
import functools
import operator
import re
from collections.abc import Iterable, Iterator
from itertools import compress
from typing import NamedTuple

from .lexicon import Entry, Lexicon
from .tokens import NUM_KEY, Token, gap_key, is_number, token_arrays, tokenize

__all__ = ["Candidate", "Segment", "find_candidates", "analyse", "BRACE_RULE", "NUMERAL_RULE"]

BRACE_RULE = Entry("builtin/brace", "{…}", ("…",), "field-notes", frozenset({"artifact"}))
NUMERAL_RULE = Entry("builtin/numeral", "five,653", ("5,653",), "field-notes",
                     frozenset({"artifact"}))

_NUMBER_WORDS = {
    w: str(i) for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen "
        "fourteen fifteen sixteen seventeen eighteen nineteen".split())
}
_NUMBER_WORDS.update({w: str(10 * i) for i, w in enumerate(
    "twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)})


class _Regex:
    """A ``regex`` pattern compiled on first use: importing ``regex`` costs 5 ms
    with its bytecode cached and 20-30 ms without (measured 2026-12-02), and a
    short text often needs none of these patterns (start-up, issue 11)."""

    __slots__ = ("source", "_compiled")

    def __init__(self, source: str) -> None:
        self.source = source
        self._compiled = None

    def _get(self):
        compiled = self._compiled
        if compiled is None:
            import regex

            compiled = self._compiled = regex.compile(self.source)
        return compiled

    def finditer(self, *args):
        return self._get().finditer(*args)

    def search(self, *args):
        return self._get().search(*args)


# Spans no rule may touch. Each pattern runs only when its trigger character
# occurs in the segment (the e-mail pattern alone, tried at every position of
# a clean article, cost more than all matching did).
_PROTECTED = (
    (("http", "www."), _Regex(r"(?:https?://|www\.)\S+")),                  # URLs
    (("@",), _Regex(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?<!\w)@\w+")),          # e-mail, handles
    (("#",), _Regex(r"(?<!\w)#\w+")),                                        # hashtags
    (("`",), _Regex(r"`[^`\n]*`")),                                           # inline code
)
# three literal characters: the same matches in ``re`` (no import of regex)
_QUOTE_OPEN = re.compile(r"[“\"‘]")

_SENTENCE_END = frozenset(".!?:;•|")
_OPENERS = frozenset("“\"‘'([«")


class Candidate(NamedTuple):
    """A lexicon match: tokens ``[first, last)`` spanning chars ``[start, end)``."""

    first: int
    last: int
    start: int
    end: int
    entry: Entry
    originals: tuple[str, ...]  # with any <num> slot already filled in


#: ``Candidate`` from one tuple, without the keyword-handling ``__new__`` (as
#: respin.tokens builds its tokens): half the cost, for every match.
_candidate = functools.partial(tuple.__new__, Candidate)
_START_END = operator.attrgetter("start", "end")  # the candidates' order (a C-level key)


class Segment(NamedTuple):
    """A tokenized segment with its protection mask and candidates."""

    text: str
    tokens: list[Token]
    protected: list[bool]
    candidates: list[Candidate]


def _quote_spans(text: str) -> Iterator[tuple[int, int]]:
    """Spans of quoted speech; an unclosed quote runs to the end of its line.

    “ pairs with ”; a straight " opens only after a non-letter and pairs with
    the next "; ‘ opens only after a non-letter and pairs with a ’ that is not
    an apostrophe (not followed by a letter).
    """
    pos, n = 0, len(text)
    while True:
        m = _QUOTE_OPEN.search(text, pos)
        if m is None:
            return
        i, ch = m.start(), m.group()
        if ch != "“" and i > 0 and text[i - 1].isalnum():
            pos = i + 1
            continue
        eol = text.find("\n", i)
        eol = n if eol < 0 else eol
        if ch == "“":
            j = text.find("”", i + 1, eol)
        elif ch == '"':
            j = text.find('"', i + 1, eol)
            k = text.find("“", i + 1, eol)
            if k >= 0 and (j < 0 or k < j):
                j = k - 1
        else:
            j = i
            while True:
                j = text.find("’", j + 1, eol)
                if j < 0 or j + 1 >= n or not text[j + 1].isalpha():
                    break
        end = eol if j < 0 else j + 1
        yield i, end
        pos = max(end, i + 1)


def protected_spans(text: str, quotes: bool = True) -> list[tuple[int, int]]:
    """Character spans of quoted speech (unless ``quotes`` is false), URLs,
    addresses and code, sorted."""
    spans = list(_quote_spans(text)) if quotes else []
    for triggers, pattern in _PROTECTED:
        if any(t in text for t in triggers):
            spans.extend(m.span() for m in pattern.finditer(text))
    spans.sort()
    return spans


def protected_mask(text: str, tokens: list[Token], quotes: bool = True) -> list[bool]:
    """True for each token inside quoted speech, a URL, an address or code.

    ``quotes=False`` leaves quoted speech unprotected (see
    :data:`respin.config.Config.quotes`)."""
    spans = protected_spans(text, quotes)
    mask = [False] * len(tokens)
    if not spans:
        return mask
    # a token is protected when some span overlaps it (starts before its end
    # and ends after its start): for each span, the tokens ending after the
    # span's start and starting before its end, found by bisection
    starts = [t.start for t in tokens]
    ends = [t.end for t in tokens]
    for a, b in spans:
        i, j = bisect.bisect_right(ends, a), bisect.bisect_left(starts, b)
        if i < j:
            mask[i:j] = [True] * (j - i)
    return mask


def _sentence_initial(text: str, tokens: list[Token], i: int) -> bool:
    """Whether token ``i`` starts a sentence, a line, a heading or a list item."""
    j = i - 1
    while j >= 0 and tokens[j].text in _OPENERS:
        j -= 1
    if j < 0:
        return True
    if "\n" in text[tokens[j].end:tokens[j + 1].start]:
        return True
    prev = tokens[j].text
    if prev not in _SENTENCE_END:
        return False
    # "U.S." and "Mr." end with a period without ending the sentence
    before = tokens[j - 1].text if j >= 1 else ""
    return not (prev == "." and ((len(before) == 1 and before.isalpha())
                                 or before in _ABBREVIATIONS))


_ABBREVIATIONS = frozenset({"Mr", "Mrs", "Ms", "Dr", "St", "Sen", "Rep", "Gov", "Gen", "Lt",
                            "Col", "Sgt", "Capt", "Prof", "Jr", "Sr", "No", "vs", "Inc", "Co",
                            "Corp", "Ltd", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep",
                            "Sept", "Oct", "Nov", "Dec", "Ave", "Blvd", "Rd"})


_LOWER = _Regex(r"\p{Ll}")


def _shouted_line(text: str, pos: int) -> bool:
    """Whether the line around ``pos`` has letters and none of them lowercase.

    Asked only for a capitalised token, and without copying the line: a
    normal line answers at its first lowercase letter.
    """
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    end = len(text) if end < 0 else end
    return _LOWER.search(text, start, end) is None


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper()


def _name_protected(text: str, tokens: list[Token], first: int, last: int,
                    names: bool = True) -> bool:
    """Whether tokens ``[first, last)`` fall in a capitalised name (with
    ``names`` False: whether they hold an acronym, which is left alone even
    where names are not protected).

    In an ALL-CAPS line (a shouted headline) capitals say nothing about
    names, so nothing there is protected as one.
    """
    if text[tokens[first].start:tokens[last - 1].end].islower():
        return False  # no capital letter at all (the common case)
    for i in range(first, last):
        t = tokens[i].text
        if not t[:1].isalpha() or not _is_capitalised(t):
            continue
        if _shouted_line(text, tokens[i].start):
            return False
        if t.isupper() and len(t) > 1:
            return True  # acronyms are left alone
        if not names:
            continue
        if not _sentence_initial(text, tokens, i):
            return True
        # sentence-initial: a name when the next word is capitalised too
        k = i + 1
        while k < len(tokens) and not tokens[k].text[:1].isalnum():
            if tokens[k].text not in ("-", "’", "'", "&"):
                break
            k += 1
        if k < len(tokens) and tokens[k].text[:1].isupper() and tokens[k].text[:1].isalpha():
            gap = text[tokens[k - 1].end:tokens[k].start]
            if "\n" not in gap:
                return True
    return False


def _attached(text: str, tokens: list[Token], i: int, j: int) -> bool:
    """Whether tokens i and j touch (no whitespace between them)."""
    return tokens[i].end == tokens[j].start


def _in_compound(text: str, tokens: list[Token], first: int, last: int) -> bool:
    """A match glued by a hyphen or slash to a word outside it."""
    # (_attached written out: tokens i and j touch when i ends where j starts)
    if first > 0:
        before = tokens[first - 1]
        if before.end == tokens[first].start:
            if before.text in ("-", "/", "–") and first > 1 and tokens[first - 2].end == before.start:
                return True
            # glued to letters or digits ("p.c" inside "p.com")
            if before.text[-1].isalnum():
                return True
    if last < len(tokens):
        after = tokens[last]
        if tokens[last - 1].end == after.start:
            if after.text in ("-", "/", "–") and last + 1 < len(tokens) \
                    and after.end == tokens[last + 1].start:
                return True
            if after.text[0].isalnum():
                return True
    return False


def _walk(tokens: list[Token], gaps: list[str], keys: list[str], i: int,
          trie: dict) -> list[tuple[int, tuple[Entry, ...], str | None]]:
    """Matches starting at token ``i``: (end token, entries, slot text).

    ``keys`` holds each token's match text (lowercased or not, per trie),
    ``gaps`` the text before each token (:class:`respin.tokens.Tokens`).
    Most walks stop after one or two tokens, so this is a plain loop over
    nested dicts, without generators or regexes on the common path.
    """
    found = []
    node = trie.get(keys[i])
    slot = None
    if node is None and keys[i][:1].isdigit() and is_number(keys[i]):
        node = trie.get(NUM_KEY)
        slot = tokens[i].text
    j = i + 1
    n = len(keys)
    while node is not None:
        if None in node:
            found.append((j, node[None], slot))
        if j >= n or len(node) == (None in node):
            break
        g = gaps[j]
        if g != "" and g != " ":
            g = gap_key(g)
            if g is None:
                break
        word = keys[j]
        nxt = node.get(g + word)
        if nxt is None and word[:1].isdigit() and is_number(word):
            nxt = node.get(g + NUM_KEY)
            if nxt is not None:
                slot = tokens[j].text
        node = nxt
        j += 1
    return found


def _brace(text: str, tokens: list[Token], i: int) -> Candidate | None:
    """``{words}`` -> ``words``: up to four words inside braces, nothing else."""
    if tokens[i].text != "{":
        return None
    j = i + 1
    while j < len(tokens) and j - i <= 5 and tokens[j].text != "}":
        if not tokens[j].text.isalpha() and tokens[j].text not in ("-", "’", "'"):
            return None
        j += 1
    if j >= len(tokens) or tokens[j].text != "}" or j == i + 1:
        return None
    if not (_attached(text, tokens, i, i + 1) and _attached(text, tokens, j - 1, j)):
        return None
    inner = text[tokens[i + 1].start:tokens[j - 1].end]
    if "\n" in inner:
        return None
    return Candidate(i, j + 1, tokens[i].start, tokens[j].end, BRACE_RULE, (inner,))


def _numeral(text: str, tokens: list[Token], i: int) -> Candidate | None:
    """``five,653`` -> ``5,653``, ``three.1`` -> ``3.1``: a number word glued to digits.

    The spinner rewrites a leading digit as a word and leaves the rest; no
    edited text writes a number word glued to a thousands group or decimals.
    """
    digits = _NUMBER_WORDS.get(tokens[i].text.lower())
    if digits is None or i + 2 >= len(tokens):
        return None
    comma, group = tokens[i + 1], tokens[i + 2]
    if comma.text not in (",", ".") or not _attached(text, tokens, i, i + 1) \
            or not _attached(text, tokens, i + 1, i + 2):
        return None
    g = group.text
    if not is_number(g):
        return None
    if comma.text == "," and not (len(g) >= 3 and g[:3].isdigit() and (len(g) == 3 or g[3] in ",.")):
        return None
    return Candidate(i, i + 1, tokens[i].start, tokens[i].end, NUMERAL_RULE, (digits,))


def _fill(original: str, slot: str | None) -> str:
    return original.replace(NUM_KEY, slot) if slot is not None else original


def _starts(lows: list[str], exact: list[str], trie: dict, name_trie: dict) -> list[int]:
    """Indexes of the tokens :func:`find_candidates` does something with: a
    number word, "{", a name rule's first token, a rule's first token
    lowercase, or a number. The lowercase tests are made once per distinct
    word (a text repeats its words: 8,431 tokens, far fewer words), then
    every token is looked up at C speed (1.2-1.5 ms against 2.0-2.2 for a
    test per token and test on the 44 KB spun news of ``respin-bench
    --speed``; measured 2026-12-02).

    (Measured 2026-12-02: also leaving out tokens where the trie's first two
    steps cannot match cost more in those tests than the walks it saved.)"""
    return _starts_among(range(len(lows)), lows, exact, trie, name_trie)


def _starts_among(indexes, lows: list[str], exact: list[str], trie: dict,
                  name_trie: dict) -> list[int]:
    """The tokens of ``indexes`` (ascending) that :func:`_starts` keeps."""
    low_of = list(map(lows.__getitem__, indexes))
    starting = {w for w in set(low_of) if w in trie or w in _SPECIAL_STARTS or w[:1].isdigit()}
    return list(compress(indexes, map(operator.or_, map(starting.__contains__, low_of),
                                      map(name_trie.__contains__, map(exact.__getitem__, indexes)))))


_SPECIAL_STARTS = frozenset(_NUMBER_WORDS) | {"{"}


def find_candidates(text: str, lexicon: Lexicon, tokens: list[Token] | None = None,
                    protected: list[bool] | None = None,
                    starts: Iterable[int] | None = None, names: bool = True,
                    name_held: list[Candidate] | None = None) -> list[Candidate]:
    """All unprotected matches, sorted by start; overlapping matches are all kept
    (the resolver chooses among them). ``starts`` limits the token indexes a
    match may start at (ascending; default all). ``names``: leave capitalised
    words that look like parts of names alone (acronyms always are).

    ``name_held``: with ``names``, a list that receives the matches left
    alone only as parts of names (not as acronyms), in the order this
    function would list them: with them, the result is what ``names=False``
    gives (what ``_name_protected(..., names=False)`` protects, an acronym,
    it protects with ``names`` too).
    """
    if tokens is None:
        tokens = tokenize(text)
    if protected is None:
        protected = protected_mask(text, tokens)
    trie, name_trie = lexicon.trie, lexicon.name_trie
    arrays = token_arrays(tokens, text)
    exact, lows, gaps = arrays.texts, arrays.lows, arrays.gaps
    n = len(tokens)
    if starts is None:  # only tokens the loop below does something with
        starts = _starts(lows, exact, trie, name_trie)
    else:  # (the same test, among the given tokens)
        starts = _starts_among(list(starts), lows, exact, trie, name_trie)
    out: list[Candidate] = []
    for i in starts:
        t = tokens[i]
        if protected[i]:
            continue
        low = lows[i]
        if low in _NUMBER_WORDS or t.text == "{":
            special = _brace(text, tokens, i) if t.text == "{" else _numeral(text, tokens, i)
            if special is not None and not any(protected[special.first:special.last]):
                out.append(special)
        if exact[i] in name_trie:
            for j, entries, slot in _walk(tokens, gaps, exact, i, name_trie):
                if any(protected[i:j]) or _in_compound(text, tokens, i, j):
                    continue
                for e in entries:
                    out.append(_candidate((i, j, t.start, tokens[j - 1].end, e,
                                         e.originals if slot is None else
                                         tuple(_fill(o, slot) for o in e.originals))))
        if low not in trie and not low[:1].isdigit():
            continue
        for j, entries, slot in _walk(tokens, gaps, lows, i, trie):
            # (_in_compound only when a neighbour touches the match: gaps[k]
            # is the text before token k; _name_protected only when the
            # match may hold a capital: a one-token match is its token's text)
            if any(protected[i:j]) or (not (i == 0 or gaps[i]) or not (j >= n or gaps[j])) \
                    and _in_compound(text, tokens, i, j):
                continue
            found = out
            if j == i + 1 and exact[i].islower():
                pass  # no capital: neither a name nor an acronym
            elif names:
                if _name_protected(text, tokens, i, j):
                    if name_held is None or _name_protected(text, tokens, i, j, False):
                        continue
                    found = name_held  # left alone, as part of a name
            elif _name_protected(text, tokens, i, j, False):
                continue
            for e in entries:
                found.append(_candidate((i, j, t.start, tokens[j - 1].end, e,
                                       e.originals if slot is None else
                                       tuple(_fill(o, slot) for o in e.originals))))
    out.sort(key=_START_END)
    if name_held:
        name_held.sort(key=_START_END)
    return out


def analyse(text: str, lexicon: Lexicon, quotes: bool = True, names: bool = True,
            name_held: list[Candidate] | None = None) -> Segment:
    """Tokenize, protect and match one segment (``quotes``: protect quoted
    speech; ``names``: protect capitalised words in names; ``name_held``: as
    for :func:`find_candidates`)."""
    tokens = tokenize(text)
    protected = protected_mask(text, tokens, quotes)
    return Segment(text, tokens, protected,
                   find_candidates(text, lexicon, tokens, protected, names=names,
                                   name_held=name_held))
