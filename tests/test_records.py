"""Documents as the unit of evidence (issue 9): separators, JSONL, CSV/TSV, several inputs, triage."""
from __future__ import annotations

import csv
import io
import json
import random
import re

import pytest
from hypothesis import given, strategies as st

import respin
import respin.cli
from respin import RecordError, apply_edits, fix_records, fix_text
from respin.records import split_documents

from conftest import ROOT, SHARED, shared_path


def _clean_texts() -> list[str]:
    """The 34 clean texts of the repository's shared material."""
    shared_path("corpus", "clean")
    texts = [p.read_text(encoding="utf-8") for p in sorted((SHARED / "corpus" / "clean").glob("*.txt"))]
    texts += [(SHARED / "seeds" / f"{n}.txt").read_text(encoding="utf-8") for n in ("000", "002", "003", "004")]
    assert len(texts) == 34
    return texts


def _spun_texts() -> list[str]:
    from respin.bench.corpora import parse_annotation

    texts = [parse_annotation(p.read_text(encoding="utf-8")).spun
             for corpus in ("dev", "heldout")
             for p in sorted((ROOT / "benchmarks" / "corpora" / corpus).glob("*.ann.txt"))]
    texts.append(shared_path("seeds", "001.txt").read_text(encoding="utf-8"))
    assert len(texts) == 21
    return texts


@pytest.fixture(scope="module")
def crawl() -> list[tuple[str, bool]]:
    """(text, spun) for the 34 clean texts and 21 spun corpus texts, in random order."""
    docs = [(t, False) for t in _clean_texts()] + [(t, True) for t in _spun_texts()]
    random.Random(9).shuffle(docs)
    return docs


@pytest.fixture(scope="module")
def fixed(crawl) -> dict[str, str]:
    return {t: fix_text(t) for t, spun in crawl if spun}


def run(argv, stdin=b""):
    out, err = io.BytesIO(), io.StringIO()
    status = respin.cli.main(argv, stdin=io.BytesIO(stdin), stdout=out, stderr=err)
    return status, out.getvalue().decode("utf-8"), err.getvalue()


# -- the evidence leak ------------------------------------------------------

def test_whole_input_leaks_evidence_and_documents_do_not(crawl):
    """The reason for the issue: after the spun seed, clean text is damaged when
    both are one document; read as two documents, the clean one is untouched."""
    seed = shared_path("seeds", "001.txt").read_text(encoding="utf-8")
    clean = _clean_texts()
    leaked = sum(fix_text(seed + "\n" + c) != fix_text(seed) + "\n" + c for c in clean)
    assert leaked > 0  # (measured: most clean texts pick up edits)
    records = list(fix_records(seed + "\f" + "\f".join(clean), "text", separator="formfeed"))
    docs = [r for r in records if r.document]
    assert len(docs) == 35 and docs[0].text == fix_text(seed)
    assert all(r.text == r.source and not r.edits for r in docs[1:])


# -- JSONL ------------------------------------------------------------------

@pytest.mark.parametrize("ensure_ascii", [False, True])
def test_jsonl_crawl_clean_identical_spun_alone(crawl, fixed, ensure_ascii):
    note = 'He said "p.c" is ok \u2014 yr'
    lines = [json.dumps({"id": k, "text": t, "note": note, "meta": {"x": "yr", "n": [1, 2.5]}},
                        ensure_ascii=ensure_ascii) + "\n" for k, (t, _) in enumerate(crawl)]
    records = list(fix_records(lines, "jsonl"))
    assert [r.source for r in records] == lines
    spun_seen = 0
    for (text, spun), line, rec in zip(crawl, lines, records):
        assert apply_edits(line, rec.edits) == rec.text
        if not spun:
            assert rec.text == line and not rec.edits
            continue
        spun_seen += 1
        want = json.loads(line)
        assert want["text"] != fixed[text]
        want["text"] = fixed[text]
        # every other byte as written: the same object serialised the same way
        assert rec.text == json.dumps(want, ensure_ascii=ensure_ascii) + "\n"
        assert rec.text.isascii() == ensure_ascii or not ensure_ascii
    assert spun_seen == 21
    # the CLI writes the same
    status, out, err = run(["--format", "jsonl"], "".join(lines).encode())
    assert status == 0 and err == "" and out == "".join(r.text for r in records)


def test_jsonl_edits_in_place_keep_spacing_escapes_and_key_order():
    line = '{ "text" : "Shares rose 3 p.c\\u00a0in \\"Q2\\"\\n\\ud83d\\ude00 the provide chain" ,"z":1, "note":"p.c"}\r\n'
    (rec,) = fix_records([line], "jsonl")
    assert rec.text == line.replace("p.c\\u00a0", "percent\\u00a0").replace("provide chain", "supply chain")
    assert json.loads(rec.text)["text"] == fix_text(json.loads(line)["text"])
    assert [e.rule for _, e in rec.field_edits] == [e.rule for e in rec.edits]


def test_jsonl_several_fields_are_one_document():
    line = json.dumps({"title": "Yr of the provide chain", "body": "Shares rose 3 p.c.", "x": "p.c"}) + "\n"
    (rec,) = fix_records([line], "jsonl", fields=("title", "body"))
    obj = json.loads(rec.text)
    assert obj["title"] == "Year of the supply chain" and obj["body"] == "Shares rose 3 percent."
    assert obj["x"] == "p.c"
    assert {f for f, _ in rec.field_edits} == {"title", "body"}


@pytest.mark.parametrize("line, message", [
    ('{"text": "a" \n', "line 2: not valid JSON"),
    ('["text"]\n', "line 2: not a JSON object"),
    ('{"body": "p.c"}\n', "line 2: no field 'text'"),
    ('{"text": 5}\n', "line 2: field 'text' is int, not a string"),
])
def test_bad_jsonl_record_is_an_error_naming_the_line_or_skipped(line, message):
    lines = ['{"text": "Up 3 p.c."}\n', line, '{"text": "Down 2 p.c."}\n']
    with pytest.raises(RecordError, match=re.escape(message)):
        list(fix_records(lines, "jsonl"))
    records = list(fix_records(lines, "jsonl", skip_bad=True))
    assert [r.text for r in records] == ['{"text": "Up 3 percent."}\n', line, '{"text": "Down 2 percent."}\n']
    assert records[1].error.startswith(message) and not records[1].document
    status, out, err = run(["--format", "jsonl"], "".join(lines).encode())
    assert status == 1 and err.startswith(f"respin error: <stdin>: {message}") and "--skip-bad" in err
    status, out, err = run(["--format", "jsonl", "--skip-bad", "--stats"], "".join(lines).encode())
    assert status == 0 and out == "".join(r.text for r in records)
    assert "2 documents, 2 spun (restored), 2 edits, 1 bad records passed through" in err


def test_blank_jsonl_lines_pass_through():
    lines = ['{"text": "Up 3 p.c."}\n', "\n", '{"text": "ok"}']
    assert "".join(r.text for r in fix_records(lines)) == '{"text": "Up 3 percent."}\n\n{"text": "ok"}'


# -- CSV / TSV --------------------------------------------------------------

@pytest.mark.parametrize("quoting, terminator", [(csv.QUOTE_MINIMAL, "\r\n"), (csv.QUOTE_ALL, "\n")])
def test_csv_crawl_clean_identical_spun_alone(crawl, fixed, quoting, terminator):
    buf = io.StringIO()
    w = csv.writer(buf, quoting=quoting, lineterminator=terminator)
    w.writerow(["id", "text", "note"])
    for k, (t, _) in enumerate(crawl):
        w.writerow([k, t, 'He said "p.c", yr'])
    data = buf.getvalue()
    records = list(fix_records(io.StringIO(data, newline=""), "csv"))
    assert "".join(r.source for r in records) == data
    assert not records[0].document  # the header
    docs = [r for r in records if r.document]
    assert len(docs) == len(crawl)
    out = "".join(r.text for r in records)
    expected = io.StringIO()
    w = csv.writer(expected, quoting=quoting, lineterminator=terminator)
    w.writerow(["id", "text", "note"])
    for k, ((t, spun), rec) in enumerate(zip(crawl, docs)):
        if not spun:
            assert rec.text == rec.source and not rec.edits
        w.writerow([k, fixed[t] if spun else t, 'He said "p.c", yr'])
    assert out == expected.getvalue()  # dialect, quoting, other cells all as written
    assert sum(bool(r.edits) for r in docs) == 21


def test_tsv_and_sniffed_delimiter_and_quotes_added_when_needed():
    tsv = "id\ttext\n1\tUp 3 p.c.\n2\t\"A quoted\tcell, p.c\"\n"
    assert "".join(r.text for r in fix_records(tsv, "tsv")) == (
        "id\ttext\n1\tUp 3 percent.\n2\t\"A quoted\tcell, percent\"\n")
    semi = "text;n\nUp 3 p.c.;1\n"
    assert "".join(r.text for r in fix_records(semi, "csv")) == "text;n\nUp 3 percent.;1\n"
    with pytest.raises(RecordError, match=r"line 1: no column 'body' in the header \(columns: text, n\)"):
        list(fix_records(semi, "csv", fields=["body"]))
    with pytest.raises(RecordError, match="line 2: quoted cell not closed"):
        list(fix_records('text\n"Up 3 p.c.\n', "csv"))
    with pytest.raises(RecordError, match="line 2: 1 cells, no 'text'"):
        list(fix_records("id,text\n5\n", "csv"))


# -- plain-text separators --------------------------------------------------

@pytest.mark.parametrize("mode", ["formfeed", "nul", "pattern", "line"])
def test_separators_clean_documents_get_no_edits(crawl, fixed, mode):
    texts = [t for t, _ in crawl]
    if mode == "formfeed":
        data, sep = "\f".join(texts), "formfeed"
    elif mode == "nul":
        data, sep = "\0".join(texts), "nul"
    elif mode == "pattern":
        data = "".join((t if t.endswith("\n") else t + "\n") + "===== next =====\n" for t in texts)
        sep = re.compile(r"=+ next =+")
    else:
        data, sep = "\n".join(t.rstrip("\n") for t in texts) + "\n", "line"
    records = list(fix_records(data, "text", separator=sep))
    assert "".join(r.source for r in records) == data
    docs = [r for r in records if r.document]
    clean = set(_clean_texts())
    clean_lines = {line for t in clean for line in t.splitlines()}
    edits_in_clean = 0
    for r in docs:
        if mode == "line":
            if r.source.rstrip("\n") in clean_lines:
                edits_in_clean += len(r.edits)
            continue
        body = r.source.removesuffix("\n") if mode == "pattern" else r.source
        key = body if body in clean else body + "\n" if body + "\n" in clean else None
        if key is not None:
            edits_in_clean += len(r.edits)
        else:  # a spun document: restored exactly as alone
            assert r.text == fix_text(r.source)
    assert edits_in_clean == 0
    if mode != "line":
        assert len(docs) == 55
    assert sum(len(r.edits) for r in docs) > 300
    # the CLI, with the same separators
    argv = {"formfeed": ["--split", "formfeed"], "nul": ["--split", "nul"],
            "pattern": ["--split-line", "=+ next =+"], "line": ["--split", "line"]}[mode]
    status, out, err = run(argv, data.encode())
    assert status == 0 and out == "".join(r.text for r in records)


def test_split_documents_keep_the_text():
    text = "one\f\ftwo\nthree\fx"
    parts = list(split_documents(text, "formfeed"))
    assert "".join(p.text for p in parts) == text
    assert [(p.text, p.document, p.line) for p in parts] == [
        ("one", True, 1), ("\f", False, 1), ("\f", False, 1), ("two\nthree", True, 1),
        ("\f", False, 2), ("x", True, 2)]
    with pytest.raises(ValueError, match="separator must be one of"):
        list(split_documents(text, "tab"))


# -- several inputs, triage, summary -----------------------------------------

def test_several_files_and_a_directory_each_its_own_document(tmp_path):
    seed = shared_path("seeds", "001.txt").read_text(encoding="utf-8")
    clean = _clean_texts()[:3]
    (tmp_path / "in" / "sub").mkdir(parents=True)
    (tmp_path / "in" / "spun.txt").write_text(seed, encoding="utf-8")
    for k, c in enumerate(clean):
        (tmp_path / "in" / "sub" / f"c{k}.txt").write_text(c, encoding="utf-8")
    (tmp_path / "one.jsonl").write_text(json.dumps({"text": "Up 3 p.c."}) + "\n", encoding="utf-8")
    status, out, err = run([str(tmp_path / "in"), str(tmp_path / "one.jsonl"),
                            "-o", str(tmp_path / "out"), "--stats"])
    assert status == 0, err
    assert (tmp_path / "out" / "spun.txt").read_text(encoding="utf-8") == fix_text(seed)
    for k, c in enumerate(clean):
        assert (tmp_path / "out" / "sub" / f"c{k}.txt").read_text(encoding="utf-8") == c
    assert json.loads((tmp_path / "out" / "one.jsonl").read_text())["text"] == "Up 3 percent."
    assert err.startswith("respin: 5 documents, 2 spun (restored), ")
    assert "top rules: " in err
    status, out, err = run([str(tmp_path / "in"), "x"])
    assert status == 2 and "give -o DIR" in err  # usage: exit 2 (issue 10)


def test_score_one_line_per_document_and_min_score_filters(crawl):
    lines = "".join(json.dumps({"id": f"doc{k}", "text": t}) + "\n" for k, (t, _) in enumerate(crawl))
    status, out, err = run(["--format", "jsonl", "--score"], lines.encode())
    rows = [json.loads(r) for r in out.splitlines()]
    assert status == 0 and len(rows) == len(crawl)
    assert [r["id"] for r in rows] == [f"doc{k}" for k in range(len(crawl))]
    assert [r["line"] for r in rows] == list(range(1, len(crawl) + 1))
    assert all({"score", "rate", "evidence"} <= r.keys() for r in rows)
    spun_scores = [r["score"] for r, (_, s) in zip(rows, crawl) if s]
    clean_scores = [r["score"] for r, (_, s) in zip(rows, crawl) if not s]
    cut = 0.5
    assert min(spun_scores) >= cut > max(clean_scores)
    # --min-score: keep the documents at or above, restored; status as grep
    status, out, err = run(["--format", "jsonl", "--min-score", str(cut)], lines.encode())
    kept = [json.loads(r) for r in out.splitlines()]
    assert status == 0 and len(kept) == 21
    assert all(k["text"] == fix_text(t) for k, (t, _) in zip(kept, [d for d in crawl if d[1]]))
    clean_only = "".join(json.dumps({"text": t}) + "\n" for t, s in crawl if not s)
    status, out, err = run(["--format", "jsonl", "--min-score", str(cut)], clean_only.encode())
    assert (status, out) == (1, "")
    status, out, err = run(["--format", "jsonl", "--min-score", str(cut)], b"{bad\n")
    assert status == 2 and err.startswith("respin error: <stdin>: line 1: not valid JSON")
    status, out, err = run(["--format", "jsonl", "--score", "--min-score", str(cut)], lines.encode())
    assert status == 0 and len(out.splitlines()) == 21


def test_min_score_drops_a_document_with_its_separator():
    data = "Shares rose 3 p.c in the provide chain {industry}.\fA fine day.\fUp 4 p.c this yr.\n"
    status, out, err = run(["--split", "formfeed", "--min-score", "0.5"], data.encode())
    assert status == 0
    assert out == fix_text("Shares rose 3 p.c in the provide chain {industry}.") + "\f" + \
        fix_text("Up 4 p.c this yr.\n")


def test_min_score_logs_and_counts_only_the_documents_it_keeps(tmp_path):
    # a dropped document is not in the output: its edits are not in the log
    # nor in --stats (they used to be: the log no longer matched the output)
    data = ('{"text": "Shares rose 3 p.c in the provide chain {industry}, officers stated."}\n'
            '{"text": "A fine day, 5 p.c."}\n')
    scores = [json.loads(r)["score"] for r in run(["--format", "jsonl", "--score"], data.encode())[1].splitlines()]
    cut = (scores[0] + scores[1]) / 2
    assert scores[1] < cut < scores[0]
    log = tmp_path / "e.jsonl"
    status, out, err = run(["--format", "jsonl", "--min-score", str(cut), "--edits", str(log), "--stats"],
                           data.encode())
    rows = [json.loads(r) for r in log.read_text().splitlines()]
    assert status == 0 and len(out.splitlines()) == 1
    assert rows and {r["document"] for r in rows} == {1}
    assert err.startswith(f"respin: 2 documents, 1 spun (restored), {len(rows)} edits")


def test_edits_log_has_file_offsets(tmp_path):
    data = '{"text": "x"}\n{"text": "Up 3 p.c."}\n'
    status, out, err = run(["--format", "jsonl", "--edits", str(tmp_path / "e.jsonl")], data.encode())
    (row,) = [json.loads(r) for r in (tmp_path / "e.jsonl").read_text().splitlines()]
    assert status == 0 and row["document"] == 2 and row["line"] == 2
    assert data[row["start"]:row["end"]] == row["before"] == "p.c"


def test_progress_bar_on_stderr_when_asked():
    data = "\f".join(["Up 3 p.c."] * 5)
    status, out, err = run(["--split", "formfeed", "--progress", "always"], data.encode())
    assert status == 0 and "5doc" in err.replace(" ", "") and out == "\f".join(["Up 3 percent."] * 5)
    status, out, err = run(["--split", "formfeed"], data.encode())
    assert err == ""  # not a terminal: no bar


def test_jobs_give_the_same_records(crawl):
    lines = [json.dumps({"text": t}) + "\n" for t, _ in crawl[:12]]
    assert [r.text for r in fix_records(lines, jobs=2)] == [r.text for r in fix_records(lines)]


def test_bad_options_are_clear():
    status, out, err = run(["--split", "formfeed", "--split-line", "x"], b"")
    assert status == 2 and "not both" in err
    status, out, err = run(["--split-line", "("], b"")
    assert status == 2 and err.startswith("respin error: bad --split-line pattern '('")
    status, out, err = run(["--format", "jsonl", "--diff"], b"")
    assert status == 2 and "--edits" in err


@pytest.mark.parametrize("name", ["cli.md", "api.md"])
def test_docs_examples_run(name):
    """The examples of docs/cli.md and docs/api.md are doctests."""
    import doctest

    result = doctest.testfile(str(ROOT / "docs" / name), module_relative=False,
                              optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 10 and result.failed == 0


def test_a_byte_order_mark_is_kept_and_not_parsed():
    for fmt, data, want in [("jsonl", '\ufeff{"text": "Up 3 p.c."}\n', '\ufeff{"text": "Up 3 percent."}\n'),
                            ("csv", "\ufefftext,n\r\nUp 3 p.c.,1\r\n", "\ufefftext,n\r\nUp 3 percent.,1\r\n")]:
        assert "".join(r.text for r in fix_records(data, fmt)) == want


def test_options_that_do_nothing_are_refused():
    status, out, err = run(["--field", "body"], b"Up 3 p.c.")
    assert status == 2 and "--field works with the jsonl/csv/tsv format, not text" in err
    status, out, err = run(["--format", "jsonl", "--split", "line"], b"")
    assert status == 2 and "--split works with the text format, not jsonl" in err


_WORDS = st.sampled_from(["p.c", "yr", "provide chain", "White Home", "officers stated", "the",
                          "said", "3", "{industry}", '"', "\\", "\n", "\t", ",", "é", "\u2014",
                          "\U0001f600", "\x00", " ", "  ", "/", "\u2028"])
_VALUES = st.lists(_WORDS, max_size=25).map("".join)


@given(text=_VALUES, note=_VALUES, ensure_ascii=st.booleans(), indent=st.sampled_from([None, 1]),
       sort=st.booleans())
def test_jsonl_any_value_any_style(text, note, ensure_ascii, indent, sort):
    """Whatever the value and the writer's style: the record reads back as the
    same object with text restored alone, and only bytes of the text change."""
    obj = {"note": note, "text": text, "n": [1, {"text": note}]}
    raw = json.dumps(obj, ensure_ascii=ensure_ascii, sort_keys=sort,
                     separators=(", ", ": ") if indent is None else (",", ":")) + "\n"
    (rec,) = fix_records([raw], "jsonl")
    want = dict(obj, text=fix_text(text))
    assert json.loads(rec.text) == want
    assert rec.text == json.dumps(want, ensure_ascii=ensure_ascii, sort_keys=sort,
                                  separators=(", ", ": ") if indent is None else (",", ":")) + "\n"
    assert apply_edits(raw, rec.edits) == rec.text


@given(cells=st.lists(_VALUES, min_size=3, max_size=3),
       quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]),
       terminator=st.sampled_from(["\n", "\r\n"]), delimiter=st.sampled_from([",", ";", "\t"]))
def test_csv_any_cell_any_dialect(cells, quoting, terminator, delimiter):
    cells = [c.replace("\x00", "") for c in cells]
    buf = io.StringIO()
    w = csv.writer(buf, quoting=quoting, lineterminator=terminator, delimiter=delimiter)
    w.writerow(["a", "text", "b"])
    w.writerow(cells)
    data = buf.getvalue()
    fmt = "tsv" if delimiter == "\t" else "csv"
    out = "".join(r.text for r in fix_records(io.StringIO(data, newline=""), fmt))
    want = io.StringIO()
    w = csv.writer(want, quoting=quoting, lineterminator=terminator, delimiter=delimiter)
    w.writerow(["a", "text", "b"])
    w.writerow([cells[0], fix_text(cells[1]), cells[2]])
    if quoting != csv.QUOTE_MINIMAL or fix_text(cells[1]) == cells[1]:
        assert out == want.getvalue()
    rows = list(csv.reader(io.StringIO(out, newline=""), delimiter=delimiter))
    assert rows == [["a", "text", "b"], [cells[0], fix_text(cells[1]), cells[2]]]


def test_several_inputs_never_overwrite_each_other_or_themselves(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Up 3 p.c.", encoding="utf-8")
    status, out, err = run([str(tmp_path / "in"), str(tmp_path / "in" / "a.txt"), "-o", str(tmp_path / "o")])
    assert status == 2 and "would both be written to" in err and not (tmp_path / "o" / "a.txt").exists()
    status, out, err = run([str(tmp_path / "in"), "-o", str(tmp_path / "in")])
    assert status == 1 and "refusing to overwrite the input file" in err
    assert (tmp_path / "in" / "a.txt").read_text(encoding="utf-8") == "Up 3 p.c."
    assert [p.name for p in (tmp_path / "in").iterdir()] == ["a.txt"]  # no temporary left


def test_library_min_score_is_the_cli_filter(crawl):
    lines = [json.dumps({"text": t}) + "\n" for t, _ in crawl]
    records = list(fix_records(lines, "jsonl", min_score=0.5))
    assert [r.kept for r in records] == [s for _, s in crawl]
    assert all(r.text == "" for r in records if not r.kept)
    status, out, err = run(["--format", "jsonl", "--min-score", "0.5"], "".join(lines).encode())
    assert status == 0 and out == "".join(r.text for r in records)
    rows = "id,text\n1,Up 3 p.c in the provide chain {industry}\n2,A fine day.\n"
    assert "".join(r.text for r in fix_records(rows, "csv", min_score=0.5)) == \
        "id,text\n1,Up 3 percent in the supply chain industry\n"


def test_records_stream_one_document_at_a_time():
    read = []

    def lines():
        for k in range(1000):
            read.append(k)
            yield json.dumps({"text": f"Up {k} p.c."}) + "\n"

    records = fix_records(lines(), "jsonl")
    first = next(records)
    assert first.text == '{"text": "Up 0 percent."}\n' and len(read) == 1
    for fmt, sep, data in [("text", "formfeed", ["a\n", "b\f", "c\n"] * 500),
                           ("csv", "whole", ["text\n"] + ["x\n"] * 1000)]:
        read.clear()

        def gen():
            for k, line in enumerate(data):
                read.append(k)
                yield line

        next(r for r in fix_records(gen(), fmt, separator=sep) if r.document)
        assert len(read) <= 3


def test_documents_from_a_pipe_are_written_as_they_end():
    """`tail -f log | respin --split line`: each document comes out at once."""
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-m", "respin", "--split", "line"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        proc.stdin.write(b"Up 3 p.c.\n")
        proc.stdin.flush()
        import select

        ready, _, _ = select.select([proc.stdout], [], [], 30)
        assert ready, "no output before the input ended"
        assert proc.stdout.readline() == b"Up 3 percent.\n"
        proc.stdin.write(b"A fine day.\n")
        proc.stdin.close()
        assert proc.stdout.read() == b"A fine day.\n" and proc.wait(timeout=30) == 0
    finally:
        proc.kill()


def _jsonl_over_text_time(crawl, rounds: int) -> float:
    import time

    texts = [t for t, _ in crawl]
    lines = [json.dumps({"id": k, "text": t}) + "\n" for k, t in enumerate(texts)]
    joined = "\f".join(texts)

    def timed(fn):
        t0 = time.perf_counter()
        fn()
        return time.perf_counter() - t0

    jsonl, text = [], []
    for _ in range(rounds):  # in turn, so a busy moment hits both
        jsonl.append(timed(lambda: list(fix_records(lines, "jsonl"))))
        text.append(timed(lambda: list(fix_records(joined, "text", separator="formfeed"))))
    return min(jsonl) / min(text)


def test_jsonl_reading_costs_little_beside_restoring(crawl):
    """What JSONL adds to restoring (parse, find the value, map offsets, write in
    place) is small beside the restoring itself. The issue asks for JSONL within
    10% of plain text: farm-bench measured whole-process A/B cpu 1.0162
    (CHANGELOG); in-process pairs on 2 shared cores vary too much for a 10%
    bound in the default suite (--slow checks it with the minimum of 7 pairs)."""
    import time

    lines = [json.dumps({"id": k, "text": t}) + "\n" for k, (t, _) in enumerate(crawl)]
    restored = list(fix_records(lines, "jsonl"))
    edits = [(k, r.field_edits) for k, r in enumerate(restored) if r.edits]

    def reading():
        list(fix_records(lines, "jsonl", restore=False))
        for k, field_edits in edits:  # the in-place writing of every edit
            apply_edits(lines[k], respin.records._jsonl_carry(lines[k], ("text",), 0,
                                                              [e for _, e in field_edits]))

    def restoring():
        for t, _ in crawl:
            respin.fix_and_explain(t)

    def best(fn):
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        return min(times)

    assert best(reading) < 0.05 * best(restoring)


@pytest.mark.slow
def test_jsonl_within_ten_percent_of_text(crawl):
    assert _jsonl_over_text_time(crawl, 7) < 1.10


def test_records_outputs_are_checked_like_the_plain_path(tmp_path):
    # review of the merge: --edits naming the input, or -o and --edits naming one file,
    # were accepted in the records path and lost data; the plain path refuses both
    src = tmp_path / "a.jsonl"
    src.write_text('{"text": "Up 3 p.c."}\n', encoding="utf-8")
    before = src.read_bytes()
    status, out, err = run([str(src), "-o", str(tmp_path / "out.jsonl"), "--edits", str(src)])
    assert status == 1 and "refusing to overwrite the input file" in err
    assert src.read_bytes() == before
    status, out, err = run([str(src), "-o", str(tmp_path / "out.jsonl"),
                            "--edits", str(tmp_path / "." / "out.jsonl")])
    assert status == 2 and "given twice as an output" in err
    assert not (tmp_path / "out.jsonl").exists()
    # -o into a missing directory is an error, as in the plain path (no directory made)
    status, out, err = run([str(src), "-o", str(tmp_path / "new" / "sub" / "x.jsonl")])
    assert status == 1 and "cannot write" in err and not (tmp_path / "new").exists()
    # --line-buffered is for the plain path; here it is refused, not ignored
    status, out, err = run([str(src), "--line-buffered"])
    assert status == 2 and "--line-buffered" in err
    # a bad --jobs is a usage error here too, one line, no traceback
    status, out, err = run([str(src), "--jobs", "-1"])
    assert status == 2 and err.count("\n") == 1 and "--jobs" in err


def test_fix_records_and_documents_resolve_jobs():
    lines = ['{"text": "Up 3 p.c."}\n']
    assert [r.text for r in fix_records(lines, jobs=0)] == [r.text for r in fix_records(lines)]
    with pytest.raises(ValueError):
        list(fix_records(lines, jobs=-5))
    with pytest.raises(ValueError):
        list(respin.fix_documents(["Up 3 p.c."], jobs=-5))


# -- review of main: one error path with the plain filter, usage before loading ---------

@pytest.mark.parametrize("argv, message", [
    (["--format", "jsonl", "--diff"], "--diff and --demo work on one plain-text input"),
    (["--format", "jsonl", "--line-buffered"], "--line-buffered works on one plain-text input"),
    (["--split", "formfeed", "--split-line", "x"], "give --split or --split-line, not both"),
    (["--split-line", "("], "bad --split-line pattern '('"),
    (["--field", "body"], "--field works with the jsonl/csv/tsv format, not text"),
    (["--format", "jsonl", "--jobs", "-1"], "--jobs must be >= 0"),
    (["-", "-"], "stdin (-) given more than once"),
    (["{a}", "{b}"], "several inputs are written one file each: give -o DIR"),
    (["{a}", "{a}", "-o", "{d}"], "would both be written to"),
    (["{a}", "{b}", "-o", "{a}"], "must be a directory for several inputs"),
    (["{a}", "--format", "jsonl", "--json"], "--json only applies to --score"),
])
@pytest.mark.parametrize("min_score", [[], ["--min-score", "0.5"]])
def test_records_usage_errors_exit_2_before_the_lexicon_is_read(tmp_path, argv, message, min_score):
    # a broken --lexicon would fail the run if it were read first: every usage error is
    # found before (exit 2, as the plain filter's), and with --min-score too
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    for p in (a, b):
        p.write_text('{"text": "Up 3 p.c."}\n', encoding="utf-8")
    bad = tmp_path / "bad.tsv"
    bad.write_text("not a lexicon\n", encoding="utf-8")
    argv = [x.format(a=a, b=b, d=tmp_path / "out") for x in argv]
    status, out, err = run([*argv, *min_score, "--lexicon", str(bad)], b"")
    assert status == respin.cli.EXIT_USAGE == 2
    assert err.startswith("respin error: ") and message in err and err.count("\n") == 1, err
    assert "lexicon" not in err and out == ""
    # the same run with a good lexicon fails the same way; the broken one is then reported
    assert run([*argv, *min_score], b"")[2] == err


def test_a_bad_lexicon_is_still_reported_in_the_records_path(tmp_path):
    bad = tmp_path / "bad.tsv"
    bad.write_text("not a lexicon\n", encoding="utf-8")
    status, out, err = run(["--format", "jsonl", "--lexicon", str(bad)], b'{"text": "x"}\n')
    assert status == respin.cli.EXIT_CONFIG and err.startswith("respin error: bad lexicon: ")


def test_one_file_as_two_outputs_is_one_error_in_both_paths(tmp_path):
    # through a link, so only the output transaction can see it: the same line and status
    src = tmp_path / "a.txt"
    src.write_text("Up 3 p.c.\n", encoding="utf-8")
    (tmp_path / "link.txt").symlink_to(tmp_path / "out.txt")
    (tmp_path / "out.txt").write_text("old\n", encoding="utf-8")
    plain = run([str(src), "-o", str(tmp_path / "out.txt"), "--edits", str(tmp_path / "link.txt")])
    records = run([str(src), "--split", "line", "-o", str(tmp_path / "out.txt"),
                   "--edits", str(tmp_path / "link.txt")])
    assert plain[0] == records[0] == respin.cli.EXIT_USAGE
    assert plain[2] == records[2] == (f"respin error: {tmp_path / 'link.txt'} is given twice as "
                                      "an output (-o and --edits); choose two files\n")
    assert (tmp_path / "out.txt").read_text(encoding="utf-8") == "old\n"


def test_an_unexpected_error_is_not_passed_off_as_a_usage_error(monkeypatch):
    # only bad records are the input's fault; any other exception is a bug and propagates
    import respin._records_cli as records_cli

    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(records_cli, "fix_records", broken)
    with pytest.raises(ValueError, match="a bug"):
        run(["--format", "jsonl"], b'{"text": "x"}\n')
