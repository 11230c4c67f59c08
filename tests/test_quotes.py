"""Quoted speech (Config.quotes): protected, edited, or judged by the document."""
from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from respin import default_lexicon, fix_and_explain, fix_text
from respin.fixes import _analyse, _open_quotes

# Written for this test: a spun report whose quotes the spinner rewrote too,
# as the spinner family met on real pages does.
SPUN_QUOTES = (
    "The Home voted 217-212 on Tuesday to cross the stopgap invoice, sending the laws to the "
    "Senate as a authorities shutdown looms. Officers stated the price range would slash well "
    "being spending by 5 p.c over the subsequent yr, and Democrats stated the cuts would harm "
    "nationwide packages.\n"
    "“This invoice is a scandal for the nationwide well being system, and the authorities is "
    "aware of it,” stated Rep. Jane Doe, who voted towards the laws. “We will be unable to cross "
    "a price range that cuts well being care by 5 p.c.”\n")
# The same report quoting the speaker in her own words (the hand-spun corpora's case).
CLEAN_QUOTES = SPUN_QUOTES.replace(
    "“This invoice is a scandal for the nationwide well being system, and the authorities is "
    "aware of it,”",
    "“This bill is a scandal for the national health system, and the government knows it,”"
).replace("“We will be unable to cross a price range that cuts well being care by 5 p.c.”",
          "“We will not pass a budget that cuts health care by 5 percent.”")

QUOTE = re.compile(r"“[^”]*”")


def _quoted(text: str) -> list[str]:
    return QUOTE.findall(text)


def test_auto_restores_quotes_the_spinner_rewrote():
    out = fix_text(SPUN_QUOTES)
    assert _quoted(out) == [
        "“This bill is a scandal for the national health system, and the government knows it,”",
        "“We will be unable to pass a budget that cuts health care by 5 percent.”"]
    assert out == fix_text(SPUN_QUOTES, quotes="edit")


def test_protect_never_edits_quotes():
    out = fix_text(SPUN_QUOTES, quotes="protect")
    assert _quoted(out) == _quoted(SPUN_QUOTES)
    assert "The House voted 217-212 on Tuesday to pass the stopgap bill" in out


def test_auto_keeps_the_authors_own_quotes():
    out = fix_text(CLEAN_QUOTES)
    assert _quoted(out) == _quoted(CLEAN_QUOTES)
    assert out == fix_text(CLEAN_QUOTES, quotes="protect")
    assert "Officials said the budget would slash health spending by 5 percent" in out


def test_auto_needs_a_spun_document():
    # spun forms inside quotes alone never open them: the gate is judged with quotes protected
    text = "“The well being {industry} grew 5 p.c this yr,” she stated.\n"
    assert fix_text(text, quotes="protect") == fix_text(text)
    assert "“The well being" in fix_text(text)


def test_edits_inside_opened_quotes_are_explained():
    res = fix_and_explain(SPUN_QUOTES)
    inside = [e for e in res.edits for a, b in (m.span() for m in QUOTE.finditer(SPUN_QUOTES))
              if a <= e.start and e.end <= b]
    assert {(e.before, e.after) for e in inside} >= {("invoice", "bill"), ("p.c", "percent"),
                                                      ("well being", "health")}
    assert all(e.score >= 2.0 and e.rule for e in inside)


_LEX = default_lexicon()
_PIECES = sorted({e.spun for e in _LEX if "<num>" not in e.spun})[::7] + [
    "“", "”", '"', "‘", "’", "{", "}", "five,653", "p.c", "said", "the", ",", ".", "\n", "White Home"]


@given(st.lists(st.sampled_from(_PIECES), max_size=60), st.booleans())
def test_opening_quotes_matches_only_where_needed(pieces, glued):
    """_open_quotes re-matches only at and just before quoted tokens; it must
    equal a full analysis with quotes unprotected."""
    text = " ".join(pieces)
    locked = _analyse(text, _LEX, True, glued)
    opened, _ = _open_quotes(text, locked, _LEX, glued)
    full = _analyse(text, _LEX, False, glued)
    assert opened.candidates == full.candidates
    assert opened.protected == full.protected
