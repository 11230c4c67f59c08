"""Interrupts end the whole process tree at once, cleanly: issue 10, items 5 and 6.

Each run restores ~10 MB with ``--jobs 2`` into an existing output, and a
signal arrives at a random moment (while Python starts, while the lexicon
loads, while the workers start, mid-work). Every run must end the process
group within 2 seconds with the signal's exit status, print exactly one
line, leave no temporary file and keep the old output. The slow suite does
this 60 times (``pytest --slow``); the default suite once per signal.
"""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

SPUN = "Shares rose 3 p.c in the provide chain {industry}, officers stated.\n"
OLD = "the good old output\n"
STATUS = {signal.SIGINT: (130, "interrupted"), signal.SIGTERM: (143, "terminated"),
          signal.SIGHUP: (129, "hung up")}

#: Seconds from the signal until the process group is gone. The issue asks for
#: "a second or two"; measured on the 2-core development machine (shared with
#: other jobs): 0.05-0.4 s.
LIMIT = 2.0


@pytest.fixture(scope="module")
def big_input(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("interrupts") / "in.txt"
    path.write_text(SPUN * 150_000, encoding="utf-8")  # ~10 MB, 50 segments, >10 s of work
    return path


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # zombies count as gone: the reaped parent's children are re-parented to init
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False


def interrupt_once(work: Path, big_input: Path, sig: int, delay: float, whole_group: bool,
                   again: float | None = None) -> dict:
    """Start respin, send ``sig`` after ``delay`` s (and again ``again`` s later);
    return what happened."""
    out = work / "out.txt"
    out.write_text(OLD, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "respin", str(big_input), "-o", str(out),
                             "--jobs", "2"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)
    time.sleep(delay)
    t0 = time.monotonic()
    if whole_group:  # Ctrl-C in a terminal reaches the whole foreground group
        os.killpg(proc.pid, sig)
    else:
        proc.send_signal(sig)
    if again is not None:  # an impatient user presses Ctrl-C twice
        time.sleep(again)
        try:
            (os.killpg if whole_group else os.kill)(proc.pid, sig)
        except ProcessLookupError:
            pass
    hung = False
    try:
        _, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        hung = True
        os.killpg(proc.pid, signal.SIGKILL)
        _, err = proc.communicate()
    while _group_alive(proc.pid) and time.monotonic() - t0 < 30:
        time.sleep(0.01)
    elapsed = time.monotonic() - t0
    left = sorted(p.name for p in work.iterdir() if p.name != "out.txt")
    return {"status": proc.returncode, "stderr": err.decode(errors="replace"), "hung": hung,
            "elapsed": elapsed, "group_alive": _group_alive(proc.pid), "left": left,
            "output": out.read_text(encoding="utf-8")}


def check(result: dict, sig: int) -> None:
    status, word = STATUS[sig]
    assert not result["hung"], result
    assert result["status"] == status, result
    assert result["stderr"] == f"respin error: {word}\n", result
    assert not result["group_alive"] and result["elapsed"] < LIMIT, result
    assert result["left"] == [], result
    assert result["output"] == OLD, result


@pytest.mark.parametrize("sig, whole_group", [(signal.SIGINT, True), (signal.SIGTERM, False),
                                              (signal.SIGHUP, True)],
                         ids=["SIGINT-group", "SIGTERM", "SIGHUP-group"])
def test_interrupt_with_two_jobs_mid_work(tmp_path, big_input, sig, whole_group):
    check(interrupt_once(tmp_path, big_input, sig, 2.5, whole_group), sig)


@pytest.mark.parametrize("again", [0.0, 0.02, 0.1])
def test_a_second_interrupt_while_cleaning_up(tmp_path, big_input, again):
    check(interrupt_once(tmp_path, big_input, signal.SIGINT, 2.5, True, again), signal.SIGINT)


@pytest.mark.slow
def test_interrupt_loop_at_random_moments(tmp_path, big_input):
    # issue 10 item 6: at least 50 interrupts at random moments, both signals
    rng = random.Random(10)
    runs, failures = 60, []
    times, twice = [], 0
    for k in range(runs):
        sig = (signal.SIGINT, signal.SIGTERM)[k % 2]
        delay = rng.uniform(0.05, 3.0)
        whole_group = rng.random() < 0.5
        again = rng.choice([None, None, None, rng.uniform(0.0, 0.2)])  # a quarter: twice
        work = tmp_path / f"run{k}"
        work.mkdir()
        result = interrupt_once(work, big_input, sig, delay, whole_group, again)
        times.append(result["elapsed"])
        try:
            check(result, sig)
        except AssertionError:
            failures.append((k, sig, round(delay, 2), whole_group, result))
        twice += again is not None
    hangs = sum(1 for f in failures if f[4]["hung"])
    tracebacks = sum(1 for f in failures if "Traceback" in f[4]["stderr"])
    print(f"\ninterrupt loop: {runs} runs ({twice} with a second signal), {len(failures)} failures, {hangs} hangs, "
          f"{tracebacks} tracebacks, slowest exit {max(times):.2f} s, "
          f"median {sorted(times)[len(times) // 2]:.2f} s")
    for k, sig, delay, whole_group, result in failures:
        print(f"run {k}: {signal.Signals(sig).name} after {delay} s (group: {whole_group}): "
              f"status {result['status']}, {result['elapsed']:.2f} s, left {result['left']}, "
              f"old output kept: {result['output'] == OLD}\n{result['stderr']}")
    assert failures == [], failures[:3]
