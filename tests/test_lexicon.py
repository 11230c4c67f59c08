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
    ("a/1\tp.c\tpercent\td\tartifact\tn=1\textra", "expected 5 tab-separated fields"),
    ("a/1\tp.c\tpercent\td\tartifact\textra", "bad counts part 'extra'"),
    ("a/1\tp.c\tpercent\td\tartifact\t", "empty counts field"),
    ("a/1\tp.c\tpercent\td\tartifact\tn=", "non-negative integer"),
    ("a/1\tp.c\tpercent\td\tartifact\tn=-2", "non-negative integer"),
    ("a/1\tp.c\tpercent\td\tartifact\tn=1.5", "non-negative integer"),
    ("a/1\tp.c\tpercent\td\tartifact\tn=٣", "non-negative integer"),
    ("a/1\tp.c\tpercent\td\tartifact\tn=1|2", "2 item(s) for 1 original(s)"),
    ("a/1\tp.c\tpercent|per cent\td\tartifact\tkept=4", "1 item(s) for 2 original(s)"),
    ("a/1\tp.c\tpercent\td\tartifact\tn=1;n=2", "given twice"),
    ("a/1\tp.c\tpercent\td\tartifact\tn=1;seen=2", "bad counts part 'seen=2'"),
    ("a/1\tp.c\tpercent\td\tartifact\tn=1,kept=2", "non-negative integer"),
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
    ("a/1\t(a+)+$\tpercent\td\tartifact", "contains pattern syntax '$()+'"),
    ("a/1\tcolou?r\tcolor\td\tartifact", "literal text, not regular expressions"),
    ("a/1\t[Ss]aid\tsaid\td\tartifact", "pattern syntax"),
])
def test_bad_rows_name_file_line_and_reason(row, reason):
    with pytest.raises(LexiconError) as info:
        parse("# a comment", row)
    assert info.value.path == "t.tsv" and info.value.line == 3
    assert reason in info.value.reason
    assert str(info.value).startswith("t.tsv:3: ")


@pytest.mark.parametrize("field, counts, kept", [
    ("n=12|3;kept=40|7", (12, 3), (40, 7)),
    ("n=5|0", (5, 0), None),
    ("kept=0|9", None, (0, 9)),
    ("kept=1|2;n=3|4", (3, 4), (1, 2)),
])
def test_counts_field_is_parsed_per_original(field, counts, kept):
    (e,) = parse(f"a/1\tinvoice\tbill|account\td\tambiguous\t{field}")
    assert (e.counts, e.kept) == (counts, kept)


def test_rows_without_counts_have_none_and_round_trip():
    from respin.lexicon import format_row

    rows = ["a/1\tinvoice\tbill|account\td\tambiguous\tn=12|3;kept=40|7",
            "a/2\tyr\tyear\td\tartifact",
            "a/3\tprovide chain\tsupply chain\td\tartifact,multiword\tkept=2"]
    lex = parse(*rows)
    assert (lex.entries[1].counts, lex.entries[1].kept) == (None, None)
    assert [format_row(e) for e in lex] == rows


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


@pytest.mark.parametrize("rows", [
    ("a/1\tsecond\tmoment\td\tambiguous", "a/2\tmoment\tinstant\td\tambiguous"),   # chain
    ("a/1\tsecond\tmoment\td\tambiguous", "a/2\tmoment\tsecond\td\tambiguous"),    # two-way
    ("a/1\tHome\tHouse\td\tambiguous,name",
     "a/2\tHouse\tHome\td\tambiguous,name"),                                        # name two-way
    ("a/1\tprovide chain\tsupply chain\td\tartifact,multiword",
     "a/2\tsupply chain\tprovision chain\td\tambiguous,multiword"),                 # artifact's original
])
def test_chains_and_two_way_rows_load_and_are_listed(rows):
    from respin.lexicon import chained

    lex = parse(*rows)
    assert [(a.id, b.id) for a, _, b in chained(lex)][:1] == [("a/1", "a/2")]


@pytest.mark.parametrize("rows, line", [
    (("a/1\tp.c\tpercent\td\tartifact", "a/2\tpercent\tp.c\td\tambiguous"), 3),
    (("a/1\tWhite Home\tWhite House\td\tartifact,multiword,name",
      "a/2\tWhite House\tWhite Home\td\tartifact,multiword,name"), 2),
    (("a/1\tsecond\tyr\td\tambiguous", "a/2\tyr\tyear\td\tartifact"), 2),
])
def test_an_artifact_spun_form_cannot_be_an_original(rows, line):
    # no source text says "p.c": a row restoring to it would make a second pass
    # restore the restored text again
    with pytest.raises(LexiconError) as info:
        parse(*rows)
    assert info.value.line == line
    assert "is the spun form of artifact rule" in info.value.reason


def test_user_rule_whose_original_is_a_shipped_spun_form_loads(tmp_path):
    from respin import Config

    p = tmp_path / "mine.tsv"
    p.write_text(HEAD + "\nu/1\tgizmo-speak\tfinancial\tuser\tartifact\n", encoding="utf-8")
    lex = Config(lexicons=(str(p),)).lexicon()
    assert lex.by_id("u/1").originals == ("financial",)


def test_lint_finds_unknown_sources():
    assert lint_lexicon(parse("a/1\tyr\tyear\tnowhere\tartifact"), sources={"d"}) == [
        "a/1: source 'nowhere' is not defined in SOURCES.md"]
    assert lint_lexicon(parse("a/1\tyr\tyear\td\tartifact"), sources={"d"}) == []


def test_literal_forms_match_in_linear_time():
    # a user row that looks like a catastrophic-backtracking bait is plain
    # tokens here: matching a long hostile text stays linear
    import time

    from respin.candidates import analyse

    lex = parse("a/1\t" + " ".join(["aa"] * 30) + " ab\tx\td\tartifact,multiword")
    times = []
    for n in (20_000, 40_000):
        text = "aa " * n
        t0 = time.perf_counter()
        assert analyse(text, lex).candidates == []
        times.append(time.perf_counter() - t0)
    assert times[1] < 3.5 * times[0] + 0.05


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
    from conftest import clean_news_texts

    from respin.candidates import analyse

    texts = clean_news_texts()
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


def test_no_lexicon_or_input_data_is_ever_executed_or_unpickled():
    # lexicons are parsed as TSV only; nothing in the package may evaluate or
    # unpickle data (the whole package is scanned, so a new loader cannot slip one in)
    import ast

    banned_calls = {"eval", "exec", "compile", "__import__"}
    banned_modules = {"pickle", "marshal", "shelve", "dill", "cloudpickle", "yaml"}
    found = []
    for path in sorted((ROOT / "src" / "respin").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in banned_calls:
                found.append(f"{path.name}:{node.lineno} {node.func.id}()")
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                found += [f"{path.name}:{node.lineno} import {n}" for n in names
                          if n.split(".")[0] in banned_modules]
    assert found == []


# --------------------------------------------------------------------------- extending a lexicon

def _ordered(value):
    """Nested dicts as lists of items, so that comparing them compares their order too."""
    if isinstance(value, dict):
        return [(k, _ordered(v)) for k, v in value.items()]
    return value


def _built_or_error(make):
    try:
        lex = make()
    except LexiconError as exc:
        return str(exc)
    return [lex.entries] + [_ordered(getattr(lex, f)) for f in (
        "index", "trie", "name_trie", "spun_forms_per_original", "ids", "observed")]


@pytest.mark.parametrize("files", [
    [["u/1\tquuxly\tquickly\tu\tambiguous"]],
    # below a shipped trie node ("provide"), originals the shipped rows have, counts
    [["u/1\tprovide lunch\tsupply lunch\tu\tambiguous,multiword",
      "u/2\tzorp\tpercent|said\tu\tambiguous\tn=2|3;kept=1|0"]],
    # a name row beside the shipped plain row "stated" (same key): the rebuilt path
    [["u/1\tstated\tAnnounced\tu\tambiguous,name"]],
    # artifact rows: the shipped rows are checked against them
    [["u/1\tzorblat\tfrob\tu\tartifact", "u/2\tHome Dept\tHome Depot\tu\tartifact,multiword,name"]],
    [["u/1\tquuxly\tquickly\tu\tambiguous"], ["v/1\tflibly\tfreely\tu\tartifact\tn=4"]],
    # errors: the same message as building everything, first error first
    [["noun/0004\tzzq\tyyq\tu\tambiguous"]],
    [["u/1\tstated\tsaid\tu\tambiguous"]],
    [["u/1\tpercent\tpc\tu\tartifact"]],          # shipped p.c -> percent chains into it
    [["u/1\tzzq\tp.c\tu\tambiguous"]],            # into the shipped artifact p.c
    [["u/1\tquuxly\tquickly\tu\tambiguous"], ["u/1\tflibly\tfreely\tu\tambiguous"]],
    [["u/1\tquuxly\tquickly\tu\tambiguous"], ["v/1\tquickly\tfast\tu\tartifact"]],
])
def test_extending_the_shipped_lexicon_equals_building_it_whole(files):
    from respin.lexicon import build_lexicon, extend_lexicon

    base = default_lexicon()
    extras = [parse_lexicon([HEAD, *rows], path=f"f{i}.tsv") for i, rows in enumerate(files)]
    whole = _built_or_error(lambda: build_lexicon(base.entries + tuple(
        e for x in extras for e in x.entries)))
    assert _built_or_error(lambda: extend_lexicon(base, extras)) == whole
    assert base.index == default_lexicon().index and len(base) == len(default_lexicon())


def test_a_user_lexicon_does_not_rebuild_the_shipped_one(tmp_path, monkeypatch):
    # --lexicon FILE: only the file's rows are keyed and checked, not the ~3,000 shipped ones
    from respin import config, lexicon

    path = tmp_path / "mine.tsv"
    path.write_text(f"{HEAD}\nu/1\tquuxly\tquickly\tu\tambiguous\n"
                    "u/2\tzorp\tpercent\tu\tambiguous\n", encoding="utf-8")
    default_lexicon()
    calls = []
    real = lexicon._tokens.phrase_key
    monkeypatch.setattr(lexicon._tokens, "phrase_key", lambda *a, **k: calls.append(a) or real(*a, **k))
    config._lexicon_for.cache_clear()
    try:
        lex = respin_config(lexicons=(str(path),)).lexicon()
    finally:
        config._lexicon_for.cache_clear()
    assert len(calls) < 20, len(calls)
    assert lex.entries[:len(default_lexicon())] == default_lexicon().entries
    assert [e.id for e in lex.index[("quuxly",)]] == ["u/1"]


def respin_config(**kw):
    from respin import Config

    return Config(**kw)


def test_one_way_from_bytes_to_a_lexicon(tmp_path, monkeypatch):
    # load_lexicon, prebuilt_text and the shipped TSV (without its prebuilt form) share
    # one decoder, so each refuses bad bytes with the file and line
    from respin import lexicon

    bad = f"{HEAD}\nt/1\tp\xe9\tpercent\td\tartifact\n".encode("latin-1")
    path = tmp_path / "bad.tsv"
    path.write_bytes(bad)
    with pytest.raises(LexiconError, match=r"bad.tsv:2: not UTF-8 text \(byte 0xe9\)"):
        load_lexicon(path)
    with pytest.raises(LexiconError, match=r"x.tsv:2: not UTF-8 text \(byte 0xe9\)"):
        lexicon.prebuilt_text(bad, path="x.tsv")
    with pytest.raises(LexiconError, match=r"x.tsv:2: NUL byte"):
        lexicon.prebuilt_text(bad.replace(b"\xe9", b"\0"), path="x.tsv")
    seen = []
    real = lexicon._from_bytes
    monkeypatch.setattr(lexicon, "_from_bytes", lambda data, p: seen.append(p) or real(data, p))
    monkeypatch.setattr(lexicon, "PREBUILT_NAME", "no-such-file.json")
    lexicon.default_lexicon.cache_clear()
    try:
        assert len(lexicon.default_lexicon()) > 2000
    finally:
        lexicon.default_lexicon.cache_clear()
    assert seen == [lexicon.DEFAULT_PATH]


def _refine_files(tmp_path):
    refine = tmp_path / "mine.tsv"
    refine.write_text("# respin-lexicon 1\nu/1\tinvoice\tbill\tmine\tambiguous,refine\tn=4;kept=0;own=0\n",
                      encoding="utf-8")
    ref = tmp_path / "ref.tsv"
    ref.write_text("# respin-lexicon 1\nr/1\tinvoice\tbill|check\tref\tambiguous\tn=10|1;kept=2|0;own=1\n",
                   encoding="utf-8")
    return refine, ref


def test_a_refine_row_folds_into_its_row_whichever_file_comes_first(tmp_path):
    from respin import Config
    refine, ref = _refine_files(tmp_path)
    for order in ((refine, ref), (ref, refine)):
        lex = Config(lexicons=tuple(map(str, order)), use_default_lexicon=False).lexicon()
        (row,) = lex.entries
        assert (row.id, row.originals, row.counts, row.kept, row.own) == \
            ("r/1", ("bill", "check"), (14, 1), (2, 0), 1)


def test_refine_rows_keep_the_duplicate_id_check(tmp_path):
    # the same file twice must not add its counts twice; a refine row may not
    # reuse a shipped id either
    from respin import Config
    refine, _ = _refine_files(tmp_path)
    with pytest.raises(LexiconError, match="duplicate rule id 'u/1'"):
        Config(lexicons=(str(refine), str(refine))).lexicon()
    clash = tmp_path / "clash.tsv"
    clash.write_text("# respin-lexicon 1\nverb/0001\tinvoice\tbill\tmine\tambiguous,refine\tn=4;kept=0;own=0\n",
                     encoding="utf-8")
    with pytest.raises(LexiconError, match="duplicate rule id 'verb/0001'"):
        Config(lexicons=(str(clash),)).lexicon()
