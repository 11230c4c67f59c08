"""Parse, validate and index respin lexicons.

A lexicon is a UTF-8 TSV file, one rule per line::

    # respin-lexicon 1
    # id<TAB>spun<TAB>original<TAB>source<TAB>flags
    core/0001	p.c	percent	seed:001	artifact
    core/0002	financial	economic	seed:001	ambiguous

``original`` may list several candidates separated by ``|``, preferred first.
``flags`` is a comma-separated subset of :data:`FLAGS`. Exactly one of
``artifact`` (the spun form is not normal edited English, e.g. "p.c") and
``ambiguous`` (the spun form is a normal word, e.g. "financial") is required;
``multiword`` is required exactly when the spun form contains a space.

An optional sixth field records what real spun/original pairs showed
(written by ``respin learn``)::

    learn/0001	invoice	bill	learned	ambiguous	n=12;kept=3;own=1

``n`` gives, per original (same order, ``|``-separated), how many times the
spun form was seen replacing it; ``kept`` how many times each original was
seen left unchanged in the aligned text; ``own`` how many times the spun form
itself stood in the original too (the author's word, not a spin). Any part
may be absent.

A row flagged ``refine`` (``respin learn`` writes one for each spun form the
reference lexicon already has) adds its counts, and any original the row lacks,
to an earlier row with the same spun form instead of being refused as a
duplicate: so a user's learned file loads beside the shipped lexicon and
sharpens its counts for that user's spinner.

The parser is strict: any malformed row raises :class:`LexiconError` naming
the file and line, because a silently skipped rule is a silently missed
restoration (symspellpy's loaders skip bad rows; respin does not).

>>> lex = parse_lexicon(["# respin-lexicon 1",
...                      "t/1\\tp.c\\tpercent\\tdemo\\tartifact"], path="demo.tsv")
>>> lex.entries[0].originals
('percent',)
"""
from __future__ import annotations

import dataclasses
import functools
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import tokens as _tokens

__all__ = [
    "FLAGS",
    "FORMAT_HEADER",
    "Entry",
    "Lexicon",
    "LexiconError",
    "chained",
    "default_lexicon",
    "extend_lexicon",
    "format_row",
    "lint_lexicon",
    "load_lexicon",
    "parse_lexicon",
]

#: First line of every lexicon file; the number is the format version.
FORMAT_HEADER = "# respin-lexicon 1"

#: Every flag a row may carry, and what it means.
FLAGS = {
    "artifact": "the spun form is not normal edited English; one sighting is strong evidence",
    "ambiguous": "the spun form is also a normal word or phrase; needs document evidence",
    "multiword": "the spun form contains a space (checked against the spun text)",
    "name": "applies inside capitalised names; matches the written case exactly",
    "refine": "adds its counts (and any original it lacks) to an earlier row with the same "
              "spun form instead of being refused as a duplicate; alone, an ordinary row",
}

#: The slot token ``<num>`` in a spun form matches one number ("5", "2,400") and
#: is copied to the same slot in the original: "Could <num>" -> "May <num>".
NUM_SLOT = "<num>"

#: Characters a spun form may not contain. Forms are literal text matched token
#: by token (no regular expressions, so nothing can backtrack); a row written as
#: a pattern ("(a+)+", "colou?r") is an authoring mistake and is refused.
PATTERN_SYNTAX = frozenset("()[]*+?\\^$|<>")


class LexiconError(ValueError):
    """A lexicon file is malformed: names the file, the line and the reason."""

    def __init__(self, path: str, line: int, reason: str) -> None:
        self.path, self.line, self.reason = path, line, reason
        super().__init__(f"{path}:{line}: {reason}")

    def __reduce__(self):  # so it crosses process boundaries (multiprocessing) intact
        return (type(self), (self.path, self.line, self.reason))


@dataclass(frozen=True, slots=True)
class Entry:
    """One lexicon rule: a spun form and the original(s) it replaced."""

    id: str
    spun: str
    originals: tuple[str, ...]
    source: str
    flags: frozenset[str]
    path: str = ""
    line: int = 0
    #: Times the spun form was observed replacing each original (``n=`` in the
    #: counts field), aligned with ``originals``; ``None`` when not recorded.
    counts: tuple[int, ...] | None = None
    #: Times each original was observed left unchanged (``kept=``); ``None`` when not recorded.
    kept: tuple[int, ...] | None = None
    #: Times the spun form itself was observed unchanged in aligned text: the
    #: author's own word, not a spin (``own=``); ``None`` when not recorded.
    own: int | None = None

    @property
    def artifact(self) -> bool:
        return "artifact" in self.flags

    @property
    def name(self) -> bool:
        return "name" in self.flags

    def __repr__(self) -> str:
        return (f"Entry({self.id!r}, {self.spun!r} -> {'|'.join(self.originals)!r}, "
                f"{','.join(sorted(self.flags))})")


@dataclass(frozen=True, slots=True, eq=False)
class Lexicon:
    """Validated rules plus the indexes the matcher needs.

    ``index`` maps a match key (see :func:`respin.tokens.phrase_key`) to the
    entries with that spun form; ``trie`` and ``name_trie`` hold the same keys
    token by token (nested dicts, ``None`` maps to the entries) for the
    matcher, case-folded and case-exact; ``spun_forms_per_original`` maps each
    lowercase original to the number of distinct spun forms that restore to it.
    """

    entries: tuple[Entry, ...]
    index: dict[tuple[str, ...], tuple[Entry, ...]] = field(repr=False)
    trie: dict = field(repr=False)
    name_trie: dict = field(repr=False)
    spun_forms_per_original: dict[str, int] = field(repr=False)
    ids: dict[str, Entry] = field(repr=False)
    #: Per lowercase original: times real pairs showed it rewritten, by any spun
    #: form with an ``n=`` count (empty for a lexicon without counts).
    observed: dict[str, int] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    def by_id(self, rule_id: str) -> Entry:
        """The row with this id (``KeyError`` if there is none)."""
        return self.ids[rule_id]

    def is_original(self, word: str) -> bool:
        """True when ``word`` (lowercase) is some rule's original: a word the spinner rewrites."""
        return word in self.spun_forms_per_original



#: Keys of the optional counts field, in the order they are written.
COUNT_KEYS = ("n", "kept", "own")


def _parse_counts(text: str, width: int, path: str, lineno: int
                  ) -> tuple[tuple[int, ...] | None, tuple[int, ...] | None, int | None]:
    """Parse ``n=12|3;kept=40|7;own=2`` into ``(counts, kept, own)``: one integer
    per original for ``n`` and ``kept``, one for the row for ``own``."""
    found: dict[str, tuple[int, ...]] = {}
    for part in text.split(";"):
        key, eq, values = part.strip().partition("=")
        if not eq or key not in COUNT_KEYS:
            raise LexiconError(path, lineno, f"bad counts part {part.strip()!r}: "
                                             f"expected n=..., kept=... or own=...")
        if key in found:
            raise LexiconError(path, lineno, f"counts part {key!r} given twice")
        items = values.split("|")
        if any(not (v.isascii() and v.isdigit()) for v in items):
            raise LexiconError(path, lineno, f"counts {key}={values!r}: each item must be "
                                             f"a non-negative integer")
        if key == "own" and len(items) != 1:
            raise LexiconError(path, lineno, f"counts own= takes one integer, not {values!r}")
        if key != "own" and len(items) != width:
            raise LexiconError(path, lineno, f"counts {key}= has {len(items)} item(s) for "
                                             f"{width} original(s)")
        found[key] = tuple(int(v) for v in items)
    own = found.get("own")
    return found.get("n"), found.get("kept"), (own[0] if own else None)


def format_counts(entry: Entry) -> str:
    """The counts field of ``entry`` as written in a TSV row ('' when it records none)."""
    parts = [f"{key}={'|'.join(map(str, values))}"
             for key, values in zip(COUNT_KEYS, (entry.counts, entry.kept,
                                                 None if entry.own is None else (entry.own,)))
             if values is not None]
    return ";".join(parts)


def format_row(entry: Entry) -> str:
    """``entry`` as one TSV line (no newline): five fields, plus counts when it has any.

    >>> format_row(Entry("t/1", "invoice", ("bill",), "demo", frozenset({"ambiguous"}),
    ...                  counts=(12,), kept=(3,)))
    't/1\\tinvoice\\tbill\\tdemo\\tambiguous\\tn=12;kept=3'
    """
    cells = [entry.id, entry.spun, "|".join(entry.originals), entry.source,
             ",".join(sorted(entry.flags))]
    counts = format_counts(entry)
    if counts:
        cells.append(counts)
    return "\t".join(cells)


def _parse_row(cells: list[str], path: str, lineno: int) -> Entry:
    if len(cells) not in (5, 6):
        raise LexiconError(path, lineno,
                           f"expected 5 tab-separated fields (6 with counts), found {len(cells)}")
    rule_id, spun, original, source, flag_text = (c.strip() for c in cells[:5])
    if not rule_id or any(ch.isspace() for ch in rule_id):
        raise LexiconError(path, lineno, f"bad rule id {rule_id!r}")
    if not spun:
        raise LexiconError(path, lineno, "empty spun form")
    if spun != " ".join(spun.split()):
        raise LexiconError(path, lineno, f"spun form {spun!r} has stray whitespace")
    originals = tuple(o.strip() for o in original.split("|"))
    if not original or any(not o for o in originals):
        raise LexiconError(path, lineno, "empty original")
    if len(set(o.lower() for o in originals)) != len(originals):
        raise LexiconError(path, lineno, "an original is listed twice")
    if not source:
        raise LexiconError(path, lineno, "empty source (provenance is required)")
    flags = frozenset(f.strip() for f in flag_text.split(",") if f.strip())
    unknown = flags - FLAGS.keys()
    if unknown:
        raise LexiconError(path, lineno, f"unknown flag(s) {', '.join(sorted(unknown))}")
    if ("artifact" in flags) == ("ambiguous" in flags):
        raise LexiconError(path, lineno, "exactly one of 'artifact' or 'ambiguous' is required")
    syntax = sorted(set(spun.replace(NUM_SLOT, "")) & PATTERN_SYNTAX)
    if syntax:
        raise LexiconError(path, lineno,
                           f"spun form {spun!r} contains pattern syntax {''.join(syntax)!r}: "
                           f"lexicon forms are literal text, not regular expressions")
    if not _tokens.word_tokens(spun):
        raise LexiconError(path, lineno, f"spun form {spun!r} has no word")
    words = len(spun.split())
    if ("multiword" in flags) != (words > 1):
        raise LexiconError(path, lineno,
                           f"'multiword' flag must be set exactly when the spun form has "
                           f"more than one word ({spun!r} has {words})")
    for o in originals:
        if o.lower() == spun.lower():
            raise LexiconError(path, lineno, f"original {o!r} equals the spun form")
        if (NUM_SLOT in o) != (NUM_SLOT in spun) or o.count(NUM_SLOT) > 1:
            raise LexiconError(path, lineno, f"slot {NUM_SLOT} must appear once in both forms")
    counts = kept = own = None
    if len(cells) == 6:
        if not cells[5].strip():
            raise LexiconError(path, lineno, "empty counts field (omit the tab, or write n=...)")
        counts, kept, own = _parse_counts(cells[5].strip(), len(originals), path, lineno)
    if "refine" in flags and counts is None:
        raise LexiconError(path, lineno, "a 'refine' row needs counts (n=...)")
    return Entry(rule_id, spun, originals, source, flags, path, lineno, counts, kept, own)


def parse_lexicon(lines: Iterable[str], path: str = "<string>") -> Lexicon:
    """Parse lexicon lines (the header first) into a validated :class:`Lexicon`."""
    entries = list(_parse_lines(lines, path))
    return build_lexicon(entries)


def _parse_lines(lines: Iterable[str], path: str) -> Iterator[Entry]:
    seen_header = False
    for lineno, raw in enumerate(lines, 1):
        line = raw.rstrip("\r\n")
        if lineno == 1:
            line = line.lstrip("\ufeff")
            if line.strip() != FORMAT_HEADER:
                raise LexiconError(path, 1, f"first line must be {FORMAT_HEADER!r}")
            seen_header = True
            continue
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        yield _parse_row(line.split("\t"), path, lineno)
    if not seen_header:
        raise LexiconError(path, 1, f"empty file; first line must be {FORMAT_HEADER!r}")


def build_lexicon(entries: Iterable[Entry]) -> Lexicon:
    """Index entries; reject duplicate ids and duplicate spun forms.

    Later files may not silently override earlier ones: a user lexicon that
    wants a different original for a shipped spun form must say so by
    removing it from a copy of the shipped file.

    A rule whose original is another rule's spun form is allowed: a real
    spinner's thesaurus is two-way (house <-> home, help <-> assist). What
    keeps restoration from looping is the pipeline, not the lexicon: one pass
    matches the input once and never re-matches the text it restored (see
    docs/how-it-works.md, "Two-way rules"). Only an *artifact* rule's spun
    form may not be an original: an artifact is never edited English, so no
    source text says it, and one sighting of it would make a second pass
    restore the restored text again.
    """
    entries = _refined(tuple(entries))
    return _assemble(entries, [_tokens.phrase_key(e.spun, keep_case=e.name) for e in entries],
                     check=True)


def _refined(entries: tuple[Entry, ...]) -> tuple[Entry, ...]:
    """``entries`` with each ``refine`` row folded into the first other row of
    the same spun form (and name flag), earlier or later: its counts are added,
    originals that row lacks are appended. A ``refine`` row with no such row
    stays. Rule ids are checked for duplicates before anything is folded."""
    if not any("refine" in e.flags for e in entries):
        return entries
    out: list[Entry] = []
    first: dict[tuple, int] = {}
    ids: dict[str, Entry] = {}
    for e in entries:
        _refuse_duplicate_id(e, ids)  # before folding: a file loaded twice must not add its counts twice
        ids[e.id] = e
        key = (_tokens.phrase_key(e.spun, keep_case=e.name), e.name)
        at = first.get(key)
        if at is not None and "refine" in e.flags:
            out[at] = add_counts(out[at], e)
            continue
        if at is not None and "refine" in out[at].flags:  # the row a refine row came before
            out[at] = add_counts(e, out[at])
            continue
        first.setdefault(key, len(out))
        out.append(e)
    return tuple(out)


def add_counts(row: Entry, more: Entry) -> Entry:
    r"""``row`` with the counts of ``more`` (same spun form) added: ``n`` and
    ``kept`` per original (0 where a side has none), ``own`` summed; originals
    of ``more`` that ``row`` lacks come after its own. A row without counts
    becomes a counted row: its originals ``more`` did not list read as seen 0
    times (the user's pairs are then the only sightings the scorer has).

    >>> a = Entry("t/1", "invoice", ("bill",), "demo", frozenset({"ambiguous"}), counts=(12,), kept=(3,), own=1)
    >>> b = Entry("u/1", "invoice", ("bill", "check"), "mine", frozenset({"ambiguous", "refine"}),
    ...           counts=(4, 2), kept=(0, 5), own=2)
    >>> format_row(add_counts(a, b))
    't/1\tinvoice\tbill|check\tdemo+mine\tambiguous\tn=16|2;kept=3|5;own=3'
    """
    lows = [o.lower() for o in row.originals]
    originals = row.originals + tuple(o for o in more.originals if o.lower() not in lows)

    def per(values, names) -> list[int]:
        got = dict(zip((o.lower() for o in names), values or ()))
        return [got.get(o.lower(), 0) for o in originals]

    counts = [a + b for a, b in zip(per(row.counts, row.originals), per(more.counts, more.originals))]
    kept = [a + b for a, b in zip(per(row.kept, row.originals), per(more.kept, more.originals))]
    has_kept = row.kept is not None or more.kept is not None
    has_own = row.own is not None or more.own is not None
    source = row.source if more.source in row.source.split("+") else f"{row.source}+{more.source}"
    return dataclasses.replace(
        row, originals=originals, source=source, counts=tuple(counts),
        kept=tuple(kept) if has_kept else None,
        own=(row.own or 0) + (more.own or 0) if has_own else None)


def _assemble(entries: tuple[Entry, ...], keys: list[tuple[str, ...]], check: bool) -> Lexicon:
    """The :class:`Lexicon` of ``entries`` whose match keys are ``keys``;
    ``check=False`` skips the checks (for the prebuilt form of a checked file)."""
    ids: dict[str, Entry] = {}
    index: dict[tuple[str, ...], list[Entry]] = {}
    per_original: dict[str, set[str]] = {}
    spun_seen: dict[str, int] = {}
    for e, key in zip(entries, keys):
        if check:
            _refuse_duplicate_id(e, ids)
            _refuse_duplicate_form(e, index.get(key, ()))
        ids[e.id] = e
        index.setdefault(key, []).append(e)
        for i, o in enumerate(e.originals):
            per_original.setdefault(o.lower(), set()).add(e.spun.lower())
            if e.counts is not None:
                spun_seen[o.lower()] = spun_seen.get(o.lower(), 0) + e.counts[i]
    for e in entries if check else ():
        _check_chain(e, index)
    trie: dict = {}
    name_trie: dict = {}
    for key, found in index.items():
        _trie_add(trie, name_trie, key, found)
    return Lexicon(
        entries=entries,
        index={k: tuple(v) for k, v in index.items()},
        trie=trie,
        name_trie=name_trie,
        spun_forms_per_original={o: len(s) for o, s in per_original.items()},
        ids=ids,
        observed=spun_seen,
    )


def extend_lexicon(base: Lexicon, extras: Iterable[Lexicon]) -> Lexicon:
    """``build_lexicon`` of ``base``'s rows followed by the rows of ``extras``,
    without redoing the work done for ``base`` (the shipped lexicon: ~50 ms).

    ``base`` and each extra are lexicons already checked on their own
    (:func:`load_lexicon`, :func:`default_lexicon`). Only the added rows are
    keyed and checked (duplicate ids and spun forms, originals that are an
    artifact rule's spun form), plus ``base``'s rows against added artifact
    rules; the indexes are extended, not rebuilt. The result and the errors,
    with their order, are those of ``build_lexicon`` over all the rows
    (tests/test_lexicon.py compares them).
    """
    extras = list(extras)
    new = tuple(e for x in extras for e in x.entries)
    if not new:
        return base
    if any("refine" in e.flags for e in new) or any("refine" in e.flags for e in base.entries):
        return build_lexicon(base.entries + new)  # rows fold into others: build everything
    new_keys = [k for x in extras for k in _entry_keys(x)]
    ids = dict(base.ids)
    index: dict[tuple[str, ...], tuple[Entry, ...]] = dict(base.index)
    for e, key in zip(new, new_keys):  # as _assemble's first loop, for the added rows
        _refuse_duplicate_id(e, ids)
        _refuse_duplicate_form(e, index.get(key, ()))
        ids[e.id] = e
        index[key] = index.get(key, ()) + (e,)
    # as _assemble's second loop: base's rows can only chain to an added artifact rule
    artifact_keys = [(key, e.name) for e, key in zip(new, new_keys) if e.artifact]
    if artifact_keys:
        lower, case = _original_positions(base)
        suspects = sorted({pos for key, name in artifact_keys
                           for pos in (case if name else lower).get(key, ())})
        for e in [base.entries[pos] for pos in suspects] + list(new):
            _check_chain(e, index)
    else:
        for e in new:
            _check_chain(e, index)
    entries = base.entries + new
    if any(key in base.index for key in new_keys):
        # a name row beside a plain row of the same form: rebuild, so that the
        # tries hold the key's entries in the order build_lexicon gives them
        keys = _entry_keys(base) + new_keys
        return _assemble(entries, keys, check=False)
    trie, name_trie = dict(base.trie), dict(base.name_trie)
    copied: set[int] = set()  # ids of trie nodes copied here (base's nodes stay untouched)
    for key in dict.fromkeys(new_keys):
        _trie_add(trie, name_trie, key, index[key], copied)
    per_original = dict(base.spun_forms_per_original)
    forms: dict[str, set[str]] = {o.lower(): set() for e in new for o in e.originals
                                  if o.lower() in per_original}
    if forms:
        for b in base.entries:
            for o in b.originals:
                seen = forms.get(o.lower())
                if seen is not None:
                    seen.add(b.spun.lower())
    observed = dict(base.observed)
    for e in new:
        for i, o in enumerate(e.originals):
            seen = forms.setdefault(o.lower(), set())
            seen.add(e.spun.lower())
            per_original[o.lower()] = len(seen)
            if e.counts is not None:
                observed[o.lower()] = observed.get(o.lower(), 0) + e.counts[i]
    return Lexicon(entries=entries, index=index, trie=trie, name_trie=name_trie,
                   spun_forms_per_original=per_original, ids=ids, observed=observed)


def _trie_add(trie: dict, name_trie: dict, key: tuple[str, ...], found, copied: set[int] | None = None):
    """Put the rows ``found`` of match key ``key`` in the tries (name rows in
    ``name_trie``). With ``copied``, a node not yet in it is copied before it
    changes (the tries share their nodes with another lexicon's)."""
    names = tuple(e for e in found if e.name)
    others = tuple(e for e in found if not e.name)
    for root, group in ((name_trie, names), (trie, others)):
        if group:
            node = root
            for k in key:
                if copied is None:
                    node = node.setdefault(k, {})
                    continue
                child = node.get(k)
                if child is None or id(child) not in copied:
                    child = {} if child is None else dict(child)
                    copied.add(id(child))
                    node[k] = child
                node = child
            node[None] = node.get(None, ()) + group


def _entry_keys(lexicon: Lexicon) -> list[tuple[str, ...]]:
    """The match key of each entry, in entry order (from the index: not recomputed)."""
    key_of = {id(e): key for key, found in lexicon.index.items() for e in found}
    return [key_of[id(e)] for e in lexicon.entries]


@functools.lru_cache(maxsize=2)
def _original_positions(lexicon: Lexicon) -> tuple[dict, dict]:
    """Per match key of an original: the positions of the entries that have it,
    case-folded (all entries) and case-exact (name entries), as :func:`_chained` keys them."""
    lower: dict[tuple[str, ...], list[int]] = {}
    case: dict[tuple[str, ...], list[int]] = {}
    for pos, e in enumerate(lexicon.entries):
        for o in e.originals:
            lower.setdefault(_tokens.phrase_key(o, keep_case=False), []).append(pos)
            if e.name:
                case.setdefault(_tokens.phrase_key(o, keep_case=True), []).append(pos)
    return lower, case


def _refuse_duplicate_id(e: Entry, ids: dict[str, Entry]) -> None:
    first = ids.get(e.id)
    if first is not None:
        raise LexiconError(e.path, e.line,
                           f"duplicate rule id {e.id!r} (first at {first.path}:{first.line})")


def _refuse_duplicate_form(e: Entry, same_key: Iterable[Entry]) -> None:
    """``e`` against the rows already holding its match key."""
    for other in same_key:
        if other.name == e.name:
            raise LexiconError(e.path, e.line,
                               f"spun form {e.spun!r} already defined by {other.id} "
                               f"({other.path}:{other.line}); merge the originals with '|'")


def _check_chain(e: Entry, index: dict) -> None:
    for o, other in _chained(e, index):
        if other.artifact:
            raise LexiconError(e.path, e.line,
                               f"original {o!r} is the spun form of artifact rule {other.id} "
                               f"({other.path}:{other.line}); an artifact is never edited "
                               f"English, so it cannot be what a source said: flag that rule "
                               f"ambiguous or drop this original")


def _chained(e: Entry, index: dict) -> Iterator[tuple[str, Entry]]:
    """(original, rule) pairs where an original of ``e`` is the spun form of ``rule``."""
    for o in e.originals:
        yield from ((o, other) for other in index.get(_tokens.phrase_key(o, keep_case=False), ())
                    if not other.name)
        if e.name:
            yield from ((o, other) for other in index.get(_tokens.phrase_key(o, keep_case=True), ())
                        if other.name)


def chained(lexicon: Lexicon) -> list[tuple[Entry, str, Entry]]:
    """(rule, original, other rule) where an original of ``rule`` is ``other``'s spun form.

    Two-way rows (house -> home and home -> house) and chains are allowed;
    this lists them, for lexicon statistics and reviews.

    >>> lex = parse_lexicon(["# respin-lexicon 1", "t/1\\thome\\thouse\\td\\tambiguous",
    ...                      "t/2\\thouse\\thome\\td\\tambiguous"])
    >>> [(a.id, o, b.id) for a, o, b in chained(lex)]
    [('t/1', 'house', 't/2'), ('t/2', 'home', 't/1')]
    """
    return [(e, o, other) for e in lexicon.entries for o, other in _chained(e, lexicon.index)]


def load_lexicon(path: str | Path) -> Lexicon:
    """Load one lexicon file. Raises ``FileNotFoundError`` or :class:`LexiconError`."""
    p = Path(path)
    return _from_bytes(p.read_bytes(), str(p))


def _from_bytes(data: bytes, path: str) -> Lexicon:
    """The lexicon of a file's bytes (UTF-8, an optional BOM): the one way from
    bytes to a :class:`Lexicon`, for user files, the shipped TSV and its
    prebuilt form. Text that is not UTF-8 or holds a NUL byte is refused with
    its line."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise LexiconError(path, line, f"not UTF-8 text (byte 0x{data[exc.start]:02x}); "
                                       "a lexicon is a UTF-8 TSV file") from None
    if b"\0" in data:
        line = data.count(b"\n", 0, data.index(b"\0")) + 1
        raise LexiconError(path, line, "NUL byte: a lexicon is a UTF-8 TSV file, not binary data")
    return parse_lexicon(io.StringIO(text, newline=""), path=path)


#: ``path`` of the shipped lexicon's entries.
DEFAULT_PATH = "respin/data/lexicon.tsv"

#: The prebuilt form of the shipped lexicon, next to it (see :func:`prebuilt_text`).
PREBUILT_NAME = "lexicon.prebuilt.json"
PREBUILT_FORMAT = "respin-lexicon-prebuilt 1"


@functools.lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The shipped lexicon (``respin/data/lexicon.tsv``), parsed once and cached.

    Read from its prebuilt form (``lexicon.prebuilt.json``, the checked rows
    and their match keys: about 0.02 s instead of 0.1 s) when that was built
    from the very same bytes (length and CRC-32); otherwise from the TSV file.
    """
    from .resources import data_path

    data = data_path("lexicon.tsv").read_bytes()
    lexicon = _read_prebuilt(data_path(PREBUILT_NAME), data)
    if lexicon is not None:
        return lexicon
    return _from_bytes(data, DEFAULT_PATH)


def prebuilt_text(tsv: bytes, path: str = DEFAULT_PATH) -> str:
    """The prebuilt form of the lexicon file whose bytes are ``tsv``: JSON, a
    header and one row per line (``[line, id, spun, originals, source, flags,
    match key, n, kept, own]``), keyed to the file by its length and CRC-32
    (a check against accidents, not attacks: both files ship together, and
    zlib is at hand where hashlib costs 3 ms to import). Written by
    ``scripts/build_lexicon.py``; read by :func:`default_lexicon`."""
    import json

    lexicon = _from_bytes(tsv, path)
    head = json.dumps({"format": PREBUILT_FORMAT, "source_bytes": len(tsv),
                       "source_crc32": _crc32(tsv)}, sort_keys=True)
    rows = [json.dumps([e.line, e.id, e.spun, e.originals, e.source, sorted(e.flags),
                        _tokens.phrase_key(e.spun, keep_case=e.name), e.counts, e.kept, e.own],
                       ensure_ascii=False)
            for e in lexicon.entries]
    return "{\"header\": " + head + ",\n\"rows\": [\n" + ",\n".join(rows) + "\n]}\n"


def _crc32(data: bytes) -> int:
    import zlib

    return zlib.crc32(data)


def _read_prebuilt(source, tsv: bytes, path: str = DEFAULT_PATH) -> Lexicon | None:
    """The lexicon from the prebuilt file ``source`` if it was built from
    ``tsv``; ``None`` when it is missing, stale or not in the expected shape."""
    import json

    try:
        data = json.loads(source.read_bytes())
        header = data["header"]
        if header["format"] != PREBUILT_FORMAT or header["source_bytes"] != len(tsv) \
                or header["source_crc32"] != _crc32(tsv):
            return None
        flag_sets: dict[tuple[str, ...], frozenset[str]] = {}
        entries, keys = [], []
        for line, rule_id, spun, originals, src, flags, key, counts, kept, own in data["rows"]:
            flags = tuple(flags)
            fs = flag_sets.get(flags)
            if fs is None:
                fs = flag_sets[flags] = frozenset(flags)
            entries.append(Entry(rule_id, spun, tuple(originals), src, fs, path, line,
                                 None if counts is None else tuple(counts),
                                 None if kept is None else tuple(kept), own))
            keys.append(tuple(key))
        return _assemble(tuple(entries), keys, check=False)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def lint_lexicon(lexicon: Lexicon, sources: Iterable[str] | None = None) -> list[str]:
    """Problems that make a lexicon unsafe to ship; an empty list means none.

    The loader already refuses malformed rows and duplicates; lint
    adds what needs the project around the file: every source must be
    defined in ``lexicons/SOURCES.md``.

    >>> lex = parse_lexicon(["# respin-lexicon 1", "t/1\\tyr\\tyear\\tnowhere\\tartifact"])
    >>> lint_lexicon(lex, sources={"seed:001"})
    ["t/1: source 'nowhere' is not defined in SOURCES.md"]
    """
    problems = []
    if sources is not None:
        known = set(sources)
        for e in lexicon.entries:
            if e.source not in known:
                problems.append(f"{e.id}: source {e.source!r} is not defined in SOURCES.md")
    return problems
