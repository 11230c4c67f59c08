"""Learn lexicon rows from spun/original pairs: ``respin learn``.

A plagiarism investigator or a crawl team who holds a few copies of a
spinner's pages and the articles they copy can teach respin that spinner's
thesaurus. For each pair, :func:`learn`

1. aligns the two texts word by word (``difflib`` on lowercase tokens with
   curly and straight quotes folded together, no autojunk);
2. keeps only **aligned windows**: stretches between two runs of at least
   :data:`ANCHOR` equal tokens, cut wherever the texts differ by more than a
   substitution (a missing paragraph, an excerpt that starts elsewhere);
3. extracts the **substitutions** inside them: a word for a word, a phrase of
   up to :data:`MAX_WORDS` words for another ("well being" for "health"), or
   words the spinner inserted ("federal government" for "government"); a
   longer replaced stretch is cut into pieces, guided by pairs already known
   (the reference lexicon and swaps seen alone in the pairs, see
   :func:`_segment`), else word by word when both sides have as many words;
4. drops what is not a synonym swap (see :data:`DROP_REASONS`): changed
   numbers and names, punctuation, words that moved, function-word edits,
   deletions, and swaps in a poorly aligned neighbourhood;
5. counts, over all pairs, how often each spun form replaced each original
   (``n``) and how often each original was left unchanged in aligned text
   (``kept``), and writes one lexicon row per spun form with its originals
   ranked by count (see the counts field in ``lexicons/README.md``).

>>> result = learn([("t1", "On Monday, officials stated that the invoice would adopt the Senate by Friday.",
...                         "On Monday, officials said that the bill would pass the Senate by Friday.")])
>>> [(e.spun, e.originals, e.counts) for e in result.entries]
[('adopt', ('pass',), (1,)), ('invoice', ('bill',), (1,)), ('stated', ('said',), (1,))]
>>> result.known   # "stated" and "invoice" are shipped rows; "adopt" is new
2
"""
from __future__ import annotations

import difflib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ._pairs import (ORIG, SPUN, InputError, is_original, is_spun, jsonl_records, original_of,
                     read_text, walk)
from .lexicon import FORMAT_HEADER, Entry, Lexicon, build_lexicon, default_lexicon, format_row
from .tokens import REFEREE_TOKEN, phrase_key

__all__ = ["ANCHOR", "DROP_REASONS", "LearnError", "Learned", "Pair", "PairReport",
           "Substitution", "align_pair", "learn", "read_pairs"]

#: Equal tokens (words or punctuation) that anchor an aligned window at each
#: end. Measured 2026-12-02: on the dev corpus the extracted swaps are the same
#: for 2 and 3 (precision 0.859, recall 0.831 against its gold), 4 loses four;
#: on 69 real pairs 2 gives 4,021 substitutions, 3 gives 3,960 and 4 gives
#: 3,852, and a sample of 20 of those that 2 adds over 3 (and 3 over 4) were
#: all real swaps. Big differences and the density test below guard against
#: chance matches; "the ," between unrelated sentences still gives nothing
#: (tests/test_learn.py::test_unrelated_texts_give_nothing).
ANCHOR = 2

#: Longest phrase (in tokens) on either side of an unequal-length substitution:
#: the lexicon's multiword forms are 2-4 words ("on account of" for "because").
MAX_WORDS = 4

#: Longest run of replaced tokens split into single substitutions. Real pages
#: change 25-40% of words, so five or six swaps in a row happen ("nationwide
#: authorities officers stated"); longer runs are more often rewritten
#: phrases. Measured 2026-12-02: on the dev corpus 4 loses 20 gold swaps
#: (recall 0.831 -> 0.812), 8 adds none; on 69 real pairs 8 adds 35
#: substitutions, about a quarter of them junk ("sooner or later" / "at some
#: point" cut word by word).
MAX_RUN = 6

#: Tokens on each side of a substitution that are checked for alignment, and
#: the share of them that must be equal in both texts. Spun news keeps 60-75%
#: of tokens (punctuation included) unchanged, but swaps cluster; text that
#: merely shares "the" and commas with the other side keeps far fewer. Measured
#: 2026-12-02: a window of 5 loses 5 dev gold swaps, 12 changes nothing.
#: MIN_DENSITY, on the mined real pairs: 0.5 dropped 155 differences as
#: misaligned, most of them good swaps in busy sentences ("price range" for
#: "budget" next to "nationwide" for "national"); 0.34 drops 16 and adds 29
#: rows, nearly all plausible; 0.25 drops none and adds "caps" for "wins".
DENSITY_WINDOW = 8
MIN_DENSITY = 0.34

#: How far (in tokens) a word may move and still count as moved, not swapped.
#: Measured 2026-12-02: 6, 12 and 25 give the same dev swaps to within 2 and
#: real-pair substitutions 4,025 / 4,021 / 4,013.
MOVE_WINDOW = 12

#: A spun form is an ``artifact`` (not normal English) when it never occurs in
#: any original text of the pairs and either has a word wordfreq does not know
#: or is at least this many nats per word less likely than its original under
#: respin's bigram model. Measured 2026-12-02 on the shipped lexicon's
#: hand-set flags (2,358 rows without names or slots), the log-ratio alone at
#: -6 marks 114 of 426 artifacts and 24 of 1,932 ambiguous rows (most of those,
#: "legal guideline", "court docket", are arguably artifacts too); at -4, 206
#: artifacts and 245 ambiguous rows. When in doubt a row is ambiguous, because
#: an artifact row applies even in clean-looking text.
ARTIFACT_LOG_RATIO = -6.0

#: A ``min_rate`` worth trying (not the default: the counts are written either
#: way, and a scorer that uses them can weigh low rates itself). A spun form
#: that authors write themselves far more often than the spinner produces it
#: ("on", "in", "may") matches everywhere; an original the spinner mostly
#: leaves alone ("in": spun as "within" 67 times, kept 270 times) adds many
#: untouched-original observations. Measured 2026-12-02, rows learned with
#: --exclude-known from all 69 mined real pairs, beside the lexicon of 2026-11 (F0.5 /
#: recall): shipped lexicon alone: seed 001 0.884 / 0.780, dev 0.815 / 0.539,
#: heldout 0.780 / 0.519; all learned rows: 0.740 / 0.483, 0.773 / 0.467,
#: 0.765 / 0.480; min_rate 0.5: 0.836 / 0.761, 0.813 / 0.587, 0.814 / 0.608
#: (precision 0.857, 0.900, 0.889). Clean texts: 0 changes with 0.5 (one
#: "during" -> "in" in a clean article with all rows). The spun-form test
#: alone gave the same recall and one clean change; the original test alone,
#: heldout 0.786 / 0.493.
SUGGESTED_MIN_RATE = 0.5

#: Words whose exchange says nothing about the thesaurus ("a" for "the").
FUNCTION_WORDS = frozenset(
    "a an the this that these those and or but nor to of its it their his her our your "
    "my we they he she i you".split())

#: Titles before a person's name: a capitalised word swapped after one is a
#: different person (changed facts), not the spinner's thesaurus.
TITLES = frozenset(
    "mr mrs ms dr sen senator rep representative gov governor president mayor judge justice "
    "secretary minister chancellor prime king queen prince princess gen general col capt "
    "coach officer detective sheriff chief speaker leader pope rev bishop professor prof "
    "sir lord lady dame".split())

#: Why an observed difference was not counted as a substitution.
DROP_REASONS = {
    "punctuation": "a side is punctuation, or has a clitic ('s, n't) or a line break",
    "number": "a number changed (facts differ)",
    "numeral": "the spinner's numeral artifact (five,653 for 5,653): a built-in rule covers it",
    "name": "a capitalised name changed (facts differ), or only one side is capitalised",
    "function words": "only articles, pronouns or conjunctions changed",
    "deleted": "the spun text lacks words the original has (an edit, not a swap)",
    "moved": "the words occur nearby on the other side (reordered, not swapped)",
    "misaligned": "too few equal tokens around it: the texts are not really aligned there",
    "too long": "a side has more than MAX_WORDS words",
    "unanchored": "outside an aligned window (before the first or after the last anchor)",
}

#: The harness's token regex, so learned spans and the gold written with
#: ``--ann`` fall on the tokens the harness scores.
TOKEN = REFEREE_TOKEN
_FOLD = str.maketrans({"“": '"', "”": '"', "„": '"', "‟": '"', "″": '"', "«": '"', "»": '"',
                       "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "–": "—"})
_SENTENCE_END = frozenset('.!?:;"(')
_NUMBER_WORDS = frozenset(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy "
    "eighty ninety hundred thousand million billion trillion".split())


class LearnError(InputError):
    """Bad input for :func:`learn`: a missing file, an unpaired spun file, a bad JSONL line.

    A ``ValueError``; ``path`` and ``line`` name the file and line when there is one
    (files are read by :mod:`respin._pairs`, the benchmark harness's reader too).
    """


@dataclass(frozen=True, slots=True)
class Pair:
    """A spun text and the original it was made from."""

    id: str
    spun: str
    original: str
    origin: str = ""


@dataclass(frozen=True, slots=True)
class Substitution:
    """One observed swap: spun tokens ``[start, end)`` (chars in the spun text) for ``original``."""

    spun: str
    original: str
    name: bool
    start: int
    end: int


@dataclass(slots=True)
class PairReport:
    """What one pair gave: aligned words, substitutions, dropped differences, gold text."""

    id: str
    aligned_words: int = 0
    substitutions: list[Substitution] = field(default_factory=list)
    dropped: Counter = field(default_factory=Counter)
    #: differences in aligned text that were not learned (names, numbers,
    #: unanchored or misaligned stretches): the gold marks them optional
    optional: list[Substitution] = field(default_factory=list)
    ann: str | None = None   # gold form ([[spun=>original]]) of the aligned lines, or None
    #: swaps marked in the gold but not learned as rows (the numeral artifact "five,653")
    gold_only: list[Substitution] = field(default_factory=list, repr=False)


@dataclass(slots=True)
class Learned:
    """The result of :func:`learn`: rows, counts and per-pair reports."""

    entries: tuple[Entry, ...]
    pairs: list[PairReport]
    known: int                     # learned spun forms the reference lexicon already has
    known_new_original: int        # ... of which the pairs suggest an original it lacks
    excluded: int                  # rows left out by exclude_known
    below_min_count: int           # spun forms seen fewer than min_count times
    provenance: dict[str, tuple[str, ...]] = field(default_factory=dict)  # id -> pair ids
    below_min_rate: int = 0        # originals left out by min_rate

    @property
    def aligned_words(self) -> int:
        return sum(p.aligned_words for p in self.pairs)

    @property
    def substitutions(self) -> int:
        return sum(len(p.substitutions) for p in self.pairs)

    def dropped(self) -> Counter:
        total: Counter = Counter()
        for p in self.pairs:
            total.update(p.dropped)
        return total

    def lexicon(self) -> Lexicon:
        """The rows as a :class:`~respin.Lexicon` (for use without writing a file)."""
        return build_lexicon(self.entries)

    def tsv(self) -> str:
        """The rows as a lexicon file, each preceded by a comment naming its pairs."""
        out = [FORMAT_HEADER,
               "# Learned by respin learn from spun/original pairs; counts: n = times seen replacing",
               "# each original, kept = times each original was seen unchanged in aligned text,",
               "# own = times the spun form itself was seen unchanged (the author's word).",
               "# id\tspun\toriginal\tsource\tflags\tcounts"]
        for e in self.entries:
            ids = self.provenance.get(e.id, ())
            out.append(f"# pairs: {', '.join(ids)}")
            out.append(format_row(e))
        return "\n".join(out) + "\n"

    def write(self, path: str | Path) -> None:
        """Write :meth:`tsv` to ``path`` as respin writes every output
        (:mod:`respin._output`: the old content survives a failure; links,
        devices, mode and owner are kept; new files follow the umask)."""
        from . import _output

        with _output.transaction() as tx:
            tx.open(str(path)).write(self.tsv())

    def summary(self) -> str:
        """A few lines for people: pairs, aligned words, substitutions, rows.

        "new rows" are rows whose spun form the reference lexicon lacks;
        "rows already known" are spun forms it has (written too, unless
        ``exclude_known``).
        """
        dropped = self.dropped()
        lines = [
            f"pairs: {len(self.pairs)}",
            f"aligned words: {self.aligned_words}",
            f"substitutions: {self.substitutions}",
            f"new rows: {len(self.entries) - (self.known - self.excluded)}",
            f"rows already known: {self.known} ({self.known_new_original} with an original the "
            f"lexicon lacks; {'left out' if self.excluded else 'written'})",
            f"rows written: {len(self.entries)}",
        ]
        if self.below_min_count:
            lines.append(f"left out below --min-count: {self.below_min_count}")
        if self.below_min_rate:
            lines.append(f"spun/original pairs left out below --min-rate: {self.below_min_rate}")
        if dropped:
            lines.append("differences dropped: "
                         + ", ".join(f"{k} {v}" for k, v in dropped.most_common()))
        return "\n".join(lines)


# --------------------------------------------------------------------------- reading pairs

def _read_dir(root: Path) -> Iterator[Pair]:
    spun: dict[str, Path] = {}
    orig: dict[str, Path] = {}
    for p in walk(root):
        rel = p.relative_to(root).as_posix()
        if is_spun(p):
            spun[rel[: -len(SPUN)]] = p
        elif is_original(p):
            orig[rel[: -len(ORIG)]] = p
    originals = {stem: original_of(spun[stem], LearnError) for stem in sorted(spun)}
    lone = sorted(orig.keys() - spun.keys())
    if lone:
        raise LearnError(str(orig[lone[0]]), None,
                         f"no spun text {Path(lone[0]).name}{SPUN} next to it")
    if not spun:
        raise LearnError(str(root), None, f"no NAME{SPUN} + NAME{ORIG} pairs in this directory")
    for stem in sorted(spun):
        yield Pair(stem, read_text(spun[stem], LearnError),
                   read_text(originals[stem], LearnError), str(spun[stem]))


def _read_jsonl(path: Path) -> Iterator[Pair]:
    for n, rec, rid in jsonl_records(path, LearnError, ("spun", "original")):
        for key in ("spun", "original"):
            if key not in rec:
                raise LearnError(str(path), n, f"record has no {key!r} field")
        yield Pair(rid, rec["spun"], rec["original"], f"{path}:{n}")


def read_pairs(sources: Iterable[str | Path | Pair | tuple[str, str, str]]) -> list[Pair]:
    """Pairs from directories (``NAME.spun.txt`` + ``NAME.orig.txt``, searched
    recursively; other files are ignored), JSONL files (``spun``, ``original``,
    optional ``id``), :class:`Pair` objects or ``(id, spun, original)`` tuples.
    Raises :class:`LearnError` with a one-line reason; pair ids must be unique.
    """
    pairs: list[Pair] = []
    for src in sources:
        if isinstance(src, Pair):
            pairs.append(src)
        elif isinstance(src, tuple):
            if len(src) != 3 or not all(isinstance(x, str) for x in src):
                raise LearnError(None, None,
                                 "a pair given in code must be (id, spun, original), all strings")
            pairs.append(Pair(*src))
        else:
            path = Path(src)
            if path.is_dir():
                pairs.extend(_read_dir(path))
            elif not path.exists():
                raise LearnError(None, None, f"cannot read {path}: no such file or directory")
            elif path.name.endswith(".jsonl"):
                pairs.extend(_read_jsonl(path))
            elif is_spun(path):
                orig = original_of(path, LearnError)
                pairs.append(Pair(path.name[: -len(SPUN)], read_text(path, LearnError),
                                  read_text(orig, LearnError), str(path)))
            else:
                raise LearnError(str(path), None, f"expected a directory of NAME{SPUN} + "
                                 f"NAME{ORIG}, a NAME{SPUN} file or a .jsonl file")
    seen: dict[str, Pair] = {}
    for p in pairs:
        if p.id in seen:
            raise LearnError(None, None, f"duplicate pair id {p.id!r} "
                             f"({seen[p.id].origin or 'code'} and {p.origin or 'code'})")
        seen[p.id] = p
    return pairs


# --------------------------------------------------------------------------- alignment

class _Side:
    """One text's tokens: match objects, comparison keys, sentence starts."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.m = list(TOKEN.finditer(text))
        self.raw = [m.group() for m in self.m]
        self.key = [t.translate(_FOLD).lower() for t in self.raw]
        self.initial = [self._initial(i) for i in range(len(self.m))]
        self.title = self._title_lines()

    def _title_lines(self) -> list[bool]:
        """Per token: in a line whose longer words are mostly capitalised (a headline),
        where capitals say nothing about names."""
        flags = [False] * len(self.m)
        pos = 0
        k = 0
        for line in self.text.splitlines(keepends=True):
            end = pos + len(line)
            first = k
            while k < len(self.m) and self.m[k].start() < end:
                k += 1
            long = [t for t in self.raw[first:k] if len(t) > 3 and t[:1].isalpha()]
            if len(long) >= 3 and sum(_capitalised(t) for t in long) >= 0.7 * len(long):
                flags[first:k] = [True] * (k - first)
            pos = end
        return flags

    def _initial(self, i: int) -> bool:
        """Whether token ``i`` starts a sentence, a line or a quotation."""
        if i == 0:
            return True
        prev = self.key[i - 1]
        return prev in _SENTENCE_END or "\n" in self.text[self.m[i - 1].end():self.m[i].start()]

    def span(self, i: int, j: int) -> str:
        return self.text[self.m[i].start():self.m[j - 1].end()]


def _is_word(tok: str) -> bool:
    return tok[:1].isalnum() or tok[:1] == "_"


def _big(op: tuple[str, int, int, int, int]) -> bool:
    """A difference too big to be a substitution."""
    tag, i1, i2, j1, j2 = op
    return tag != "equal" and max(i2 - i1, j2 - j1) > (MAX_RUN if tag == "replace" else MAX_WORDS)


def _windows(ops: list[tuple[str, int, int, int, int]]) -> list[tuple[int, int]]:
    """Index ranges ``[a, b)`` into ``ops`` of aligned windows: runs of small
    differences, from the first equal run of ``ANCHOR`` tokens to the last.

    A big replacement (different text on both sides) ends a window; a big
    insertion or deletion (a paragraph one side lacks) does not, as the texts
    are in step on both sides of it. The start (end) of both texts also
    anchors a window that reaches it: the two texts begin (end) at the same
    place, give or take a substitution.
    """
    out = []
    start = 0
    for k in range(len(ops) + 1):
        if k < len(ops) and not (_big(ops[k]) and ops[k][0] == "replace"):
            continue
        anchors = [m for m in range(start, k) if ops[m][0] == "equal" and ops[m][2] - ops[m][1] >= ANCHOR]
        if anchors:
            out.append((0 if start == 0 else anchors[0],
                        len(ops) if k == len(ops) else anchors[-1] + 1))
        start = k + 1
    return out


def _segment(s_key: list[str], o_key: list[str], known: set) -> list[tuple[int, int, int, int]] | None:
    """Split a replaced stretch into substitutions, as offsets ``(a, b, c, d)``
    into ``s_key`` / ``o_key``; ``None`` to keep it whole.

    Pieces are 1-MAX_WORDS tokens a side. A piece that is a known pair (a
    reference lexicon row, or a swap seen alone elsewhere in the pairs) scores
    3, an unknown word-for-word piece 1, anything else 0; the best total wins.
    "home with out counting" / "house without relying" becomes home/house,
    with out/without, counting/relying. Without a known piece an equal-length
    stretch is split word for word and an unequal one kept whole.
    """
    n, m = len(s_key), len(o_key)
    NEG = float("-inf")
    best = [[NEG] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int, bool] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    for a in range(n + 1):
        for c in range(m + 1):
            if best[a][c] == NEG:
                continue
            for da in range(1, min(MAX_WORDS, n - a) + 1):
                for dc in range(1, min(MAX_WORDS, m - c) + 1):
                    hit = (tuple(s_key[a:a + da]), tuple(o_key[c:c + dc])) in known
                    score = best[a][c] + (3 if hit else 1 if da == dc == 1 else 0)
                    if score > best[a + da][c + dc]:
                        best[a + da][c + dc] = score
                        back[a + da][c + dc] = (da, dc, hit)
    if best[n][m] == NEG:
        return None
    pieces, any_known = [], False
    a, c = n, m
    while a or c:
        da, dc, hit = back[a][c]
        any_known |= hit
        pieces.append((a - da, a, c - dc, c))
        a, c = a - da, c - dc
    pieces.reverse()
    if not any_known and n != m:
        return None
    return pieces


def _merge_ops(ops: list, S: _Side, O: _Side) -> list:
    """Fold an equal run shorter than ANCHOR into a big difference it touches
    on the same line: inside a paragraph one side lacks, difflib matches stray
    "the" and commas against the other side. A run across a line break from
    the big difference ("month ." before a missing paragraph) is kept."""
    def joined(x: tuple, y: tuple) -> bool:   # no line break between op x and the next op y
        for side, a, b in ((S, x[2], y[1]), (O, x[4], y[3])):
            if 0 < a < len(side.m) and a == b and x[1 if side is S else 3] < a:
                return "\n" not in side.text[side.m[a - 1].end():side.m[a].start()]
        return True

    out: list = []
    for op in ops:
        out.append(op)
        while len(out) >= 3 and out[-2][0] == "equal" and out[-2][2] - out[-2][1] < ANCHOR \
                and out[-1][0] != "equal" and out[-3][0] != "equal" \
                and ((_big(out[-3]) and joined(out[-3], out[-2]))
                     or (_big(out[-1]) and joined(out[-2], out[-1]))):
            x, _, y = out[-3:]
            i1, i2, j1, j2 = x[1], y[2], x[3], y[4]
            tag = "replace" if i2 > i1 and j2 > j1 else "delete" if i2 > i1 else "insert"
            out[-3:] = [(tag, i1, i2, j1, j2)]
    return out


def _line_starts(side: _Side, a: int, b: int) -> list[int]:
    """Token indexes in ``(a, b)`` that start a line."""
    return [k for k in range(a + 1, b) if "\n" in side.text[side.m[k - 1].end():side.m[k].start()]]


def _split_big(op: tuple, S: _Side, O: _Side) -> list:
    """Split a big difference whose other side is short at a line break: a
    paragraph one side lacks, plus a substitution next to it ("the laws" for
    "the legislation" right after a missing paragraph). The short part is
    aligned again; the rest stays one big difference."""
    tag, i1, i2, j1, j2 = op
    if not _big(op) or tag != "replace" or min(i2 - i1, j2 - j1) > MAX_RUN:
        return [op]
    spun_big = i2 - i1 > j2 - j1
    side, a, b = (S, i1, i2) if spun_big else (O, j1, j2)
    starts = _line_starts(side, a, b)
    short = (j2 - j1) if spun_big else (i2 - i1)
    for cut, tail in ((starts[-1] if starts else None, True), (starts[0] if starts else None, False)):
        if cut is None:
            continue
        part = (b - cut) if tail else (cut - a)
        if part > max(short, 1) + MAX_WORDS:
            continue
        if spun_big:
            big = ("delete", i1, cut, j1, j1) if tail else ("delete", cut, i2, j2, j2)
            si1, si2 = (cut, i2) if tail else (i1, cut)
            oj1, oj2 = j1, j2
        else:
            big = ("insert", i1, i1, j1, cut) if tail else ("insert", i2, i2, cut, j2)
            si1, si2 = i1, i2
            oj1, oj2 = (cut, j2) if tail else (j1, cut)
        small = [(t, si1 + x1, si1 + x2, oj1 + y1, oj1 + y2) for t, x1, x2, y1, y2 in
                 difflib.SequenceMatcher(a=S.key[si1:si2], b=O.key[oj1:oj2], autojunk=False).get_opcodes()]
        return [big] + small if tail else small + [big]
    return [op]


class _Alignment:
    """Both sides of a pair tokenized and aligned, with the aligned windows."""

    def __init__(self, pair: Pair) -> None:
        S, O = self.S, self.O = _Side(pair.spun), _Side(pair.original)
        raw = difflib.SequenceMatcher(a=S.key, b=O.key, autojunk=False).get_opcodes()
        ops = self.ops = [x for op in _merge_ops(raw, S, O) for x in _split_big(op, S, O)]
        self.equal_s = [False] * len(S.key)
        self.equal_o = [False] * len(O.key)
        for tag, i1, i2, j1, j2 in ops:
            if tag == "equal":
                self.equal_s[i1:i2] = [True] * (i2 - i1)
                self.equal_o[j1:j2] = [True] * (j2 - j1)
        self.windows = _windows(ops)
        self.inside = [False] * len(S.key)     # spun tokens inside an aligned window
        self.in_window: set[int] = set()       # indexes of ops inside one
        for a, b in self.windows:
            for k in range(a, b):
                if not _big(ops[k]):
                    self.in_window.add(k)
                    i1, i2 = ops[k][1], ops[k][2]
                    self.inside[i1:i2] = [True] * (i2 - i1)


def _lexicon_pairs(lexicon: Lexicon) -> set[tuple[tuple[str, ...], tuple[str, ...]]]:
    """``(spun tokens, original tokens)`` of every row, lowercase, as :func:`_segment` wants."""
    return {(tuple(_keys(e.spun)), tuple(_keys(o))) for e in lexicon for o in e.originals}


def align_pair(pair: Pair, lm=None, alignment: _Alignment | None = None,
               known: set | frozenset | None = None,
               known_spun: set | frozenset | None = None) -> PairReport:
    """Align one pair and extract its substitutions (see the module docstring).

    ``known``: pairs of lowercase token tuples ``(spun, original)`` that guide
    how a replaced stretch is split (see :func:`_segment`); default: the
    shipped lexicon's rows. ``known_spun``: their spun forms (computed from
    ``known`` if not given; :func:`learn` keeps it beside ``known``).
    """
    from .scoring import context_model

    lm = lm or context_model()
    if known is None:
        known = _lexicon_pairs(default_lexicon())
    if known_spun is None:
        known_spun = {s for s, _ in known}
    al = alignment or _Alignment(pair)
    S, O, ops = al.S, al.O, al.ops
    equal_s, equal_o, inside, in_window = al.equal_s, al.equal_o, al.inside, al.in_window
    report = PairReport(pair.id)
    report.aligned_words = sum(1 for i, tok in enumerate(S.raw) if inside[i] and _is_word(tok))

    def unsure(i1: int, i2: int, j1: int, j2: int) -> None:
        if i1 < i2 and j1 < j2:
            report.optional.append(Substitution(S.span(i1, i2), O.span(j1, j2), False,
                                                S.m[i1].start(), S.m[i2 - 1].end()))

    for k, (tag, i1, i2, j1, j2) in enumerate(ops):
        if tag == "equal":
            continue
        if _big(ops[k]):
            continue   # text one side lacks: not a difference of wording
        if k not in in_window:
            report.dropped["unanchored"] += 1
            unsure(i1, i2, j1, j2)
            continue
        if tag == "replace" and min(i2 - i1, j2 - j1) > 1:
            split = _segment(S.key[i1:i2], O.key[j1:j2], known)
            pieces = ([(i1 + a, i1 + b, j1 + c, j1 + d) for a, b, c, d in split]
                      if split else [(i1, i2, j1, j2)])
        elif tag == "delete":   # spun has words the original lacks: the spinner inserted them
            # widen by the neighbour the inserted words read with: "federal" +
            # "government" (right), "court" + "docket" (left), by the bigram model
            right = i2 < len(S.key) and j2 < len(O.key) and equal_s[i2] and _is_word(S.raw[i2])
            left = i1 > 0 and j1 > 0 and equal_s[i1 - 1] and _is_word(S.raw[i1 - 1])
            if left and right:
                right = (lm.logp(S.key[i2 - 1], S.key[i2])
                         >= lm.logp(S.key[i1 - 1], S.key[i1]))
            if right:
                pieces = [(i1, i2 + 1, j1, j2 + 1)]
            elif left:
                pieces = [(i1 - 1, i2, j1 - 1, j2)]
            else:
                pieces = []
            if all(t in FUNCTION_WORDS for t in S.key[i1:i2]):
                # an inserted "a" or "the" is not learned (too often an editor's), but
                # taking it out restores the original: the gold accepts both ("as a part
                # of" for "as part of" was a wrong edit in the gold before)
                report.dropped["function words"] += 1
                if pieces:
                    unsure(*pieces[0])
                continue
            if not pieces:
                report.dropped["punctuation"] += 1
                continue
        elif tag == "insert":
            report.dropped["deleted"] += 1
            continue
        else:
            pieces = [(i1, i2, j1, j2)]
        pieces = [_widen(S, O, piece, known, equal_s, known_spun) for piece in pieces]
        article = None
        for piece in pieces:
            if {S.key[piece[0]], O.key[piece[2]]} <= {"a", "an"} and piece[1] - piece[0] == 1 \
                    and piece[3] - piece[2] == 1 and S.key[piece[0]] != O.key[piece[2]]:
                article = piece   # "an invoice" for "a bill": the article goes with the word
                continue
            reason, sub = _judge(S, O, *piece, equal_s, equal_o, lm)
            if reason == "numeral":   # not a row (a built-in rule), but a gold span
                report.gold_only.append(Substitution(
                    S.span(piece[0], piece[1]), O.span(piece[2], piece[3]), False,
                    S.m[piece[0]].start(), S.m[piece[1] - 1].end()))
            if sub is None:
                report.dropped[reason] += 1
                unsure(*piece)
            elif article is not None and article[1] == piece[0] and not sub.name:
                # one row "an invoice" -> "a bill", as the shipped lexicon writes
                # "a chance" -> "an opportunity": respin's language model then
                # compares "a bill that" with "an invoice that", not "an bill"
                report.substitutions.append(Substitution(
                    f"{S.raw[article[0]].lower()} {sub.spun}", f"{O.raw[article[2]].lower()} {sub.original}",
                    False, S.m[article[0]].start(), sub.end))
            else:
                report.substitutions.append(sub)
            article = None
        if article is not None:
            report.dropped["function words"] += 1
            unsure(*article)
    return report


def _widen(S: _Side, O: _Side, piece: tuple[int, int, int, int], known,
           equal_s: list[bool], known_spun: frozenset | set = frozenset()) -> tuple[int, int, int, int]:
    """``piece`` widened over up to two unchanged words a side when that makes
    it a known pair: "many" / "the" between "one of" and a noun is the row
    "one of many" -> "one of the", not a row "many" -> "the". Failing that, a
    piece whose spun words are no known spun form is widened to one that is
    (``known_spun``): "number of" / "few" inside "a number of" is the spinner's
    phrase "a number of" -> "a few", not a row "number of" -> "few" (which
    turned "a number of" into "a few" where the original said "several")."""
    i1, i2, j1, j2 = piece
    if (tuple(S.key[i1:i2]), tuple(O.key[j1:j2])) in known:
        return piece
    found = _widened(S, O, piece, equal_s, lambda s, o: (s, o) in known)
    if found is None and known_spun and tuple(S.key[i1:i2]) not in known_spun:
        found = _widened(S, O, piece, equal_s, lambda s, o: s in known_spun)
    return piece if found is None else found


def _widened(S: _Side, O: _Side, piece: tuple[int, int, int, int], equal_s: list[bool],
             accept) -> tuple[int, int, int, int] | None:
    """The narrowest widening of ``piece`` over unchanged words that ``accept``s, or None."""
    i1, i2, j1, j2 = piece
    for width in (1, 2, 3, 4):
        for left in range(width + 1):
            right = width - left
            a, b, c, d = i1 - left, i2 + right, j1 - left, j2 + right
            if a < 0 or c < 0 or b > len(S.key) or d > len(O.key) or b - a > MAX_WORDS \
                    or d - c > MAX_WORDS:
                continue
            if S.key[a:i1] != O.key[c:j1] or S.key[i2:b] != O.key[j2:d] \
                    or not all(equal_s[a:i1]) or not all(equal_s[i2:b]):
                continue
            if accept(tuple(S.key[a:b]), tuple(O.key[c:d])):
                return a, b, c, d
    return None


def _clitic_after(side: _Side, k: int) -> bool:
    """Whether token ``k`` is "n't"'s "'t" glued to the token before it ("didn" + "'t"),
    which makes that token a fragment; a possessive "'s" leaves a whole word."""
    return (0 < k < len(side.raw) and side.key[k] == "'t"
            and side.m[k - 1].end() == side.m[k].start())


def _density(equal: list[bool], a: int, b: int) -> float:
    around = equal[max(a - DENSITY_WINDOW, 0):a] + equal[b:b + DENSITY_WINDOW]
    return sum(around) / len(around) if around else 0.0


def _near(keys: list[str], phrase: list[str], center: int) -> bool:
    n = len(phrase)
    lo, hi = max(center - MOVE_WINDOW, 0), min(center + MOVE_WINDOW, len(keys) - n + 1)
    return any(keys[k:k + n] == phrase for k in range(lo, hi))


def _capitalised(tok: str) -> bool:
    return tok[:1].isupper()


def _judge(S: _Side, O: _Side, i1: int, i2: int, j1: int, j2: int,
           equal_s: list[bool], equal_o: list[bool], lm) -> tuple[str, Substitution | None]:
    """Why the difference ``S[i1:i2]`` / ``O[j1:j2]`` is not a swap, or the swap."""
    s_raw, o_raw = S.raw[i1:i2], O.raw[j1:j2]
    s_key, o_key = S.key[i1:i2], O.key[j1:j2]
    if s_key == o_key:
        return "punctuation", None
    if _clitic_after(S, i2) or _clitic_after(O, j2):
        return "punctuation", None   # "didn" of "didn't" for "did" of "did not"
    toks = s_raw + o_raw
    if (not all(_is_word(t) for t in toks) or "\n" in S.span(i1, i2) or "\n" in O.span(j1, j2)):
        return "punctuation", None
    if any(any(ch.isdigit() for ch in t) for t in toks):
        spelled = [t for t in s_key if t in _NUMBER_WORDS]
        if spelled and any(t[:1].isdigit() for t in o_key):
            return "numeral", None
        return "number", None
    if sorted(t for t in s_key if t in _NUMBER_WORDS) != sorted(t for t in o_key if t in _NUMBER_WORDS):
        return "number", None   # "twenty" for "two": a fact differs ("one of many" keeps its "one")
    if len(s_raw) > MAX_WORDS or len(o_raw) > MAX_WORDS:
        return "too long", None
    if set(s_key) <= FUNCTION_WORDS and set(o_key) <= FUNCTION_WORDS:
        return "function words", None
    if min(_density(equal_s, i1, i2), _density(equal_o, j1, j2)) < MIN_DENSITY:
        return "misaligned", None
    if _near(O.key, s_key, j1) and _near(S.key, o_key, i1):
        return "moved", None
    # capitals: ordinary words capitalised only because they start a sentence
    # (or stand in a headline) are ordinary; anything else is a name, kept only
    # when both sides are capitalised common words ("White Home" for "White House")
    def cap(side: _Side, i: int) -> bool:
        t = side.raw[i]
        return _capitalised(t) and not side.title[i] and (t.isupper() or not side.initial[i])

    caps = [cap(S, i) for i in range(i1, i2)] + [cap(O, j) for j in range(j1, j2)]
    a, b = _capital_neighbours(S, i1, i2, equal_s)
    name = any(caps)
    if not name and b > i2 and _capitalised(s_raw[0]) and _capitalised(o_raw[0]):
        # "Home Republicans" at the start of a sentence: a name with the next word
        name = True
    if not name:
        return "", Substitution(" ".join(S.span(i1, i2).split()),
                                " ".join(O.span(j1, j2).split()), False,
                                S.m[i1].start(), S.m[i2 - 1].end())
    if not (all(_capitalised(t) for t in s_raw) and all(_capitalised(t) for t in o_raw)):
        return "name", None
    if any(t.isupper() and len(t) > 1 for t in toks):
        return "name", None   # acronyms
    if a < i1 and S.key[a].rstrip(".") in TITLES:
        return "name", None   # "Mayor Jones" for "Mayor Smith": another person
    if not all(lm.p(t.lower()) >= 1e-6 for t in toks):   # zipf 3: a common word
        return "name", None
    s_text = S.span(a, b)
    o_text = (S.span(a, i1) + " " if a < i1 else "") + O.span(j1, j2) + \
        (" " + S.span(i2, b) if b > i2 else "")
    return "", Substitution(" ".join(s_text.split()), " ".join(o_text.split()), True,
                            S.m[a].start(), S.m[b - 1].end())


def _capital_neighbours(S: _Side, i1: int, i2: int, equal_s: list[bool]) -> tuple[int, int]:
    """``[i1, i2)`` widened by one adjacent equal capitalised word, the one before
    it if there is one, so a name swap becomes a row for the name: "White Home",
    "Home Republicans". One word: wider rows pick up people's names ("Majority
    Chief John" on the mined pairs, 2026-12)."""
    def joinable(k: int) -> bool:
        t = S.raw[k]
        return (equal_s[k] and _is_word(t) and _capitalised(t) and not S.title[k]
                and t.lower() not in FUNCTION_WORDS)

    if i1 > 0 and joinable(i1 - 1) and "\n" not in S.text[S.m[i1 - 1].end():S.m[i1].start()]:
        return i1 - 1, i2
    if i2 < len(S.raw) and joinable(i2) and not S.initial[i2]:
        return i1, i2 + 1
    return i1, i2


# --------------------------------------------------------------------------- gold text

def _gold(pair: Pair, report: PairReport, al: _Alignment) -> str | None:
    """The spun text's aligned lines in gold format, each learned swap marked
    ``[[spun=>original]]``. Lines less than half inside aligned windows (text
    one side lacks) are left out, so a restorer is scored only where the
    original says what the right answer is. A difference that was not learned
    (a name, a number, a stretch the alignment could not split) is marked
    ``[[spun=>spun|original]]``: leaving it is fine, and so is restoring it
    to what the original says; anything else is an error."""
    S, inside = al.S, al.inside
    subs = sorted(report.substitutions + report.gold_only, key=lambda s: s.start)
    taken = [(x.start, x.end) for x in subs]
    for x in report.optional:
        if not any(a < x.end and x.start < b for a, b in taken) and \
                "[" not in x.spun + x.original and "]" not in x.spun + x.original \
                and "|" not in x.original and "=>" not in x.spun + x.original \
                and "\n" not in x.spun + x.original and x.original.strip():
            subs.append(x)
            taken.append((x.start, x.end))
    subs.sort(key=lambda s: s.start)
    optional = {id(x) for x in report.optional}
    out: list[str] = []
    pos, k = 0, 0
    words = [(m.start(), inside[i]) for i, m in enumerate(S.m) if _is_word(S.raw[i])]
    w = 0
    for line in pair.spun.splitlines(keepends=True):
        end = pos + len(line)
        total = hits = 0
        while w < len(words) and words[w][0] < end:
            total += 1
            hits += words[w][1]
            w += 1
        mine = []
        while k < len(subs) and subs[k].start < end:
            mine.append(subs[k])
            k += 1
        if hits * 2 >= total:   # lines without words (blank lines) are kept
            parts, p = [], pos
            for s in mine:
                parts.append(pair.spun[p:s.start])
                here = pair.spun[s.start:s.end]
                parts.append(f"[[{here}=>{here}|{s.original}]]" if id(s) in optional
                             else f"[[{here}=>{s.original}]]")
                p = s.end
            parts.append(pair.spun[p:end])
            out.append("".join(parts))
        pos = end
    text = "".join(out)
    return text if text.strip() else None


# --------------------------------------------------------------------------- learning

def _flag_artifact(spun: str, originals: Sequence[str], seen_in_originals: bool, lm) -> bool:
    """Whether a learned spun form is an artifact (see :data:`ARTIFACT_LOG_RATIO`)."""
    from .scoring import lm_words

    if seen_in_originals:
        return False
    words = lm_words(spun.lower())
    if any(w is not None and lm.p(w) <= 1e-9 for w in words):
        return True
    real = [w for w in words if w is not None]
    if not real:
        return False
    ratio = (lm.logp_sequence(None, list(words))
             - lm.logp_sequence(None, list(lm_words(originals[0].lower())))) / len(real)
    return ratio < ARTIFACT_LOG_RATIO


def _check_options(min_count, min_rate, source, name=lambda option: option) -> None:
    """ValueError for a bad option; ``name`` spells it (the CLI: ``--min-count``)."""
    if isinstance(min_count, bool) or not isinstance(min_count, int) or min_count < 1:
        raise ValueError(f"{name('min_count')} must be >= 1 (an integer), not {min_count!r}")
    if isinstance(min_rate, bool) or not isinstance(min_rate, (int, float)) or not 0.0 <= min_rate <= 1.0:
        raise ValueError(f"{name('min_rate')} must be from 0 to 1, not {min_rate!r}")
    if not isinstance(source, str) or not source or any(ch.isspace() for ch in source):
        raise ValueError(f"{name('source')} must be an id without spaces, not {source!r}")


def learn(pairs: Iterable[str | Path | Pair | tuple[str, str, str]], *, min_count: int = 1,
          min_rate: float = 0.0, source: str = "learned", exclude_known: bool = False,
          lexicon: Lexicon | None = None, ann_dir: str | Path | None = None) -> Learned:
    """Learn lexicon rows from spun/original pairs.

    ``pairs``: directories, JSONL files, :class:`Pair` objects or
    ``(id, spun, original)`` tuples (see :func:`read_pairs`). A spun form seen
    fewer than ``min_count`` times is left out. ``min_rate`` (see
    :data:`SUGGESTED_MIN_RATE`) leaves out a spun form ``w`` seen unchanged
    (written by the author) ``u`` times when ``n / (n + u) < min_rate``, and
    an original ``o`` of it when ``n_o / (n_o + kept_o) < min_rate``: where
    the pairs show ``w`` mostly as the author's own word, or ``o`` mostly
    left alone. Rows whose spun form the
    reference ``lexicon`` (default: the shipped one) already defines are
    counted as known; ``exclude_known`` leaves them out, so the result loads
    beside that lexicon (``respin --lexicon learned.tsv``); without it the
    result is a complete lexicon of what the pairs show (use it with
    ``--no-default-lexicon``). ``ann_dir``: write ``ID.ann.txt``, the gold
    form of each pair, for the benchmark harness.
    """
    from .scoring import context_model

    _check_options(min_count, min_rate, source)
    pair_list = read_pairs(pairs)
    if not pair_list:
        raise LearnError(None, None, "no pairs given")
    lm = context_model()
    reference = default_lexicon() if lexicon is None else lexicon
    alignments = [_Alignment(p) for p in pair_list]
    # first pass: swaps that stand alone; with the reference rows they guide
    # how longer replaced stretches are split in the second pass
    known = _lexicon_pairs(reference)
    known_spun = {s for s, _ in known}
    for p, al in zip(pair_list, alignments):
        for s in align_pair(p, lm, al, known, known_spun).substitutions:
            spun_keys, orig_keys = tuple(_keys(s.spun)), tuple(_keys(s.original))
            if len(spun_keys) <= 2 and len(orig_keys) <= 2:
                known.add((spun_keys, orig_keys))
                known_spun.add(spun_keys)
    reports = [align_pair(p, lm, al, known, known_spun) for p, al in zip(pair_list, alignments)]

    # spun form -> original -> count, and the pairs each spun form came from
    seen: dict[tuple[str, bool], Counter] = defaultdict(Counter)
    where: dict[tuple[str, bool], list[str]] = defaultdict(list)
    for report in reports:
        for s in report.substitutions:
            key = (s.spun if s.name else s.spun.lower(), s.name)
            seen[key][s.original if s.name else s.original.lower()] += 1
            if report.id not in where[key]:
                where[key].append(report.id)

    # kept: each original's unchanged occurrences in aligned text; and every
    # n-gram of the original texts, to tell natural spun forms from artifacts
    kept_counts, orig_ngrams = _ngram_counts(alignments, seen)
    def rate(o: str, n: int, name: bool) -> float:
        """How often the spinner wrote this spun form where the original had ``o``,
        against how often it left ``o`` alone."""
        return n / (n + kept_counts.get((tuple(_keys(o)), name), 0))

    rows = []
    below = known = known_new = excluded = low_rate = 0
    for (spun, name), originals in sorted(seen.items(), key=lambda kv: (-sum(kv[1].values()), kv[0])):
        total = sum(originals.values())
        if total < min_count:
            below += 1
            continue
        ranked = sorted(originals.items(), key=lambda kv: (-kv[1], kv[0]))
        ranked = [(o, c) for o, c in ranked if o.lower() != spun.lower()]
        unchanged_here = kept_counts.get((tuple(_keys(spun)), name), 0)
        if total / (total + unchanged_here) < min_rate:
            low_rate += len(ranked)   # authors write this spun form more often than the spinner
            continue
        low = [(o, c) for o, c in ranked if rate(o, c, name) < min_rate]
        if low:
            low_rate += len(low)
            ranked = [x for x in ranked if x not in low]
        if not ranked:
            continue
        existing = [e for e in reference.index.get(phrase_key(spun, keep_case=name), ())
                    if e.name == name]
        if existing:
            known += 1
            have = {o.lower() for e in existing for o in e.originals}
            known_new += any(o.lower() not in have for o, _ in ranked)
            if exclude_known:
                excluded += 1
                continue
        origs = tuple(o for o, _ in ranked)
        kept = tuple(kept_counts.get((tuple(_keys(o)), name), 0) for o in origs)
        own = unchanged_here
        artifact = _flag_artifact(spun, origs, tuple(_keys(spun)) in orig_ngrams, lm)
        flags = {"artifact" if artifact else "ambiguous"}
        if len(spun.split()) > 1:
            flags.add("multiword")
        if name:
            flags.add("name")
        if existing:  # loads beside the reference, adding these counts to its row
            flags.add("refine")
        rows.append((spun, origs, tuple(c for _, c in ranked), kept, own, frozenset(flags),
                     where[(spun, name)]))
    # an artifact's spun form is never what a source said (the loader refuses
    # it as an original): drop such originals
    artifacts = {phrase_key(e.spun, keep_case=e.name) for e in reference if e.artifact}
    artifacts |= {phrase_key(r[0], keep_case="name" in r[5]) for r in rows if "artifact" in r[5]}
    kept_rows = []
    for spun, origs, counts, kept, own, flags, ids in rows:
        keep = [k for k, o in enumerate(origs)
                if phrase_key(o, keep_case=False) not in artifacts
                and phrase_key(o, keep_case=True) not in artifacts]
        if keep:
            kept_rows.append((spun, tuple(origs[k] for k in keep), tuple(counts[k] for k in keep),
                              tuple(kept[k] for k in keep), own, flags, ids))
    entries, provenance = [], {}
    for n, (spun, origs, counts, kept, own, flags, ids) in enumerate(kept_rows, 1):
        rule_id = f"learn/{n:04d}"
        entries.append(Entry(rule_id, spun, origs, source, flags, counts=counts, kept=kept,
                             own=own))
        provenance[rule_id] = tuple(ids)
    result = Learned(tuple(entries), reports, known, known_new, excluded, below, provenance,
                     low_rate)
    build_lexicon(result.entries)   # the rows must load: fail here, not in the user's run
    for pair, report, al in zip(pair_list, reports, alignments):
        report.ann = _gold(pair, report, al)
    if ann_dir is not None:
        _write_ann(Path(ann_dir), result.pairs)
    return result


def _keys(text: str) -> list[str]:
    return [t.translate(_FOLD).lower() for t in TOKEN.findall(text)]


def _ngram_counts(alignments: list[_Alignment], seen: dict) -> tuple[dict, set]:
    """(``{(tokens, name): unchanged count}`` for every original and spun form,
    spun forms found anywhere in the original texts)."""
    wanted: dict[tuple[str, ...], set[bool]] = defaultdict(set)
    for (spun, name), originals in seen.items():
        wanted[tuple(_keys(spun))].add(name)
        for o in originals:
            wanted[tuple(_keys(o))].add(name)
    spun_wanted = {tuple(_keys(spun)) for spun, _ in seen}
    lengths = sorted({len(k) for k in wanted})
    kept: Counter = Counter()
    found: set[tuple[str, ...]] = set()
    for al in alignments:
        S, O, ops = al.S, al.O, al.ops
        for a, b in al.windows:
            for tag, i1, i2, _, _ in ops[a:b]:
                if tag != "equal":
                    continue
                run, raw = S.key[i1:i2], S.raw[i1:i2]
                for n in lengths:
                    for k in range(len(run) - n + 1):
                        gram = tuple(run[k:k + n])
                        names = wanted.get(gram)
                        if names:
                            if False in names:
                                kept[(gram, False)] += 1
                            if True in names and all(_capitalised(t) for t in raw[k:k + n]):
                                kept[(gram, True)] += 1
        for n in lengths:
            for k in range(len(O.key) - n + 1):
                gram = tuple(O.key[k:k + n])
                if gram in spun_wanted:
                    found.add(gram)
    return kept, found


_SAFE_ID = re.compile(r"[^\w.-]+")


def _write_ann(folder: Path, reports: list[PairReport]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for r in reports:
        if r.ann is None:
            continue
        name = _SAFE_ID.sub("_", r.id).strip("._") or "pair"
        (folder / f"{name}.ann.txt").write_text(r.ann, encoding="utf-8")


# --------------------------------------------------------------------------- command line

def _parser():
    from .cli import BAD_OPTION, _Fail, _Parser

    class Parser(_Parser):
        def error(self, message: str):  # type: ignore[override]
            raise _Fail(BAD_OPTION.format(message=message) + " (see respin learn --help)")

    ap = Parser(
        prog="respin learn",
        description="Learn lexicon rows (with counts) from spun/original pairs and write a "
                    "lexicon file that respin --lexicon accepts.",
        epilog="Example: respin learn pairs/ -o learned.tsv --exclude-known && "
               "respin --lexicon learned.tsv < spun.txt")
    ap.add_argument("pairs", nargs="+", metavar="PAIRS",
                    help="directories of NAME.spun.txt + NAME.orig.txt, NAME.spun.txt files, "
                         "or .jsonl files with 'spun' and 'original' fields (optional 'id')")
    ap.add_argument("-o", "--output", required=True, metavar="LEARNED.tsv",
                    help="lexicon file to write (- for stdout; the summary then goes to stderr)")
    ap.add_argument("--ann", metavar="DIR",
                    help="also write DIR/ID.ann.txt, the gold form of each pair, for respin-bench")
    ap.add_argument("--min-count", type=int, default=1, metavar="N",
                    help="leave out spun forms seen fewer than N times (default 1)")
    ap.add_argument("--min-rate", type=float, default=0.0, metavar="R",
                    help="leave out a spun form the pairs show mostly as the author's own "
                         "word (n / (n + times seen unchanged) < R), and an original mostly "
                         "left alone (n / (n + kept) < R); 0-1, default 0 (keep all), "
                         f"{SUGGESTED_MIN_RATE} measured best")
    ap.add_argument("--source", default="learned", metavar="ID",
                    help="source id written in each row (default: learned; see lexicons/SOURCES.md)")
    ap.add_argument("--exclude-known", action="store_true",
                    help="leave out spun forms the shipped lexicon already has, so the file "
                         "loads beside it")
    ap.add_argument("--lexicon", action="append", default=[], metavar="PATH",
                    help="reference lexicon file besides the shipped one (repeatable): its pairs "
                         "guide the alignment and count as known")
    ap.add_argument("--no-default-lexicon", action="store_true",
                    help="use only the --lexicon files as the reference")
    ap.set_defaults(quotes="auto", names="auto", threshold=None)  # the rest of what cli._config reads
    return ap


def main(argv: Sequence[str], stdout, stderr) -> int:
    """``respin learn ...``: returns the exit status (``respin.cli`` conventions:
    1 usage or input/output error, 2 bad option value)."""
    from . import _output
    from .cli import EXIT_CONFIG, EXIT_INPUT, EXIT_INTERRUPTED, EXIT_OK, _Fail

    try:
        args = _parser().parse_args(list(argv))
        try:  # checked before any work, in the CLI's spelling
            _check_options(args.min_count, args.min_rate, args.source,
                           lambda option: "--" + option.replace("_", "-"))
        except ValueError as exc:
            raise _Fail(f"respin error: {exc}", EXIT_CONFIG) from None
        out = None if args.output == "-" else Path(args.output)
        if out is not None and out.is_dir():
            raise _Fail(f"respin error: cannot write {out}: is a directory")
        reference = None
        if args.lexicon or args.no_default_lexicon:
            from .cli import _config

            if not args.lexicon:
                raise _Fail("respin error: --no-default-lexicon needs at least one --lexicon FILE",
                            EXIT_CONFIG)
            reference = _config(args).lexicon()  # a bad lexicon: its error and status
        try:
            result = learn(args.pairs, min_count=args.min_count, min_rate=args.min_rate,
                           source=args.source, exclude_known=args.exclude_known,
                           lexicon=reference, ann_dir=args.ann)
        except LearnError as exc:
            raise _Fail(f"respin error: {exc}") from None
        try:
            with _output.transaction(stdout) as tx:
                tx.open(args.output).write(result.tsv())
        except _output.OutputError as exc:
            raise _Fail(f"respin error: cannot write {exc}") from None
        if out is None:  # the lexicon went to stdout: the summary goes to stderr
            stderr.write(result.summary() + "\n")
        else:
            stdout.write(f"{result.summary()}\nwrote {out}\n".encode("utf-8"))
            stdout.flush()
        return EXIT_OK
    except _Fail as exc:
        print(str(exc), file=stderr)
        return exc.status
    except OSError as exc:
        print(f"respin error: {exc.strerror or exc}", file=stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("respin error: interrupted", file=stderr)
        return EXIT_INTERRUPTED
