"""Document evidence: spin rates, the spin score, and its calibration."""
from __future__ import annotations

import math

import pytest

from respin.candidates import analyse
from respin.detect import (EVIDENCE_WEIGHT, SPUN_PRIOR_LOGODDS, choice_prob, estimate,
                           explain_spin, spin_score)
from respin.lexicon import default_lexicon, parse_lexicon
from respin.scoring import context_model

LEX = parse_lexicon([
    "# respin-lexicon 1",
    "t/1\tp.c\tpercent\td\tartifact",
    "t/2\tfinancial\teconomic\td\tambiguous",
    "t/3\tyr\tyear\td\tartifact",
    "t/4\tstated\tsaid\td\tambiguous",
    "t/5\tfinal\tlast|final stage\td\tambiguous",
])


def ev(text: str, lex=LEX):
    return estimate(analyse(text, lex), lex, context_model(), keep_evidence=True)


def test_untouched_originals_pull_the_rate_to_zero():
    e = ev("The economic outlook is good, officials said. " * 5)
    assert e.rate == 0.0 and e.document_rate == 0.0 and e.log_ratio == 0.0
    assert e.untouched == 10 and e.matches == 0
    assert e.probability == pytest.approx(1 / (1 + math.exp(-SPUN_PRIOR_LOGODDS)))


def test_artifacts_make_a_document_spun():
    e = ev("Output rose 3 p.c this yr, the financial report stated. Sales fell 2 p.c.")
    assert e.artifacts == 3 and e.rate > 0.3 and e.probability > 0.9
    strongest = max(e.evidence, key=lambda x: x.log_ratio)
    assert strongest.artifact


def test_a_match_does_not_vouch_for_itself():
    seg = analyse("Output rose 3 p.c this yr. The financial outlook improved, economists stated.", LEX)
    e = estimate(seg, LEX, context_model())
    cand = next(c for c in seg.candidates if c.entry.id == "t/2")
    assert 0.0 < e.rate_of("economic", cand) < e.rate_of("economic")


def test_choice_prob_prefers_the_first_original_and_few_forms():
    lex = parse_lexicon(["# respin-lexicon 1", "t/1\tfinal\tlast|latest\td\tambiguous",
                         "t/2\tremaining\tlast\td\tambiguous"])
    assert choice_prob(lex, "last", 0) == pytest.approx(2 ** -0.5)
    assert choice_prob(lex, "latest", 1) == pytest.approx(0.5)


def test_spin_score_separates_the_shared_seeds(referee):
    from pathlib import Path

    shared = Path(referee.__file__).resolve().parent.parent
    spun = referee.parse((shared / "corpus" / "001.ann.txt").read_text(encoding="utf-8"))[0]
    assert spin_score(spun) > 0.99
    for name in ("000", "002", "003", "004"):
        assert spin_score((shared / "seeds" / f"{name}.txt").read_text(encoding="utf-8")) < 0.05


def test_explain_spin_reports_evidence_with_the_shipped_lexicon():
    report = explain_spin("Output rose 3 p.c this yr in the provide chain.", top=2)
    assert len(report.evidence) == 2 and report.evidence[0].log_ratio >= report.evidence[1].log_ratio
    assert 0.0 <= report.score <= 1.0
    assert report.asdict()["evidence"][0]["rule"]


def test_calibration_constants_put_the_midpoint_at_ten():
    assert SPUN_PRIOR_LOGODDS + EVIDENCE_WEIGHT * 10 == pytest.approx(0.0)
    assert default_lexicon() is default_lexicon()


def test_one_ambiguous_word_repeated_is_one_piece_of_evidence():
    # a clean sentence repeated four times: "Additionally" x4 used to score
    # 0.57 (over the 0.5 gate) and become "Also" (found by the clean-text property)
    from respin import fix_text, spin_score

    text = "Additionally, it asked the regulator to publish its findings in full. " * 4
    assert spin_score(text) < 0.1
    assert fix_text(text) == text
    # artifacts still count every time
    assert spin_score("Shares rose 3 p.c. " * 4) > spin_score("Shares rose 3 p.c. ")
