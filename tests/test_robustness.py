"""Hostile input: broken encodings, binary junk, giant lines, adversarial text.

The CLI is run in-process here (``respin.cli.main`` with byte streams) where a
subprocess adds nothing; memory, signals and atomic output need a real process.
"""
from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import respin
from respin import cli
from respin.fixes import _cut, split_lines

SPUN = "Shares rose 3 p.c in the provide chain {industry}, officers stated.\n"
RESTORED = "Shares rose 3 percent in the supply chain industry, officials said.\n"


def run(*args: str, stdin: bytes = b"") -> tuple[int, bytes, str]:
    out, err = io.BytesIO(), io.StringIO()
    status = cli.main(list(args), stdin=io.BytesIO(stdin), stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()



def test_restores_the_example_line():
    assert run(stdin=SPUN.encode()) == (0, respin.fix_text(SPUN).encode(), "")
    assert "p.c" not in respin.fix_text(SPUN) and "supply chain" in respin.fix_text(SPUN)


# ---- encodings -----------------------------------------------------------------

BROKEN = b"caf\xe9 stock fell 3 p.c\xff in the provide chain\n\x80\x81 second line p.c\n"


def test_invalid_utf8_is_a_one_line_error_naming_the_options():
    status, out, err = run(stdin=BROKEN)
    assert status == 1 and out == b""
    assert err.count("\n") == 1
    assert err.startswith("respin error: line 1 of <stdin> is not valid utf-8 (byte 0xe9 at byte 3")
    assert "--errors surrogateescape" in err and "--encoding" in err


def test_surrogateescape_passes_undecodable_bytes_through_byte_identical(tmp_path):
    log = tmp_path / "edits.jsonl"
    status, out, err = run("--errors", "surrogateescape", "--edits", str(log), stdin=BROKEN)
    assert status == 0, err
    assert out == (b"caf\xe9 stock fell 3 percent\xff in the supply chain\n"
                   b"\x80\x81 second line percent\n")
    rows = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert [(r["line"], r["before"], r["after"]) for r in rows] == [
        (1, "p.c", "percent"), (1, "provide chain", "supply chain"), (2, "p.c", "percent")]


def test_binary_junk_is_refused_even_with_surrogateescape():
    # issue 10 item 13: surrogateescape on binary data would edit inside it
    junk = bytes(range(256)) * 40 + b"\n" + os.urandom(5000).replace(b"p.c", b"") + b"\n"
    status, out, err = run("--errors", "surrogateescape", stdin=junk)
    assert status == 1 and out == b""
    assert err.startswith("respin error: <stdin> looks like binary data, not text")


def test_surrogateescape_round_trips_stray_bytes_in_text():
    text = ("Shares rose 3 p.c in the provide chain, officers stated.\n" * 30).encode()
    data = text[:100] + bytes(range(128, 256)) + b"\n" + text[100:]
    status, out, _ = run("--errors", "surrogateescape", stdin=data)
    decoded = data.decode("utf-8", "surrogateescape")
    assert status == 0
    assert out == respin.fix_text(decoded).encode("utf-8", "surrogateescape")


def test_replace_writes_replacement_characters():
    status, out, _ = run("--errors", "replace", stdin=b"caf\xe9 p.c\n")
    assert status == 0 and out == "caf\ufffd percent\n".encode()


def test_multibyte_character_split_across_reads():
    # a 3-byte character straddles the READ_BYTES boundary of a long line
    head = b"a" * (cli.READ_BYTES - 1)
    data = head + "€ p.c\n".encode() + SPUN.encode()
    status, out, _ = run(stdin=data)
    assert status == 0
    assert out == respin.fix_text(data.decode()).encode()


def test_bom_is_kept_and_first_word_still_restored():
    data = ("\ufeff" + SPUN).encode()
    assert run(stdin=data) == (0, ("\ufeff" + RESTORED).encode(), "")


# ---- odd shapes ------------------------------------------------------------------

def test_empty_input():
    assert run(stdin=b"") == (0, b"", "")
    # issue 10 item 16: empty input scores 0.0 and --score prints a result for it
    status, out, _ = run("--score", "--json", stdin=b"")
    assert status == 0 and json.loads(out)["score"] == 0.0 and json.loads(out)["words"] == 0
    status, out, _ = run("--score", stdin=b"")
    assert status == 0 and out.decode().startswith("spin score 0.000  (estimated spin rate 0.00; 0 words")


def test_nul_bytes_are_kept_and_never_joined_into_phrases():
    data = b"\x00Shares rose 3 p.c\x00 in the provide\x00chain.\x00\n\x00\x00\n"
    status, out, _ = run(stdin=data)
    assert status == 0
    assert out == b"\x00Shares rose 3 percent\x00 in the provide\x00chain.\x00\n\x00\x00\n"


def test_crlf_cr_and_mixed_line_endings_survive():
    text = "A 3 p.c gain.\r\nB 3 p.c gain.\nC 3 p.c gain.\rD 3 p.c gain.\r\n\r\n\n"
    status, out, _ = run(stdin=text.encode())
    assert status == 0
    assert out.decode() == text.replace("p.c", "percent")
    assert respin.fix_text(text) == out.decode()


def test_very_long_words_and_lines_without_spaces():
    word = "x" * 1_000_003
    text = word + " 3 p.c " + word + "\n" + "é" * 500_000 + "\n"
    status, out, _ = run(stdin=text.encode())
    assert status == 0
    assert out.decode() == text.replace("p.c", "percent")


@pytest.mark.parametrize("lead", ["", "officers "])
def test_a_word_cut_at_a_segment_boundary_is_not_matched(lead):
    # a run of letters longer than a segment is cut hard at the segment size;
    # when the cut falls just before "yr" (an artifact: "year") the next segment starts with
    # it, but it is the tail of the run, not the word
    limit = respin.Config().max_segment_chars
    letters = "q" * (limit - len(lead))
    text = lead + letters + "yr at 3 p.c in the provide chain.\n"
    out = respin.fix_text(text)
    assert out == lead + letters + "yr at 3 percent in the supply chain.\n"
    status, cli_out, _ = run(stdin=text.encode())
    assert status == 0 and cli_out == out.encode()


@pytest.mark.parametrize("phrase", ["p.c ", "financial ", "the way forward for ", "White Home "])
def test_long_runs_of_one_lexicon_phrase(phrase):
    # every match touches the next, so the whole run is one cluster: the
    # worst case for the joint decoder (it must split, and stay linear). The
    # artifacts in front make both texts clearly spun, so both are fully scored.
    spun = "Shares rose 3 p.c in the provide chain {industry}. " * 5
    small, big = spun + phrase * 500, spun + phrase * 1000
    t_small = min(_timed(respin.fix_text, small) for _ in range(2))
    t_big = min(_timed(respin.fix_text, big) for _ in range(2))
    assert t_big < 3.0 * t_small + 0.05, (t_small, t_big)
    res = respin.fix_and_explain(big)
    assert respin.apply_edits(big, res.edits) == res.text


def _timed(fn, *args) -> float:
    t0 = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t0


def test_time_is_linear_in_input_size():
    doc = (Path(respin.__file__).parent / "data" / "example_spun.txt").read_text(encoding="utf-8")
    one = doc * 40           # ~60 kB of spun news
    t1 = min(_timed(respin.fix_text, one) for _ in range(2))
    t2 = min(_timed(respin.fix_text, one * 2) for _ in range(2))
    assert t2 < 2.8 * t1 + 0.05, (t1, t2)


# ---- the CLI reader cuts long lines exactly as the library does ------------------

@given(st.text(alphabet=st.sampled_from("ab \n\r\t.é€x"), max_size=400),
       st.integers(5, 40), st.lists(st.integers(1, 60), min_size=1, max_size=30))
def test_streamed_pieces_do_not_depend_on_read_sizes(text, limit, sizes):
    chunks, pos, k = [], 0, 0
    while pos < len(text):
        n = sizes[k % len(sizes)]
        chunks.append(text[pos:pos + n])
        pos, k = pos + n, k + 1
    expected = [p for line in split_lines(text) for p in _cut(line, limit)]
    assert list(cli._pieces(iter(chunks), limit)) == expected


# ---- real processes: memory, signals, atomic output ------------------------------

def _spawn(args: list[str], stdin_path: Path | None = None, **kw) -> subprocess.Popen:
    stdin = stdin_path.open("rb") if stdin_path else subprocess.DEVNULL
    return subprocess.Popen([sys.executable, "-m", "respin", *args], stdin=stdin,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kw)


def _peak_rss_mb(args: list[str], stdin_path: Path) -> tuple[int, float, bytes]:
    proc = _spawn(args, stdin_path)
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, usage.ru_maxrss / 1024, err


def _write_long_text(path: Path, mb: int, newline_every: int) -> None:
    """``mb`` blocks of a million characters of long words plus one spun phrase,
    with a newline after every ``newline_every``-th word (0: all on one line)."""
    word = "x" * 999 + " "
    words = [word] * 1000
    if newline_every:
        words = [w[:-1] + "\n" if i % newline_every == newline_every - 1 else w
                 for i, w in enumerate(words)]
    block = "".join(words) + "the provide chain grew 3 p.c "
    with path.open("w", encoding="utf-8") as fh:
        for _ in range(mb):
            fh.write(block)
        fh.write("\n")


@pytest.mark.parametrize("newline_every", [0, 7], ids=["one-line", "many-lines"])
def test_100_mb_stream_in_bounded_memory(tmp_path, newline_every):
    small, big = tmp_path / "small.txt", tmp_path / "big.txt"
    _write_long_text(small, 2, newline_every)
    _write_long_text(big, 100, newline_every)
    out = tmp_path / "out.txt"
    status, rss_small, err = _peak_rss_mb(["-o", str(out)], small)
    assert status == 0, err
    status, rss_big, err = _peak_rss_mb(["-o", str(out)], big)
    assert status == 0, err
    # reading the line whole would cost 100 MB of bytes plus 100 MB of str
    assert rss_big < rss_small + 40, (rss_small, rss_big)
    assert out.stat().st_size == big.stat().st_size - 100 * len("p.c") + 100 * len("percent") \
        - 100 * len("provide") + 100 * len("supply")
    with out.open("rb") as fh:
        head = fh.read(1_001_100)
    assert head.count(b"supply chain grew 3 percent") == 1
    assert (b"\n" in head) == bool(newline_every)


@pytest.mark.parametrize("sig, status", [(signal.SIGTERM, 143), (signal.SIGINT, 130),
                                         (signal.SIGHUP, 129)])  # issue 10 item 5: HUP as TERM
def test_interrupted_run_leaves_the_old_output_in_place(tmp_path, sig, status):
    src = tmp_path / "in.txt"
    src.write_text(SPUN * 150_000, encoding="utf-8")   # ~10 MB, several seconds of work
    out = tmp_path / "out.txt"
    out.write_text("the good old output\n", encoding="utf-8")
    proc = _spawn([str(src), "-o", str(out)])
    time.sleep(2.0)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == status, err
    assert err.decode().startswith("respin error: ") and b"Traceback" not in err
    assert out.read_text(encoding="utf-8") == "the good old output\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.txt", "out.txt"]


@pytest.mark.slow
def test_100_mb_of_real_news_on_one_line(tmp_path):
    # run with pytest --slow: minutes of work. The spun example and the clean
    # seeds, newlines turned to spaces, repeated to 100 MB on a single line.
    parts = [(Path(respin.__file__).parent / "data" / "example_spun.txt").read_text(encoding="utf-8")]
    seeds = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"
    parts += [p.read_text(encoding="utf-8") for p in sorted(seeds.glob("00[0234].txt"))]
    block = " ".join(parts).replace("\n", " ") + " "
    big, small = tmp_path / "big.txt", tmp_path / "small.txt"
    with big.open("w", encoding="utf-8") as fh:
        for _ in range(100_000_000 // len(block.encode()) + 1):
            fh.write(block)
        fh.write("\n")
    small.write_text(block * (2_000_000 // len(block.encode())) + "\n", encoding="utf-8")
    out, log = tmp_path / "out.txt", tmp_path / "edits.jsonl"
    status, rss_small, err = _peak_rss_mb(["-o", str(out), "--edits", str(log)], small)
    assert status == 0, err
    status, rss_big, err = _peak_rss_mb(["-o", str(out), "--edits", str(log)], big)
    assert status == 0, err
    assert rss_big < rss_small + 40, (rss_small, rss_big)
    text = big.read_text(encoding="utf-8")
    edits = [respin.Edit(r["start"], r["end"], r["before"], r["after"], r["rule"], r["score"])
             for r in map(json.loads, log.read_text(encoding="utf-8").splitlines())]
    assert len(edits) > 10_000 and all(e for e in edits)
    assert respin.apply_edits(text, edits) == out.read_text(encoding="utf-8")
