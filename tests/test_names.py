"""Capitalised words in names (Config.names): protected, edited, or judged by the document."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from respin import default_lexicon, fix_and_explain, fix_text
from respin.fixes import _analyse, _open_names

# Written for this test: a spun report whose spinner rewrote the words of names
# too ("Harlan Corridor of Fame", "Lincoln Regulation Faculty"), as the family
# met on real pages does. "Regulation" has no `name` row.
SPUN_NAMES = (
    "Officers stated the Riverside Group Middle will reopen subsequent month after the storm, "
    "and the Harlan Corridor of Fame will stay closed. The authorities stated the price range for "
    "the restoration would rise 5 p.c, and well being officers urged residents to keep away from "
    "the water.\n"
    "Employees on the Riverside Group Middle stated they had been ready for the state Vitality "
    "Workplace to approve the funds, and the Lincoln Regulation Faculty provided free authorized "
    "assist.\n")


def test_auto_restores_names_the_spinner_rewrote():
    out = fix_text(SPUN_NAMES)
    assert "the Harlan Hall of Fame will remain closed" in out
    assert "the state Energy Office" in out
    assert "the Lincoln Law School" in out
    assert out == fix_text(SPUN_NAMES, names="edit")


def test_protect_never_edits_names():
    # in a name, "protect" applies only `name` rows (some of these forms are
    # learned name rows: "Corridor" -> "Hall"); "edit" reads the rest as words
    protect = fix_and_explain(SPUN_NAMES, names="protect")
    edit = fix_and_explain(SPUN_NAMES, names="edit")
    name_rows = {e.id for e in default_lexicon().entries if e.name}
    in_names = [e for e in protect.edits
                if e.before[:1].isupper() and SPUN_NAMES[:e.start].rstrip()[-1:] not in ("", ".", "\n")]
    assert in_names and all(e.rule in name_rows for e in in_names)
    assert "the Lincoln Regulation Faculty" in protect.text  # no name row for "Regulation"
    assert "the Lincoln Law School" in edit.text
    assert "Officials said" in protect.text  # the rest is restored


def test_auto_keeps_names_the_document_gives_no_reason_to_open(monkeypatch):
    # seed 001: a spun document whose spinner left names alone; reading its
    # capitalised words as words adds little evidence, so "auto" keeps them
    from conftest import shared_path
    from respin.bench.corpora import parse_annotation
    spun = parse_annotation(shared_path("corpus", "001.ann.txt").read_text(encoding="utf-8")).spun
    auto, edit = fix_and_explain(spun), fix_and_explain(spun, names="edit")
    assert auto == fix_and_explain(spun, names="protect")
    assert "Japanese Prime Minister" in auto.text
    only_edit = {(e.before, e.after) for e in edit.edits} - {(e.before, e.after) for e in auto.edits}
    # wrong: "edit" would damage the names ("Indo-Pacific Security Initiative"; with
    # the fifth round's counts also "Scowcroft Center" -> "Middle", no longer chosen)
    assert ("Security", "Safety") in only_edit


def test_the_unlock_is_the_documents_evidence(monkeypatch):
    import respin.fixes as F
    monkeypatch.setattr(F, "NAME_UNLOCK_LOG_RATIO", float("inf"))
    assert fix_text(SPUN_NAMES) == fix_text(SPUN_NAMES, names="protect")
    monkeypatch.setattr(F, "NAME_UNLOCK_LOG_RATIO", float("-inf"))
    assert fix_text(SPUN_NAMES) == fix_text(SPUN_NAMES, names="edit")


def test_auto_needs_a_spun_document():
    # capitalised spun forms alone never open names: the gate is judged with names protected
    text = "The Harlan Corridor of Fame and the Lincoln Regulation Faculty met in Riverside.\n"
    assert fix_text(text) == fix_text(text, names="protect")
    assert "Corridor of Fame" in fix_text(text)


def test_acronyms_stay_protected_when_names_open():
    text = SPUN_NAMES + "The HOME office and the NATIONWIDE group were not involved.\n"
    out = fix_text(text, names="edit")
    assert "The HOME office and the NATIONWIDE group" in out


def test_edits_in_opened_names_are_explained():
    res = fix_and_explain(SPUN_NAMES)
    named = {(e.before, e.after) for e in res.edits}
    assert {("Corridor", "Hall"), ("Vitality", "Energy"), ("Regulation", "Law")} <= named
    assert all(e.score >= 2.0 and e.rule for e in res.edits)


_LEX = default_lexicon()
_SPUN = sorted({e.spun for e in _LEX if "<num>" not in e.spun})[::5]
_PIECES = _SPUN + [s.title() for s in _SPUN[::3]] + [s.upper() for s in _SPUN[::11]] + [
    "“", "”", "{", "}", "five,653", "p.c", "said", "the", "The", "Mr.", ",", ".", "\n", "-",
    "White Home", "SHOUTED HEADLINE"]


@given(st.lists(st.sampled_from(_PIECES), max_size=60), st.booleans(), st.booleans())
def test_opening_names_matches_only_where_needed(pieces, glued, quotes):
    """_open_names re-matches only at and just before capitalised tokens; it
    must equal a full analysis with names unprotected."""
    text = " ".join(pieces)
    locked = _analyse(text, _LEX, quotes, glued)
    opened = _open_names(text, locked, _LEX, glued)
    full = _analyse(text, _LEX, quotes, glued, names=False)
    assert opened.candidates == full.candidates
    assert opened.protected == full.protected
    assert {c.start for c in locked.candidates} <= {c.start for c in full.candidates}


@given(st.lists(st.sampled_from(_PIECES + ["“", "”", '"']), max_size=60), st.booleans(),
       st.booleans())
def test_names_held_in_the_first_walk_open_as_a_second_walk(pieces, glued, quotes):
    """The matches held as parts of names in the segment's own walk (and kept
    through the quote reopening) open names exactly as a second walk does."""
    from respin.fixes import _open_quotes

    text = " ".join(pieces)
    held: list = []
    locked = _analyse(text, _LEX, quotes, glued, held=held)
    assert _open_names(text, locked, _LEX, glued, list(held)) == _open_names(text, locked, _LEX, glued)
    opened, opened_held = _open_quotes(text, locked, _LEX, glued, held)
    assert opened == _open_quotes(text, locked, _LEX, glued, None)[0]
    assert _open_names(text, opened, _LEX, glued, opened_held) == \
        _analyse(text, _LEX, False, glued, names=False)._replace(protected=opened.protected)
