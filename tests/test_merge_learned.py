"""scripts/merge_learned.py: how learned rows are folded into the curated lexicon."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from merge_learned import merge  # noqa: E402

from respin.lexicon import parse_lexicon  # noqa: E402

CURATED = ["# respin-lexicon 1",
           "c/1\tstated\tsaid\tcurated\tambiguous",
           "c/2\tresidence\thome\tcurated\tambiguous"]


def _learned(*rows: str):
    return list(parse_lexicon(["# respin-lexicon 1", *rows]).entries)


def _merge(learned, **kw):
    opts = dict(min_count=2, min_new_original=2, source="learned:test", min_two_way=5)
    opts.update(kw)
    return merge(list(parse_lexicon(CURATED).entries), learned, [], **opts)


@pytest.mark.parametrize("before", [[], ["l/1\tstated\tsaid\tlearned\tambiguous\tn=9;kept=0;own=0"]],
                         ids=["alone", "after-a-curated-form"])
def test_a_two_way_row_needs_min_two_way_sightings_wherever_it_comes(before):
    # "home" is the original of the curated "residence" row: home -> house is two-way.
    # (A curated form earlier in the file once switched this test off.)
    learned = _learned(*before, "l/2\thome\thouse\tlearned\tambiguous\tn=2;kept=0;own=0")
    _, rows, stats = _merge(learned)
    assert [e.spun for e in rows] == [] and stats["two_way_rare"] == 1
    learned = _learned(*before, "l/2\thome\thouse\tlearned\tambiguous\tn=5;kept=0;own=0")
    _, rows, stats = _merge(learned)
    assert [e.spun for e in rows] == ["home"] and stats["two_way_rare"] == 0


def test_counts_go_on_curated_rows_and_rare_rivals_are_dropped():
    learned = _learned("l/1\tstated\tsaid\tlearned\tambiguous\tn=9;kept=1;own=0",
                       "l/2\tcrucial\tcritical|the most important\tlearned\tambiguous\tn=3|1;kept=0|0;own=0")
    changed, rows, stats = _merge(learned)
    assert changed["c/1"].counts == (9,) and changed["c/1"].kept == (1,)
    assert [(e.spun, e.originals) for e in rows] == [("crucial", ("critical",))]
    assert stats["rare_originals"] == 1


def test_a_piece_of_a_rows_original_is_counted_for_the_whole_original():
    # the aligner reads "interest rates" -> "rates of interest" as "rates": a
    # sighting of the row's own original, not a new reading "rates"
    curated = parse_lexicon(["# respin-lexicon 1",
                             "c/9\trates of interest\tinterest rates\tcurated\tambiguous,multiword"]).entries
    learned = _learned("l/1\trates of interest\trates|borrowing costs\tlearned\tambiguous,multiword"
                       "\tn=10|3;kept=14|0;own=0")
    changed, rows, stats = merge(list(curated), learned, [], min_count=2, min_new_original=2,
                                 source="learned:test", min_two_way=5)
    row = changed["c/9"]
    assert row.originals == ("interest rates", "borrowing costs")
    # the sightings go to the whole original; the piece's `kept` (every
    # unchanged "rates", "mortgage rates" too) does not
    assert row.counts == (10, 3) and row.kept == (0, 0)
    assert stats["folded"] == 1 and stats["originals_added"] == 1


def test_a_piece_the_spun_form_does_not_hold_is_a_reading_of_its_own():
    # "loan" is a piece of "home loan" but not of the spun form "mortgage":
    # a real reading, not a reordering slip
    curated = parse_lexicon(["# respin-lexicon 1", "c/8\tmortgage\thome loan\tcurated\tambiguous"]).entries
    learned = _learned("l/1\tmortgage\tloan|home loan\tlearned\tambiguous\tn=30|1;kept=5|0;own=0")
    changed, _, stats = merge(list(curated), learned, [], min_count=2, min_new_original=2,
                              source="learned:test", min_two_way=5)
    assert changed["c/8"].originals == ("home loan", "loan") and changed["c/8"].counts == (1, 30)
    assert stats["folded"] == 0
