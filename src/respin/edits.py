"""Edit records, replay, and the surface rewriting of a chosen original.

An :class:`Edit` is the audit record of one restoration: where it happened in
the input, what was there, what replaced it, which lexicon rule justified it
and by what margin. :func:`apply_edits` replays a list of edits, so a saved
edit log reproduces the output exactly (as ``ftfy.apply_plan`` does).

>>> e = Edit(4, 7, "p.c", "percent", "noun/0001", 9.5)
>>> apply_edits("25 p.c rise", [Edit(3, 6, "p.c", "percent", "noun/0001", 9.5)])
'25 percent rise'
>>> transfer_case("Synthetic Intelligence", "artificial intelligence")
'Artificial Intelligence'
"""
from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

__all__ = ["Edit", "ExplainedText", "apply_edits", "transfer_case", "article_for"]


@dataclass(frozen=True, slots=True)
class Edit:
    """One restoration: ``text[start:end] == before`` in the input became ``after``."""

    start: int
    end: int
    before: str
    after: str
    rule: str
    score: float
    source: str = ""

    def asdict(self) -> dict[str, Any]:
        """A JSON-ready dict (the shape of one ``--edits`` line, without ``line``)."""
        return dataclasses.asdict(self)

    def shifted(self, offset: int) -> Edit:
        """The same edit with offsets moved by ``offset`` (segment -> document offsets)."""
        if not offset:
            return self
        return Edit(self.start + offset, self.end + offset, self.before, self.after, self.rule,
                    self.score, self.source)


class ExplainedText(NamedTuple):
    """Restored text and the sorted, non-overlapping edits that produced it."""

    text: str
    edits: list[Edit]


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """Replay ``edits`` on ``text``.

    The edits must be sorted, must not overlap, and each must still match the
    text (``text[start:end] == before``); otherwise ``ValueError`` is raised
    rather than producing a silently different document.
    """
    out: list[str] = []
    pos = 0
    for e in edits:
        if e.start < pos:
            raise ValueError(f"edits overlap or are unsorted at offset {e.start}")
        if text[e.start:e.end] != e.before:
            raise ValueError(f"edit at {e.start}:{e.end} expects {e.before!r}, "
                             f"text has {text[e.start:e.end]!r}")
        out.append(text[pos:e.start])
        out.append(e.after)
        pos = e.end
    out.append(text[pos:])
    return "".join(out)


def _case_of(word: str) -> str:
    letters = [c for c in word if c.isalpha()]
    if not letters:
        return "other"
    if all(c.isupper() for c in letters) and len(letters) > 1:
        return "upper"
    if letters[0].isupper() and all(not c.isupper() for c in letters[1:]):
        return "title"
    if all(c.islower() for c in letters):
        return "lower"
    return "other"


def transfer_case(spun: str, original: str) -> str:
    """Give ``original`` the capitalisation pattern of the ``spun`` text it replaces.

    Lowercase spun text keeps the lexicon's spelling of the original (so "ai"
    never appears where the lexicon says "AI"); a capitalised first word
    capitalises the first letter; ALL CAPS uppercases; Title Case titles every
    word.

    >>> transfer_case("Nevertheless", "however")
    'However'
    >>> transfer_case("P.C", "percent")
    'PERCENT'
    """
    if spun.islower():
        # no upper- or titlecase letter anywhere: the first word's case is
        # "lower" or "other" (no letters), and both keep the lexicon's spelling
        return original
    words = spun.split()
    cases = [_case_of(w) for w in words]
    if not words or cases[0] == "lower" or cases[0] == "other":
        return original
    if all(c == "upper" for c in cases):
        return original.upper()
    if len(words) > 1 and all(c in ("title", "upper") for c in cases):
        return " ".join(w[:1].upper() + w[1:] for w in original.split(" "))
    if cases[0] in ("title", "upper"):
        return original[:1].upper() + original[1:]
    return original


# Words whose first letter misleads the a/an choice. Checked by hand against
# the pronunciations of the originals the lexicon can produce.
_AN_CONSONANT_LETTER = ("honest", "honor", "honour", "hour", "heir")
_A_VOWEL_LETTER = ("one", "once", "uni", "use", "usu", "uti", "eu", "ewe", "ufo", "ura", "uro")


def article_for(word: str) -> str:
    """The indefinite article ("a" or "an") that goes before ``word``.

    >>> article_for("opportunity"), article_for("chance"), article_for("hour"), article_for("union")
    ('an', 'a', 'an', 'a')
    """
    w = word.lower()
    if w.startswith(_AN_CONSONANT_LETTER):
        return "an"
    if w.startswith(_A_VOWEL_LETTER):
        return "a"
    return "an" if w[:1] in ("a", "e", "i", "o", "u") else "a"
