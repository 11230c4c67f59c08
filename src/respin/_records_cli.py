"""The command line for documents: several inputs, formats, separators, triage.

:func:`respin.cli.main` hands a run over to :func:`run` when it asks for
anything beyond one plain-text stream (see :func:`wanted`); the plain filter
itself stays in :mod:`respin.cli`.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TextIO

from . import _output
from .cli import (BAD_OPTION, CANNOT_WRITE, EXIT_OK, EXIT_USAGE, _check_not_input, _check_usage,
                  _config, _decoded, _Fail, _input_identity, _is_terminal, _jobs, _open_input,
                  _output_failure, _pieces)
from .records import FORMATS, SEPARATORS, RecordError, fix_records, format_for_path

#: ``--min-score`` status, as grep: 0 some document kept, 1 none kept, 2 trouble.
EXIT_KEPT, EXIT_NONE_KEPT, EXIT_TROUBLE = 0, 1, 2

#: Documents a run must reach before the progress bar appears on a terminal
#: (tqdm's ``delay``: the bar shows only after this many seconds).
PROGRESS_DELAY = 1.0

#: A document counts as spun in ``--stats`` of a ``--score`` run at this score
#: (respin.looks_spun's default).
SPUN_SCORE = 0.5


def add_arguments(ap: argparse.ArgumentParser) -> None:
    """The options of this mode (added to respin's own parser)."""
    ap.add_argument("more", nargs="*", metavar="FILE",
                    help="more input files or directories; each file is its own document "
                         "(several inputs need -o DIR unless --score)")
    ap.add_argument("--format", choices=FORMATS, default=None,
                    help="input format (default: guessed from the extension: .jsonl/.ndjson "
                         "jsonl, .csv csv, .tsv tsv, .html/.htm html, .md/.markdown md, "
                         "anything else text)")
    ap.add_argument("--field", action="append", default=None, metavar="NAME",
                    help="jsonl key or csv/tsv column to restore (repeatable; default: text); "
                         "the fields of one record are judged together as one document")
    ap.add_argument("--split", choices=SEPARATORS, default="whole",
                    help="text format: where one document ends and the next begins (default: "
                         "whole, the whole input is one document)")
    ap.add_argument("--split-line", metavar="REGEX", default=None,
                    help="text format: a line matching REGEX entirely separates documents")
    ap.add_argument("--skip-bad", action="store_true",
                    help="pass bad jsonl/csv records through unchanged (and count them) "
                         "instead of stopping with an error")
    ap.add_argument("--min-score", type=float, default=None, metavar="X",
                    help="keep only documents whose spin score is at least X; exit status as "
                         "grep: 0 some document kept, 1 none, 2 error")
    ap.add_argument("--stats", action="store_true",
                    help="print a summary on stderr at the end: documents, spun documents, "
                         "edits, top rules")
    ap.add_argument("--progress", choices=("auto", "always", "never"), default="auto",
                    help="progress bar on stderr (default: auto, on a terminal for runs "
                         f"longer than {PROGRESS_DELAY:g} s)")


def _inputs(args) -> list[str]:
    return [args.input, *args.more]


def wanted(args: argparse.Namespace) -> bool:
    """Whether the run needs this mode (anything but one plain-text stream)."""
    if args.more or args.field or args.split != "whole" or args.split_line is not None:
        return True
    if args.skip_bad or args.min_score is not None or args.stats:
        return True
    if args.format not in (None, "text"):
        return True
    if args.format is None and args.input != "-" and format_for_path(args.input) != "text":
        return True
    return args.input != "-" and os.path.isdir(args.input)


def _files(args) -> list[tuple[str, str]]:
    """(path, path relative to its input root) for each input file, in order."""
    out = []
    for item in _inputs(args):
        if item != "-" and os.path.isdir(item):
            root = Path(item)
            found = sorted(p for p in root.rglob("*") if p.is_file()
                           and not any(part.startswith(".") for part in p.relative_to(root).parts))
            out.extend((str(p), str(p.relative_to(root))) for p in found)
        else:
            out.append((item, "stdin" if item == "-" else Path(item).name))
    if sum(1 for p, _ in out if p == "-") > 1:
        raise _usage("stdin (-) given more than once")
    return out


def _usage(message: str) -> _Fail:
    return _Fail(BAD_OPTION.format(message=message), EXIT_USAGE)


@dataclass(frozen=True)
class _Plan:
    """What a run reads and writes, decided (and checked) before anything is loaded."""

    files: list[tuple[str, str]]        # (path, path relative to its input root)
    to_dir: bool                        # several inputs: one output file each under -o DIR
    separator: str | re.Pattern
    fields: tuple[str, ...]
    sources: dict[str, tuple[int, int] | None]  # input -> (device, inode) of a regular file
    jobs: int


def _plan(args: argparse.Namespace, stdin: BinaryIO) -> _Plan:
    """Every check that needs no lexicon, in respin's exit statuses: a usage
    error (option, value or combination; a file given twice) exits 2, an output
    that is an input exits 1."""
    if args.diff or args.demo:
        raise _usage("--diff and --demo work on one plain-text input; "
                     "use --edits to see the changes of documents and records")
    if args.line_buffered:
        raise _usage("--line-buffered works on one plain-text input; here each document is "
                     "written as soon as it ends (--split line: every line)")
    separator = args.split
    if args.split_line is not None:
        if args.split != "whole":
            raise _usage("give --split or --split-line, not both")
        try:
            separator = re.compile(args.split_line)
        except re.error as exc:
            raise _usage(f"bad --split-line pattern {args.split_line!r}: {exc}") from None
    jobs = _jobs(args.jobs)
    files = _files(args)
    formats = {args.format or format_for_path(path) for path, _ in files}
    for option, given, allowed in (("--field", args.field, ("jsonl", "csv", "tsv")),
                                   ("--skip-bad", args.skip_bad, ("jsonl", "csv", "tsv")),
                                   ("--split", args.split != "whole" or args.split_line is not None,
                                    ("text",))):
        if given and not formats & set(allowed):
            raise _usage(f"{option} works with the {'/'.join(allowed)} format, "
                         f"not {'/'.join(sorted(formats))} (see --format)")
    several = len(files) > 1 or any(i != "-" and os.path.isdir(i) for i in _inputs(args))
    to_dir = several and not args.score
    if to_dir and args.output == "-":
        dirs = [i for i in _inputs(args) if i != "-" and os.path.isdir(i)]
        raise _usage(f"cannot read {dirs[0]}: is a directory; its files are written one file "
                     "each: give -o DIR (or --score)" if dirs else
                     "several inputs are written one file each: give -o DIR (or --score)")
    if to_dir and os.path.exists(args.output) and not os.path.isdir(args.output):
        raise _usage(f"-o {args.output} must be a directory for several inputs")
    if to_dir:
        seen: dict[str, str] = {}
        for path, rel in files:
            if rel in seen:
                raise _usage(f"{seen[rel]} and {path} would both be written to "
                             f"{os.path.join(args.output, rel)}; give them in separate runs")
            seen[rel] = path
    # no output may be an input (also through links): the plain path's check, per input
    sources = {path: _input_identity(path, stdin) for path, _ in files}
    for path, rel in files:
        name = path if path != "-" else "<stdin>"
        _check_not_input(os.path.join(args.output, rel) if to_dir else args.output,
                         sources[path], name)
        _check_not_input(args.edits, sources[path], name)
    return _Plan(files, to_dir, separator, tuple(args.field or ("text",)), sources, jobs)


def run(args: argparse.Namespace, stdin: BinaryIO, stdout: BinaryIO, stderr: TextIO) -> int:
    """Run this mode: every usage check first, then the lexicon (``cli._config``),
    then the documents. Errors are :class:`respin.cli._Fail`, reported by
    ``cli.main``; with ``--min-score`` every one exits 2, as grep's do."""
    try:
        _check_usage(args)
        plan = _plan(args, stdin)
        return _run(args, plan, _config(args), stdin, stdout, stderr)
    except _Fail as exc:
        if args.min_score is not None:  # grep's convention: any trouble is 2
            exc.status = EXIT_TROUBLE
        raise


def _open(tx: _output.Transaction, path: str, errors: str = "surrogateescape",
          make_dirs: bool = False) -> TextIO:
    """One output (stdout or a file) written through :mod:`respin._output`: devices,
    pipes and links are written through, an existing file keeps its inode, mode and
    links and its old content until the transaction commits (issue 10). Outputs
    opened in one transaction are committed together, and the transaction refuses
    the same file twice (its :class:`~respin._output.OutputError` goes to the caller)."""
    if make_dirs:  # a per-file target below -o DIR
        try:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _Fail(CANNOT_WRITE.format(path=path, reason=exc.strerror or exc)) from None
    return tx.open(path, errors=errors)


def _run(args, plan: _Plan, config, stdin, stdout, stderr) -> int:
    restore = not args.score
    score = args.score or args.min_score is not None
    stats = Counter()
    rules: Counter = Counter()
    rule_text: dict[str, tuple[str, str]] = {}
    kept = 0
    progress = _progress(args, stderr)
    # -o (one file) and --edits in one transaction: committed together, never the same file
    main_tx = _output.Transaction(stdout)
    current_tx = None
    try:
        single = None if plan.to_dir else _open(main_tx, args.output)
        edits_out = _open(main_tx, args.edits, "backslashreplace") if args.edits else None
        for path, rel in plan.files:
            fmt = args.format or format_for_path(path)
            if plan.to_dir:
                current_tx = _output.Transaction(stdout)
                out = _open(current_tx, os.path.join(args.output, rel), make_dirs=True)
            else:
                out = single
            fh = _open_input(path, stdin)
            name = path if path != "-" else "<stdin>"
            try:
                lines = _pieces(_decoded(fh, name, args.encoding, args.errors), sys.maxsize)
                records = fix_records(lines, fmt, config, fields=plan.fields,
                                      separator=plan.separator, skip_bad=args.skip_bad,
                                      restore=restore, score=score, min_score=args.min_score,
                                      jobs=plan.jobs)
                file_kept, offset = 0, 0
                flush = path == "-" and plan.sources[path] is None
                for rec in records:
                    if restore:
                        out.write(rec.text)
                    if flush:  # a pipe or terminal: each document as soon as it is done
                        out.flush()
                    if not rec.document:
                        stats["bad"] += rec.error is not None
                        offset += len(rec.source)
                        continue
                    stats["documents"] += 1
                    progress.update(1)
                    if args.score and rec.report is not None and rec.report.score >= SPUN_SCORE:
                        stats["looks spun"] += 1
                    if not rec.kept:  # dropped by --min-score: not in the output, so no edits either
                        offset += len(rec.source)
                        continue
                    kept += 1
                    file_kept += 1
                    if args.score:
                        _write_score(out, name, rec)
                    if rec.edits:
                        stats["spun"] += 1
                        stats["edits"] += len(rec.field_edits)
                        for _, e in rec.field_edits:
                            rules[e.rule] += 1
                            rule_text.setdefault(e.rule, (e.before, e.after))
                    if edits_out is not None:
                        for e in rec.edits:
                            row = {"file": name, "document": rec.index, "line": rec.line,
                                   **e.shifted(offset).asdict()}
                            edits_out.write(json.dumps(row, ensure_ascii=False) + "\n")
                    offset += len(rec.source)
            except RecordError as exc:
                raise _Fail(f"respin error: {name}: {exc}; pass --skip-bad to pass bad records "
                            "through unchanged") from None
            finally:
                if fh is not stdin:
                    fh.close()
            if plan.to_dir:
                if args.min_score is None or file_kept:
                    current_tx.commit()
                else:
                    current_tx.rollback()
                current_tx = None
        main_tx.commit()
    except _output.OutputError as exc:
        raise _output_failure(exc) from None
    finally:
        progress.close()
        main_tx.rollback()  # nothing left after a commit; the old outputs after a failure
        if current_tx is not None:
            current_tx.rollback()
    if args.stats:
        _write_stats(stderr, stats, rules, rule_text, args.score)
    if args.min_score is not None:
        return EXIT_KEPT if kept else EXIT_NONE_KEPT
    return EXIT_OK


def _write_score(out: TextIO, name: str, rec) -> None:
    report = rec.report
    row = {"file": name, "document": rec.index, "line": rec.line}
    if rec.id is not None:
        row["id"] = rec.id
    if report is None:  # a page without visible text
        row.update(score=0.0, rate=0.0, words=0, matches=0, evidence=[])
    else:
        d = report.asdict()
        row.update(score=d["score"], rate=d["rate"], words=d["words"], matches=d["matches"],
                   artifacts=d["artifacts"],
                   evidence=[{"text": e["text"], "rule": e["rule"], "log_ratio": e["log_ratio"]}
                             for e in d["evidence"][:5]])
    out.write(json.dumps(row, ensure_ascii=False) + "\n")


def _write_stats(err: TextIO, stats: Counter, rules: Counter, rule_text, scored: bool) -> None:
    parts = [f"{stats['documents']} documents"]
    if scored:
        parts.append(f"{stats['looks spun']} look spun (score >= {SPUN_SCORE})")
    else:
        parts.append(f"{stats['spun']} spun (restored)")
        parts.append(f"{stats['edits']} edits")
    parts.append(f"{stats['bad']} bad records passed through")
    err.write("respin: " + ", ".join(parts) + "\n")
    if rules:
        top = ", ".join(f"{rule} {rule_text[rule][0]!r}->{rule_text[rule][1]!r} {n}"
                        for rule, n in rules.most_common(5))
        err.write(f"respin: top rules: {top}\n")
    err.flush()


class _NoBar:
    def update(self, n):
        pass

    def close(self):
        pass


def _progress(args, stderr: TextIO):
    show = args.progress == "always" or (args.progress == "auto" and _is_terminal(stderr))
    if not show:
        return _NoBar()
    from tqdm import tqdm

    if args.progress == "always":
        return tqdm(file=stderr, unit="doc", desc="respin", leave=False, mininterval=0)
    return tqdm(file=stderr, unit="doc", desc="respin", leave=False, delay=PROGRESS_DELAY)

