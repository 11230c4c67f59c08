"""Evaluation corpora: annotated spun text, parallel pairs, clean text and JSONL.

Every reader produces :class:`Document` records. A spun document carries a
:class:`Gold`: the spun text a restorer reads, the preferred original text,
and the gold spans over the spun text's tokens. A clean document has no gold:
it is text that must come back unchanged.

The gold format is the one ``../shared/tools/referee.py`` reads: spun spans are
marked inline as ``[[spun=>original|alternative|...]]``. Any alternative counts
as correct, and listing the spun text itself makes leaving it alone acceptable.
:func:`parse_annotation` reproduces the referee's parse exactly (same regexes,
same prefix tokenization), so respin-bench and the referee score the same
spans; but unlike the referee it first checks the markup and raises
:class:`CorpusError` naming the file and line, because a missing ``]]`` that
silently swallows a paragraph would silently change every number.

>>> g = parse_annotation("Shares rose 3 [[p.c=>percent]] [[final=>last]] yr.")
>>> g.spun, g.gold
('Shares rose 3 p.c final yr.', 'Shares rose 3 percent last yr.')
>>> [(s.start, s.end, s.accepted, s.required) for s in g.spans]
[(3, 4, (('percent',),), True), (4, 5, (('last',),), True)]
>>> parse_annotation("a [[b=>c] d", origin="x.ann.txt")
Traceback (most recent call last):
...
respin.bench.corpora.CorpusError: x.ann.txt:1: unbalanced [[ at column 3: no ]] before the end of the line

Parallel pairs (a spun text and its original) are aligned word by word with
the same tokens and ``difflib`` settings the referee uses for outputs; each
differing word (or stretch, when the lengths differ) becomes a gold span
whose only accepted reading is the original's words:

>>> g = align_parallel("Profits rose 4 p.c final yr, with a purpose to grow.",
...                    "Profits rose 4 percent last year, in order to grow.")
>>> g.gold
'Profits rose 4 percent last year, in order to grow.'
>>> [(s.start, s.end, s.accepted[0]) for s in g.spans]
[(3, 4, ('percent',)), (4, 5, ('last',)), (5, 6, ('year',)), (7, 10, ('in', 'order'))]
"""
from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .._pairs import ORIG, SPUN, InputError, jsonl_records, original_of, read_text, walk
from ..tokens import REFEREE_TOKEN

__all__ = [
    "ANN",
    "Corpus",
    "TOKEN",
    "CorpusError",
    "Document",
    "Gold",
    "Span",
    "align_parallel",
    "check_annotation",
    "load_corpus",
    "parse_annotation",
    "read_annotated",
    "read_clean",
    "read_jsonl",
    "read_pair",
    "token_key",
    "tokens",
]

#: The referee's annotation and token regexes, copied verbatim: the metrics are
#: only comparable with ``referee.py`` if both split text the same way.
ANN = re.compile(r"\[\[(.+?)=>(.+?)\]\]", re.S)
TOKEN = REFEREE_TOKEN


class CorpusError(InputError):
    """A corpus file is malformed: names the file, the line and the reason.

    Files are read by :mod:`respin._pairs`, the reader ``respin learn`` uses
    too; its errors come as this class here.
    """


def tokens(text: str) -> list[str]:
    """The referee's tokens of ``text`` (words, numbers, single punctuation marks)."""
    return TOKEN.findall(text)


def token_key(text: str) -> str:
    """A comparison key for a phrase: lowercase referee tokens joined by spaces.

    >>> token_key("P.C,  Final")
    'p.c , final'
    """
    return " ".join(t.lower() for t in TOKEN.findall(text))


@dataclass(frozen=True, slots=True)
class Span:
    """One gold span over the spun text's tokens ``[start, end)``.

    ``accepted`` holds the lowercase token lists of every acceptable reading;
    ``required`` is False when the spun text itself is among them (an optional
    restoration: no TP for making it, no FN for leaving it).
    """

    start: int
    end: int
    accepted: tuple[tuple[str, ...], ...]
    required: bool


@dataclass(frozen=True, slots=True)
class Gold:
    """A spun text with its preferred original and the gold spans between them."""

    spun: str
    gold: str
    spans: tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class Document:
    """One evaluation document.

    ``text`` is what a restorer reads. ``gold`` is None for clean text, which
    must come back unchanged. ``origin`` says where the document came from
    (``path`` or ``path:line``) so reports and errors can point at it.
    """

    id: str
    text: str
    gold: Gold | None
    origin: str

    @property
    def is_spun(self) -> bool:
        return self.gold is not None


@dataclass(slots=True)
class Corpus:
    """Documents read from some paths, plus notes about what was skipped."""

    documents: list[Document] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- the gold format

_MARK = re.compile(r"\[\[|\]\]|=>|\n")


def _line_col(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos)
    col = pos - (text.rfind("\n", 0, pos) + 1)
    return line, col + 1


def check_annotation(ann: str, origin: str = "<string>", first_line: int = 1) -> None:
    """Raise :class:`CorpusError` unless every ``[[spun=>original]]`` is well formed.

    A marker must close on the line it opens, contain exactly one ``=>``, have
    words on the spun side and a non-empty original and alternatives; ``]]``
    without ``[[`` and nested ``[[`` are errors. ``first_line`` is the line
    number of the text's first line in its file (JSONL records start later).

    >>> check_annotation("ok [[a=>b|c]] fine")
    >>> check_annotation("x\\n[[a b]] y", origin="f.ann.txt")
    Traceback (most recent call last):
    ...
    respin.bench.corpora.CorpusError: f.ann.txt:2: missing => in [[a b]] at column 1
    """
    open_at: int | None = None
    arrows: list[int] = []

    def fail(pos: int, reason: str) -> CorpusError:
        line, col = _line_col(ann, pos)
        return CorpusError(origin, first_line + line, reason.format(col=col))

    for m in _MARK.finditer(ann):
        mark = m.group()
        if open_at is None:
            if mark == "]]":
                raise fail(m.start(), "]] without a matching [[ at column {col}")
            if mark == "[[":
                open_at, arrows = m.start(), []
            continue
        if mark == "\n":
            raise fail(open_at, "unbalanced [[ at column {col}: no ]] before the end of the line")
        if mark == "[[":
            raise fail(m.start(), "nested [[ at column {col} (the previous [[ is not closed)")
        if mark == "=>":
            arrows.append(m.start())
            continue
        body = ann[open_at + 2:m.start()]
        shown = ann[open_at:m.end()]
        if len(shown) > 60:
            shown = shown[:57] + "..."
        if not arrows:
            raise fail(open_at, f"missing => in {shown} at column {{col}}")
        if len(arrows) > 1:
            raise fail(open_at, f"more than one => in {shown} at column {{col}}")
        spun, _, originals = body.partition("=>")
        if not TOKEN.search(spun):
            raise fail(open_at, f"empty spun side in {shown} at column {{col}}")
        alts = originals.split("|")
        if any(not a.strip() for a in alts):
            raise fail(open_at, f"empty original or alternative in {shown} at column {{col}}")
        open_at = None
    if open_at is not None:
        raise fail(open_at, "unbalanced [[ at column {col}: no ]] before the end of the line")


def parse_annotation(ann: str, origin: str = "<string>", first_line: int = 1) -> Gold:
    """Check and parse gold-format text into a :class:`Gold`, exactly as the referee does.

    The token span of each marker is found by tokenizing the spun text up to
    it, as ``referee.parse`` does; reproducing that (rather than something
    cleverer) keeps the two scorers in agreement on every corpus.
    """
    check_annotation(ann, origin, first_line)
    spun_parts: list[str] = []
    gold_parts: list[str] = []
    spans: list[Span] = []
    pos = 0
    for m in ANN.finditer(ann):
        plain = ann[pos:m.start()]
        spun_parts.append(plain)
        gold_parts.append(plain)
        start = len(tokens("".join(spun_parts)))
        src, alts = m.group(1), m.group(2).split("|")
        spun_parts.append(src)
        gold_parts.append(alts[0])
        end = len(tokens("".join(spun_parts)))
        accepted = tuple(tuple(t.lower() for t in tokens(a)) for a in alts)
        required = tuple(t.lower() for t in tokens(src)) not in accepted
        spans.append(Span(start, end, accepted, required))
        pos = m.end()
    spun_parts.append(ann[pos:])
    gold_parts.append(ann[pos:])
    return Gold("".join(spun_parts), "".join(gold_parts), tuple(spans))


# --------------------------------------------------------------------------- parallel pairs

def align_parallel(spun: str, original: str, origin: str = "<string>") -> Gold:
    """Derive gold spans by aligning the word tokens of a spun text and its original.

    Tokens are compared lowercase with ``difflib.SequenceMatcher`` (no autojunk),
    the referee's own alignment. A replaced stretch of as many words as it
    replaces is split word by word (a spinner substitutes word for word, and
    an annotator marks each); one of a different length stays one span
    ("with a purpose to" for "in order to"). A pure insertion or deletion cannot be written
    as ``[[spun=>original]]`` (both sides must have words), so it is widened by
    one neighbouring, identical token: "because of the fact that" against
    "because" becomes one span ``because of the fact that => because``.
    Text between spans keeps the spun file's spacing, so the gold text equals
    the original token for token, not necessarily byte for byte.
    """
    st = list(TOKEN.finditer(spun))
    ot = list(TOKEN.finditer(original))
    S = [m.group().lower() for m in st]
    O = [m.group().lower() for m in ot]
    if not S and O:
        raise CorpusError(origin, None, "the spun text has no words but its original has")
    sm = difflib.SequenceMatcher(a=S, b=O, autojunk=False)
    ops: list[tuple[int, int, int, int]] = []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            continue
        if op == "replace" and i2 - i1 == j2 - j1 > 1:
            # word-for-word substitutions ("authorities stated" for "government said")
            # are separate spans, as a human annotator marks them
            ops.extend((i, i + 1, j, j + 1) for i, j in zip(range(i1, i2), range(j1, j2))
                       if S[i] != O[j])
        else:
            ops.append((i1, i2, j1, j2))
    chunks: list[list[int]] = []
    for i1, i2, j1, j2 in ops:
        if i1 == i2 or j1 == j2:
            if i1 > 0 and j1 > 0:
                i1, j1 = i1 - 1, j1 - 1
            elif i2 < len(S) and j2 < len(O):
                i2, j2 = i2 + 1, j2 + 1
            elif i1 == i2:
                raise CorpusError(origin, None, "the original has words but the spun text has none")
            else:
                raise CorpusError(origin, None, "the spun text has words but its original has none")
        if chunks and (i1 < chunks[-1][1] or j1 < chunks[-1][3]):
            chunks[-1][1] = max(chunks[-1][1], i2)
            chunks[-1][3] = max(chunks[-1][3], j2)
        else:
            chunks.append([i1, i2, j1, j2])
    gold_parts: list[str] = []
    spans: list[Span] = []
    pos = 0
    for i1, i2, j1, j2 in chunks:
        # replace from the end of the previous token, gap included, on both sides: the
        # original's spacing decides whether "it" + "will" is "it will" or "it'll"
        a = st[i1 - 1].end() if i1 > 0 else 0
        b = st[i2 - 1].end()
        oa = ot[j1 - 1].end() if j1 > 0 else 0
        gold_parts.append(spun[pos:a])
        gold_parts.append(original[oa:ot[j2 - 1].end()])
        spans.append(Span(i1, i2, (tuple(O[j1:j2]),), S[i1:i2] != O[j1:j2]))
        pos = b
    gold_parts.append(spun[pos:])
    return Gold(spun, "".join(gold_parts), tuple(spans))


# --------------------------------------------------------------------------- file readers

def _read_text(path: Path) -> str:
    """Read UTF-8 text; a decode error names the file and line (not a traceback)."""
    return read_text(path, CorpusError)


def read_annotated(path: Path, doc_id: str | None = None) -> Document:
    """Read a gold-format file (``NN.ann.txt``) into a spun :class:`Document`."""
    gold = parse_annotation(_read_text(path), str(path))
    return Document(doc_id or path.name, gold.spun, gold, str(path))


def read_clean(path: Path, doc_id: str | None = None) -> Document:
    """Read clean text that must not change.

    A file with ``[[...=>...]]`` markers is refused: it is almost certainly an
    annotated file with the wrong name, and scoring its markup as clean text
    would report nonsense.
    """
    text = _read_text(path)
    m = ANN.search(text)
    if m and "\n" not in m.group():
        line, _ = _line_col(text, m.start())
        raise CorpusError(str(path), line + 1, "clean text contains a gold marker [[...=>...]]; "
                          "name annotated files *.ann.txt")
    return Document(doc_id or path.name, text, None, str(path))


def read_pair(spun_path: Path, orig_path: Path, doc_id: str | None = None) -> Document:
    """Read a spun file and its original and align them into a spun :class:`Document`."""
    spun, orig = _read_text(spun_path), _read_text(orig_path)
    gold = align_parallel(spun, orig, str(spun_path))
    return Document(doc_id or spun_path.name, spun, gold, str(spun_path))


def read_jsonl(path: Path, prefix: str | None = None) -> list[Document]:
    """Read one document per JSON line.

    Accepted records: ``{"id", "spun", "original"}`` (a parallel pair),
    ``{"id", "ann"}`` (gold format), ``{"id", "text", "label": "clean"}``.
    ``id`` is optional (the line number is used) but must be unique.
    """
    docs: list[Document] = []
    name = prefix or path.name
    for n, rec, rid in jsonl_records(path, CorpusError, ("spun", "original", "ann", "text")):
        where = f"{path}:{n}"
        doc_id = f"{name}#{rid}"
        if "ann" in rec:
            try:
                gold = parse_annotation(rec["ann"], str(path))
            except CorpusError as exc:
                raise CorpusError(str(path), n, f"field 'ann': {exc.reason}"
                                  + (f" (line {exc.line} of the field)" if exc.line else "")) from None
            docs.append(Document(doc_id, gold.spun, gold, where))
        elif "spun" in rec or "original" in rec:
            if not ("spun" in rec and "original" in rec):
                missing = "original" if "spun" in rec else "spun"
                raise CorpusError(str(path), n, f"record has no {missing!r} field")
            try:
                gold = align_parallel(rec["spun"], rec["original"], where)
            except CorpusError as exc:
                raise CorpusError(str(path), n, exc.reason) from None
            docs.append(Document(doc_id, rec["spun"], gold, where))
        elif "text" in rec:
            label = rec.get("label")
            if label != "clean":
                raise CorpusError(str(path), n, "a 'text' record needs \"label\": \"clean\" "
                                  f"(found {label!r}); spun text needs 'ann' or 'spun'+'original'")
            docs.append(Document(doc_id, rec["text"], None, where))
        else:
            raise CorpusError(str(path), n, "record needs 'ann', 'spun' and 'original', "
                              "or 'text' with \"label\": \"clean\"")
    return docs


# --------------------------------------------------------------------------- paths and directories

#: How files are recognised in directories (and named files with ``format="auto"``).
SUFFIXES = {".ann.txt": "ann", SPUN: "spun", ORIG: "orig", ".jsonl": "jsonl", ".txt": "clean"}

FORMATS = ("auto", "ann", "clean", "jsonl")


def _kind(path: Path) -> str | None:
    name = path.name.lower()
    for suffix, kind in SUFFIXES.items():
        if name.endswith(suffix):
            return kind
    return None


def _stem(path: Path, suffix: str) -> Path:
    return path.with_name(path.name[: -len(suffix)])


def _read_dir(root: Path, corpus: Corpus) -> None:
    files = walk(root)
    present = {p.name.lower(): p for p in files}
    label = root.name or str(root)
    skipped_orig: list[str] = []
    ignored = 0
    for path in files:
        kind = _kind(path)
        doc_id = f"{label}/{path.relative_to(root).as_posix()}"
        if kind == "ann":
            doc = read_annotated(path, doc_id)
            orig = _stem(path, ".ann.txt").with_name(_stem(path, ".ann.txt").name + ".orig.txt")
            if orig.exists():
                _compare_with_original(doc, orig, corpus)
            corpus.documents.append(doc)
        elif kind == "spun":
            corpus.documents.append(read_pair(path, original_of(path, CorpusError), doc_id))
        elif kind == "orig":
            base = path.name[: -len(ORIG)].lower()
            if f"{base}.ann.txt" not in present and f"{base}.spun.txt" not in present:
                skipped_orig.append(path.name)
        elif kind == "jsonl":
            corpus.documents.extend(read_jsonl(path, doc_id))
        elif kind == "clean":
            corpus.documents.append(read_clean(path, doc_id))
        else:
            ignored += 1
    if skipped_orig:
        corpus.notes.append(f"{root}: skipped {len(skipped_orig)} *.orig.txt without a matching "
                            f"*.ann.txt or *.spun.txt ({', '.join(skipped_orig[:4])}"
                            f"{', ...' if len(skipped_orig) > 4 else ''})")
    if ignored:
        corpus.notes.append(f"{root}: ignored {ignored} file(s) that are not corpus files "
                            "(*.ann.txt, *.spun.txt + *.orig.txt, *.txt, *.jsonl)")


def _compare_with_original(doc: Document, orig: Path, corpus: Corpus) -> None:
    """Note (not fail) when an annotated file's gold disagrees with its ``.orig.txt``."""
    assert doc.gold is not None
    want = [t.lower() for t in tokens(_read_text(orig))]
    have = [t.lower() for t in tokens(doc.gold.gold)]
    if want != have:
        sm = difflib.SequenceMatcher(a=have, b=want, autojunk=False)
        first = next((o for o in sm.get_opcodes() if o[0] != "equal"), None)
        if first is not None:
            _, i1, i2, j1, j2 = first
            corpus.notes.append(f"{doc.origin}: preferred gold differs from {orig.name} near token "
                                f"{i1}: {' '.join(have[i1:i2]) or '(nothing)'!r} vs "
                                f"{' '.join(want[j1:j2]) or '(nothing)'!r}")


def load_corpus(paths: Iterable[str | Path], format: str = "auto",
                pairs: Sequence[tuple[str | Path, str | Path]] = ()) -> Corpus:
    """Read documents from files and directories (recursively), in a stable order.

    In directories: ``*.ann.txt`` is gold format (a sibling ``*.orig.txt`` is
    only checked against it); ``X.spun.txt`` + ``X.orig.txt`` is a parallel
    pair; ``*.jsonl`` holds records; any other ``*.txt`` is clean text; other
    files are ignored. ``format`` forces how named *files* are read.
    """
    if format not in FORMATS:
        raise ValueError(f"unknown corpus format {format!r}; choose from {', '.join(FORMATS)}")
    corpus = Corpus()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            _read_dir(path, corpus)
            continue
        if not path.exists():
            raise CorpusError(str(path), None, "no such file or directory")
        kind = _kind(path) if format == "auto" else format
        if kind == "ann":
            corpus.documents.append(read_annotated(path))
        elif kind == "jsonl":
            corpus.documents.extend(read_jsonl(path))
        elif kind == "clean":
            corpus.documents.append(read_clean(path))
        elif kind == "spun":
            corpus.documents.append(read_pair(path, original_of(path, CorpusError)))
        elif kind == "orig":
            raise CorpusError(str(path), None, "an original alone cannot be scored; pass its spun "
                              "file (X.spun.txt) or use --pair SPUN ORIG")
        else:
            raise CorpusError(str(path), None, "cannot tell the corpus format from the name; use "
                              "*.ann.txt, *.txt (clean), *.jsonl, or pass --format")
    for spun, orig in pairs:
        corpus.documents.append(read_pair(Path(spun), Path(orig)))
    return corpus
