"""Strict loader and lint tests; the shipped lexicon must pass every lint."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from respin.lexicon import (FLAGS, FORMAT_HEADER, LexiconError, default_lexicon, lint_lexicon,
                            load_lexicon, parse_lexicon)

ROOT = Path(__file__).resolve().parent.parent
HEAD = FORMAT_HEADER


def parse(*rows: str):
    return parse_lexicon([HEAD, *rows], path="t.tsv")


@pytest.mark.parametrize("row, reason", [
    ("a/1\tp.c\tpercent\td", "expected 5 tab-separated fields"),
    ("a/1\tp.c\tpercent\td\tartifact\textra", "expected 5 tab-separated fields"),
    ("\tp.c\tpercent\td\tartifact", "bad rule id"),
    ("a/1\t\tpercent\td\tartifact", "empty spun form"),
    ("a/1\tp.c\t\td\tartifact", "empty original"),
    ("a/1\tp.c\tpercent|\td\tartifact", "empty original"),
    ("a/1\tp.c\tpercent\t\tartifact", "empty source"),
    ("a/1\tp.c\tpercent\td\tartifact,shiny", "unknown flag"),
    ("a/1\tp.c\tpercent\td\t", "exactly one of 'artifact' or 'ambiguous'"),
    ("a/1\tp.c\tpercent\td\tartifact,ambiguous", "exactly one of 'artifact' or 'ambiguous'"),
    ("a/1\tprovide chain\tsupply chain\td\tartifact", "'multiword' flag"),
    ("a/1\tyr\tyear\td\tartifact,multiword", "'multiword' flag"),
    ("a/1\tyr\tYR\td\tartifact", "equals the spun form"),
    ("a/1\tyr\tyear|Year\td\tartifact", "listed twice"),
    ("a/1\tCould <num>\tMay\td\tartifact,multiword,name", "slot"),
    ("a/1\tprovide  chain\tsupply chain\td\tartifact,multiword", "stray whitespace"),
])
def test_bad_rows_name_file_line_and_reason(row, reason):
    with pytest.raises(LexiconError) as info:
        parse("# a comment", row)
    assert info.value.path == "t.tsv" and info.value.line == 3
    assert reason in info.value.reason
    assert str(info.value).startswith("t.tsv:3: ")


def test_header_is_required():
    with pytest.raises(LexiconError, match="first line"):
        parse_lexicon(["a/1\tyr\tyear\td\tartifact"], path="t.tsv")
    with pytest.raises(LexiconError, match="empty file"):
        parse_lexicon([], path="t.tsv")


def test_bom_and_comments_are_accepted(tmp_path):
    p = tmp_path / "user.tsv"
    p.write_text("\ufeff" + HEAD + "\n# c\n\nu/1\tyr\tyear\tuser\tartifact\n", encoding="utf-8")
    lex = load_lexicon(p)
    assert [e.id for e in lex] == ["u/1"]


def test_missing_file_raises_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_lexicon(tmp_path / "nope.tsv")


def test_duplicates_are_rejected():
    with pytest.raises(LexiconError, match="duplicate rule id"):
        parse("a/1\tyr\tyear\td\tartifact", "a/1\tp.c\tpercent\td\tartifact")
    with pytest.raises(LexiconError, match="already defined"):
        parse("a/1\tyr\tyear\td\tartifact", "a/2\tYr\tyear\td\tartifact")


def test_lint_finds_cycles_and_unknown_sources():
    lex = parse("a/1\tsecond\tmoment\td\tambiguous", "a/2\tmoment\tinstant\td\tambiguous")
    assert lint_lexicon(lex) == ["a/1: original 'moment' is the spun form of a/2"]
    assert lint_lexicon(parse("a/1\tyr\tyear\tnowhere\tartifact"), sources={"d"}) == [
        "a/1: source 'nowhere' is not defined in SOURCES.md"]


# ---- the shipped lexicon -------------------------------------------------

def defined_sources() -> set[str]:
    text = (ROOT / "lexicons" / "SOURCES.md").read_text(encoding="utf-8")
    return set(re.findall(r"^\| `([^`]+)` \|", text, flags=re.M))


def test_shipped_lexicon_passes_lint():
    lex = default_lexicon()
    assert len(lex) > 1000
    assert lint_lexicon(lex, defined_sources()) == []


def test_shipped_ids_are_stable_shape_and_unique():
    lex = default_lexicon()
    ids = [e.id for e in lex]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z]+/\d{4}", i) for i in ids)
    for e in lex:
        assert e.flags <= FLAGS.keys()
        assert all(o.lower() != e.spun.lower() for o in e.originals)


def test_no_artifact_row_matches_clean_text():
    # an artifact is by definition never edited English: one sighting in a
    # clean text would make it look spun
    from respin.candidates import analyse

    import json

    texts = [json.loads(line)["spun"] for line in
             (ROOT / "tests" / "cases" / "negative.jsonl").read_text(encoding="utf-8").splitlines()
             if line.strip()]
    shared = ROOT.parent / "shared"
    if shared.exists():
        texts += [p.read_text(encoding="utf-8") for p in sorted((shared / "corpus" / "clean").glob("*.txt"))]
        texts += [(shared / "seeds" / f"{n}.txt").read_text(encoding="utf-8") for n in ("000", "002", "003", "004")]
    assert texts
    lex = default_lexicon()
    hits = [(t[c.start:c.end], c.entry.id) for t in texts for c in analyse(t, lex).candidates
            if c.entry.artifact]
    assert hits == []


def test_shipped_file_equals_the_build():
    res = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_lexicon.py"), "--check"],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr


def test_default_lexicon_is_cached():
    assert default_lexicon() is default_lexicon()
