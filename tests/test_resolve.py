"""The resolver: joint decisions, margins, overlap groups and artifacts."""
from __future__ import annotations

from respin.candidates import analyse
from respin.detect import estimate
from respin.lexicon import parse_lexicon
from respin.resolve import _clusters, resolve
from respin.scoring import context_model

HEAD = "# respin-lexicon 1"
SPUN_CONTEXT = " The {industry} grew 3 p.c this yr, and the report stated it. "


def decide(text: str, rows: list[str], threshold: float = 1.0):
    lex = parse_lexicon([HEAD, "c/1\tp.c\tpercent\td\tartifact", "c/2\tyr\tyear\td\tartifact",
                         "c/3\tstated\tsaid\td\tambiguous", *rows])
    seg = analyse(text, lex)
    ev = estimate(seg, lex, context_model())
    return seg, resolve(seg, lex, context_model(), ev, threshold)


def test_neighbours_form_one_cluster():
    seg, _ = decide("rising financial competitors" + SPUN_CONTEXT,
                    ["t/1\tfinancial\teconomic\td\tambiguous", "t/2\tcompetitors\tcompetition\td\tambiguous"])
    sizes = [len(c) for c in _clusters(seg.candidates)]
    assert sizes[0] == 2


def test_decisions_are_sorted_and_disjoint_with_margins_over_threshold():
    _, decisions = decide("Tariffs fell 2 p.c this yr, officials stated." + SPUN_CONTEXT, [], threshold=1.0)
    assert decisions
    for a, b in zip(decisions, decisions[1:]):
        assert a.candidate.end <= b.candidate.start
    assert all(d.score >= 1.0 for d in decisions)


def test_overlap_group_prefers_the_whole_artifact():
    seg, decisions = decide("a $350 billion funding bundle remained vague." + SPUN_CONTEXT,
                            ["t/1\tfunding\tinvestment\td\tambiguous",
                             "t/2\tfunding bundle\tinvestment package\td\tartifact,multiword"])
    chosen = {d.candidate.entry.id: d.original for d in decisions}
    assert chosen.get("t/2") == "investment package" and "t/1" not in chosen


def test_artifact_left_partly_spun_still_costs():
    # restoring only "Getty Pictures" would leave the spinner's "through" behind
    _, decisions = decide("Photo: AFP through Getty Pictures." + SPUN_CONTEXT,
                          ["t/1\tthrough Getty Pictures\tvia Getty Images\td\tartifact,multiword,name",
                           "t/2\tGetty Pictures\tGetty Images\td\tartifact,multiword,name"])
    got = [d.original for d in decisions if d.candidate.entry.id.startswith("t/")]
    assert got == ["via Getty Images"]


def test_nothing_below_threshold_is_applied():
    _, low = decide("Officials stated the plan." + SPUN_CONTEXT, [], threshold=0.0)
    _, high = decide("Officials stated the plan." + SPUN_CONTEXT, [], threshold=1000.0)
    assert low and not high


class _StubCluster:
    """One candidate with two originals and fixed reading scores (-1 = keep)."""

    def __init__(self, scores: dict[int, float]) -> None:
        class _Cand:
            originals = ("first", "second")
            start, first, last = 0, 0, 1
        self.cands = [_Cand()]
        self.groups = [[0]]
        self.shape = None  # no shared shape: readings scored one by one
        self.scores = scores

    def score(self, reading: tuple[int, ...]) -> float:
        return self.scores[reading[0]]

    def score_and_mask(self, reading: tuple[int, ...]) -> tuple[float, int]:
        return self.scores[reading[0]], int(reading[0] >= 0)  # (bit 0: the candidate restored)


def test_a_close_rival_original_sinks_the_margin():
    # "first" beats keeping by 5 nats, but "second" is nearly as good: the
    # edit is a coin toss between two originals, so it is not made
    from respin.resolve import _decide
    assert _decide(_StubCluster({-1: 0.0, 0: 5.0, 1: 4.5}), threshold=2.0) == []
    (d,) = _decide(_StubCluster({-1: 0.0, 0: 5.0, 1: -10.0}), threshold=2.0)
    assert d.original == "first" and abs(d.score - 5.0) < 1e-3
    # margin = best - log(exp(keep) + exp(rival)), so a rival as good as
    # keeping costs exactly log 2
    (d,) = _decide(_StubCluster({-1: 0.0, 0: 5.0, 1: 0.0}), threshold=2.0)
    assert abs(d.score - (5.0 - 0.6931)) < 1e-3


def test_a_close_rival_forbids_only_its_rule_not_the_overlap_group(tmp_path):
    # "by way of" -> through|in terms of is a coin toss, but the text surely
    # changes: the overlapping name rule must still win, in the first pass
    # (found by the idempotence property: the second pass used to restore it)
    # (the rows as shipped before the real pairs' counts, in their own file:
    # the counts now make "through" win outright, so the shipped lexicon no
    # longer exercises the coin toss)
    from respin import Config, fix_text

    rows = ["# respin-lexicon 1",
            "t/1\t1000's\tthousands\tdemo\tartifact",
            "t/2\tby way of\tthrough|in terms of\tdemo\tambiguous,multiword",
            "t/3\tGetty Photos\tGetty Images\tdemo\tartifact,multiword,name",
            "t/4\tby way of Getty Photos\tvia Getty Images\tdemo\tartifact,multiword,name"]
    path = tmp_path / "rows.tsv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    config = Config(lexicons=(str(path),), use_default_lexicon=False)
    text = "1000's 1 percent by way of Getty Photos,"
    once = fix_text(text, config)
    assert once == "thousands 1 percent via Getty Images,"
    assert fix_text(once, config) == once


def test_big_clusters_are_cut_between_overlap_groups_only():
    # ten touching candidates exceed MAX_READINGS; "enterprise" and
    # "enterprise mannequin" must still be decided together (found by the
    # idempotence property: a cut between them restored "business mannequin")
    from respin import fix_text

    text = "1000's 1000's 1000's 1000's alternatively thought of enterprise mannequin,"
    once = fix_text(text)
    assert once.endswith("business model,")
    assert fix_text(once) == once


def test_a_restoration_that_would_form_a_name_rule_is_left_out():
    # "via" -> "through" next to "ZUMA Press Wire" would create the spun credit
    # "through ZUMA Press Wire", which a second pass turns back into "via"
    # (found by the idempotence property)
    from respin import fix_text

    text = "1000's " * 9 + "via ZUMA Press Wire,"
    once = fix_text(text)
    assert once.endswith("thousands via ZUMA Press Wire,")
    assert fix_text(once) == once
    # judged with all edits applied: "as a substitute" -> "instead" and
    # "of Could" -> "of May" together form no spun form ("as a substitute of"
    # is gone), so both stay
    assert fix_text("as a substitute of Could,") == "instead of May,"
