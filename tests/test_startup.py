"""Start-up: prebuilt tables give the same values as their sources (and the
clean screen's early exit gives the same answers).

The shipped lexicon has a prebuilt form (``respin/data/lexicon.prebuilt.json``)
and the context model's tables are cached on first use
(:mod:`respin._tables`). Each must equal what it was built from, be ignored
when stale or damaged, and never be needed: without them respin reads the
sources as before.
"""
from __future__ import annotations

import io
import json
import math
import random
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from hypothesis import given
from hypothesis import strategies as st

import respin
from respin import _tables, lexicon, scoring
from respin.resources import data_path


def _tsv_lexicon(data: bytes) -> respin.Lexicon:
    return lexicon.parse_lexicon(io.StringIO(data.decode("utf-8-sig"), newline=""),
                                 path=lexicon.DEFAULT_PATH)


def _same_lexicon(a: respin.Lexicon, b: respin.Lexicon) -> None:
    assert a.entries == b.entries
    assert list(a.index.items()) == list(b.index.items())
    assert a.trie == b.trie and a.name_trie == b.name_trie
    assert a.spun_forms_per_original == b.spun_forms_per_original
    assert a.ids == b.ids and a.observed == b.observed


# -- the shipped lexicon's prebuilt form -----------------------------------------

def test_prebuilt_lexicon_is_in_sync_with_the_shipped_tsv():
    # fails when lexicon.tsv changes without scripts/build_lexicon.py
    data = data_path("lexicon.tsv").read_bytes()
    assert data_path(lexicon.PREBUILT_NAME).read_text(encoding="utf-8") == \
        lexicon.prebuilt_text(data)


def test_prebuilt_lexicon_equals_the_parsed_tsv():
    data = data_path("lexicon.tsv").read_bytes()
    prebuilt = lexicon._read_prebuilt(data_path(lexicon.PREBUILT_NAME), data)
    assert prebuilt is not None
    _same_lexicon(prebuilt, _tsv_lexicon(data))
    _same_lexicon(respin.default_lexicon(), _tsv_lexicon(data))


def test_stale_or_damaged_prebuilt_lexicon_is_ignored(tmp_path):
    data = data_path("lexicon.tsv").read_bytes()
    good = data_path(lexicon.PREBUILT_NAME).read_text(encoding="utf-8")
    path = tmp_path / lexicon.PREBUILT_NAME
    path.write_text(good, encoding="utf-8")
    assert lexicon._read_prebuilt(path, data) is not None
    edited = data.replace(b"\tpercent\t", b"\tper cent\t", 1)
    assert edited != data
    assert lexicon._read_prebuilt(path, edited) is None  # built from other bytes
    for damaged in (good[:len(good) // 2], good.replace("[", "{", 5), "", "[]",
                    good.replace(lexicon.PREBUILT_FORMAT, "respin-lexicon-prebuilt 0")):
        path.write_text(damaged, encoding="utf-8")
        assert lexicon._read_prebuilt(path, data) is None
    assert lexicon._read_prebuilt(tmp_path / "missing.json", data) is None


def test_default_lexicon_falls_back_to_the_tsv(monkeypatch):
    data = data_path("lexicon.tsv").read_bytes()
    monkeypatch.setattr(lexicon, "PREBUILT_NAME", "no-such-file.json")
    lexicon.default_lexicon.cache_clear()
    try:
        _same_lexicon(lexicon.default_lexicon(), _tsv_lexicon(data))
    finally:
        lexicon.default_lexicon.cache_clear()


def test_build_script_writes_both_files_and_checks_both():
    res = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_lexicon.py"), "--check"],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    text = (ROOT / "scripts" / "build_lexicon.py").read_text(encoding="utf-8")
    assert "PREBUILT.write_text" in text


def test_prebuilt_lexicon_is_package_data():
    import tomllib

    conf = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = conf["tool"]["setuptools"]["package-data"]["respin"]
    assert "data/*.json" in patterns


# -- the context model's cached tables -------------------------------------------

@pytest.fixture()
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("RESPIN_CACHE_DIR", str(tmp_path))
    return tmp_path


def test_cached_tables_equal_their_sources(cache):
    uni, bi = scoring._unigram_table(), scoring._bigram_table()
    assert isinstance(uni, _tables.SortedTable) and isinstance(bi, _tables.SortedTable)
    assert sorted(p.name for p in cache.iterdir()) == ["bigrams-en.v1.bin", "unigrams-en.v1.bin"]
    # read back from the files just written, then compared whole
    uni, bi = scoring._unigram_table(), scoring._bigram_table()
    words, pairs = scoring.load_unigrams(), scoring.load_bigrams()
    sample = random.Random(11).sample(sorted(words), 500) + [
        "percent", "zzqqx", "", "a\nb", "\ud800", "é", "naïve", "\x00"]
    assert [uni.get(w, 0.0) for w in sample] == [words.get(w, 0.0) for w in sample]
    keys = random.Random(11).sample(sorted(pairs), 500) + ["provide chain", "x y", "", "in"]
    assert [bi.get(k) for k in keys] == [pairs.get(k) for k in keys]
    assert uni._table is None and bi._table is None  # all of those by binary search
    assert uni._build() == words and bi._build() == pairs
    assert len(uni) == len(words) and len(bi) == len(pairs)


def test_a_table_built_on_first_use_is_not_read_back(cache, monkeypatch):
    # cached_table returns the arrays it wrote; only the lookup before building reads
    reads = []
    real = _tables.read_table
    monkeypatch.setattr(_tables, "read_table", lambda *a: reads.append(a[0]) or real(*a))
    built = scoring._bigram_table()
    assert reads == [cache / "bigrams-en.v1.bin"] and (cache / "bigrams-en.v1.bin").exists()
    stamp = _tables._source_stamp(scoring._package_file("symspellpy", scoring._BIGRAM_FILE))
    blob, offsets, values = real(cache / "bigrams-en.v1.bin", stamp, "q")
    assert (built._blob, built._offsets, built._values) == (blob, offsets, values)


def test_sorted_table_switches_to_the_dict_with_the_same_answers(monkeypatch):
    monkeypatch.setattr(_tables, "SORTED_LOOKUPS", 5)
    items = {"b": 2, "a": 1, "ä": 3, "a b": 4, "": 5}
    blob, offsets, values = _tables._encode(items, "q")
    table = _tables.SortedTable(blob, offsets, values)
    keys = ["a", "b", "c", "ä", "a b", "", "zz", "b", "a"] * 2
    assert [table.get(k) for k in keys] == [items.get(k) for k in keys]
    assert table._table == items


def test_stale_or_damaged_cache_files_are_rebuilt(cache):
    scoring._bigram_table()
    path = cache / "bigrams-en.v1.bin"
    good = path.read_bytes()
    source = scoring._package_file("symspellpy", scoring._BIGRAM_FILE)
    stamp = _tables._source_stamp(source)
    assert _tables.read_table(path, stamp, "q") is not None
    assert _tables.read_table(path, dict(stamp, size=stamp["size"] + 1), "q") is None
    assert _tables.read_table(path, dict(stamp, mtime_ns=1), "q") is None
    assert _tables.read_table(path, stamp, "i") is None
    for damaged in (good[:-1], good[:len(good) // 2], good[:-9] + bytes([good[-9] ^ 1]) + good[-8:],
                    b"", b"respin-table\n{\n", good.replace(b'"format": 1', b'"format": 0')):
        path.write_bytes(damaged)
        assert _tables.read_table(path, stamp, "q") is None
        table = scoring._bigram_table()  # rebuilt
        assert isinstance(table, _tables.SortedTable)
        assert table.get("in spite") == 168_655_040
        assert path.read_bytes() == good


def test_no_writable_cache_falls_back_to_reading_the_sources(monkeypatch, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("RESPIN_CACHE_DIR", str(blocker / "cache"))
    assert isinstance(scoring._bigram_table(), scoring.LazyBigrams)
    assert isinstance(scoring._unigram_table(), scoring.LazyUnigrams)
    monkeypatch.setenv("RESPIN_CACHE_DIR", "")
    assert _tables.cache_dir() is None
    assert isinstance(scoring._bigram_table(), scoring.LazyBigrams)


def test_a_valid_file_is_read_where_nothing_can_be_written(cache, monkeypatch, tmp_path):
    scoring._bigram_table()  # written to the cache
    empty = tmp_path / "empty"
    monkeypatch.setattr(_tables, "cache_dirs", lambda: [empty, cache])
    monkeypatch.setattr(_tables, "cache_dir", lambda: None)
    table = scoring._bigram_table()
    assert isinstance(table, _tables.SortedTable) and table.get("in spite") == 168_655_040
    monkeypatch.setattr(_tables, "cache_dirs", lambda: [empty])
    assert isinstance(scoring._bigram_table(), scoring.LazyBigrams)
    assert not empty.exists()


def test_cache_dir_default_is_the_package_or_the_user_cache(monkeypatch, tmp_path):
    monkeypatch.delenv("RESPIN_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    package = Path(_tables.__file__).resolve().parent / "_cache"
    assert _tables.cache_dirs() == [package, tmp_path / "xdg" / "respin"]
    assert _tables.cache_dir() in (package, tmp_path / "xdg" / "respin")


def test_cached_tables_are_safe_to_share_between_threads(cache):
    from concurrent.futures import ThreadPoolExecutor

    scoring._unigram_table()
    uni, words = scoring._unigram_table(), scoring.load_unigrams()
    sample = random.Random(5).sample(sorted(words), 3000) + ["zzqq"] * 50
    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(lambda w: uni.get(w, 0.0), sample * 4))
    assert got == [words.get(w, 0.0) for w in sample * 4]


def test_table_files_hold_no_code(cache):
    # the cache is read with json and array only: its header is plain JSON
    scoring._unigram_table()
    data = (cache / "unigrams-en.v1.bin").read_bytes()
    assert data.startswith(b"respin-table\n")
    header = json.loads(data[len(b"respin-table\n"):data.index(b"\n", 13)])
    assert header["format"] == _tables.FORMAT_VERSION and header["count"] > 300_000


# -- start-up as a whole ---------------------------------------------------------

def test_a_short_text_imports_only_what_it_needs(cache):
    import os

    code = ("import sys, respin; print(respin.fix_text('x p.c')); "
            "print(sorted(m for m in sys.modules if m in "
            "('respin.markup', 'respin.records', 'respin.learn', 'symspellpy', 'wordfreq', "
            "'msgpack', 'regex')))")
    env = dict(os.environ, RESPIN_CACHE_DIR=str(cache))
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True, env=env).stdout.splitlines() for _ in range(2)]
    assert runs[0] == ["x percent", "['msgpack']"]  # the first run writes the cache
    assert runs[1] == ["x percent", "[]"]  # then no source package is even imported
    # regex is imported by the first pattern that needs it, and finds the same
    import regex

    from respin.candidates import _LOWER, _PROTECTED
    text = "Mail a.b@c.org, see www.x.com/é #tag `co de` ÉCOLE é"
    for _, pattern in _PROTECTED + ((None, _LOWER),):
        assert [m.span() for m in pattern.finditer(text)] == \
            [m.span() for m in regex.compile(pattern.source).finditer(text)]
    assert respin.fix_html("<p>3 p.c</p>").text == "<p>3 percent</p>"
    assert {"fix_html", "fix_records", "Record"} <= set(dir(respin))
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        respin.nope  # noqa: B018


# -- the clean screen: _max_gain stops once "under the limit?" is decided -------------

@given(st.lists(st.tuples(st.floats(0.1, 30.0), st.floats(1.0001, 5000.0)), min_size=1,
                max_size=40),
       st.integers(1, 20_000), st.floats(0.0, 60.0))
def test_max_gain_answers_under_the_limit_as_the_full_bisection(terms, untouched, limit):
    from respin.precompute import _max_gain

    full = _max_gain(terms, untouched)
    early = _max_gain(terms, untouched, limit)
    assert (early < limit) == (full < limit)

    def f(rho: float) -> float:
        return (sum(s * math.log1p(rho * (r - 1.0)) for s, r in terms)
                + untouched * math.log1p(-rho))
    # both are upper bounds of the maximum (checked on a grid)
    top = max(f(k / 2000) for k in range(2000))
    assert early >= top - 1e-9 and full >= top - 1e-9


# -- fix_text: one segment's text goes straight to explain_segment --------------------

_PIECES = ["Shares rose 3 p.c in the provide chain {industry}.", "The financial outlook is "
           "important, officials said.", "“Quoted p.c speech,” he stated.", "\n", "\n\n", "\r\n",
           "\r", " ", "  ", "\t", "Wall Road", "{that a}", "five,653", "x" * 40, "ΣΑΣ", "\ufeff",
           "\u2028", "www.example.com/p.c", "#hashtag", "invoice", "laws"]


@given(st.lists(st.sampled_from(_PIECES) | st.text(max_size=8), max_size=30),
       st.sampled_from([1000, 200_000]))
def test_fix_text_equals_the_line_by_line_path(parts, limit):
    from respin.fixes import fix_lines, split_lines

    text = "".join(parts)
    cfg = respin.Config(max_segment_chars=limit)
    assert respin.fix_text(text, cfg) == "".join(fix_lines(split_lines(text), cfg))


def test_fix_text_keeps_its_old_answers_at_the_edges(tmp_path):
    bad = tmp_path / "bad.tsv"
    bad.write_text("not a lexicon\n", encoding="utf-8")
    assert respin.fix_text("", lexicons=(str(bad),)) == ""  # no line: the lexicon is not read
    with pytest.raises(respin.LexiconError):
        respin.fix_text("x", lexicons=(str(bad),))
    with pytest.raises(TypeError, match="unknown option"):
        respin.fix_text("x", treshold=2)
    long = "The economy grew 3 p.c, officers stated. " * 60
    assert respin.fix_text(long, max_segment_chars=1000) == respin.fix_text(long, jobs=1,
                                                                            max_segment_chars=1000)
