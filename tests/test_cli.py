"""The command-line filter, run as a user would: through a subprocess."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import respin

SPUN = "Tariffs fell to fifteen p.c in the provide chain {industry}, the White Home stated.\n"
CLEAN = "Tariffs fell to 15 percent in the supply chain industry, the White House said.\n"


def run(*args: str, stdin: bytes = b"", cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "respin", *args], input=stdin,
                          capture_output=True, cwd=cwd, timeout=120)


def test_filter_stdin_to_stdout_matches_library():
    text = SPUN * 3 + "Officials said the economy grew.\n"
    res = run(stdin=text.encode())
    assert res.returncode == 0, res.stderr
    assert res.stdout.decode() == respin.fix_text(text)
    assert res.stderr == b""


def test_clean_bytes_pass_through_identically():
    raw = "\ufeffCafé “quoted” line\r\nsecond line without newline".encode()
    res = run(stdin=raw)
    assert res.returncode == 0 and res.stdout == raw


def test_file_to_file_and_edit_log(tmp_path):
    src = tmp_path / "in.txt"
    src.write_text("Intro line.\n" + SPUN, encoding="utf-8")
    out, log = tmp_path / "out.txt", tmp_path / "edits.jsonl"
    res = run(str(src), "-o", str(out), "--edits", str(log))
    assert res.returncode == 0, res.stderr
    restored = out.read_text(encoding="utf-8")
    assert restored == respin.fix_text(src.read_text(encoding="utf-8"))
    rows = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert rows and all(r["line"] == 2 for r in rows)
    text = src.read_text(encoding="utf-8")
    for r in rows:
        assert text[r["start"]:r["end"]] == r["before"]
        assert set(r) >= {"line", "column", "start", "end", "before", "after", "rule", "score", "source"}
    assert not list(tmp_path.glob(".respin-*"))


def test_diff_shows_changed_lines_only():
    res = run("--diff", "--color", "never", stdin=("Clean line.\n" + SPUN).encode())
    lines = res.stdout.decode().splitlines()
    assert lines[0] == "@@ line 2"
    assert lines[1] == "- " + SPUN.rstrip("\n")
    assert lines[2].startswith("+ ") and "p.c" not in lines[2]
    colored = run("--diff", "--color", "always", stdin=SPUN.encode()).stdout.decode()
    assert "\x1b[31m" in colored and "\x1b[32m" in colored


def test_score_prints_evidence():
    res = run("--score", stdin=(SPUN * 4).encode())
    out = res.stdout.decode()
    assert res.returncode == 0 and out.startswith("spin score ")
    assert "artifact" in out
    res = run("--score", "--json", stdin=(SPUN * 4).encode())
    report = json.loads(res.stdout)
    assert report["score"] > 0.9 and report["evidence"]


def test_threshold_and_lexicon_options(tmp_path):
    lex = tmp_path / "mine.tsv"
    lex.write_text("# respin-lexicon 1\nu/0001\tgizmo-widget\tdevice\tuser\tartifact\n", encoding="utf-8")
    res = run("--lexicon", str(lex), "--no-default-lexicon", stdin=b"a gizmo-widget at 5 p.c\n")
    assert res.stdout == b"a device at 5 p.c\n"
    res = run("--threshold", "1000", stdin=SPUN.encode())
    assert res.stdout == SPUN.encode()


def test_demo_runs():
    res = run("--demo", "--color", "never")
    assert res.returncode == 0, res.stderr
    assert res.stdout.decode().count("@@ line") >= 2


def test_jobs_give_the_same_output():
    text = SPUN * 200
    assert run("--jobs", "2", stdin=text.encode()).stdout == run(stdin=text.encode()).stdout


# ---- errors: one line on stderr, exit 1 (input) or 2 (lexicon/config), no traceback ----

def assert_error(res: subprocess.CompletedProcess, expected: str, status: int = 1) -> None:
    err = res.stderr.decode()
    assert res.returncode == status, err
    assert err.count("\n") == 1 and err.startswith("respin error: "), err
    assert expected in err
    assert "Traceback" not in err


def test_missing_file(tmp_path):
    assert_error(run(str(tmp_path / "nope.txt")),
                 f"respin error: cannot read {tmp_path / 'nope.txt'}: no such file")


def test_directory_input(tmp_path):
    assert_error(run(str(tmp_path)), "is a directory")


def test_undecodable_input_names_the_fix():
    res = run(stdin=b"ok line\ncaf\xe9 p.c\n")
    assert_error(res, "respin error: line 2 of <stdin> is not valid utf-8 (byte 0xe9 at byte 3 of "
                      "the line); pass --encoding with the file's real encoding (e.g. --encoding "
                      "cp1252), or --errors surrogateescape")
    assert run("--encoding", "cp1252", stdin=b"caf\xe9 p.c\n").stdout == "café percent\n".encode()


def test_unknown_encoding():
    assert_error(run("--encoding", "klingon", stdin=b"x\n"), "unknown encoding 'klingon'")


def test_refuses_to_overwrite_input(tmp_path):
    src = tmp_path / "in.txt"
    src.write_text(SPUN, encoding="utf-8")
    assert_error(run(str(src), "-o", str(src)), "refusing to overwrite the input file")
    assert src.read_text(encoding="utf-8") == SPUN


def test_bad_lexicon_names_file_and_line(tmp_path):
    lex = tmp_path / "bad.tsv"
    lex.write_text("# respin-lexicon 1\nu/1\tonly three\tfields\n", encoding="utf-8")
    assert_error(run("--lexicon", str(lex), stdin=b"x\n"), f"{lex}:2: expected 5 tab-separated fields", 2)


def test_missing_lexicon(tmp_path):
    assert_error(run("--lexicon", str(tmp_path / "none.tsv"), stdin=b"x\n"), "no such file", 2)


def test_bad_threshold():
    assert_error(run("--threshold", "-2", stdin=b"x\n"), "threshold must be a finite number >= 0", 2)
    assert_error(run("--jobs", "-1", stdin=b"x\n"), "--jobs must be >= 0", 2)


def test_usage_errors_are_one_line_exit_1():
    assert_error(run("--no-such-option"), "unrecognized arguments: --no-such-option")
    assert_error(run("--threshold", "high"), "argument --threshold: invalid float value: 'high'")
    # several inputs are documents of their own (issue 9): they need an output directory
    assert_error(run("a.txt", "b.txt"), "several inputs are written one file each: give -o DIR")


def test_unwritable_output(tmp_path):
    assert_error(run("-o", str(tmp_path / "no" / "such" / "dir.txt"), stdin=b"x\n"), "cannot write")


def test_broken_pipe_is_quiet():
    proc = subprocess.run(f"{sys.executable} -m respin | head -c 10", shell=True,
                          input=(SPUN * 20000).encode(), capture_output=True, timeout=300)
    assert b"Traceback" not in proc.stderr
