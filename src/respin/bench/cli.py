"""The ``respin-bench`` command.

::

    respin-bench                         # the default suites of benchmarks/suites.json
    respin-bench CORPUS_DIR_OR_FILE...   # your corpora (formats: docs/benchmarks.md)
    respin-bench --pair SPUN ORIG        # a parallel pair, aligned by the harness
    respin-bench --simulate OUT SRC...   # spin clean text into a gold-format corpus
    respin-bench --update-floor          # record the CI floor (benchmarks/floor.json)
    respin-bench --speed                 # MB/s against ftfy, cold start, --jobs scaling

The table goes to stderr, JSON to stdout with ``--json``; files go to
``--out`` (default ``results/``). Errors are one line on stderr starting
``respin-bench error:`` with exit status 1, never a traceback (ftfy's rule).
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

import respin
from respin.config import NAME_MODES, QUOTE_MODES

from .corpora import CorpusError, Document, load_corpus, parse_annotation
from .runner import DEFAULT_THRESHOLDS, evaluate, measure_floor, progress_units
from .simulate import DEFAULT_RATE, DEFAULT_SEED, SHIPPED_TABLE, load_table, spin_corpus
from .suites import (Manifest, Suite, check_floor, find_manifest, load_manifest, load_suite,
                     read_floor, write_floor)

__all__ = ["main"]

ERROR = "respin-bench error: {message}"
NO_MANIFEST = ("no benchmarks/suites.json here or in the repository; pass corpora as arguments "
               "or --manifest PATH")
NO_TABLE = "no spinner table at {path}; pass --table PATH"
BELOW_FLOOR = "below the recorded floor ({path}): {problems}"


class BenchError(Exception):
    """An error already worded for the user."""


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors follow the one-line ``respin-bench error:`` rule and exit 1."""

    def error(self, message: str) -> NoReturn:
        print(ERROR.format(message=message), file=sys.stderr)
        raise SystemExit(1)


def _parser() -> argparse.ArgumentParser:
    ap = _Parser(
        prog="respin-bench",
        description="Measure respin's correction accuracy, clean-text damage and speed on "
                    "corpora, against baselines. Without CORPUS, runs the default suites.",
        epilog="Corpus files: *.ann.txt (gold format [[spun=>original|alt]]), X.spun.txt + "
               "X.orig.txt (parallel), *.txt (clean), *.jsonl. See docs/benchmarks.md.",
    )
    ap.add_argument("corpus", nargs="*", metavar="CORPUS",
                    help="corpus files or directories (default: the default suites)")
    ap.add_argument("--pair", nargs=2, action="append", default=[], metavar=("SPUN", "ORIG"),
                    help="a spun file and its original, aligned by the harness (repeatable)")
    ap.add_argument("--format", choices=("auto", "ann", "clean", "jsonl"), default="auto",
                    help="how to read CORPUS files (default: by name)")
    ap.add_argument("--suite", action="append", default=[], metavar="NAME",
                    help="run this default suite (repeatable; see --list-suites)")
    ap.add_argument("--list-suites", action="store_true", help="list the default suites and exit")
    ap.add_argument("--manifest", metavar="PATH", help="suites manifest (default benchmarks/suites.json)")
    ap.add_argument("--json", action="store_true", help="print the JSON report on stdout")
    ap.add_argument("--out", default="results", metavar="DIR",
                    help="folder for report.json, report.md, pr_curve.png (default results/)")
    ap.add_argument("--no-files", action="store_true", help="write nothing to --out")
    ap.add_argument("--quiet", action="store_true", help="no progress bar and no table")
    ap.add_argument("--threshold", type=float, default=None, metavar="X",
                    help=f"respin's operating threshold (default {respin.Config().threshold})")
    ap.add_argument("--lexicon", action="append", default=[], metavar="PATH",
                    help="extra lexicon file for respin and the naive baseline (repeatable)")
    ap.add_argument("--no-default-lexicon", action="store_true", help="use only the --lexicon files")
    ap.add_argument("--quotes", choices=QUOTE_MODES, default=None,
                    help="respin's quoted-speech mode (default auto; see respin --help)")
    ap.add_argument("--names", choices=NAME_MODES, default=None,
                    help="respin's mode for capitalised words in names (default auto; see respin --help)")
    ap.add_argument("--thresholds", metavar="LIST",
                    default=",".join(f"{t:g}" for t in DEFAULT_THRESHOLDS),
                    help="comma-separated thresholds of the precision-recall sweep ('' for none)")
    ap.add_argument("--baselines", default="identity,naive,symspell", metavar="LIST",
                    help="comma-separated baselines: identity, naive, symspell, or none")
    ap.add_argument("--no-memory", action="store_true", help="skip the tracemalloc memory pass")
    ap.add_argument("--table", metavar="PATH",
                    help="spinner table (default: the one shipped in respin/bench/spinner_table.tsv)")
    ap.add_argument("--simulate", metavar="OUT_DIR",
                    help="spin the clean CORPUS texts into OUT_DIR as NN.ann.txt files, then exit")
    ap.add_argument("--rate", type=float, default=DEFAULT_RATE,
                    help=f"with --simulate: share of eligible words spun (default {DEFAULT_RATE})")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED,
                    help=f"with --simulate: random seed (default {DEFAULT_SEED})")
    ap.add_argument("--documents", type=int, default=None, metavar="N",
                    help="with --simulate: number of documents (cycles the sources; default one each)")
    ap.add_argument("--update-floor", action="store_true",
                    help="measure seed 001 and the clean seeds and record benchmarks/floor.json")
    ap.add_argument("--check-floor", action="store_true",
                    help="measure as --update-floor and fail if worse than the recorded floor")
    ap.add_argument("--top", type=int, default=20, metavar="N",
                    help="rows in the report's rule and example tables (default 20)")
    ap.add_argument("--speed", action="store_true",
                    help="measure speed instead: MB/s of respin and ftfy on the same clean and "
                         "spun news, cold start, time against size, --jobs scaling, peak RSS")
    ap.add_argument("--seconds", type=float, default=3.0, metavar="S",
                    help="with --speed: CPU seconds per contender and text (default 3)")
    ap.add_argument("--stream-mb", type=float, default=20.0, metavar="MB",
                    help="with --speed: size of the file streamed through the CLI (default 20)")
    ap.add_argument("--sizes", default="1,2,4,8", metavar="LIST",
                    help="with --speed: input sizes in MB for time against size (default 1,2,4,8)")
    ap.add_argument("--jobs", default="1,2", metavar="LIST",
                    help="with --speed: --jobs values to compare (default 1,2)")
    ap.add_argument("--traceback", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--version", action="version", version=f"respin-bench {respin.__version__}")
    return ap


def _config(args: argparse.Namespace) -> respin.Config:
    kw: dict[str, Any] = {}
    if args.threshold is not None:
        kw["threshold"] = args.threshold
    if args.lexicon:
        kw["lexicons"] = tuple(args.lexicon)
    if args.quotes is not None:
        kw["quotes"] = args.quotes
    if args.names is not None:
        kw["names"] = args.names
    if args.no_default_lexicon:
        kw["use_default_lexicon"] = False
    try:
        config = respin.Config(**kw)
        config.lexicon()  # load now: a bad lexicon is an error before any work
    except ValueError as exc:  # LexiconError is a ValueError
        prefix = "bad lexicon: " if isinstance(exc, respin.LexiconError) else ""
        raise BenchError(f"{prefix}{exc}") from None
    except FileNotFoundError as exc:
        raise BenchError(f"cannot read lexicon {exc.filename}: no such file") from None
    return config


def _manifest(args: argparse.Namespace, required: bool) -> Manifest | None:
    path = find_manifest(args.manifest)
    if path is None:
        if required:
            raise BenchError(NO_MANIFEST)
        return None
    return load_manifest(path)


def _table_path(args: argparse.Namespace, manifest: Manifest | None) -> Path:
    if args.table:
        return Path(args.table)
    return SHIPPED_TABLE


def _floats(text: str, flag: str) -> list[float]:
    try:
        values = [float(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise BenchError(f"{flag} must be comma-separated numbers, not {text!r}") from None
    if any(v < 0 or v != v for v in values):
        raise BenchError(f"{flag} values must be numbers >= 0")
    return values


def _baselines(text: str) -> list[str]:
    names = [b.strip() for b in text.split(",") if b.strip()]
    if names == ["none"]:
        return []
    unknown = [b for b in names if b not in ("identity", "naive", "symspell")]
    if unknown:
        raise BenchError(f"unknown baseline {unknown[0]!r}; choose from identity, naive, symspell, none")
    return names


# --------------------------------------------------------------------------- actions

def _simulate(args: argparse.Namespace, manifest: Manifest | None) -> int:
    if not args.corpus:
        raise BenchError("--simulate needs clean CORPUS files or directories to spin")
    if not 0.0 <= args.rate <= 1.0:
        raise BenchError("--rate must be between 0 and 1")
    if args.documents is not None and args.documents < 1:
        raise BenchError("--documents must be at least 1")
    table_path = _table_path(args, manifest)
    if not table_path.exists():
        raise BenchError(NO_TABLE.format(path=table_path))
    table = load_table(table_path)
    corpus = load_corpus(args.corpus, args.format)
    sources = [d for d in corpus.documents if not d.is_spun]
    if not sources:
        raise BenchError("no clean text among the CORPUS arguments to spin")
    out = Path(args.simulate)
    out.mkdir(parents=True, exist_ok=True)
    anns = list(spin_corpus(sources, table, args.rate, args.seed, args.documents))
    width = max(2, len(str(len(anns))))
    spans = 0
    for n, (_, ann) in enumerate(anns, 1):
        path = out / f"{n:0{width}d}.ann.txt"
        spans += len(parse_annotation(ann, str(path)).spans)
        path.write_text(ann, encoding="utf-8")
    docs = anns
    print(f"respin-bench: wrote {len(docs)} gold-format documents ({spans} spun spans, rate "
          f"{args.rate}, seed {args.seed}) to {out}", file=sys.stderr)
    return 0


def _floor_docs(manifest: Manifest) -> tuple[list[Document], list[Document], str, str]:
    spun_name = manifest.floor.get("spun", "seed001")
    clean_name = manifest.floor.get("clean", "clean-seeds")
    spun = load_suite(manifest, spun_name)
    clean = load_suite(manifest, clean_name)
    if not spun.documents or not clean.documents:
        raise BenchError("the floor needs the shared seeds: " + "; ".join(spun.notes + clean.notes))
    return spun.documents, clean.documents, spun_name, clean_name


def _floor(args: argparse.Namespace) -> int:
    if args.threshold is not None or args.lexicon or args.no_default_lexicon:
        raise BenchError("the floor is measured at the default configuration; "
                         "drop --threshold, --lexicon and --no-default-lexicon")
    manifest = _manifest(args, required=True)
    assert manifest is not None
    spun, clean, spun_name, clean_name = _floor_docs(manifest)
    measured = measure_floor(spun, clean, respin.Config(), spun_name, clean_name)
    path = manifest.floor_path
    if args.update_floor:
        old = read_floor(path) if path.exists() else {}
        write_floor(path, measured)
        for name, keys in ((spun_name, ("precision", "f05")), (clean_name, ("clean_changed_per_1k_words",))):
            for k in keys:
                before = old.get(name, {}).get(k)
                shown = "none" if before is None else f"{before:.4f}"
                print(f"respin-bench: floor {name} {k}: {shown} -> {measured[name][k]:.4f}",
                      file=sys.stderr)
        print(f"respin-bench: wrote {path}", file=sys.stderr)
        return 0
    problems = check_floor(measured, read_floor(path))
    if problems:
        raise BenchError(BELOW_FLOOR.format(path=path, problems="; ".join(problems)))
    if not args.quiet:
        print(f"respin-bench: at or above the floor ({path})", file=sys.stderr)
    if args.json:
        print(json.dumps(measured, indent=1))
    return 0


def _suites(args: argparse.Namespace, manifest: Manifest | None) -> list[Suite]:
    suites: list[Suite] = []
    if args.corpus or args.pair:
        for raw in args.corpus:
            corpus = load_corpus([raw], args.format)
            name = Path(raw).name or str(raw)
            suites.append(Suite(name, corpus.documents, str(raw), corpus.notes))
        if args.pair:
            corpus = load_corpus([], pairs=[tuple(p) for p in args.pair])
            suites.append(Suite("pairs", corpus.documents, "--pair", corpus.notes))
    if args.suite or not (args.corpus or args.pair):
        if manifest is None:
            raise BenchError(NO_MANIFEST)
        names = args.suite or manifest.names()
        for name in names:
            suites.append(load_suite(manifest, name, args.table))
    seen: dict[str, int] = {}
    for s in suites:  # two arguments with the same folder name: keep both, distinctly named
        if s.name in seen:
            seen[s.name] += 1
            s.name = f"{s.name}#{seen[s.name]}"
        else:
            seen[s.name] = 1
    return suites


def _speed(args: argparse.Namespace, manifest: Manifest | None) -> int:
    from .speed import run_speed

    if manifest is None:
        raise BenchError(NO_MANIFEST)
    sizes = _floats(args.sizes, "--sizes")
    jobs = _floats(args.jobs, "--jobs")
    if not all(j.is_integer() for j in jobs):
        raise BenchError(f"--jobs takes whole numbers, not {args.jobs!r}")
    jobs = [int(j) for j in jobs]
    if args.seconds <= 0 or args.stream_mb <= 0 or not sizes or min(sizes) <= 0 \
            or not jobs or min(jobs) < 1:
        raise BenchError("--seconds, --stream-mb, --sizes and --jobs must be positive")
    try:
        result = run_speed(manifest, seconds=args.seconds, stream_mb=args.stream_mb, sizes=sizes,
                           jobs=jobs, out=sys.stderr if args.json else sys.stdout)
    except ValueError as exc:
        raise BenchError(str(exc)) from None
    if args.json:
        print(json.dumps(result))
    return 0


def _run(args: argparse.Namespace) -> int:
    if args.update_floor or args.check_floor:
        return _floor(args)
    manifest = _manifest(args, required=False)
    if args.list_suites:
        if manifest is None:
            raise BenchError(NO_MANIFEST)
        for spec in manifest.suites:
            print(f"{spec['name']:14s} {spec.get('about', '')}")
        return 0
    if args.simulate:
        return _simulate(args, manifest)
    if args.speed:
        return _speed(args, manifest)
    if args.top < 1:
        raise BenchError("--top must be at least 1")
    config = _config(args)
    thresholds = _floats(args.thresholds, "--thresholds")
    baselines = _baselines(args.baselines)
    suites = _suites(args, manifest)
    if not any(s.documents for s in suites):
        notes = "; ".join(n for s in suites for n in s.notes)
        raise BenchError("no documents to evaluate" + (f" ({notes})" if notes else ""))
    table = None
    table_path = _table_path(args, manifest)
    if any(s.synthetic for s in suites) or table_path.exists():
        if not table_path.exists():
            raise BenchError(NO_TABLE.format(path=table_path))
        table = load_table(table_path)

    out = None if args.no_files else Path(args.out)
    if out is not None:
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise BenchError(f"cannot create {out}: {exc.strerror or exc}") from None
    cache_dir = out / ".cache" / "symspell" if out is not None else None

    from tqdm import tqdm

    total = progress_units(suites, 1 + len(baselines), len(set(thresholds) - {config.threshold}),
                           not args.no_memory)
    bar = tqdm(total=total, unit="doc", desc="respin-bench", file=sys.stderr, leave=False,
               disable=args.quiet or not sys.stderr.isatty())
    try:
        result = evaluate(suites, config, baselines=baselines, thresholds=thresholds,
                          cache_dir=cache_dir, progress=bar.update, table=table,
                          measure_memory=not args.no_memory)
    finally:
        bar.close()

    files: dict[str, str] = {}
    if out is not None:
        from .report import write_json, write_markdown, write_pr_curve

        png = out / "pr_curve.png"
        note = write_pr_curve(result, png) if thresholds else "no --thresholds; PR curve skipped"
        if note:
            result["suites"][0]["notes"].append(note)
        else:
            files["png"] = str(png)
        files["markdown"] = str(out / "report.md")
        files["json"] = str(out / "report.json")
        result["files"] = files
        write_markdown(result, out / "report.md", png.name if "png" in files else None, note, args.top)
        write_json(result, out / "report.json")
    from .report import format_table

    if not args.quiet:
        print(format_table(result), file=sys.stderr)
        if files:
            print("wrote " + ", ".join(files.values()), file=sys.stderr)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``respin-bench`` console script."""
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except BenchError as exc:
        print(ERROR.format(message=exc), file=sys.stderr)
    except CorpusError as exc:
        print(ERROR.format(message=exc), file=sys.stderr)
    except KeyboardInterrupt:
        print(ERROR.format(message="interrupted"), file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        print(ERROR.format(message=f"{where}{exc.strerror or exc}"), file=sys.stderr)
    except Exception as exc:  # never a traceback for users; --traceback for developers
        if args.traceback:
            raise
        print(ERROR.format(message=f"unexpected {type(exc).__name__}: {exc} "
                                   "(please report it; --traceback shows where)"), file=sys.stderr)
    return 1
