"""Command-line filter: ``respin [FILE|-] [-o OUT|-]``.

Reads bytes (stdin by default), decodes them incrementally, restores spun
wording piece by piece in bounded memory (a line, or a cut of a line longer
than ``Config.max_segment_chars``), and writes UTF-8. Errors are one line on
stderr starting with ``respin error:``; never a traceback.

Exit status: 0 success; 1 usage or input/output error; 2 bad lexicon or
configuration; 130 interrupted (SIGINT), 143 terminated (SIGTERM).
"""
from __future__ import annotations

import argparse
import codecs
import gc
import io
import json
import os
import signal
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, TextIO

from . import __version__
from .config import Config
from .lexicon import LexiconError

__all__ = ["main", "EXIT_OK", "EXIT_INPUT", "EXIT_CONFIG", "EXIT_INTERRUPTED", "EXIT_TERMINATED"]

EXIT_OK = 0
EXIT_INPUT = 1        # usage, unreadable/undecodable input, unwritable output
EXIT_CONFIG = 2       # bad lexicon file or bad option value
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143

#: Bytes per read. A line longer than this arrives in several reads and is
#: cut into pieces by the same rule as the library (``fixes.cut_point``).
READ_BYTES = 1 << 16

MISSING_FILE = "respin error: cannot read {path}: no such file"
UNREADABLE = "respin error: cannot read {path}: {reason}"
DECODE_ERROR = ("respin error: line {line} of {path} is not valid {encoding} "
                "(byte 0x{byte:02x} at byte {column} of the line); "
                "pass --encoding with the file's real encoding (e.g. --encoding cp1252), "
                "or --errors surrogateescape to pass undecodable bytes through unchanged")
SAME_FILE = "respin error: refusing to overwrite the input file {path}; choose another -o"
CANNOT_WRITE = "respin error: cannot write {path}: {reason}"
BAD_OPTION = "respin error: {message}"
UNKNOWN_ENCODING = "respin error: unknown encoding {encoding!r} for --encoding"

_RED, _GREEN, _RESET = "\x1b[31m", "\x1b[32m", "\x1b[0m"


class _Fail(Exception):
    """An error already formatted for the user, with its exit status."""

    def __init__(self, message: str, status: int = EXIT_INPUT) -> None:
        super().__init__(message)
        self.status = status


class _Terminated(Exception):
    """SIGTERM arrived: unwind (removing temporary files) and exit 143."""


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors are one ``respin error:`` line and exit 1."""

    def error(self, message: str):  # type: ignore[override]
        raise _Fail(BAD_OPTION.format(message=message) + " (see respin --help)")


def _parser() -> argparse.ArgumentParser:
    ap = _Parser(
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
    ap.add_argument("--errors", choices=("strict", "replace", "surrogateescape"), default="strict",
                    help="undecodable input bytes: strict (default) stops with an error; replace "
                         "writes U+FFFD; surrogateescape passes them through byte-identical")
    ap.add_argument("--demo", action="store_true",
                    help="restore the bundled spun example and show the changes")
    ap.add_argument("--version", action="version", version=f"respin {__version__}")
    return ap


def _open_input(path: str, stdin: BinaryIO) -> BinaryIO:
    if path == "-":
        return stdin
    p = Path(path)
    if not p.exists():
        raise _Fail(MISSING_FILE.format(path=path))
    if p.is_dir():
        raise _Fail(UNREADABLE.format(path=path, reason="is a directory"))
    try:
        return p.open("rb")
    except OSError as exc:
        raise _Fail(UNREADABLE.format(path=path, reason=exc.strerror or exc)) from None


def _decoded(fh: BinaryIO, name: str, encoding: str, errors: str) -> Iterator[str]:
    """Decode ``fh`` incrementally: one string per read of at most READ_BYTES bytes.

    A read stops after a newline byte, so a normal line arrives whole; a long
    line arrives in several strings. Multibyte characters split between reads
    are carried over by the incremental decoder.
    """
    try:
        decoder = codecs.getincrementaldecoder(encoding)(errors)
    except LookupError:
        raise _Fail(UNKNOWN_ENCODING.format(encoding=encoding)) from None
    line, column = 1, 0  # position of the next byte read, for error messages
    while True:
        raw = fh.readline(READ_BYTES)
        pending = decoder.getstate()[0]
        try:
            text = decoder.decode(raw, final=not raw)
        except UnicodeDecodeError as exc:
            data = exc.object
            raise _Fail(DECODE_ERROR.format(line=line, path=name, encoding=encoding,
                                            byte=data[exc.start],
                                            column=column - len(pending) + exc.start)) from None
        if text:
            yield text
        if not raw:
            return
        if raw.endswith(b"\n"):
            line, column = line + 1, 0
        else:
            column += len(raw)


def _pieces(chunks: Iterator[str], limit: int) -> Iterator[str]:
    """Re-cut decoded chunks into lines, cutting a line longer than ``limit``
    exactly where :func:`respin.fixes.fix_text` would (``fixes.cut_point``),
    so the CLI and the library see the same segments. Holds at most one line
    or ``limit`` plus one chunk of characters.
    """
    from .fixes import _cut, cut_point

    buf: list[str] = []
    size = 0
    for chunk in chunks:
        start = 0
        while True:
            nl = chunk.find("\n", start) + 1
            if nl:
                buf.append(chunk[start:nl])
                yield from _cut("".join(buf), limit)
                buf, size = [], 0
                start = nl
                continue
            rest = chunk[start:]
            if rest:
                buf.append(rest)
                size += len(rest)
            while size > limit:
                line = "".join(buf)
                k = cut_point(line, limit)
                yield line[:k]
                buf, size = [line[k:]], len(line) - k
            break
    if size:
        yield "".join(buf)


def _config(args: argparse.Namespace) -> Config:
    kw = {}
    if args.threshold is not None:
        kw["threshold"] = args.threshold
    try:
        config = Config(lexicons=tuple(args.lexicon), use_default_lexicon=not args.no_default_lexicon, **kw)
        config.lexicon()  # load now, so a bad lexicon fails before any output
    except LexiconError as exc:
        raise _Fail(f"respin error: bad lexicon: {exc}", EXIT_CONFIG) from None
    except ValueError as exc:
        raise _Fail(BAD_OPTION.format(message=exc), EXIT_CONFIG) from None
    except FileNotFoundError as exc:
        raise _Fail(MISSING_FILE.format(path=exc.filename), EXIT_CONFIG) from None
    except OSError as exc:
        raise _Fail(UNREADABLE.format(path=exc.filename, reason=exc.strerror or exc), EXIT_CONFIG) from None
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


def _run_score(pieces: Iterator[str], config: Config, as_json: bool, out: TextIO) -> None:
    """Spin score per segment: one for any normal document; an input longer than
    ``max_segment_chars`` gets one score per segment, as restoration judges it."""
    from .detect import explain_spin
    from .fixes import _segments

    offset = 0
    for k, segment in enumerate(_segments(pieces, config.max_segment_chars), 1):
        text = "".join(p for _, _, p in segment)
        report = explain_spin(text, config)
        if as_json:
            row = {"segment": k, "offset": offset, **report.asdict()}
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            offset += len(text)
            continue
        if k > 1:
            out.write(f"--- segment {k}, from character {offset} (evidence offsets are in the segment)\n")
        offset += len(text)
        out.write(f"spin score {report.score:.3f}  (estimated spin rate {report.rate:.2f}; "
                  f"{report.words} words, {report.matches} lexicon matches, {report.artifacts} "
                  f"artifacts, {report.untouched} untouched originals)\n")
        for e in report.evidence[:20]:
            kind = "artifact" if e.artifact else "match"
            out.write(f"  {e.log_ratio:+7.2f}  {kind:8s} {e.text!r} ({e.rule}) at {e.start}\n")


def _demo_pieces() -> Iterator[str]:
    from .resources import data_path

    yield from data_path("example_spun.txt").read_text(encoding="utf-8").splitlines(keepends=True)


def _run(args: argparse.Namespace, stdin: BinaryIO, stdout: BinaryIO) -> int:
    config = _config(args)
    # the lexicon is loaded: keep its long-lived objects out of the garbage
    # collector's passes (see fixes._start_worker; workers do the same)
    gc.freeze()
    jobs = args.jobs if args.jobs > 0 else (os.cpu_count() or 1)
    if args.output != "-" and args.input != "-" and _same_file(args.input, args.output):
        raise _Fail(SAME_FILE.format(path=args.input))
    if args.edits and args.input != "-" and _same_file(args.input, args.edits):
        raise _Fail(SAME_FILE.format(path=args.input))
    if args.demo:
        pieces: Iterator[str] = _demo_pieces()
        args.diff = True
        fh = None
    else:
        fh = _open_input(args.input, stdin)
        name = args.input if args.input != "-" else "<stdin>"
        pieces = _pieces(_decoded(fh, name, args.encoding, args.errors), config.max_segment_chars)

    tmp_paths: list[tuple[str, str]] = []

    def open_out(path: str, errors: str) -> TextIO:
        if path == "-":
            return io.TextIOWrapper(stdout, encoding="utf-8", errors=errors, newline="",
                                    write_through=False)
        target = Path(path)
        try:
            fd, tmp = tempfile.mkstemp(prefix=".respin-", dir=target.parent if str(target.parent) else ".")
        except OSError as exc:
            raise _Fail(CANNOT_WRITE.format(path=path, reason=exc.strerror or exc)) from None
        tmp_paths.append((tmp, path))
        return os.fdopen(fd, "w", encoding="utf-8", errors=errors, newline="")

    # surrogateescape writes undecodable input bytes back exactly; the edit log
    # is JSON, so a lone surrogate there is written as a \\udcXX escape
    out = open_out(args.output, "surrogateescape")
    edits_out = open_out(args.edits, "backslashreplace") if args.edits else None
    try:
        if args.score:
            _run_score(pieces, config, args.json, out)
        else:
            _restore(pieces, config, jobs, args, out, edits_out)
        out.flush()
        if edits_out is not None:
            edits_out.close()
        if args.output != "-":
            out.close()
        for tmp, final in tmp_paths:
            os.replace(tmp, final)
        tmp_paths.clear()
    finally:
        if args.output == "-":
            try:  # keep what was restored before an error; never close the caller's stream
                out.flush()
            except (OSError, ValueError):
                pass
            out.detach()
        for tmp, _ in tmp_paths:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        if fh is not None and fh is not stdin:
            fh.close()
    return EXIT_OK


def _restore(pieces: Iterator[str], config: Config, jobs: int, args: argparse.Namespace,
             out: TextIO, edits_out: TextIO | None) -> None:
    if not args.diff and edits_out is None:
        # plain output: segments in, segments out (no per-line work here,
        # so with --jobs N the parent only reads, segments and writes)
        from .fixes import fix_segments

        for text in fix_segments(pieces, config, jobs):
            out.write(text)
        return
    color = args.color == "always" or (args.color == "auto" and args.output == "-"
                                        and sys.stdout.isatty())
    line, column, offset = 1, 0, 0
    for piece_in, (piece_out, edits) in _tee(pieces, config, jobs):
        if args.diff:
            if edits:
                out.write(f"@@ line {line}\n")
                out.write("- " + _highlight(piece_in, edits, color, False).rstrip("\n") + "\n")
                out.write("+ " + _highlight(piece_out, edits, color, True).rstrip("\n") + "\n")
        else:
            out.write(piece_out)
        if edits_out is not None:
            for e in edits:
                row = {"line": line, "column": column + e.start, **e.shifted(offset).asdict()}
                edits_out.write(json.dumps(row, ensure_ascii=False) + "\n")
        offset += len(piece_in)
        if piece_in.endswith("\n"):
            line, column = line + 1, 0
        else:
            column += len(piece_in)


def _tee(pieces: Iterator[str], config: Config, jobs: int):
    """Pair each input piece with its restoration and edits, streaming."""
    from collections import deque

    from .fixes import fix_stream

    held: deque[str] = deque()

    def feed() -> Iterator[str]:
        for piece in pieces:
            held.append(piece)
            yield piece

    for result in fix_stream(feed(), config, jobs):
        yield held.popleft(), result


def _on_sigterm(signum, frame):
    raise _Terminated()


def main(argv: list[str] | None = None, *, stdin: BinaryIO | None = None,
         stdout: BinaryIO | None = None, stderr: TextIO | None = None) -> int:
    """Run the filter; returns the exit status. Streams default to the process's own."""
    stdin = stdin if stdin is not None else sys.stdin.buffer
    stdout = stdout if stdout is not None else sys.stdout.buffer
    stderr = stderr if stderr is not None else sys.stderr
    previous = None
    try:
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    except ValueError:  # not the main thread: leave signals alone
        pass
    try:
        args = _parser().parse_args(argv)
        if args.jobs < 0:
            raise _Fail(BAD_OPTION.format(message="--jobs must be >= 0"), EXIT_CONFIG)
        return _run(args, stdin, stdout)
    except _Fail as exc:
        print(str(exc), file=stderr)
        return exc.status
    except BrokenPipeError:
        # the reader went away (respin ... | head): stop quietly, as cat does
        if stdout is sys.stdout.buffer:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        print("respin error: interrupted", file=stderr)
        return EXIT_INTERRUPTED
    except _Terminated:
        print("respin error: terminated", file=stderr)
        return EXIT_TERMINATED
    except OSError as exc:
        print(f"respin error: {exc.strerror or exc}", file=stderr)
        return EXIT_INPUT
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
