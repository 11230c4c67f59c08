"""Command-line filter: ``respin [FILE|-] [-o OUT|-]``.

Reads UTF-8 bytes (stdin by default), restores spun wording line by line in
bounded memory, and writes UTF-8. Errors are one line on stderr starting with
``respin error:`` and exit status 1; never a traceback.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from . import __version__
from .config import Config
from .lexicon import LexiconError

__all__ = ["main"]

MISSING_FILE = "respin error: cannot read {path}: no such file"
UNREADABLE = "respin error: cannot read {path}: {reason}"
DECODE_ERROR = ("respin error: line {line} of {path} is not valid {encoding} "
                "(byte 0x{byte:02x} at column {column}); "
                "pass --encoding with the file's real encoding, e.g. --encoding cp1252")
SAME_FILE = "respin error: refusing to overwrite the input file {path}; choose another -o"
CANNOT_WRITE = "respin error: cannot write {path}: {reason}"
BAD_OPTION = "respin error: {message}"
UNKNOWN_ENCODING = "respin error: unknown encoding {encoding!r} for --encoding"

_RED, _GREEN, _RESET = "\x1b[31m", "\x1b[32m", "\x1b[0m"


class _Fail(Exception):
    """An error already formatted for the user."""


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="respin",
        description="Restore machine-spun news text to its original wording. "
                    "Clean text passes through byte-identical.",
        epilog="Examples: respin < spun.txt > restored.txt;  respin page.txt --diff;  "
               "respin page.txt --score",
    )
    ap.add_argument("input", nargs="?", default="-", metavar="FILE",
                    help="input file (default: - for stdin)")
    ap.add_argument("-o", "--output", default="-", metavar="OUT",
                    help="output file (default: - for stdout); written atomically")
    ap.add_argument("--edits", metavar="EDITS.jsonl",
                    help="also write one JSON edit per line (line, column, start, end, before, "
                         "after, rule, score, source)")
    ap.add_argument("--diff", action="store_true",
                    help="print only the changed lines, old and new, instead of the text")
    ap.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                    help="colour --diff output (default: auto, on a terminal)")
    ap.add_argument("--score", action="store_true",
                    help="print the document spin score and its evidence instead of restoring")
    ap.add_argument("--json", action="store_true", help="with --score: print JSON")
    ap.add_argument("--lexicon", action="append", default=[], metavar="PATH",
                    help="extra lexicon file (repeatable)")
    ap.add_argument("--no-default-lexicon", action="store_true",
                    help="use only the --lexicon files")
    ap.add_argument("--threshold", type=float, default=None, metavar="X",
                    help=f"minimum margin in nats for an edit (default {Config().threshold})")
    ap.add_argument("--jobs", type=int, default=1, metavar="N",
                    help="worker processes for long inputs (default 1; 0 = all cores)")
    ap.add_argument("--encoding", default="utf-8", metavar="ENC",
                    help="input encoding (default utf-8); output is always UTF-8")
    ap.add_argument("--demo", action="store_true",
                    help="restore the bundled spun example and show the changes")
    ap.add_argument("--version", action="version", version=f"respin {__version__}")
    return ap


def _open_input(path: str) -> BinaryIO:
    if path == "-":
        return sys.stdin.buffer
    p = Path(path)
    if not p.exists():
        raise _Fail(MISSING_FILE.format(path=path))
    if p.is_dir():
        raise _Fail(UNREADABLE.format(path=path, reason="is a directory"))
    try:
        return p.open("rb")
    except OSError as exc:
        raise _Fail(UNREADABLE.format(path=path, reason=exc.strerror or exc)) from None


def _decoded_lines(fh: BinaryIO, name: str, encoding: str) -> Iterator[str]:
    import codecs

    try:
        codecs.lookup(encoding)
    except LookupError:
        raise _Fail(UNKNOWN_ENCODING.format(encoding=encoding)) from None
    for n, raw in enumerate(fh, 1):
        try:
            yield raw.decode(encoding)
        except UnicodeDecodeError as exc:
            raise _Fail(DECODE_ERROR.format(line=n, path=name, encoding=encoding,
                                            byte=raw[exc.start], column=exc.start)) from None


def _config(args: argparse.Namespace) -> Config:
    kw = {}
    if args.threshold is not None:
        kw["threshold"] = args.threshold
    try:
        config = Config(lexicons=tuple(args.lexicon), use_default_lexicon=not args.no_default_lexicon, **kw)
        config.lexicon()  # load now, so a bad lexicon fails before any output
    except ValueError as exc:
        raise _Fail(BAD_OPTION.format(message=exc)) from None
    except FileNotFoundError as exc:
        raise _Fail(MISSING_FILE.format(path=exc.filename)) from None
    return config


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _highlight(line: str, edits, color: bool, new: bool) -> str:
    if not color:
        return line
    code = _GREEN if new else _RED
    out, pos, shift = [], 0, 0
    for e in edits:
        if new:
            start, end = e.start + shift, e.start + shift + len(e.after)
            shift += len(e.after) - len(e.before)
        else:
            start, end = e.start, e.end
        out.append(line[pos:start] + code + line[start:end] + _RESET)
        pos = end
    out.append(line[pos:])
    return "".join(out)


def _run_score(lines: Iterator[str], config: Config, as_json: bool, out) -> None:
    from .detect import explain_spin

    text = "".join(lines)
    report = explain_spin(text, config)
    if as_json:
        out.write(json.dumps(report.asdict(), ensure_ascii=False) + "\n")
        return
    out.write(f"spin score {report.score:.3f}  (estimated spin rate {report.rate:.2f}; "
              f"{report.words} words, {report.matches} lexicon matches, {report.artifacts} "
              f"artifacts, {report.untouched} untouched originals)\n")
    for e in report.evidence[:20]:
        kind = "artifact" if e.artifact else "match"
        out.write(f"  {e.log_ratio:+7.2f}  {kind:8s} {e.text!r} ({e.rule}) at {e.start}\n")


def _demo_lines() -> Iterator[str]:
    from .resources import data_path

    yield from data_path("example_spun.txt").read_text(encoding="utf-8").splitlines(keepends=True)


def _run(args: argparse.Namespace) -> int:
    config = _config(args)
    jobs = args.jobs if args.jobs > 0 else (os.cpu_count() or 1)
    if args.output != "-" and args.input != "-" and _same_file(args.input, args.output):
        raise _Fail(SAME_FILE.format(path=args.input))
    if args.edits and args.input != "-" and _same_file(args.input, args.edits):
        raise _Fail(SAME_FILE.format(path=args.input))
    if args.demo:
        lines: Iterator[str] = _demo_lines()
        args.diff = True
        fh = None
    else:
        fh = _open_input(args.input)
        lines = _decoded_lines(fh, args.input if args.input != "-" else "<stdin>", args.encoding)

    tmp_paths: list[tuple[str, str]] = []

    def open_out(path: str):
        if path == "-":
            return open(sys.stdout.fileno(), "w", encoding="utf-8", newline="", closefd=False)
        target = Path(path)
        try:
            fd, tmp = tempfile.mkstemp(prefix=".respin-", dir=target.parent if str(target.parent) else ".")
        except OSError as exc:
            raise _Fail(CANNOT_WRITE.format(path=path, reason=exc.strerror or exc)) from None
        tmp_paths.append((tmp, path))
        return os.fdopen(fd, "w", encoding="utf-8", newline="")

    out = open_out(args.output)
    edits_out = open_out(args.edits) if args.edits else None
    try:
        if args.score:
            _run_score(lines, config, args.json, out)
        else:
            color = args.color == "always" or (args.color == "auto" and args.output == "-"
                                                and sys.stdout.isatty())
            offset = 0
            for n, (line_in, (line_out, edits)) in enumerate(_tee(lines, config, jobs), 1):
                if args.diff:
                    if edits:
                        out.write(f"@@ line {n}\n")
                        out.write("- " + _highlight(line_in, edits, color, False).rstrip("\n") + "\n")
                        out.write("+ " + _highlight(line_out, edits, color, True).rstrip("\n") + "\n")
                else:
                    out.write(line_out)
                if edits_out is not None:
                    for e in edits:
                        row = {"line": n, "column": e.start, **e.shifted(offset).asdict()}
                        edits_out.write(json.dumps(row, ensure_ascii=False) + "\n")
                offset += len(line_in)
        out.flush()
        if edits_out is not None:
            edits_out.close()
        if args.output != "-":
            out.close()
        for tmp, final in tmp_paths:
            os.replace(tmp, final)
        tmp_paths.clear()
    finally:
        for tmp, _ in tmp_paths:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        if fh is not None and fh is not sys.stdin.buffer:
            fh.close()
    return 0


def _tee(lines: Iterator[str], config: Config, jobs: int):
    """Pair each input line with its restoration and edits, streaming."""
    from collections import deque

    from .fixes import fix_stream

    held: deque[str] = deque()

    def feed() -> Iterator[str]:
        for line in lines:
            held.append(line)
            yield line

    for result in fix_stream(feed(), config, jobs):
        yield held.popleft(), result


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.jobs < 0:
        print(BAD_OPTION.format(message="--jobs must be >= 0"), file=sys.stderr)
        return 1
    try:
        return _run(args)
    except _Fail as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except LexiconError as exc:
        print(f"respin error: bad lexicon: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # the reader went away (respin ... | head): stop quietly, as cat does
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("respin error: interrupted", file=sys.stderr)
        return 130
    except OSError as exc:
        print(f"respin error: {exc.strerror or exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
