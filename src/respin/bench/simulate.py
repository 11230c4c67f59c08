"""A spinner simulator: spin clean text and write the gold format, at any scale.

Real annotated spun news is slow to make, so users and CI can generate
evaluation corpora of any size by spinning clean text the way article
spinners do: sense-blind, word-for-word dictionary substitution from a fixed
table (``respin/bench/spinner_table.tsv``, shipped with the package). The table is written independently of
respin's lexicon (see its provenance header); :func:`table_overlap` measures how
much they share anyway, because a synthetic score is only as informative as
the table is independent.

What the simulator leaves alone, as spinners that care about looking
plausible do: quoted speech (between double quotes), capitalised words
(names, titles, acronyms) except an ordinary sentence-initial word, headline
lines in Title Case, and URLs or e-mail addresses. Each eligible occurrence
is spun with probability ``rate``; the choice of spun form is uniform. The
spinner family met on real pages rewrites quoted speech too: ``quote_rate``
(default 0) spins quoted occurrences with probability ``rate * quote_rate``. The
random stream is seeded by ``(seed, document id)``, so a document spins the
same way however many other documents are generated with it.

>>> table = parse_table(["# respin-bench spinner table 1", "original\\tspun",
...                      "said\\tstated|mentioned", "percent\\tp.c"])
>>> spin_text('Sales rose 3 percent, "as I said," Kim Said said.', table, rate=1.0, seed=1)
'Sales rose 3 [[p.c=>percent]], "as I said," Kim Said [[mentioned=>said]].'
"""
from __future__ import annotations

import random
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .corpora import CorpusError, Document, parse_annotation, token_key

#: The substitution table shipped with respin (written independently of the
#: restoration lexicon; see its header).
SHIPPED_TABLE = Path(__file__).resolve().parent / "spinner_table.tsv"

__all__ = [
    "TABLE_HEADER",
    "SpinnerTable",
    "load_table",
    "parse_table",
    "simulate_documents",
    "spin_corpus",
    "spin_text",
    "table_overlap",
]

#: First line of a spinner table; the number is the format version.
TABLE_HEADER = "# respin-bench spinner table 1"

#: Default share of eligible occurrences that get spun. The spun seed article
#: (``../shared/corpus/001.ann.txt``) has a gold span every ~6 words; with this
#: table, 0.6 gives a comparable density on the shared clean news articles.
DEFAULT_RATE = 0.6

#: Default seed of generated corpora (any fixed integer; this is the date the
#: simulator was written).
DEFAULT_SEED = 20251125

_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")
_QUOTED = re.compile(r"“[^”\n]*(?:”|$)|\"[^\"\n]*(?:\"|$)", re.M)
_URLISH = re.compile(r"\S*(?:@|://|www\.|\.com|\.org)\S*")
_SENTENCE_END = re.compile(r"[.!?:][\"”’')\]]*\s*$")


@dataclass(frozen=True, slots=True)
class SpinnerTable:
    """Originals (as lowercase word tuples) mapped to their spun forms.

    ``weights`` holds, for a table learned from real pages, how often each spun
    form was seen for the original (same order as ``forms``); ``keep`` the
    chance the spinner leaves that original alone. Both are empty for a
    hand-written table (uniform choice, every occurrence eligible at ``rate``).
    """

    path: str
    forms: dict[tuple[str, ...], tuple[str, ...]]
    max_words: int
    weights: dict[tuple[str, ...], tuple[int, ...]] = field(default_factory=dict)
    keep: dict[tuple[str, ...], float] = field(default_factory=dict)

    def pairs(self) -> Iterator[tuple[str, str]]:
        """Every (original, spun form) pair of the table."""
        for words, spun in self.forms.items():
            for s in spun:
                yield " ".join(words), s

    def __len__(self) -> int:
        return len(self.forms)


def parse_table(lines: Iterable[str], path: str = "<string>") -> SpinnerTable:
    """Parse a spinner table strictly; a bad row raises :class:`CorpusError` with its line.

    After the header and ``#`` comments comes a column header ``original<TAB>spun``,
    then one row per original, spun forms separated by ``|``. A table learned
    from real pages (``scripts/learned_table.py``) has the column header
    ``original<TAB>spun<TAB>kept``: each spun form carries the number of times
    it was seen (``stated:12``) and ``kept`` how often the original was seen
    left alone, so the simulator picks forms by frequency and spins each
    original at ``rate * seen / (seen + kept)``.

    >>> t = parse_table(["# respin-bench spinner table 1", "original\\tspun\\tkept",
    ...                  "said\\tstated:3|mentioned:1\\t4"])
    >>> t.forms[("said",)], t.weights[("said",)], t.keep[("said",)]
    (('stated', 'mentioned'), (3, 1), 0.5)
    """
    forms: dict[tuple[str, ...], tuple[str, ...]] = {}
    weights: dict[tuple[str, ...], tuple[int, ...]] = {}
    keep: dict[tuple[str, ...], float] = {}
    columns: list[str] | None = None
    for n, raw in enumerate(lines, 1):
        line = raw.rstrip("\r\n")
        if n == 1:
            if line.lstrip("\ufeff").strip() != TABLE_HEADER:
                raise CorpusError(path, 1, f"first line must be {TABLE_HEADER!r}")
            continue
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if columns is None:
            if cells not in (["original", "spun"], ["original", "spun", "kept"]):
                raise CorpusError(path, n, "expected the column header 'original<TAB>spun' "
                                           "or 'original<TAB>spun<TAB>kept'")
            columns = cells
            continue
        if len(cells) != len(columns):
            raise CorpusError(path, n, f"expected {len(columns)} tab-separated fields, "
                                       f"found {len(cells)}")
        learned = len(columns) == 3
        original, spun_text = cells[0].strip(), cells[1]
        words = tuple(w.lower() for w in original.split())
        if not words or any(not _WORD.fullmatch(w) for w in words):
            raise CorpusError(path, n, f"original {original!r} must be plain words")
        if words in forms:
            raise CorpusError(path, n, f"original {original!r} is listed twice")
        items = [s.strip() for s in spun_text.split("|")]
        counts: list[int] = []
        if learned:
            parsed = []
            for item in items:
                form, colon, count = item.rpartition(":")
                if not colon or not count.isdigit() or int(count) < 1:
                    raise CorpusError(path, n, f"spun form {item!r} needs a count (form:N, N >= 1)")
                parsed.append(form.strip())
                counts.append(int(count))
            items = parsed
            if not cells[2].strip().isdigit():
                raise CorpusError(path, n, f"kept {cells[2]!r} must be a non-negative integer")
            seen = sum(counts)
            keep[words] = int(cells[2]) / (seen + int(cells[2]))
            weights[words] = tuple(counts)
        spun = tuple(items)
        for s in spun:
            if not s or s != " ".join(s.split()):
                raise CorpusError(path, n, f"empty spun form or stray whitespace in {spun_text!r}")
            if any(m in s for m in ("[[", "]]", "=>", "|")):
                raise CorpusError(path, n, f"spun form {s!r} contains gold-format markup")
            if token_key(s) == token_key(original):
                raise CorpusError(path, n, f"spun form {s!r} equals its original")
        if len(set(spun)) != len(spun):
            raise CorpusError(path, n, "a spun form is listed twice")
        forms[words] = spun
    if columns is None:
        raise CorpusError(path, 1, "no column header 'original<TAB>spun'")
    return SpinnerTable(path, forms, max((len(k) for k in forms), default=1), weights, keep)


def load_table(path: str | Path) -> SpinnerTable:
    """Read a spinner table file (UTF-8)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CorpusError(str(p), None, "no such spinner table") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CorpusError(str(p), None, f"cannot read spinner table: {exc}") from None
    return parse_table(text.split("\n"), str(p))


def _ranges(text: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(quoted speech, URL-like strings): character ranges spun rarely or never."""
    return ([(m.start(), m.end()) for m in _QUOTED.finditer(text)],
            [(m.start(), m.end()) for m in _URLISH.finditer(text)])


def _is_headline(line: str) -> bool:
    """A short line with most words capitalised, as news headlines in Title Case."""
    words = _WORD.findall(line)
    if not words or len(words) > 20 or _SENTENCE_END.search(line.rstrip()):
        return False
    caps = sum(1 for w in words if w[0].isupper())
    return caps >= 0.6 * len(words) and len(words) > 1


def _sentence_initial(text: str, pos: int) -> bool:
    before = text[:pos].rstrip(" \t“\"‘'(")
    return not before or before.endswith("\n") or _SENTENCE_END.search(before) is not None


def _capitalise(spun: str) -> str:
    return spun[:1].upper() + spun[1:]


def spin_text(text: str, table: SpinnerTable, rate: float = DEFAULT_RATE, seed: int = DEFAULT_SEED,
              doc_id: str = "", quote_rate: float = 0.0) -> str:
    """Spin ``text`` and return it in the gold format (``[[spun=>original]]`` per substitution).

    ``quote_rate``: quoted speech is spun at ``rate * quote_rate`` (0: never).

    Matching is greedy, longest original first, over words separated by
    spaces only (never across a line break or punctuation).
    """
    if not 0.0 <= rate <= 1.0:
        raise ValueError(f"rate must be between 0 and 1, not {rate!r}")
    if "[[" in text or "]]" in text:
        raise ValueError("text already contains [[ or ]]; the gold format could not be parsed back")
    if not 0.0 <= quote_rate <= 1.0:
        raise ValueError(f"quote_rate must be between 0 and 1, not {quote_rate!r}")
    rng = random.Random(f"{seed}:{doc_id}")
    quoted, urls = _ranges(text)
    # never spun: URLs, and quoted speech unless quote_rate says otherwise
    protected, quoted = (sorted(urls + quoted), []) if quote_rate == 0.0 else (urls, quoted)
    headline_lines = set()
    offset = 0
    for line in text.split("\n"):
        if _is_headline(line):
            headline_lines.add(offset)
        offset += len(line) + 1
    words = list(_WORD.finditer(text))
    out: list[str] = []
    pos = 0
    i = 0
    while i < len(words):
        # the longest original starting here, across single-space gaps only
        match_len = 0
        for n in range(min(table.max_words, len(words) - i), 0, -1):
            seq = words[i:i + n]
            if any(text[a.end():b.start()] != " " for a, b in zip(seq, seq[1:])):
                continue
            if tuple(x.group().lower() for x in seq) in table.forms:
                match_len = n
                break
        if not match_len:
            i += 1
            continue
        seq = words[i:i + match_len]
        start, end = seq[0].start(), seq[-1].end()
        eligible = not any(a < end and b > start for a, b in protected)
        line_start = text.rfind("\n", 0, start) + 1
        if line_start in headline_lines:
            eligible = False
        nxt = text[end:end + 1]
        if nxt and (nxt.isalnum() or nxt in "@_/") or text[start - 1:start] in ("@", "_", "/", "."):
            eligible = False  # inside a longer token, a handle or a path
        capitalised = False
        for k, x in enumerate(seq):
            word = x.group()
            if word.islower():
                continue
            if k == 0 and word[:1].isupper() and word[1:].islower() and _sentence_initial(text, start):
                capitalised = True
                continue
            eligible = False  # a name, a title or an acronym
        if eligible and capitalised:
            # "Health Minister ...": the next word is capitalised too, so this is a name
            following = words[i + match_len] if i + match_len < len(words) else None
            if following is not None and text[end:following.start()] == " " and following.group()[0].isupper():
                eligible = False
        key = tuple(x.group().lower() for x in seq)
        p = rate * (1.0 - table.keep.get(key, 0.0))
        if quoted and any(a < end and b > start for a, b in quoted):
            p *= quote_rate
        if not eligible or rng.random() >= p:
            i += match_len
            continue
        if key in table.weights:
            spun = rng.choices(table.forms[key], weights=table.weights[key])[0]
        else:
            spun = rng.choice(table.forms[key])
        if capitalised:
            spun = _capitalise(spun)
        out.append(text[pos:start])
        out.append(f"[[{spun}=>{text[start:end]}]]")
        pos = end
        i += match_len
    out.append(text[pos:])
    return "".join(out)


def spin_corpus(sources: list[Document], table: SpinnerTable, rate: float = DEFAULT_RATE,
                seed: int = DEFAULT_SEED, count: int | None = None,
                quote_rate: float = 0.0) -> Iterator[tuple[str, str]]:
    """Spin clean ``sources`` into (name, gold-format text), cycling them if ``count`` is larger.

    The n-th copy of a source is named ``id~n`` and spun with its own random
    stream, so a corpus of any size has distinct spins of the same articles.
    """
    if not sources:
        return
    total = len(sources) if count is None else count
    for n in range(total):
        src = sources[n % len(sources)]
        copy = n // len(sources)
        name = src.id if copy == 0 else f"{src.id}~{copy}"
        yield name, spin_text(src.text, table, rate, seed, name, quote_rate)


def simulate_documents(sources: list[Document], table: SpinnerTable, rate: float = DEFAULT_RATE,
                       seed: int = DEFAULT_SEED, count: int | None = None,
                       prefix: str = "synthetic", quote_rate: float = 0.0) -> list[Document]:
    """Spin clean ``sources`` into spun :class:`Document` records with gold (see :func:`spin_corpus`)."""
    docs: list[Document] = []
    origins = {d.id: d.origin for d in sources}
    for name, ann in spin_corpus(sources, table, rate, seed, count, quote_rate):
        gold = parse_annotation(ann, f"{prefix}/{name}")
        origin = origins.get(name.split("~")[0], name)
        docs.append(Document(f"{prefix}/{name}", gold.spun, gold, f"simulated from {origin}"))
    return docs


def table_overlap(table: SpinnerTable, lexicon_pairs: Iterable[tuple[str, str]],
                  synthetic: Iterable[Document] = ()) -> dict[str, float | int]:
    """How circular a synthetic score is: what the table shares with a restoration lexicon.

    ``lexicon_pairs`` are (spun, original) pairs. Reported: table pairs the
    lexicon also has (same spun form restoring to the same original); table
    spun forms the lexicon knows at all (any original); and, over the given
    synthetic documents, the share of gold spans whose pair is a lexicon pair.
    """
    lex = {(token_key(s), token_key(o)) for s, o in lexicon_pairs}
    lex_spun = {s for s, _ in lex}
    pairs = {(token_key(s), token_key(o)) for o, s in table.pairs()}
    shared = pairs & lex
    spun_forms = {s for s, _ in pairs}
    spans = hits = 0
    for doc in synthetic:
        if doc.gold is None:
            continue
        toks = [t.lower() for t in _tokens_of(doc.gold.spun)]
        for sp in doc.gold.spans:
            spans += 1
            key = (" ".join(toks[sp.start:sp.end]), " ".join(sp.accepted[0]))
            hits += key in lex
    return {
        "table_pairs": len(pairs),
        "pairs_in_lexicon": len(shared),
        "pair_share": len(shared) / len(pairs) if pairs else 0.0,
        "table_spun_forms": len(spun_forms),
        "spun_forms_in_lexicon": len(spun_forms & lex_spun),
        "synthetic_spans": spans,
        "synthetic_spans_in_lexicon": hits,
        "synthetic_span_share": hits / spans if spans else 0.0,
    }


def _tokens_of(text: str) -> list[str]:
    from .corpora import tokens

    return tokens(text)
