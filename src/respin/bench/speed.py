"""``respin-bench --speed``: throughput against ftfy, cold start, memory and scaling.

Everything runs in one command, side by side, so the ratios hold even when
the machine's speed drifts: respin and ftfy take turns on the same text
(round by round, the median kept), and MB/s is UTF-8 bytes over CPU time of
this process (``time.process_time``), which other processes on a shared
machine disturb less than wall time. ftfy runs line by line
(``ftfy.fix_text`` on each line, as one would over a crawl).

The texts are the benchmark suites' own: clean news is the clean seeds and
the clean corpus, spun news is seed 001 and the dev corpus (annotations
stripped). The process loads everything and calls ``gc.freeze()`` first, as
the CLI and its worker processes do. Subprocess figures (cold start,
``--jobs`` scaling, peak resident memory) are wall time; cold start is the
median of several runs.
"""
from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

__all__ = ["run_speed", "speed_texts"]

COLD_START = "import respin; respin.fix_text('x p.c')"
FTFY_COLD_START = "import ftfy; ftfy.fix_text('x p.c')"


def speed_texts(manifest) -> tuple[str, str]:
    """(clean news, spun news) from the manifest's suites, one document per paragraph."""
    from .suites import load_suite

    clean, spun = [], []
    for name in manifest.names():
        spec = manifest.spec(name)
        if "simulate" in spec:
            continue
        for doc in load_suite(manifest, name).documents:
            if doc.is_spun and name in ("seed001", "dev"):
                spun.append(doc.text)
            elif not doc.is_spun:
                clean.append(doc.text)
    return "\n".join(clean) + "\n", "\n".join(spun) + "\n"


def _ftfy_lines() -> Callable[[str], str] | None:
    try:
        import ftfy
    except ImportError:
        return None

    def fix(text: str) -> str:
        return "".join(ftfy.fix_text(line) for line in text.splitlines(keepends=True))
    return fix


def _rates(funcs: Sequence[Callable[[str], str]], text: str, seconds: float) -> list[float]:
    """Median MB/s of each function on ``text``, the functions taking turns."""
    size = len(text.encode("utf-8")) / 1e6
    for f in funcs:  # warm-up: caches, lazily loaded tables
        f(text)
    samples: list[list[float]] = [[] for _ in funcs]
    deadline = time.process_time() + seconds * len(funcs)
    while time.process_time() < deadline or len(samples[0]) < 3:
        for k, f in enumerate(funcs):
            t0 = time.process_time()
            f(text)
            samples[k].append(size / max(time.process_time() - t0, 1e-9))
    return [statistics.median(s) for s in samples]


def _wall(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _run_measured(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident MB of the largest process of ``cmd``'s tree."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise RuntimeError(f"{' '.join(cmd)} exited with {proc.returncode}")
    return wall, usage.ru_maxrss / 1024


def run_speed(manifest, *, seconds: float = 3.0, stream_mb: float = 20.0,
              sizes: Sequence[float] = (1, 2, 4, 8), jobs: Sequence[int] = (1, 2),
              runs: int = 3, out=sys.stdout) -> dict:
    """Measure and print; returns the figures as a dict (``--json``)."""
    import respin

    clean, spun = speed_texts(manifest)
    if not clean.strip() or not spun.strip():
        raise ValueError("--speed needs the clean and spun suites (../shared and benchmarks/corpora)")
    respin.fix_text(clean + spun)  # load everything, then freeze it as the CLI and workers do
    import gc

    gc.freeze()
    ftfy_fix = _ftfy_lines()
    result: dict = {"cores": os.cpu_count(), "load_at_start": os.getloadavg()[0]}
    w = out.write
    w(f"respin-bench --speed  (cores: {os.cpu_count()}, load average at start "
      f"{os.getloadavg()[0]:.1f}; MB/s is UTF-8 MB per CPU second, median of turns, "
      f"after gc.freeze() as in the CLI and its workers)\n")
    w(f"{'input':12s} {'MB':>6s} {'respin MB/s':>12s} {'ftfy MB/s':>10s} {'respin/ftfy':>12s}\n")
    for name, text in (("clean news", clean), ("spun news", spun)):
        funcs = [respin.fix_text] + ([ftfy_fix] if ftfy_fix else [])
        rates = _rates(funcs, text, seconds)
        ours, theirs = rates[0], (rates[1] if ftfy_fix else None)
        ratio = f"{ours / theirs:12.2f}" if theirs else f"{'(no ftfy)':>12s}"
        shown = f"{theirs:10.2f}" if theirs else f"{'-':>10s}"
        w(f"{name:12s} {len(text.encode()) / 1e6:6.3f} {ours:12.2f} {shown} {ratio}\n")
        result[name] = {"mb": len(text.encode()) / 1e6, "respin_mb_s": ours, "ftfy_mb_s": theirs,
                        "ratio": ours / theirs if theirs else None}
    py = sys.executable
    cold = _wall([py, "-c", COLD_START], runs)
    line = f"cold start  python -c \"{COLD_START}\": {cold:.3f} s"
    result["cold_start_s"] = cold
    if ftfy_fix:
        cold_ftfy = _wall([py, "-c", FTFY_COLD_START], runs)
        line += f"  (ftfy: {cold_ftfy:.3f} s)"
        result["ftfy_cold_start_s"] = cold_ftfy
    w(line + " (median wall)\n")
    block = spun + clean
    with tempfile.TemporaryDirectory() as tmp:
        # time against input size: respin.fix_text in a fresh process per size
        per_mb = []
        for mb in sizes:
            path = Path(tmp) / f"in{mb:g}.txt"
            reps = max(1, round(mb * 1e6 / len(block.encode())))
            path.write_text(block * reps, encoding="utf-8")
            size = path.stat().st_size / 1e6
            t, _ = _run_measured([py, "-c", "import sys, respin, time; t = sys.argv[1]; "
                                  "s = open(t, encoding='utf-8').read(); respin.fix_text('warm p.c'); "
                                  "respin.fix_text(s)", str(path)])
            per_mb.append((size, t))
        result["sizes"] = [{"mb": s, "s": t} for s, t in per_mb]
        w("time vs size (fix_text, whole process): " + ", ".join(
            f"{s:.1f} MB {t:.1f} s ({t / s:.2f} s/MB)" for s, t in per_mb) + "\n")
        src = Path(tmp) / "stream.txt"
        reps = max(1, round(stream_mb * 1e6 / len(block.encode())))
        src.write_text(block * reps, encoding="utf-8")
        size = src.stat().st_size / 1e6
        base = None
        result["jobs"] = []
        for n in jobs:
            t, rss = _run_measured([py, "-m", "respin", str(src), "-o", str(Path(tmp) / "out.txt"),
                                    "--jobs", str(n)])
            base = base or t
            result["jobs"].append({"jobs": n, "mb": size, "s": t, "mb_s": size / t,
                                   "speedup": base / t, "peak_rss_mb": rss})
            w(f"CLI {size:.1f} MB --jobs {n}: {size / t:.2f} MB/s, {base / t:.2f}x over --jobs "
              f"{jobs[0]}, peak RSS of largest process {rss:.0f} MB\n")
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result
