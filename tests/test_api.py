"""The public API: shapes, errors, replay, config."""
from __future__ import annotations

import dataclasses
import json

import pytest

import respin
from respin import Config, Edit, apply_edits, fix_and_explain, fix_lines, fix_text
from respin.edits import article_for, transfer_case

SPUN = ("The deal decreased tariffs from 25 p.c to fifteen p.c, strengthening the provide chain "
        "for the auto {industry} this yr.\n")


def test_all_is_the_public_surface():
    import types

    public = {n for n in dir(respin) if not n.startswith("_")
              and not isinstance(getattr(respin, n), types.ModuleType)}
    assert public | {"__version__"} == set(respin.__all__)


def test_fix_text_restores_artifacts():
    out = fix_text(SPUN)
    assert "p.c" not in out and "provide chain" not in out and "{" not in out
    assert "15 percent" in out and "supply chain" in out and "auto industry" in out
    assert "this year" in out


def test_explained_edits_replay_and_are_records():
    res = fix_and_explain(SPUN)
    assert res.text == fix_text(SPUN)
    assert apply_edits(SPUN, res.edits) == res.text
    for a, b in zip(res.edits, res.edits[1:]):
        assert a.end <= b.start
    for e in res.edits:
        assert SPUN[e.start:e.end] == e.before
        assert e.rule and e.score >= Config().threshold
        assert "Edit(" in repr(e)
        json.dumps(e.asdict())


def test_empty_and_clean_text():
    assert fix_text("") == ""
    assert fix_and_explain("") == ("", [])
    clean = "Officials said the economy grew 2 percent last year.\n"
    assert fix_text(clean) == clean


@pytest.mark.parametrize("bad", [b"bytes", bytearray(b"x"), 12, None])
def test_non_text_input_raises_type_error(bad):
    with pytest.raises(TypeError) as info:
        fix_text(bad)
    if isinstance(bad, (bytes, bytearray)):
        assert "decode" in str(info.value)


def test_config_options_are_checked():
    with pytest.raises(TypeError, match="unknown option 'treshold'"):
        fix_text("x", treshold=2)
    with pytest.raises(ValueError, match="threshold"):
        Config(threshold=float("nan"))
    with pytest.raises(ValueError, match="max_segment_chars"):
        Config(max_segment_chars=10)
    with pytest.raises(ValueError, match="preserve_case"):
        Config(preserve_case="yes")
    with pytest.raises(ValueError, match="needs at least one file"):
        Config(use_default_lexicon=False)
    with pytest.raises(TypeError):
        fix_text("x", config={"threshold": 2})
    cfg = Config(threshold=2.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        cfg.threshold = 3.0  # type: ignore[misc]


def test_higher_threshold_never_adds_edits():
    low = fix_and_explain(SPUN, threshold=0.5).edits
    high = fix_and_explain(SPUN, threshold=6.0).edits
    assert len(high) < len(low)
    assert all(e.score >= 6.0 for e in high)


def test_fix_lines_matches_fix_text_and_streams():
    text = SPUN * 3 + "Officials said the economy grew.\n" + SPUN
    lines = text.splitlines(keepends=True)
    out = list(fix_lines(lines))
    assert len(out) == len(lines)
    assert "".join(out) == fix_text(text)


def test_small_segments_still_match_whole_text_output_shape():
    text = SPUN * 50
    cfg = Config(max_segment_chars=1000)
    out = fix_text(text, cfg)
    assert out.count("\n") == text.count("\n")
    assert fix_and_explain(text, cfg).text == out


def test_parallel_equals_serial():
    text = (SPUN * 40)
    lines = text.splitlines(keepends=True)
    cfg = Config(max_segment_chars=2000)
    assert list(fix_lines(lines, cfg, jobs=2)) == list(fix_lines(lines, cfg))


def test_user_lexicon_adds_rules(tmp_path):
    p = tmp_path / "mine.tsv"
    p.write_text("# respin-lexicon 1\nu/0001\tgizmo-widget\tdevice\tuser\tartifact\n", encoding="utf-8")
    assert fix_text("the gizmo-widget broke", lexicons=[str(p)]) == "the device broke"
    only = Config(lexicons=(str(p),), use_default_lexicon=False)
    assert fix_text("the gizmo-widget broke at 5 p.c", only) == "the device broke at 5 p.c"


def test_case_transfer():
    assert transfer_case("nevertheless", "however") == "however"
    assert transfer_case("Nevertheless", "however") == "However"
    assert transfer_case("NEVERTHELESS", "however") == "HOWEVER"
    assert transfer_case("Provide Chain", "supply chain") == "Supply Chain"
    assert transfer_case("synthetic", "AI") == "AI"


def test_articles():
    assert [article_for(w) for w in ("opportunity", "chance", "hour", "union", "one", "FBI")] == [
        "an", "a", "an", "a", "a", "a"]


def test_apply_edits_rejects_stale_or_overlapping_edits():
    e1 = Edit(0, 3, "abc", "x", "r", 1.0)
    e2 = Edit(2, 4, "cd", "y", "r", 1.0)
    with pytest.raises(ValueError, match="overlap"):
        apply_edits("abcd", [e1, e2])
    with pytest.raises(ValueError, match="expects"):
        apply_edits("zzzz", [e1])
    assert apply_edits("abcd", []) == "abcd"


def test_spin_score_separates_spun_from_clean():
    assert respin.spin_score(SPUN * 3) > 0.9
    assert respin.spin_score("Officials said the economy grew 2 percent last year.") < 0.1
    report = respin.explain_spin(SPUN)
    assert report.evidence and report.evidence[0].artifact
    json.dumps(report.asdict())
    assert respin.looks_spun(SPUN * 3)
