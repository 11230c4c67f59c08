"""respin learn: alignment, extraction, the TSV it writes, the CLI, and restoring with it.

Every pair here was written for these tests in the style of the spinner family
("stated" for "said", "invoice" for "bill", "Home" for "House"); no third-party
text.
"""
from __future__ import annotations

import io
import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import clean_news_texts
from hypothesis import given
from hypothesis import strategies as st

import respin
from respin import cli
from respin.bench.corpora import load_corpus, parse_annotation
from respin.bench.metrics import score_document
from respin.learn import FUNCTION_WORDS, Learned, LearnError, Pair, align_pair, learn, read_pairs
from respin.lexicon import format_row, load_lexicon

ORIGINAL = """\
WASHINGTON — The House voted on Tuesday to pass a bill that would raise the national budget for \
health programs by 4 percent, officials said.

The legislation, which the government proposed in March, now goes to the Senate, where leaders \
said they expect a final vote next week.

House Republicans said the measure would help families pay for medical care. Democrats told \
reporters that the bill does not go far enough.

"We will keep working on this," the speaker said in a statement.

The White House said the president would sign the legislation if it reached his desk. Officials \
told reporters the budget would also fund rural clinics and hospitals across the country.
"""

SPUN = """\
WASHINGTON — The Home voted on Tuesday to cross an invoice that would increase the nationwide \
price range for well being packages by 4 p.c, officers stated.

The laws, which the authorities proposed in March, now goes to the Senate, the place leaders \
stated they anticipate a last vote subsequent week.

Home Republicans stated the measure would assist households pay for medical care. Democrats \
informed reporters that the invoice does not go far sufficient.

"We will keep working on this," the speaker stated in an announcement.

The White Home stated the president would signal the laws if it reached his desk. Officers \
informed reporters the price range would additionally fund rural clinics and hospitals throughout \
the nation.
"""


def _pairs_dir(tmp_path: Path, pairs: dict[str, tuple[str, str]]) -> Path:
    d = tmp_path / "pairs"
    d.mkdir()
    for name, (spun, orig) in pairs.items():
        (d / f"{name}.spun.txt").write_text(spun, encoding="utf-8")
        (d / f"{name}.orig.txt").write_text(orig, encoding="utf-8")
    return d


def _swaps(report) -> set[tuple[str, str]]:
    return {(s.spun, s.original) for s in report.substitutions}


def _run(*args: str, stdin: bytes = b"") -> tuple[int, str, str]:
    out, err = io.BytesIO(), io.StringIO()
    status = cli.main(list(args), stdin=io.BytesIO(stdin), stdout=out, stderr=err)
    return status, out.getvalue().decode("utf-8"), err.getvalue()


# ---- extraction ----------------------------------------------------------------------------

def test_substitutions_of_the_written_pair():
    report = align_pair(Pair("house", SPUN, ORIGINAL))
    swaps = _swaps(report)
    for pair in [("stated", "said"), ("invoice", "bill"), ("cross", "pass"), ("laws", "legislation"),
                 ("authorities", "government"), ("well being", "health"), ("price range", "budget"),
                 ("p.c", "percent"), ("informed", "told"), ("the place", "where"),
                 ("White Home", "White House"), ("Home Republicans", "House Republicans"),
                 ("Home", "House"), ("subsequent", "next"), ("throughout", "across")]:
        assert pair in swaps, pair
    # the spinner's article change "a bill" -> "an invoice" is not a row; the quote is unchanged
    assert not any(s.original in ("a", "the") for s in report.substitutions)
    assert report.aligned_words > 100


def test_learned_rows_carry_counts_flags_ids_and_provenance():
    result = learn([Pair("house", SPUN, ORIGINAL), Pair("again", SPUN, ORIGINAL)])
    rows = {e.spun: e for e in result.entries}
    stated = rows["stated"]
    assert stated.originals == ("said",) and stated.counts == (10,)
    # "said" is kept nowhere in the spun text (every "said" was rewritten)
    assert stated.kept == (0,)
    # every spun form the shipped lexicon has is a `refine` row
    shipped = respin.default_lexicon()
    for e in result.entries:
        assert ("refine" in e.flags) == any(x.name == e.name for x in shipped.index.get(
            respin.tokens.phrase_key(e.spun, keep_case=e.name), ()))
    assert rows["White Home"].flags - {"refine"} == {"ambiguous", "multiword", "name"}
    assert rows["Home"].flags - {"refine"} == {"ambiguous", "name"}
    assert rows["price range"].flags - {"refine"} == {"ambiguous", "multiword"}
    assert all(re.fullmatch(r"learn/\d{4}", e.id) and e.source == "learned" for e in result.entries)
    assert result.provenance[stated.id] == ("house", "again")
    # ranked by how often they were seen
    totals = [sum(e.counts) for e in result.entries]
    assert totals == sorted(totals, reverse=True)


def test_kept_counts_originals_left_unchanged_in_aligned_text():
    spun = ("The council stated on Monday that it would review the bill. Members said the bill "
            "was too costly, and the mayor said she would veto the bill if it passed unchanged.")
    orig = ("The council said on Monday that it would review the bill. Members said the bill "
            "was too costly, and the mayor said she would veto the bill if it passed unchanged.")
    (row,) = learn([("k", spun, orig)]).entries
    assert (row.spun, row.originals, row.counts, row.kept) == ("stated", ("said",), (1,), (2,))


def test_rival_originals_are_merged_and_ranked_by_count():
    pairs = []
    for k, orig in enumerate(["during", "during", "across"]):
        spun_text = f"Storms moved throughout the region on day {k} of the week, forecasters said late."
        orig_text = f"Storms moved {orig} the region on day {k} of the week, forecasters said late."
        pairs.append((f"p{k}", spun_text, orig_text))
    (row,) = learn(pairs).entries
    assert row.spun == "throughout" and row.originals == ("during", "across")
    assert row.counts == (2, 1)


def test_numbers_names_punctuation_and_function_words_are_not_rows():
    orig = ("The agency said on Friday that 5,653 people and 12 towns were affected, and Mayor "
            "Smith said that a review of the response would follow within weeks, officials said.")
    spun = ("The agency stated on Friday that five,653 people and 14 towns were affected, and Mayor "
            "Jones stated that the review of the response would follow within weeks; officials stated.")
    report = align_pair(Pair("n", spun, orig))
    assert _swaps(report) == {("stated", "said")}
    assert report.dropped["numeral"] == 1 and report.dropped["number"] == 1
    assert report.dropped["name"] == 1 and report.dropped["function words"] == 1
    assert report.dropped["punctuation"] == 1


def test_spelled_numbers_that_differ_are_facts_not_swaps():
    orig = "Two years later, the panel said one of the members would return within twenty days."
    spun = "Twenty years later, the panel stated one of the members would return within two days."
    report = align_pair(Pair("n", spun, orig))
    assert _swaps(report) == {("stated", "said")}
    assert report.dropped["number"] == 2
    # the same number word on both sides is no fact: the swap around it is learned
    report = align_pair(Pair("n", "It is one of many reasons.", "It is one of the reasons."))
    assert report.dropped["number"] == 0


def test_a_swap_inside_a_known_phrase_is_learned_as_the_phrase():
    # "one of many" for "one of the": the minimal difference is "many" / "the",
    # which as a row would rewrite every "the many"; the known row is the swap
    report = align_pair(Pair("p", "It is one of many reasons, the panel stated.",
                             "It is one of the reasons, the panel said."))
    assert _swaps(report) == {("one of many", "one of the"), ("stated", "said")}
    report = align_pair(Pair("p", "It is one of many reasons, the panel stated.",
                             "It is one of the reasons, the panel said."), known=set())
    assert ("many", "the") in _swaps(report)


def test_a_swap_inside_a_known_spun_form_is_learned_as_that_form():
    # the reference knows "a number of" (-> several) but not -> "a few": the minimal
    # difference "number of" / "few" would make a row that turns "a number of" into
    # "a few" wherever the original said "several"
    known = {(("a", "number", "of"), ("several",))}
    report = align_pair(Pair("p", "There are a number of reasons, the panel stated.",
                             "There are a few reasons, the panel said."), known=known)
    assert _swaps(report) == {("a number of", "a few"), ("stated", "said")}
    # a piece that is itself a known spun form stays as it is
    known |= {(("number", "of"), ("amount", "of"))}
    report = align_pair(Pair("p", "There are a number of reasons.", "There are a few reasons."),
                        known=known)
    assert _swaps(report) == {("number of", "few")}


def test_headline_capitals_are_not_names():
    orig = "Senate Leaders Say Budget Deal Is Close\n\nSenate leaders said a budget deal was close.\n"
    spun = "Senate Leaders Say Price range Deal Is Shut\n\nSenate leaders stated a price range deal was shut.\n"
    rows = {(e.spun, e.originals[0], "name" in e.flags) for e in learn([("h", spun, orig)]).entries}
    assert rows == {("price range", "budget", False), ("shut", "close", False), ("stated", "said", False)}


# ---- robustness to real pairs ----------------------------------------------------------------

EXPECTED = {("stated", "said"), ("invoice", "bill"), ("laws", "legislation"), ("subsequent", "next")}
BASE_ORIG = ("Lawmakers said on Monday that the bill would reach the floor next month. The legislation "
             "has broad support among farmers, the committee chair said in an interview.")
BASE_SPUN = ("Lawmakers stated on Monday that the invoice would reach the floor subsequent month. The laws "
             "has broad support among farmers, the committee chair stated in an interview.")


@pytest.mark.parametrize("spun, orig", [
    # the excerpts start and end at different places
    ("Posted by the newsroom staff at 9 am with photos from the scene and a video clip.\n\n" + BASE_SPUN,
     BASE_ORIG + "\n\nRead more: a list of related stories about rural policy from our archive."),
    # a paragraph is missing on one side
    (BASE_SPUN.replace(". The laws", ".\n\nA long detour paragraph about a quite different topic that "
                                     "the original never had, with its own wording entirely.\n\nThe laws"),
     BASE_ORIG.replace(". The legislation", ".\n\nThe legislation")),
    # different quote styles
    (BASE_SPUN + " “It is time,” she stated.", BASE_ORIG + ' "It is time," she said.'),
    # a word the spinner inserted
    (BASE_SPUN.replace("the floor", "the ground floor"), BASE_ORIG),
])
def test_alignment_is_robust_to_real_pair_differences(spun, orig):
    swaps = _swaps(align_pair(Pair("r", spun, orig)))
    assert EXPECTED <= swaps
    assert all(s in EXPECTED | {("ground floor", "floor")} for s in swaps), swaps


def test_unrelated_texts_give_nothing():
    spun = "The weather service issued a frost warning for the valley, where growers stated concerns."
    orig = "A local team won its third straight title on Saturday after a late goal in extra time."
    assert learn([("u", spun, orig)]).entries == ()


WORDS = re.compile(r"[a-z]+")
REPLACEMENTS = ["zephyrs", "quokka", "marzipan", "obelisk", "plinth", "kumquat", "gazebo",
                "fjords", "yodel", "bramble", "walrus", "nutmeg"]


@given(st.randoms(use_true_random=False), st.integers(min_value=1, max_value=8))
def test_random_word_swaps_are_recovered_exactly(rnd: random.Random, k: int):
    # substitute k random ordinary words of an article with words it does not
    # contain: learning recovers exactly those swaps, no more, no fewer
    text = ORIGINAL
    tokens = list(re.finditer(r"\S+", text))
    spots = [i for i, m in enumerate(tokens)
             if WORDS.fullmatch(m.group()) and m.group() not in FUNCTION_WORDS and 0 < i < len(tokens) - 1]
    chosen: list[int] = []
    for i in rnd.sample(spots, len(spots)):
        if all(abs(i - j) > 3 for j in chosen):
            chosen.append(i)
        if len(chosen) == k:
            break
    words = rnd.sample(REPLACEMENTS, len(chosen))
    spun, pos, expected = [], 0, set()
    for i, w in sorted(zip(chosen, words)):
        m = tokens[i]
        spun += [text[pos:m.start()], w]
        expected.add((w, m.group()))
        pos = m.end()
    spun.append(text[pos:])
    report = align_pair(Pair("h", "".join(spun), text))
    assert _swaps(report) == expected


# ---- the TSV, the CLI and restoring with it ----------------------------------------------------

def test_learned_tsv_round_trips_through_the_loader(tmp_path):
    result = learn([Pair("house", SPUN, ORIGINAL)])
    path = tmp_path / "learned.tsv"
    result.write(path)
    loaded = load_lexicon(path)
    assert [(e.id, e.spun, e.originals, e.source, e.flags, e.counts, e.kept) for e in loaded] == \
        [(e.id, e.spun, e.originals, e.source, e.flags, e.counts, e.kept) for e in result.entries]
    rows = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    assert rows == [format_row(e) for e in loaded]
    assert all(len(r.split("\t")) == 6 for r in rows)
    # every row is preceded by a comment naming its pairs
    assert len(re.findall(r"^# pairs: house$", path.read_text(encoding="utf-8"), re.M)) == len(rows)
    assert all(e.own is not None for e in loaded)


def test_learn_then_restore_recovers_the_pair(tmp_path):
    d = _pairs_dir(tmp_path, {"house": (SPUN, ORIGINAL)})
    out, ann = tmp_path / "learned.tsv", tmp_path / "ann"
    status, stdout, err = _run("learn", str(d), "-o", str(out), "--exclude-known", "--ann", str(ann))
    assert status == 0, err
    assert "pairs: 1\n" in stdout and "rows already known:" in stdout and "new rows:" in stdout
    gold = parse_annotation((ann / "house.ann.txt").read_text(encoding="utf-8"))
    assert gold.spun == SPUN
    assert len(gold.spans) >= 30
    status, restored, err = _run("--lexicon", str(out), stdin=SPUN.encode())
    assert status == 0, err
    score = score_document(gold, restored)
    # measured 2026-12: 31 of 37 spans (0.84), no wrong edit; the six misses are
    # ambiguous rows whose context margin falls short ("the laws, which"), which
    # the scorer's use of the counts (issue 12 part 4) is for: see the xfail below
    # With the fifth-round lexicon, 34 of 37 and one unasked edit, by a shipped row, not a
    # learned one: "medical care" -> "health care" (learned/1225: 4 spins on real pages, never
    # the author's word there); gone with the counts' prior weight 2 (sixth round)
    assert score.recall >= 0.8 and score.precision == 1.0, (score, restored)
    # the learned rows leave clean news alone
    config = respin.Config(lexicons=(str(out),))
    for text in clean_news_texts():
        assert respin.fix_text(text, config) == text


def _restored_recall(tmp_path, **kwargs) -> float:
    result = learn([Pair("house", SPUN, ORIGINAL)], exclude_known=kwargs.pop("exclude_known"))
    path = tmp_path / "learned.tsv"
    result.write(path)
    gold = parse_annotation(result.pairs[0].ann)
    return score_document(gold, respin.fix_text(SPUN, lexicons=(str(path),), **kwargs)).recall


def test_learned_lexicon_alone_restores_the_pair(tmp_path):
    # measured 2026-12: 0.78 with only the learned rows (shipped lexicon off)
    assert _restored_recall(tmp_path, exclude_known=False, use_default_lexicon=False) >= 0.75


def test_learn_then_restore_recovers_90_percent(tmp_path):
    # issue 12: learning from a pair and restoring its spun text recovers at
    # least 90% of its substitutions. The learned file sits beside the shipped
    # lexicon: new rows, and `refine` rows that add this pair's counts to the
    # shipped rows; the scorer reads the counts (resolve.observed_log_odds).
    # Measured 2026-12-02 with the lexicon learned from 442 real pairs: 34 of
    # 37 (0.919), no wrong edit (292 pairs: 33, 0.892). The misses are words
    # the family's counts make coin flips: "increase" -> "raise" (boom 4,
    # expand 4, boost 3, extend 3, raise 2), and "throughout the nation" ->
    # "across the country" (throughout: across 52, during 57; nation: 65 spins,
    # 46 own uses)
    assert _restored_recall(tmp_path, exclude_known=False) >= 0.9


def test_refine_rows_add_the_pairs_counts_to_the_shipped_rows(tmp_path):
    result = learn([Pair("house", SPUN, ORIGINAL)])
    path = tmp_path / "learned.tsv"
    result.write(path)
    refined = [e for e in result.entries if "refine" in e.flags]
    assert refined and all(e.counts for e in refined)
    shipped = respin.default_lexicon()
    lex = respin.Config(lexicons=(str(path),)).lexicon()
    assert len(lex.entries) == len(shipped.entries) + len(result.entries) - len(refined)
    for e in refined:
        before = [x for x in shipped.entries if x.spun == e.spun and x.name == e.name][0]
        after = lex.by_id(before.id)
        assert sum(after.counts) == sum(before.counts or ()) + sum(e.counts)
        assert set(o.lower() for o in after.originals) >= set(o.lower() for o in e.originals)
    # alone, a refine row is an ordinary row
    alone = respin.Config(lexicons=(str(path),), use_default_lexicon=False).lexicon()
    assert len(alone.entries) == len(result.entries)
    # without counts a refine row is refused
    bad = tmp_path / "bad.tsv"
    bad.write_text("# respin-lexicon 1\nu/1\tinvoice\tbill\tmine\tambiguous,refine\n", encoding="utf-8")
    with pytest.raises(respin.lexicon.LexiconError, match="'refine' row needs counts"):
        respin.lexicon.load_lexicon(bad)


def test_known_rows_are_counted_and_excluded_on_request():
    full = learn([Pair("house", SPUN, ORIGINAL)])
    slim = learn([Pair("house", SPUN, ORIGINAL)], exclude_known=True)
    shipped = respin.default_lexicon()
    known = [e for e in full.entries if (e.spun.lower(),) and any(
        x.name == e.name for x in shipped.index.get(_key(e), ()))]
    assert full.known == slim.known == len(known) > 0
    assert len(slim.entries) == len(full.entries) - len(known)
    assert {e.spun for e in slim.entries}.isdisjoint({e.spun for e in known})
    # the slim file loads beside the shipped lexicon: no duplicate spun form
    respin.lexicon.build_lexicon(list(shipped) + list(slim.entries))


def _key(e):
    from respin.tokens import phrase_key

    return phrase_key(e.spun, keep_case=e.name)


def test_min_count_and_source():
    result = learn([Pair("a", SPUN, ORIGINAL)], min_count=3, source="learned:test")
    assert result.entries and all(sum(e.counts) >= 3 for e in result.entries)
    assert {e.source for e in result.entries} == {"learned:test"}
    assert result.below_min_count > 0
    with pytest.raises(ValueError, match="min_count"):
        learn([Pair("a", SPUN, ORIGINAL)], min_count=0)


def test_min_rate_drops_spun_forms_authors_write_and_originals_left_alone():
    # "within" for "in" once, "in" kept seven times: rate 1/8; "stated" for "said"
    # twice, "said" never kept, "stated" never the author's: rate 1
    # ("within days": "within the" -> "in the" is a shipped phrase row, learned whole)
    spun = ("Officials stated within days that the plan, in its current form, would pass in "
            "the House in June; in a statement in May, aides stated in private that it was in doubt.")
    orig = ("Officials said in days that the plan, in its current form, would pass in "
            "the House in June; in a statement in May, aides said in private that it was in doubt.")
    rows = {e.spun: e for e in learn([("r", spun, orig)]).entries}
    assert rows["within"].counts == (1,) and rows["within"].kept == (7,)
    result = learn([("r", spun, orig)], min_rate=0.5)
    assert [e.spun for e in result.entries] == ["stated"] and result.below_min_rate == 1
    with pytest.raises(ValueError, match="min_rate"):
        learn([("r", spun, orig)], min_rate=1.5)


def test_jsonl_and_directory_inputs_agree(tmp_path):
    d = _pairs_dir(tmp_path, {"house": (SPUN, ORIGINAL)})
    j = tmp_path / "pairs.jsonl"
    j.write_text(json.dumps({"id": "house", "spun": SPUN, "original": ORIGINAL}) + "\n\n",
                 encoding="utf-8")
    a, b = learn([d]), learn([j])
    assert [format_row(e) for e in a.entries] == [format_row(e) for e in b.entries]
    assert read_pairs([j])[0].id == "house"


def test_output_to_stdout_puts_the_summary_on_stderr(tmp_path):
    d = _pairs_dir(tmp_path, {"house": (SPUN, ORIGINAL)})
    status, stdout, err = _run("learn", str(d), "-o", "-")
    assert status == 0
    assert stdout.startswith("# respin-lexicon 1\n") and "pairs: 1" in err


@pytest.mark.parametrize("setup, args, status, message", [
    (lambda d: None, ["missing"], 1, "cannot read"),
    (lambda d: (d / "a.spun.txt").write_text("x"), ["d"], 1, "no original a.orig.txt next to this spun file"),
    (lambda d: (d / "a.orig.txt").write_text("x"), ["d"], 1, "no spun text a.spun.txt next to it"),
    (lambda d: None, ["d"], 1, "no NAME.spun.txt + NAME.orig.txt pairs"),
    (lambda d: (d / "p.jsonl").write_text('{"spun": "a", "original": "b"}\n{"spun": "a",\n'),
     ["d/p.jsonl"], 1, "p.jsonl:2: invalid JSON"),
    (lambda d: (d / "p.jsonl").write_text('{"spun": "a"}\n'), ["d/p.jsonl"], 1,
     "p.jsonl:1: record has no 'original' field"),
    (lambda d: (d / "p.jsonl").write_text('{"spun": "a", "original": 3}\n'), ["d/p.jsonl"], 1,
     "p.jsonl:1: field 'original' must be a string"),
    (lambda d: (d / "p.jsonl").write_text('{"id": 1, "spun": "a", "original": "b"}\n' * 2),
     ["d/p.jsonl"], 1, "p.jsonl:2: duplicate id '1'"),
    (lambda d: (d / "p.txt").write_text("x"), ["d/p.txt"], 1, "expected a directory"),
    (lambda d: None, ["d", "--min-count", "0"], 2, "--min-count must be >= 1"),
    (lambda d: None, ["d", "--source", "a b"], 2, "--source must be an id without spaces"),
    (lambda d: None, ["d", "--min-rate", "2"], 2, "--min-rate must be from 0 to 1"),
    (lambda d: None, ["d", "--bogus"], 1, "unrecognized arguments: --bogus (see respin learn --help)"),
])
def test_bad_input_is_one_line_and_an_exit_status(tmp_path, monkeypatch, setup, args, status, message):
    monkeypatch.chdir(tmp_path)
    d = tmp_path / "d"
    d.mkdir()
    setup(d)
    code, stdout, err = _run("learn", *args, "-o", "out.tsv")
    assert code == status
    assert err.count("\n") == 1 and err.startswith("respin error: ") and message in err, err
    assert not (tmp_path / "out.tsv").exists()


def test_usage_needs_pairs_and_output():
    code, _, err = _run("learn")
    assert code == 1 and "required: PAIRS, -o/--output" in err


def test_ann_gold_loads_in_the_harness_and_leaves_out_unaligned_lines(tmp_path):
    extra = "An unrelated closing paragraph that only the spun page carries, about something else.\n"
    result = learn([Pair("x/house", SPUN + "\n" + extra, ORIGINAL)], ann_dir=tmp_path / "ann")
    (path,) = (tmp_path / "ann").glob("*.ann.txt")
    assert path.name == "x_house.ann.txt"
    (doc,) = load_corpus([path]).documents
    assert extra not in doc.text and doc.text.strip() == SPUN.strip()
    assert len(doc.gold.spans) == len(result.pairs[0].substitutions)


@pytest.mark.parametrize("first", [
    "import respin", "import respin.learn", "from respin.learn import Pair",
    "from respin import learn", "import respin.cli", "from respin import *"])
def test_respin_learn_is_loaded_on_first_use_and_is_the_function(first):
    # `import respin` does not load respin.learn (start-up); whatever loads it first,
    # respin.learn is the function and sys.modules["respin.learn"] its module
    code = (f"import sys\n{first}\n"
            "loaded = 'respin.learn' in sys.modules\n"
            "import respin\n"
            "f = respin.learn\n"
            "from respin.learn import Pair, learn as g\n"
            "import respin.learn as h\n"
            "from respin import learn as k\n"
            "assert f is g is h is k is respin.learn, (f, respin.learn)\n"
            "assert sys.modules['respin.learn'].Pair is Pair\n"
            "print(loaded)")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == str(first in ("import respin.learn",
                                                "from respin.learn import Pair",
                                                "from respin import learn",
                                                "from respin import *"))


def test_api_export_is_the_function():
    assert respin.learn is learn and "learn" in respin.__all__
    assert isinstance(learn([Pair("house", SPUN, ORIGINAL)]), Learned)
    with pytest.raises(LearnError, match="duplicate pair id"):
        learn([Pair("a", SPUN, ORIGINAL), ("a", SPUN, ORIGINAL)])


def test_extraction_matches_the_dev_corpus_gold():
    # the dev corpus is spun by hand with gold spans: the learner, given each
    # spun text and its original, should find the gold swaps. Measured 2026-12:
    # 851 of 1,024 required gold spans found (recall 0.83), 140 other
    # substitutions (precision 0.86), mostly the same swap cut finer or coarser
    # than the annotator ("greater" -> "more" inside "greater than" -> "more than")
    from respin.bench.corpora import TOKEN

    root = Path(__file__).resolve().parent.parent / "benchmarks" / "corpora" / "dev"
    tp = fp = fn = 0
    for doc in load_corpus([root]).documents:
        orig = Path(doc.origin[: -len(".ann.txt")] + ".orig.txt").read_text(encoding="utf-8")
        report = align_pair(Pair(doc.id, doc.text, orig))
        toks = list(TOKEN.finditer(doc.text))
        gold = {(toks[s.start].start(), toks[s.end - 1].end()): {" ".join(a) for a in s.accepted}
                for s in doc.gold.spans if s.required}
        for s in report.substitutions:
            want = gold.get((s.start, s.end), set())
            if " ".join(t.lower() for t in TOKEN.findall(s.original)) in want:
                tp += 1
            else:
                fp += 1
        fn += len(gold.keys() - {(s.start, s.end) for s in report.substitutions})
    assert tp / (tp + fp) >= 0.83 and tp / (tp + fn) >= 0.8, (tp, fp, fn)


def test_numeral_artifact_is_gold_but_not_a_row():
    spun = "The agency stated on Friday that five,653 people were affected by the floods, officials stated."
    orig = "The agency said on Friday that 5,653 people were affected by the floods, officials said."
    result = learn([("n", spun, orig)])
    assert [e.spun for e in result.entries] == ["stated"]
    assert "that [[five=>5]],653 people" in result.pairs[0].ann
    assert "that 5,653 people" in respin.fix_text(spun)   # the built-in rule restores it


def test_learned_write_follows_the_umask_and_keeps_links(tmp_path):
    # Learned.write goes through respin._output like every other output: a new
    # file gets 0666 & ~umask (it used to be 0600), a symlink writes its target
    result = learn([Pair("house", SPUN, ORIGINAL)])
    old = os.umask(0o022)
    try:
        result.write(tmp_path / "new.tsv")
    finally:
        os.umask(old)
    assert (tmp_path / "new.tsv").stat().st_mode & 0o777 == 0o644
    (tmp_path / "target.tsv").write_text("old\n", encoding="utf-8")
    (tmp_path / "link.tsv").symlink_to(tmp_path / "target.tsv")
    result.write(tmp_path / "link.tsv")
    assert (tmp_path / "link.tsv").is_symlink()
    assert (tmp_path / "target.tsv").read_text(encoding="utf-8") == result.tsv()


def test_gold_never_writes_brackets_it_cannot_parse_back():
    # a bracket the spinner turned into a parenthesis ("[with]" -> "(with)") is an
    # unlearned difference: writing it as [[)=>)|]]] would not parse back
    spun = SPUN.replace("in an announcement", "in an announcement (with) us")
    orig = ORIGINAL.replace("in a statement", "in a statement [with] us")
    assert spun != SPUN and orig != ORIGINAL
    result = learn([Pair("brackets", spun, orig)])
    gold = parse_annotation(result.pairs[0].ann)
    assert "(with) us" in gold.spun
    assert ("stated", "said") in _swaps(result.pairs[0])


def test_cli_reference_lexicon_options(tmp_path):
    # --no-default-lexicon --lexicon REF: learn against REF, as learn(lexicon=REF) does
    from respin.lexicon import load_lexicon

    d = _pairs_dir(tmp_path, {"house": (SPUN, ORIGINAL)})
    ref = tmp_path / "ref.tsv"
    ref.write_text("# respin-lexicon 1\nr/1\tstated\tsaid\tdemo\tambiguous\n", encoding="utf-8")
    out = tmp_path / "learned.tsv"
    status, stdout, err = _run("learn", str(d), "-o", str(out), "--exclude-known",
                               "--no-default-lexicon", "--lexicon", str(ref))
    assert status == 0, err
    want = learn([Pair("house", SPUN, ORIGINAL)], exclude_known=True, lexicon=load_lexicon(ref))
    assert [e.spun for e in load_lexicon(out).entries] == [e.spun for e in want.entries]
    assert "stated" not in [e.spun for e in want.entries] and "invoice" in [e.spun for e in want.entries]
    status, _, err = _run("learn", str(d), "-o", str(out), "--no-default-lexicon")
    assert status == 2 and "needs at least one --lexicon" in err


def test_an_inserted_article_is_optional_in_the_gold(tmp_path):
    # the spinner wrote "as a part of" for "as part of": not learned (an inserted "a" is
    # too often an editor's), but the gold accepts the original too, so a restoration
    # that takes the "a" out is not scored as a wrong edit
    spun = "Officials stated the cuts came as a part of the plan, officers stated."
    orig = "Officials said the cuts came as part of the plan, officials said."
    result = learn([Pair("p", spun, orig)], ann_dir=tmp_path)
    assert _swaps(result.pairs[0]) == {("stated", "said"), ("officers", "officials")}
    assert result.pairs[0].dropped["function words"] == 1
    ann = (tmp_path / "p.ann.txt").read_text(encoding="utf-8")
    assert "[[as a=>as a|as]] part of the plan" in ann
    gold = parse_annotation(ann)
    assert score_document(gold, orig).precision == 1.0
    assert score_document(gold, spun.replace("stated", "said").replace("officers", "officials")).precision == 1.0
