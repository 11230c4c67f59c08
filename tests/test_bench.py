"""Tests of respin-bench: metrics, corpus readers, simulator, baselines, the floor, the CLI.

The floor test and the referee agreement test need the shared seeds in
``../shared`` (relative to the repository root); without them they skip and
say why.
"""
from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import respin
from respin.bench import main
from respin.bench.baselines import NaiveReplacer
from respin.bench.corpora import (CorpusError, align_parallel, load_corpus, parse_annotation,
                                  read_jsonl, tokens)
from respin.bench.metrics import (attribute_edits, auroc, clean_changes, f_beta, score_document)
from respin.bench.runner import measure_floor
from respin.bench.simulate import SHIPPED_TABLE, load_table, parse_table, simulate_documents, spin_text
from respin.bench.suites import check_floor, load_manifest, load_suite, read_floor
from respin.lexicon import parse_lexicon

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEED_ANN = SHARED / "corpus" / "001.ann.txt"
REFEREE = SHARED / "tools" / "referee.py"
needs_shared = pytest.mark.skipif(
    not (SEED_ANN.exists() and REFEREE.exists()),
    reason=f"shared seeds not found at {SHARED} (../shared relative to the repository root)")


def _score(ann: str, output: str) -> tuple[int, int, int]:
    s = score_document(parse_annotation(ann), output)
    return s.tp, s.fp, s.fn


# --------------------------------------------------------------------------- metrics

@pytest.mark.parametrize("ann, output, expected", [
    # restored exactly: every required span is a TP
    ("rose 3 [[p.c=>percent]] [[final=>last]] yr", "rose 3 percent last yr", (2, 0, 0)),
    # left alone: every required span is a FN, nothing changed so no FP
    ("rose 3 [[p.c=>percent]] [[final=>last]] yr", "rose 3 p.c final yr", (0, 0, 2)),
    # a wrong change is both FP and FN
    ("rose 3 [[p.c=>percent]] in [[final=>last]] yr", "rose 3 percent in previous yr", (1, 1, 1)),
    # ... but adjacent spans joined by one change form one region, as in the referee
    ("rose 3 [[p.c=>percent]] [[final=>last]] yr", "rose 3 percent previous yr", (0, 1, 2)),
    # a change outside every gold span is FP
    ("rose 3 [[p.c=>percent]] final yr", "rose 3 percent final year", (1, 1, 0)),
    # any listed alternative is correct
    ("[[Throughout=>During|Throughout]] the [[summit=>meeting|summit]]", "During the summit", (0, 0, 0)),
    ("a [[particular=>special|unique]] role", "a unique role", (1, 0, 0)),
    # an optional span (spun text among the alternatives) scores nothing either way
    ("to [[tackle=>address|tackle]] it", "to tackle it", (0, 0, 0)),
    ("to [[tackle=>address|tackle]] it", "to address it", (0, 0, 0)),
    ("to [[tackle=>address|tackle]] it", "to handle it", (0, 1, 0)),
    # multiword spans, case-insensitive comparison
    ("[[with a purpose to=>in order to]] win", "In Order To win", (1, 0, 0)),
    ("[[the place=>where]] it", "place it", (0, 1, 1)),
])
def test_counts_on_hand_built_cases(ann: str, output: str, expected: tuple[int, int, int]) -> None:
    assert _score(ann, output) == expected


def test_wer_and_reduction() -> None:
    s = score_document(parse_annotation("a [[b=>x]] c [[d=>y]]"), "a x c d")
    assert (s.errors_in, s.errors_out, s.gold_words) == (2, 1, 4)
    assert s.wer_in == 0.5 and s.wer_out == 0.25 and s.err_reduction == 0.5


def test_precision_recall_conventions() -> None:
    s = score_document(parse_annotation("nothing spun here"), "nothing spun here")
    assert (s.precision, s.recall, s.f05) == (1.0, 1.0, 1.0)
    assert f_beta(0.0, 0.0) == 0.0
    assert round(f_beta(0.5, 1.0), 4) == 0.5556


def test_clean_changes_is_case_sensitive() -> None:
    assert clean_changes("The yr ended.", "The yr ended.") == (0, 4)
    assert clean_changes("The yr ended.", "the yr ended.") == (1, 4)
    assert clean_changes("a b c d e", "a x c y e") == (2, 5)


def test_auroc() -> None:
    assert auroc([0.9, 0.8], [0.1, 0.2]) == 1.0
    assert auroc([0.1], [0.9]) == 0.0
    assert auroc([0.5, 0.5], [0.5]) == 0.5
    assert auroc([], [0.1]) is None


class _E:
    def __init__(self, text: str, before: str, after: str, rule: str = "r") -> None:
        self.start = text.index(before)
        self.end = self.start + len(before)
        self.before, self.after, self.rule = before, after, rule


def test_edits_are_traced_to_their_gold_region() -> None:
    gold = parse_annotation("up 3 [[p.c=>percent]] in the [[final=>last]] yr, stated Kim")
    text = gold.spun
    edits = [_E(text, "p.c", "percent"), _E(text, "final", "previous"), _E(text, "stated", "said")]
    output = text.replace("p.c", "percent").replace("final", "previous").replace("stated", "said")
    score = score_document(gold, output)
    assert [o for _, o in attribute_edits(gold, score, edits)] == ["right", "wrong", "unasked"]
    assert [o for _, o in attribute_edits(None, None, edits)] == ["clean"] * 3


# --------------------------------------------------------------------------- agreement with the referee

def _referee():
    spec = importlib.util.spec_from_file_location("referee", REFEREE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@needs_shared
def test_scorer_agrees_with_referee_on_seed_001() -> None:
    referee = _referee()
    ann = SEED_ANN.read_text(encoding="utf-8")
    spun, gold_text, _ = referee.parse(ann)
    g = parse_annotation(ann)
    assert (g.spun, g.gold) == (spun, gold_text)
    # one wrong edit: the first gold span's spun word replaced by a word nobody accepts
    first = referee.ANN.search(ann)
    wrong = ann[:first.start()] + "zzzz" + referee.ANN.sub(lambda m: m.group(1), ann[first.end():])
    outputs = {"gold": gold_text, "identity": spun, "one wrong edit": wrong,
               "respin": respin.fix_text(spun)}
    for name, output in outputs.items():
        want = referee.score(ann, output)
        want.pop("wrong")
        have = score_document(g, output).asdict()
        assert have == pytest.approx(want), name
    assert outputs["gold"] != outputs["one wrong edit"]
    assert referee.score(ann, wrong)["fp"] == 1


@needs_shared
def test_clean_changes_agree_with_referee() -> None:
    referee = _referee()
    text = (SHARED / "seeds" / "000.txt").read_text(encoding="utf-8")
    damaged = text.replace("president", "chairman", 3).replace("The", "the", 2)
    assert clean_changes(text, damaged) == referee.clean_changes(text, damaged)
    assert clean_changes(text, text) == referee.clean_changes(text, text) == (0, len(tokens(text)))


@needs_shared
def test_scorer_agrees_with_referee_on_synthetic_text() -> None:
    referee = _referee()
    table = load_table(SHIPPED_TABLE)
    text = (SHARED / "seeds" / "000.txt").read_text(encoding="utf-8")
    ann = spin_text(text, table, rate=0.7, seed=3)
    g = parse_annotation(ann)
    naive = NaiveReplacer(respin.default_lexicon()).fix(g.spun)
    for output in (g.gold, g.spun, naive):
        want = referee.score(ann, output)
        want.pop("wrong")
        assert score_document(g, output).asdict() == pytest.approx(want)


# --------------------------------------------------------------------------- corpus readers

@pytest.mark.parametrize("ann, line, reason", [
    ("fine\nthe [[p.c=>percent rise\n", 2, "unbalanced [[ at column 5"),
    ("the [[p.c percent]] rise", 1, "missing => in [[p.c percent]]"),
    ("one\ntwo\nthe p.c]] rise", 3, "]] without a matching [["),
    ("the [[p.c=>[[x=>y]] rise", 1, "nested [["),
    ("the [[p.c=>]] rise", 1, "empty original"),
    ("the [[p.c=>percent||per cent]] rise", 1, "empty original or alternative"),
    ("the [[=>percent]] rise", 1, "empty spun side"),
    ("the [[a=>b=>c]] rise", 1, "more than one =>"),
    ("the [[p.c=>percent", 1, "unbalanced [["),
])
def test_bad_annotation_names_file_and_line(tmp_path: Path, ann: str, line: int, reason: str) -> None:
    path = tmp_path / "bad.ann.txt"
    path.write_text(ann, encoding="utf-8")
    with pytest.raises(CorpusError) as info:
        load_corpus([path])
    assert info.value.path == str(path) and info.value.line == line
    assert reason in str(info.value)
    assert str(info.value).startswith(f"{path}:{line}: ")


def test_parallel_alignment_matches_original_tokens() -> None:
    spun = "The authorities stated that, with a purpose to win, it's going to act."
    orig = "The government said that, in order to win, it will act."
    g = align_parallel(spun, orig)
    assert [t.lower() for t in tokens(g.gold)] == [t.lower() for t in tokens(orig)]
    s = score_document(g, orig)
    assert s.fp == 0 and s.fn == 0 and s.tp == len(g.spans) == 4
    assert score_document(g, spun.replace("stated", "said")).tp == 1  # word by word
    # a pure deletion is widened to a neighbouring word
    g = align_parallel("it fell as a result of the fact that demand", "it fell because demand")
    assert len(g.spans) == 1 and g.gold == "it fell because demand"
    g = align_parallel("Sales (and final yr's) rose", "Sales (and last year's) rose")
    assert g.gold == "Sales (and last year's) rose"
    g = align_parallel("It will rise.", "It's rising.")
    assert g.gold == "It's rising."


def test_directory_of_every_format(tmp_path: Path) -> None:
    (tmp_path / "01.ann.txt").write_text("Up 3 [[p.c=>percent]].", encoding="utf-8")
    (tmp_path / "01.orig.txt").write_text("Up 3 percent.", encoding="utf-8")
    (tmp_path / "02.spun.txt").write_text("It grew final yr.", encoding="utf-8")
    (tmp_path / "02.orig.txt").write_text("It grew last year.", encoding="utf-8")
    (tmp_path / "03.orig.txt").write_text("Waiting for its spun partner.", encoding="utf-8")
    (tmp_path / "clean.txt").write_text("Nothing to fix here.", encoding="utf-8")
    (tmp_path / "README.md").write_text("not a corpus file", encoding="utf-8")
    (tmp_path / "more.jsonl").write_text("\n".join(json.dumps(r) for r in [
        {"id": "a", "spun": "the yr", "original": "the year"},
        {"id": "b", "text": "A clean line.", "label": "clean"},
        {"id": "c", "ann": "the [[yr=>year]]"},
    ]) + "\n", encoding="utf-8")
    corpus = load_corpus([tmp_path])
    ids = [d.id for d in corpus.documents]
    name = tmp_path.name
    assert ids == [f"{name}/01.ann.txt", f"{name}/02.spun.txt", f"{name}/clean.txt",
                   f"{name}/more.jsonl#a", f"{name}/more.jsonl#b", f"{name}/more.jsonl#c"]
    assert [d.is_spun for d in corpus.documents] == [True, True, False, True, False, True]
    assert corpus.documents[1].gold.gold == "It grew last year."
    assert any("03.orig.txt" in n for n in corpus.notes)
    assert any("ignored 1 file" in n for n in corpus.notes)


def test_ann_disagreeing_with_its_original_is_noted(tmp_path: Path) -> None:
    (tmp_path / "01.ann.txt").write_text("Up 3 [[p.c=>percent]] final yr.", encoding="utf-8")
    (tmp_path / "01.orig.txt").write_text("Up 3 percent last year.", encoding="utf-8")
    corpus = load_corpus([tmp_path])
    assert any("differs from 01.orig.txt" in n and "final" in n for n in corpus.notes)


@pytest.mark.parametrize("content, line, reason", [
    ('{"id": 1, "spun": "a"}\n', 1, "no 'original' field"),
    ('{"id": 1, "text": "a"}\n', 1, '"label": "clean"'),
    ('\n{"id": 1, "text": "a", "label": "clean"}\n{"id": 1, "text": "b", "label": "clean"}\n', 3,
     "duplicate id '1'"),
    ('{"id": 1, "ann": "ok"}\n{"id": 2, "ann": "x\\n[[a b]]"}\n', 2, "missing => in [[a b]]"),
    ('{"id": 1, "ann": "ok"}\n{"id": 2, "ann": \n', 2, "invalid JSON"),
    ('[1, 2]\n', 1, "expected a JSON object"),
    ('{"id": 1}\n', 1, "record needs"),
])
def test_bad_jsonl_names_file_and_line(tmp_path: Path, content: str, line: int, reason: str) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CorpusError) as info:
        read_jsonl(path)
    assert info.value.line == line and reason in info.value.reason


def test_bad_files(tmp_path: Path) -> None:
    latin = tmp_path / "latin.txt"
    latin.write_bytes(b"fine\ncaf\xe9\n")
    with pytest.raises(CorpusError, match=r"latin.txt:2: not valid UTF-8"):
        load_corpus([latin])
    marked = tmp_path / "marked.txt"
    marked.write_text("clean?\nno: [[yr=>year]]\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"marked.txt:2: clean text contains a gold marker"):
        load_corpus([marked])
    with pytest.raises(CorpusError, match="no such file"):
        load_corpus([tmp_path / "missing.ann.txt"])
    odd = tmp_path / "notes.md"
    odd.write_text("x", encoding="utf-8")
    with pytest.raises(CorpusError, match="cannot tell the corpus format"):
        load_corpus([odd])
    assert load_corpus([odd], format="clean").documents[0].text == "x"


# --------------------------------------------------------------------------- simulator

TABLE = load_table(SHIPPED_TABLE)
SAMPLE = ('Officials said on Monday the government would cut the budget by 3 percent this year.\n'
          '"The government said nothing," Health Minister Ana Said told reporters.\n'
          'However, economic growth was strong, and the company said health costs rose.\n')


def test_table_is_a_few_hundred_originals() -> None:
    assert len(TABLE) >= 300
    assert ("government",) in TABLE.forms and ("in", "order", "to") in TABLE.forms


def test_simulator_is_deterministic_with_seed() -> None:
    a = spin_text(SAMPLE, TABLE, rate=0.8, seed=7)
    assert a == spin_text(SAMPLE, TABLE, rate=0.8, seed=7)
    assert a != spin_text(SAMPLE, TABLE, rate=0.8, seed=8)
    assert "[[" not in spin_text(SAMPLE, TABLE, rate=0.0, seed=7)


def test_simulator_leaves_quotes_and_names() -> None:
    ann = spin_text(SAMPLE, TABLE, rate=1.0, seed=1)
    quote = ann.split("\n")[1]
    assert quote.startswith('"The government said nothing,"')
    assert "Health Minister Ana Said" in quote
    assert "[[" in quote  # "told" outside the quote is spun
    assert "[[authorities=>government]]" in ann.split("\n")[0]
    assert ann.split("\n")[2].startswith("[[") and "=>However]]" in ann  # sentence-initial, capitalised


def test_simulator_quote_rate_spins_quoted_speech() -> None:
    quote = spin_text(SAMPLE, TABLE, rate=1.0, seed=1, quote_rate=1.0).split("\n")[1]
    assert quote.startswith('"The [[') and "=>government]]" in quote
    assert "Health Minister Ana Said" in quote  # names stay names
    assert parse_annotation(spin_text(SAMPLE, TABLE, rate=1.0, seed=1, quote_rate=1.0)).gold == SAMPLE
    # at half the rate, about half the quoted occurrences over many seeds
    text = '"The government said the health costs rose."\n' * 50
    spun = sum(spin_text(text, TABLE, rate=1.0, seed=k, quote_rate=0.5).count("[[") for k in range(8))
    full = sum(spin_text(text, TABLE, rate=1.0, seed=k, quote_rate=1.0).count("[[") for k in range(8))
    assert 0.4 < spun / full < 0.6
    with pytest.raises(ValueError, match="quote_rate"):
        spin_text(SAMPLE, TABLE, quote_rate=1.5)


def test_gold_format_round_trips() -> None:
    ann = spin_text(SAMPLE, TABLE, rate=0.9, seed=2)
    g = parse_annotation(ann)
    assert g.gold == SAMPLE and g.spun != SAMPLE
    assert all(s.required for s in g.spans)
    assert score_document(g, g.gold).f05 == 1.0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["the", "government", "said", "in", "order", "to", "Percent",
                                 "year", "\"quoted said\"", "Health", ".", ",", "\n", "economic"]),
                max_size=40), st.integers(0, 5))
def test_spin_round_trip_property(words: list[str], seed: int) -> None:
    text = " ".join(words)
    g = parse_annotation(spin_text(text, TABLE, rate=0.7, seed=seed))
    assert g.gold == text


def test_simulated_documents_cycle_sources() -> None:
    from respin.bench.corpora import Document

    src = [Document("a.txt", SAMPLE, None, "a.txt")]
    docs = simulate_documents(src, TABLE, rate=0.8, seed=1, count=3)
    assert [d.id for d in docs] == ["synthetic/a.txt", "synthetic/a.txt~1", "synthetic/a.txt~2"]
    assert len({d.text for d in docs}) == 3 and all(d.gold.gold == SAMPLE for d in docs)


def test_bad_table_names_line() -> None:
    with pytest.raises(CorpusError, match=r"t.tsv:4: original 'said' is listed twice"):
        parse_table(["# respin-bench spinner table 1", "original\tspun", "said\tstated",
                     "said\tmentioned"], "t.tsv")
    with pytest.raises(CorpusError, match=r"t.tsv:3: spun form 'Said' equals its original"):
        parse_table(["# respin-bench spinner table 1", "original\tspun", "said\tSaid"], "t.tsv")


# --------------------------------------------------------------------------- baselines

def test_naive_replacer_whole_words_and_case() -> None:
    lex = parse_lexicon(["# respin-lexicon 1", "t/1\tyr\tyear\tdemo\tartifact",
                         "t/2\tgreater than\tmore than\tdemo\tambiguous,multiword",
                         "t/3\tCould <num>\tMay <num>\tdemo\tambiguous,multiword"])
    fix = NaiveReplacer(lex).fix
    assert fix("Yr on yr, greater  than yrs; Could 5") == "Year on year, more than yrs; May 5"


# --------------------------------------------------------------------------- the floor

@needs_shared
def test_floor() -> None:
    """Precision and F0.5 on seed 001 and damage on the clean seeds are no worse than recorded."""
    manifest = load_manifest(ROOT / "benchmarks" / "suites.json")
    floor = read_floor(manifest.floor_path)
    spun = load_suite(manifest, floor["spun_suite"]).documents
    clean = load_suite(manifest, floor["clean_suite"]).documents
    assert spun and clean
    measured = measure_floor(spun, clean, respin.Config(), floor["spun_suite"], floor["clean_suite"])
    problems = check_floor(measured, floor)
    assert not problems, ("worse than benchmarks/floor.json: " + "; ".join(problems)
                          + " (if intended, run respin-bench --update-floor and say why)")


def test_check_floor_reports_each_drop() -> None:
    floor = {"spun_suite": "s", "clean_suite": "c", "s": {"precision": 0.9, "f05": 0.8},
             "c": {"clean_changed_per_1k_words": 0.0}}
    good = {"s": {"precision": 0.9, "f05": 0.85}, "c": {"clean_changed_per_1k_words": 0.0}}
    bad = {"s": {"precision": 0.89, "f05": 0.7}, "c": {"clean_changed_per_1k_words": 0.3}}
    assert check_floor(good, floor) == []
    assert len(check_floor(bad, floor)) == 3


# --------------------------------------------------------------------------- CLI

def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "respin.bench", *args], capture_output=True,
                          text=True, cwd=cwd or ROOT, timeout=120)


def test_entry_point_is_callable() -> None:
    assert callable(main)


def test_cli_on_user_corpus(tmp_path: Path) -> None:
    corpus = tmp_path / "mine"
    corpus.mkdir()
    (corpus / "01.ann.txt").write_text("Shares rose 3 [[p.c=>percent]] [[final=>last]] yr.\n",
                                       encoding="utf-8")
    (corpus / "clean.txt").write_text("Shares rose 3 percent last year, officials said.\n",
                                      encoding="utf-8")
    out = tmp_path / "results"
    r = _cli(str(corpus), "--json", "--out", str(out), "--baselines", "identity,naive",
             "--thresholds", "0,4", "--no-memory")
    assert r.returncode == 0, r.stderr
    result = json.loads(r.stdout)
    assert result["systems"] == ["respin", "identity", "naive"]
    suite = result["suites"][0]
    assert suite["name"] == "mine" and suite["spun_documents"] == 1 and suite["clean_documents"] == 1
    assert suite["systems"]["identity"]["fn"] == 2
    assert [p["threshold"] for p in result["sweep"]] == sorted({0.0, respin.Config().threshold, 4.0})
    assert result["detection"]["auroc"] is not None
    assert "suite" in r.stderr and "F0.5" in r.stderr and "identity" in r.stderr
    assert (out / "report.json").exists() and (out / "report.md").exists()
    assert "Traceback" not in r.stderr


def test_cli_bad_corpus_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ann.txt"
    bad.write_text("ok\nthe [[p.c=>percent rise\n", encoding="utf-8")
    r = _cli(str(bad), "--no-files")
    assert r.returncode == 1
    assert r.stderr == f"respin-bench error: {bad}:2: unbalanced [[ at column 5: no ]] before the end of the line\n"
    r = _cli(str(tmp_path / "nope"), "--no-files")
    assert r.returncode == 1 and r.stderr == f"respin-bench error: {tmp_path / 'nope'}: no such file or directory\n"


def test_cli_usage_errors_are_one_line() -> None:
    r = _cli("--baselines", "magic", "--no-files")
    assert r.returncode == 1
    assert r.stderr.startswith("respin-bench error: unknown baseline 'magic'") and r.stderr.count("\n") == 1
    r = _cli("--no-such-flag")
    assert r.returncode == 1 and r.stderr == "respin-bench error: unrecognized arguments: --no-such-flag\n"


def test_cli_simulate(tmp_path: Path) -> None:
    src = tmp_path / "src.txt"
    src.write_text(SAMPLE, encoding="utf-8")
    for name in ("a", "b"):
        r = _cli("--simulate", str(tmp_path / name), str(src), "--documents", "3", "--seed", "5")
        assert r.returncode == 0, r.stderr
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert files == ["01.ann.txt", "02.ann.txt", "03.ann.txt"]
    for f in files:
        text = (tmp_path / "a" / f).read_text(encoding="utf-8")
        assert text == (tmp_path / "b" / f).read_text(encoding="utf-8")
        assert parse_annotation(text).gold == SAMPLE


@needs_shared
def test_cli_check_floor() -> None:
    r = _cli("--check-floor")
    assert r.returncode == 0, r.stderr


def test_pr_curve_is_skipped_without_matplotlib(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from respin.bench.report import write_pr_curve

    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib -> ImportError
    note = write_pr_curve({"suites": [], "sweep": []}, tmp_path / "pr.png")
    assert note is not None and "matplotlib is not installed" in note
    assert not (tmp_path / "pr.png").exists()
