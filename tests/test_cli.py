"""The command-line filter, run as a user would: through a subprocess."""
from __future__ import annotations

import codecs
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

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
    assert_error(run(str(tmp_path)), "is a directory", 2)  # a directory needs -o DIR: usage


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


def test_usage_errors_are_one_line_exit_2():
    # issue 10 item 10: every usage error exits 2 (argparse and GNU convention)
    assert_error(run("--no-such-option"), "unrecognized arguments: --no-such-option", 2)
    assert_error(run("--threshold", "high"), "argument --threshold: invalid float value: 'high'", 2)
    assert_error(run("--threshold", "abc"), "argument --threshold: invalid float value: 'abc'", 2)
    assert_error(run("--jobs", "x"), "argument --jobs: invalid int value: 'x'", 2)
    # several inputs are documents of their own (issue 9): they need an output directory
    assert_error(run("a.txt", "b.txt"), "several inputs are written one file each: give -o DIR", 2)


def test_help_lists_the_exit_codes():
    res = run("--help")
    assert res.returncode == 0
    out = res.stdout.decode()
    assert "exit status:" in out
    for line in ("  0    success", "  1    input or output error", "  2    usage error",
                 "129  hung up (SIGHUP); 130 interrupted (SIGINT, Ctrl-C); 143 terminated"):
        assert line in out, line


def test_unwritable_output(tmp_path):
    assert_error(run("-o", str(tmp_path / "no" / "such" / "dir.txt"), stdin=b"x\n"), "cannot write")


def test_broken_pipe_is_quiet():
    proc = subprocess.run(f"{sys.executable} -m respin | head -c 10", shell=True,
                          input=(SPUN * 20000).encode(), capture_output=True, timeout=300)
    assert b"Traceback" not in proc.stderr


# ---- issue 10 item 11: every message names the path or the option ------------------

def test_binary_lexicon_file_names_the_file_and_line(tmp_path):
    lex = tmp_path / "rules.tsv"
    lex.write_bytes(b"# respin-lexicon 1\nu/1\tp.c\tpercent\tx\tartifact\n\x89PNG\xff\x00\n")
    res = run("--lexicon", str(lex), stdin=b"x\n")
    assert_error(res, f"bad lexicon: {lex}:3: not UTF-8 text (byte 0x89)", 2)


def test_no_default_lexicon_alone_is_a_cli_message():
    res = run("--no-default-lexicon", stdin=b"x\n")
    assert_error(res, "--no-default-lexicon needs at least one --lexicon FILE", 2)
    assert "use_default_lexicon" not in res.stderr.decode()


def test_same_lexicon_twice_is_named(tmp_path):
    lex = tmp_path / "mine.tsv"
    lex.write_text("# respin-lexicon 1\nu/0001\tgizmo-widget\tdevice\tuser\tartifact\n", encoding="utf-8")
    link = tmp_path / "link.tsv"
    link.symlink_to(lex)
    assert_error(run("--lexicon", str(lex), "--lexicon", str(lex), stdin=b"x\n"),
                 f"--lexicon {lex} is given twice", 2)
    assert_error(run("--lexicon", str(lex), "--lexicon", str(link), stdin=b"x\n"),
                 f"--lexicon {link} is given twice", 2)


# ---- issue 10 item 12: byte-order marks choose the codec and are not part of a word ----


@pytest.mark.parametrize("codec, bom", [("utf-16-le", codecs.BOM_UTF16_LE),
                                        ("utf-16-be", codecs.BOM_UTF16_BE),
                                        ("utf-32-le", codecs.BOM_UTF32_LE),
                                        ("utf-32-be", codecs.BOM_UTF32_BE)])
def test_utf16_and_utf32_with_a_bom_are_decoded_by_it(tmp_path, codec, bom):
    src = tmp_path / "in.txt"
    src.write_bytes(bom + (SPUN * 3).encode(codec))
    res = run(str(src))
    assert res.returncode == 0, res.stderr
    assert res.stdout.decode("utf-8") == "\ufeff" + respin.fix_text(SPUN * 3)


def test_utf8_bom_is_kept_but_not_glued_to_the_first_word():
    res = run(stdin="\ufeffYr 2020 noticed a 3 p.c gain.\n".encode())
    assert res.returncode == 0, res.stderr
    assert res.stdout.decode() == "\ufeffYear 2020 saw a 3 percent gain.\n"
    assert respin.fix_text("\ufeffYr 2020 noticed a 3 p.c gain.") == "\ufeffYear 2020 saw a 3 percent gain."


# ---- issue 10 item 13: binary input is refused, not edited ----------------------------

@pytest.mark.parametrize("errors", ["strict", "surrogateescape", "replace"])
@pytest.mark.parametrize("kind", ["random", "nul-dense", "elf-like"])
def test_binary_input_is_refused(tmp_path, kind, errors):
    import random

    rng = random.Random(13)
    data = {"random": bytes(rng.randrange(256) for _ in range(20_000)) + b" p.c ",
            "nul-dense": b"p.c\x00\x00\x00\x00 provide chain\x00\x00\x00\x00\n" * 500,
            "elf-like": b"\x7fELF\x02\x01\x01" + b"\x00" * 9 + b"p.c " * 10 + b"\x00" * 500}[kind]
    src = tmp_path / "blob.bin"
    src.write_bytes(data)
    res = run(str(src), "--errors", errors)
    assert_error(res, f"respin error: {src} looks like binary data, not text", 1)
    assert res.stdout == b""


def test_utf16_without_bom_is_refused_with_a_hint():
    res = run(stdin=(SPUN * 5).encode("utf-16-le"))
    assert_error(res, "UTF-16 without a byte-order mark? pass --encoding utf-16-le", 1)
    ok = run("--encoding", "utf-16-le", stdin=(SPUN * 5).encode("utf-16-le"))
    assert ok.returncode == 0 and ok.stdout.decode() == respin.fix_text(SPUN * 5)


def test_text_with_a_few_control_characters_is_still_text():
    text = "Shares \x00rose 3 p.c\x07 in the provide chain.\f\n" * 20
    res = run(stdin=text.encode())
    assert res.returncode == 0, res.stderr
    assert res.stdout.decode() == respin.fix_text(text)


# ---- issue 10 item 14: a stream is written line by line -----------------------------

def _read_line(fd: int, timeout: float) -> bytes:
    import select

    buf = b""
    deadline = time.monotonic() + timeout
    while not buf.endswith(b"\n"):
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            break
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        buf += chunk
    return buf


LINES = ["Intro line about the markets.\n", SPUN, "Officials said the economy grew.\n"]


def test_line_buffered_writes_each_line_before_the_next_arrives():
    proc = subprocess.Popen([sys.executable, "-m", "respin", "--line-buffered"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        for line in LINES:  # like tail -f: one line, then nothing until the answer comes
            proc.stdin.write(line.encode())
            proc.stdin.flush()
            assert _read_line(proc.stdout.fileno(), 60).decode() == respin.fix_text(line)
    finally:
        proc.stdin.close()
        proc.wait(60)
    assert proc.returncode == 0, proc.stderr.read()


def test_terminal_input_is_line_buffered():
    master, slave = os.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "respin"], stdin=slave,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    os.close(slave)
    try:
        os.write(master, SPUN.encode())
        got = _read_line(proc.stdout.fileno(), 60).decode()
        assert got == respin.fix_text(SPUN)
    finally:
        os.write(master, b"\x04")  # Ctrl-D: end of input
        proc.wait(60)
        os.close(master)
    assert proc.returncode == 0, proc.stderr.read()


def test_line_buffered_judges_each_line_as_a_document():
    text = "".join(LINES) * 3
    res = run("--line-buffered", stdin=text.encode())
    assert res.returncode == 0, res.stderr
    assert res.stdout.decode() == "".join(respin.fix_text(line) for line in respin.fixes.split_lines(text))
    # a pipe without the option keeps document-level judgement: the same as the library
    assert run(stdin=text.encode()).stdout.decode() == respin.fix_text(text)


# ---- issue 10 item 15: --jobs has the library's meaning, capped at the cores -----------

def test_cli_jobs_are_capped_at_the_cores_and_zero_means_all():
    from respin import cli

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert cli._jobs(1000) == cores and cli._jobs(0) == cores and cli._jobs(1) == 1
    res = run("--jobs", "1000", stdin=(SPUN * 50).encode())
    assert res.returncode == 0 and res.stdout.decode() == respin.fix_text(SPUN * 50)


def test_a_bad_jobs_value_is_reported_before_the_lexicon_is_read(tmp_path):
    # a usage error (exit 2) is found before anything is loaded, as in the records path
    bad = tmp_path / "bad.tsv"
    bad.write_text("not a lexicon\n", encoding="utf-8")
    res = run("--jobs", "-1", "--lexicon", str(bad), stdin=b"x\n")
    assert res.returncode == 2
    assert res.stderr.decode() == "respin error: --jobs must be >= 0 (0: one per core), not -1\n"


# ---- the per-document modes (quoted speech, names) -------------------------------------------

def _mode_case(option: str) -> str:
    from test_names import SPUN_NAMES
    from test_quotes import SPUN_QUOTES
    return {"quotes": SPUN_QUOTES, "names": SPUN_NAMES}[option]


@pytest.mark.parametrize("option", ["quotes", "names"])
@pytest.mark.parametrize("bad", ["", "never", None, True])
def test_bad_mode(option, bad):
    with pytest.raises(ValueError, match=f"{option} must be one of"):
        respin.Config(**{option: bad})


@pytest.mark.parametrize("option", ["quotes", "names"])
def test_cli_mode_option(option):
    spun = _mode_case(option)

    def run(*args):
        return subprocess.run([sys.executable, "-m", "respin", *args], input=spun,
                              capture_output=True, text=True, encoding="utf-8")
    auto, protect = run(), run(f"--{option}", "protect")
    assert auto.returncode == protect.returncode == 0
    assert auto.stdout == respin.fix_text(spun)
    assert protect.stdout == respin.fix_text(spun, **{option: "protect"})
    bad = run(f"--{option}", "sometimes")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and f"--{option}" in bad.stderr
