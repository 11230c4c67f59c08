"""The speed-ups change nothing: the optimised pipeline equals the reference one.

``respin.precompute.reference_mode()`` switches every shortcut off (the clean
screen, cached rule constants, the single-candidate path, the windowed
created-match check), so each test computes the expected output at test time
from the unoptimised pipeline, on generated text and on every corpus.
"""
from __future__ import annotations


import pytest
from conftest import ROOT, clean_sentences
from hypothesis import given
from hypothesis import strategies as st

from respin import Config, default_lexicon, fix_and_explain, fix_text
from respin.bench.suites import find_manifest, load_manifest, load_suite
from respin.precompute import gate_log_ratio, nothing_to_do, reference_mode

LEX = default_lexicon()


def reference(text: str, **kw) -> str:
    with reference_mode():
        return fix_text(text, **kw)


def reference_explained(text: str):
    with reference_mode():
        return fix_and_explain(text)


# -- generated mixtures -------------------------------------------------------

def _fill(form: str, n: int) -> str:
    return form.replace("<num>", str(n))


SPUN = sorted({e.spun for e in LEX})
ARTIFACTS = sorted({e.spun for e in LEX if e.artifact}) + ["{industry}", "{that a}", "five,653",
                                                             "three.1", "p.c", "yr"]
ORIGINALS = sorted({o for e in LEX for o in e.originals})
FILLER = ["the", "a", "of", "and", "to", "in", "said", "Korea", "Seoul", "President", "3",
          "2,400", "$350", "U.S.", "Mr.", "-", "&", "(", "“", "'", ".", "U", "’s", "Σ", "ΟΔΟΣ",
          "İstanbul", "café", "ZUMA", "Press", "Wire", "via", "Getty", "Pictures", "through"]
GAPS = [" ", " ", " ", " ", "  ", "\t", "\u00a0", "\n", "-"]


CLEAN = clean_sentences()

piece = st.one_of(
    st.builds(_fill, st.sampled_from(SPUN), st.integers(0, 2000)),
    st.builds(_fill, st.sampled_from(ORIGINALS), st.integers(0, 2000)),
    st.sampled_from(FILLER),
)


def _sentence(words: list[str], gaps: list[str], cap: bool, end: str) -> str:
    s = "".join(w + g for w, g in zip(words, gaps)).strip()
    return (s[:1].upper() + s[1:] if cap else s) + end


spun_sentence = st.builds(_sentence, st.lists(piece, min_size=1, max_size=12),
                          st.lists(st.sampled_from(GAPS), min_size=12, max_size=12),
                          st.booleans(), st.sampled_from([".", ",", ";", "!", ""]))
quoted = st.builds(lambda s, q: q[0] + s + q[1], spun_sentence,
                   st.sampled_from([("“", "”"), ('"', '"'), ("‘", "’"), ("“", "")]))
artifact = st.builds(lambda a, n: _fill(a, n), st.sampled_from(ARTIFACTS), st.integers(0, 99))
# spun words capitalised in mid-sentence, as in names ("the Nationwide Well being
# Officers"): the screen counts them as protected for non-name rules
titled = st.builds(lambda s, lead: lead + s.title(), spun_sentence,
                   st.sampled_from(["the ", "said ", "In 2024 the ", "", "U.S. ", "5 "]))
block = st.one_of(st.sampled_from(CLEAN), st.sampled_from(CLEAN), st.sampled_from(CLEAN),
                  spun_sentence, quoted, artifact, titled,
                  st.just("http://example.com/provide-chain"), st.just("@officers #stated"))
mixture = st.builds(lambda bs, seps: "".join(b + s for b, s in zip(bs, seps)),
                    st.lists(block, min_size=1, max_size=30),
                    st.lists(st.sampled_from([" ", "\n", "\n\n", " ", "\r\n"]), min_size=30,
                             max_size=30))
clean_mixture = st.builds(lambda bs: " ".join(bs) + "\n",
                          st.lists(st.sampled_from(CLEAN), min_size=1, max_size=40))


@given(mixture)
def test_optimised_equals_reference_on_mixtures(text):
    assert fix_text(text) == reference(text)


@given(mixture)
def test_screened_text_is_what_the_full_pipeline_leaves_alone(text):
    if nothing_to_do(text, LEX):
        assert reference(text) == text


@given(clean_mixture)
def test_clean_mixtures_stay_identical(text):
    assert fix_text(text) == text == reference(text)


def test_clean_mixtures_mostly_take_the_fast_path():
    # The screen's bound is per rule; since counted rows weigh what real pages
    # showed (detect.COUNTED_EVIDENCE_CAP), a clean mixture heavy in words the
    # family spins ("however", "company") can exceed it and take the full
    # pipeline (same output, slower). Measured 2026-12-02: 388 of these 400;
    # 368 with the 442-pair lexicon; 351 with the 546-pair lexicon (fifth round); 367 with
    # the 681-pair lexicon and the counts' prior weight 2 (sixth round); 350 with the
    # 761-pair lexicon (seventh round: more counted rows of common words at the cap,
    # "people", "company", "costs", "could"), while real clean news screens as before (the
    # 120 real originals and 30 clean articles: 149 take the fast path with either lexicon,
    # the screen 0.53 s for 5 passes with both).
    import random
    rnd = random.Random(1)
    texts = [" ".join(rnd.choice(CLEAN) for _ in range(rnd.randint(1, 40))) + "\n" for _ in range(400)]
    assert sum(nothing_to_do(t, LEX) for t in texts) >= 340


@given(mixture, st.sampled_from([0.0, 1.0, 4.0]))
def test_edits_equal_reference_at_any_threshold(text, threshold):
    with reference_mode():
        expected = fix_and_explain(text, threshold=threshold)
    assert fix_and_explain(text, threshold=threshold) == expected


def test_screen_refuses_artifacts_and_strong_evidence():
    assert not nothing_to_do("Shares rose 5 p.c this yr.", LEX)
    assert not nothing_to_do("The {industry} grew.", LEX)
    assert not nothing_to_do("It reached five,653 units.", LEX)
    spun = ("The financial outlook stays important, officers stated, as the provide chain and "
            "the synthetic intelligence know-how remain a pivotal second for the authorities. ")
    assert fix_text(spun * 3) != spun * 3
    assert not nothing_to_do(spun * 3, LEX)


def test_gate_log_ratio_matches_the_documented_midpoint():
    # detect.py: prior -5, weight 0.5, gate 0.5 -> a log-ratio of 10
    assert gate_log_ratio() == pytest.approx(10.0)


# -- every corpus ---------------------------------------------------------------

def _suites():
    path = find_manifest(str(ROOT / "benchmarks" / "suites.json"))
    manifest = load_manifest(path)
    return [load_suite(manifest, name) for name in manifest.names()]


@pytest.fixture(scope="module")
def suites():
    found = _suites()
    if not any(s.documents for s in found):
        pytest.skip("no corpus present")
    return found


def test_every_corpus_is_restored_exactly_as_by_the_reference(suites):
    checked = 0
    for suite in suites:
        for doc in suite.documents:
            got = fix_and_explain(doc.text)
            want = reference_explained(doc.text)
            assert got == want, f"{suite.name}: {doc.id}"
            checked += 1
    assert checked >= 50


def test_every_clean_corpus_text_takes_the_fast_path(suites):
    clean = [(d.id, d.text) for s in suites for d in s.documents if not d.is_spun]
    clean += [(str(p), p.read_text(encoding="utf-8"))
              for p in sorted((ROOT / "benchmarks" / "corpora").glob("*/*.orig.txt"))]
    assert len(clean) >= 30
    for name, text in clean:
        assert fix_text(text) == text
    # The screen is an upper bound: a clean text dense in words the family
    # spins can exceed it and take the full pipeline (same output, slower).
    # Measured 2026-12-02 with the 442-pair lexicon: 1 of these 54 texts
    # (clean/19: bound 11.1 nats against the gate's 10, the pipeline's own
    # log-ratio 4.4); 6 of 368 clean texts with the real originals (was 18
    # before mid-sentence capitals and each covered token once were counted).
    # With the 546-pair lexicon (fifth round): 2 of 54 (clean/19 and the
    # hand-made heldout/05 original); the clean news speed stays 2.2x ftfy. Sixth round:
    # the same two.
    slow = [name for name, text in clean if not nothing_to_do(text, LEX)]
    assert len(slow) <= 2, slow


def test_every_spun_corpus_text_goes_the_full_way(suites):
    spun = [d for s in suites if s.name in ("seed001", "dev", "heldout") for d in s.documents
            if d.is_spun]
    assert spun
    for doc in spun:
        assert not nothing_to_do(doc.text, LEX), doc.id


def test_reference_mode_is_scoped():
    from respin import precompute

    with reference_mode():
        assert not precompute.optimised()
    assert precompute.optimised()


def test_user_lexicon_rules_are_screened_too(tmp_path):
    lex = tmp_path / "extra.tsv"
    lex.write_text("# respin-lexicon 1\nx/1\tfizzbuzz\tpercent\tdemo\tartifact\n", encoding="utf-8")
    cfg = Config(lexicons=(str(lex),))
    text = "Clean words only, officials said. It rose fizzbuzz today.\n"
    assert not nothing_to_do(text, cfg.lexicon())
    assert fix_text(text, cfg) == reference(text, lexicons=(str(lex),))
    assert fix_text(text, cfg) != text


# -- start-up: the model tables load by need, with the same values ---------------

def test_unigrams_read_directly_equal_wordfreq():
    import wordfreq

    from respin.scoring import load_unigrams

    assert load_unigrams() == wordfreq.get_frequency_dict("en")


def test_lazy_unigrams_answer_as_the_dict_before_and_after_it_is_built(monkeypatch):
    monkeypatch.setenv("RESPIN_CACHE_DIR", "")  # no cache: the fallback tables
    import random

    from respin import scoring

    table = scoring.load_unigrams()
    lazy = scoring._unigram_table()
    assert isinstance(lazy, scoring.LazyUnigrams)
    words = random.Random(7).sample(sorted(table), 300) + ["percent", "zzzqqq", "", "p.c", "a\x00b"]
    for w in words:  # the first lookups read the joined text, the rest the dict
        assert lazy.get(w, 0.0) == table.get(w, 0.0), w
    assert lazy._table is not None


def test_lazy_bigrams_answer_as_the_dict_before_and_after_it_is_built(monkeypatch):
    monkeypatch.setenv("RESPIN_CACHE_DIR", "")  # no cache: the fallback tables
    import random

    from respin import scoring

    table = scoring.load_bigrams()
    lazy = scoring._bigram_table()
    assert isinstance(lazy, scoring.LazyBigrams)
    keys = random.Random(7).sample(sorted(table), 400) + ["provide chain", "supply chain", "x y"]
    for k in keys:
        assert lazy.get(k) == table.get(k), k
    assert lazy._table is not None


# -- parallel: the parent only reads, segments and writes -------------------------

def test_fix_segments_joined_equals_fix_lines_in_one_and_two_processes():
    from respin.fixes import fix_lines, fix_segments, split_lines

    text = ("Shares rose 3 p.c in the provide chain {industry}.\n" * 40
            + "The financial outlook is important, officials said.\n" * 40)
    cfg = Config(max_segment_chars=1000)
    want = "".join(fix_lines(split_lines(text), cfg))
    assert "".join(fix_segments(split_lines(text), cfg)) == want
    assert "".join(fix_segments(split_lines(text), cfg, jobs=2)) == want
    assert "".join(fix_lines(split_lines(text), cfg, jobs=2)) == want
    assert "".join(fix_segments(split_lines(text), cfg, jobs=0)) == want  # 0: one per core
    assert want != text
    with pytest.raises(ValueError, match="jobs must be >= 0"):
        fix_segments(split_lines(text), cfg, jobs=-1)  # checked at the call, not at next()


# -- respin-bench --speed ------------------------------------------------------------

def test_bench_speed_prints_every_figure(capsys):
    pytest.importorskip("ftfy")
    import json

    from respin.bench.cli import main

    assert main(["--speed", "--seconds", "0.2", "--stream-mb", "0.2", "--sizes", "0.1",
                 "--jobs", "1,2", "--json"]) == 0
    out = capsys.readouterr()
    result = json.loads(out.out)
    for name in ("clean news", "spun news"):
        assert result[name]["respin_mb_s"] > 0 and result[name]["ftfy_mb_s"] > 0
        assert result[name]["ratio"] == pytest.approx(
            result[name]["respin_mb_s"] / result[name]["ftfy_mb_s"])
    assert 0 < result["cold_start_s"] < 30
    assert [j["jobs"] for j in result["jobs"]] == [1, 2]
    assert all(j["peak_rss_mb"] > 10 for j in result["jobs"])
    table = out.err
    assert "respin/ftfy" in table and "cold start" in table and "--jobs 2" in table


def test_bench_speed_rejects_bad_values(capsys):
    from respin.bench.cli import main

    assert main(["--speed", "--jobs", "0"]) == 1
    assert "respin-bench error:" in capsys.readouterr().err
    assert main(["--speed", "--jobs", "1.5"]) == 1  # was read as 1
    assert "--jobs takes whole numbers" in capsys.readouterr().err
    assert main(["--speed", "--sizes", "0"]) == 1  # was let through
    assert "must be positive" in capsys.readouterr().err


def test_lazy_tables_are_safe_to_share_between_threads(monkeypatch):
    monkeypatch.setenv("RESPIN_CACHE_DIR", "")  # no cache: the fallback tables
    import random
    from concurrent.futures import ThreadPoolExecutor

    from respin import scoring

    uni, bi = scoring.load_unigrams(), scoring.load_bigrams()
    lazy_uni, lazy_bi = scoring._unigram_table(), scoring._bigram_table()
    words = random.Random(3).sample(sorted(uni), 200) + ["zzqq"] * 20
    pairs = random.Random(3).sample(sorted(bi), 200) + ["zz qq"] * 20
    with ThreadPoolExecutor(8) as pool:
        got_u = list(pool.map(lambda w: lazy_uni.get(w, 0.0), words))
        got_b = list(pool.map(lambda k: lazy_bi.get(k), pairs))
    assert got_u == [uni.get(w, 0.0) for w in words]
    assert got_b == [bi.get(k) for k in pairs]
