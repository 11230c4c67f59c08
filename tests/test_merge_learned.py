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


def test_add_sums_new_counts_onto_curated_and_learned_rows():
    # the lexicon as it stands: a curated row with counts, a learned row with counts
    curated = list(parse_lexicon(["# respin-lexicon 1",
                                  "c/1\tstated\tsaid\tcurated\tambiguous\tn=10;kept=3;own=1"]).entries)
    existing = _learned("learned/0001\tinvoice\tbill\tlearned:old\tambiguous\tn=4;kept=1;own=0",
                        "learned/0002\tcross\tpass\tlearned:old\tambiguous\tn=3;kept=0;own=0")
    new = _learned("l/1\tstated\tsaid|told\tlearned\tambiguous\tn=5|2;kept=1|4;own=2",
                   "l/2\tinvoice\tbill\tlearned\tambiguous\tn=2;kept=2;own=1",
                   "l/3\tlaws\tlegislation\tlearned\tambiguous\tn=1;kept=0;own=0")
    changed, rows, _ = merge(curated, new, existing, min_count=2, min_new_original=2,
                             source="learned:new", min_two_way=5, add=True)
    c = changed["c/1"]
    assert (c.originals, c.counts, c.kept, c.own) == (("said", "told"), (15, 2), (4, 4), 3)
    by_spun = {e.spun: e for e in rows}
    # a learned row seen again: summed, keeps its id; one the new pairs do not show: unchanged
    assert (by_spun["invoice"].id, by_spun["invoice"].counts, by_spun["invoice"].kept,
            by_spun["invoice"].own) == ("learned/0001", (6,), (3,), 1)
    assert (by_spun["cross"].id, by_spun["cross"].counts) == ("learned/0002", (3,))
    # a new form still needs min_count sightings of its own
    assert "laws" not in by_spun
    # without add, the new counts replace the old (a relearn from all pairs)
    changed, rows, _ = merge(curated, new, existing, min_count=2, min_new_original=2,
                             source="learned:new", min_two_way=5)
    assert changed["c/1"].counts == (5, 2) and [e.spun for e in rows] == ["invoice"]


def test_add_judges_a_row_seen_again_on_its_summed_counts():
    # 3 spins, 1 own use before; the new pairs show it as the author's word 4 times more:
    # own 5 > half of 4 spins, so the row goes (a relearn from all pairs would drop it too)
    existing = _learned("learned/0007\tpursuits\tactivities\tlearned:old\tambiguous\tn=3;kept=0;own=1")
    new = _learned("l/1\tpursuits\tactivities\tlearned\tambiguous\tn=1;kept=0;own=4")
    _, rows, stats = merge(list(parse_lexicon(CURATED).entries), new, existing, min_count=2,
                           min_new_original=2, source="learned:new", min_two_way=5, add=True)
    assert rows == [] and stats["mostly_own"] == 1


def test_union_comment_names_each_pair_once():
    from merge_learned import _union_comment
    assert _union_comment("# pairs: ab01, ab02", "# pairs: ab02, oc01") == "# pairs: ab01, ab02, oc01"
    assert _union_comment("# pairs: ab01", None) == "# pairs: ab01"


def test_rejected_pairs_are_never_learned(tmp_path):
    from merge_learned import read_rejects
    path = tmp_path / "rejects.tsv"
    path.write_text("# spun\toriginal\treason\nnumber of\tfew|many\tlearn: a piece of 'a number of'\nhowever\tbut\tcycle: an old curated decision\n",
                    encoding="utf-8")
    rejects = read_rejects(path)
    assert rejects == {("number of", "few"), ("number of", "many")}
    new = _learned("l/1\tNumber of\tmany|few|lots\tlearned\tambiguous,multiword\tn=6|3|2;kept=0|0|0;own=0")
    _, rows, stats = merge(list(parse_lexicon(CURATED).entries), new, [], min_count=2,
                           min_new_original=2, source="learned:new", min_two_way=5, rejects=rejects)
    assert [(e.originals, e.counts) for e in rows] == [(("lots",), (2,))] and stats["rejected"] == 2
    # with add, the earlier learned rows are checked too
    existing = _learned("learned/0001\tnumber of\tmany\tlearned:old\tambiguous,multiword\tn=6;kept=0;own=0")
    _, rows, _ = merge(list(parse_lexicon(CURATED).entries), [], existing, min_count=2,
                       min_new_original=2, source="learned:new", min_two_way=5, add=True,
                       rejects=rejects)
    assert rows == []


def test_add_with_nothing_new_keeps_the_shipped_rows():
    # the recipe's bars on the shipped lexicon: no curated row changes, every learned row
    # stays as it is, in its order (so `--add` with an empty file rewrites nothing)
    from merge_learned import LEARNED, LEXICONS, read_rejects
    from build_lexicon import section_files
    from respin.lexicon import load_lexicon
    curated = [e for p in section_files(curated_only=True) for e in load_lexicon(p).entries]
    existing = list(load_lexicon(LEARNED).entries)
    changed, rows, stats = merge(curated, [], existing, min_count=2, min_new_original=2,
                                 source="learned:2026-12", min_two_way=3, min_longer=5, add=True,
                                 rejects=read_rejects(LEXICONS / "rejects.tsv"))
    assert changed == {} and stats["rejected"] == 0
    assert [(e.id, e.spun, e.originals, e.counts, e.kept, e.own) for e in rows] == \
        [(e.id, e.spun, e.originals, e.counts, e.kept, e.own) for e in existing]


def test_add_counts_an_earlier_batch_for_a_form_without_a_row():
    # "laws" was seen once in an earlier batch (no row: under min_count) and once now:
    # with the earlier batch's raw counts it has the two sightings a relearn would see
    earlier = _learned("learn/0001\tlaws\tlegislation\tlearned\tambiguous\tn=1;kept=0;own=0",
                       "learn/0002\tinvoice\tbill\tlearned\tambiguous\tn=4;kept=1;own=0")
    existing = _learned("learned/0001\tinvoice\tbill\tlearned:old\tambiguous\tn=4;kept=1;own=0")
    new = _learned("l/1\tlaws\tlegislation\tlearned\tambiguous\tn=1;kept=0;own=0",
                   "l/2\tinvoice\tbill\tlearned\tambiguous\tn=2;kept=0;own=0")
    opts = dict(min_count=2, min_new_original=2, source="learned:new", min_two_way=5, add=True)
    _, rows, _ = merge(list(parse_lexicon(CURATED).entries), new, existing, **opts)
    assert [e.spun for e in rows] == ["invoice"]
    _, rows, _ = merge(list(parse_lexicon(CURATED).entries), new, existing, earlier=earlier, **opts)
    by_spun = {e.spun: e for e in rows}
    assert by_spun["laws"].counts == (2,) and by_spun["laws"].id == "learned/0002"
    # a form with a row already holds its earlier counts: they are not added twice
    assert by_spun["invoice"].counts == (6,)


def test_a_form_one_batch_calls_artifact_and_another_ambiguous_stays_ambiguous():
    # the learner judges each batch alone; summed, a row must still carry exactly one kind
    # (found with --min-count 1: "desirous" came out "ambiguous,artifact", which no loader takes)
    earlier = _learned("learn/0001\tdesirous\twanting\tlearned\tartifact\tn=1;kept=0;own=0")
    new = _learned("l/1\tdesirous\twanting\tlearned\tambiguous\tn=1;kept=1;own=0")
    opts = dict(min_count=2, min_new_original=2, source="learned:new", min_two_way=5, add=True)
    _, rows, _ = merge(list(parse_lexicon(CURATED).entries), new, [], earlier=earlier, **opts)
    (row,) = rows
    assert row.counts == (2,) and "ambiguous" in row.flags and "artifact" not in row.flags
    parse_lexicon(["# respin-lexicon 1", "\t".join(
        [row.id, row.spun, "|".join(row.originals), row.source, ",".join(sorted(row.flags))])])
