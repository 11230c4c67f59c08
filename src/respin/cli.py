"""Command-line filter: ``respin [FILE|-] [-o OUT|-]``.

Reads bytes (stdin by default), decodes them incrementally, restores spun
wording piece by piece in bounded memory (a line, or a cut of a line longer
than ``Config.max_segment_chars``), and writes UTF-8. Errors are one line on
stderr starting with ``respin error:``; never a traceback.

Exit status: 0 success; 1 input/output error; 2 usage error (bad option,
option value or combination) or bad lexicon; 129 hung up (SIGHUP), 130
interrupted (SIGINT), 143 terminated (SIGTERM).
"""
from __future__ import annotations

import argparse
import codecs
import contextlib
import gc
import io
import itertools
import json
import os
import signal
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, TextIO

from . import __version__, _output, _startup
from .config import NAME_MODES, QUOTE_MODES, Config
from .lexicon import LexiconError

__all__ = ["main", "EXIT_OK", "EXIT_INPUT", "EXIT_USAGE", "EXIT_CONFIG", "EXIT_HANGUP",
           "EXIT_INTERRUPTED", "EXIT_TERMINATED"]

EXIT_OK = 0
EXIT_INPUT = 1        # unreadable/undecodable input, unwritable output
EXIT_USAGE = 2        # bad option, option value or combination (argparse and GNU convention)
EXIT_CONFIG = 2       # bad lexicon file: a configuration error, same status as usage
EXIT_HANGUP = 129     # 128 + the signal number, as a shell reports a death by that signal
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143

EXIT_CODES = """exit status:
  0    success (also when the reader closes the pipe early)
  1    input or output error (missing, unreadable, undecodable or binary input; unwritable output)
  2    usage error (bad option, value or combination) or bad lexicon file
  129  hung up (SIGHUP); 130 interrupted (SIGINT, Ctrl-C); 143 terminated (SIGTERM)"""

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
SAME_OUTPUT = "respin error: {path} is given twice as an output (-o and --edits); choose two files"
CANNOT_WRITE = "respin error: cannot write {path}: {reason}"
BAD_OPTION = "respin error: {message}"
UNKNOWN_ENCODING = "respin error: unknown encoding {encoding!r} for --encoding"
BINARY_INPUT = ("respin error: {path} looks like binary data, not text ({share}% of its first "
                "{size} bytes are NUL, control or undecodable bytes); respin restores text")

_RED, _GREEN, _RESET = "\x1b[31m", "\x1b[32m", "\x1b[0m"


class _Fail(Exception):
    """An error already formatted for the user, with its exit status."""

    def __init__(self, message: str, status: int = EXIT_INPUT) -> None:
        super().__init__(message)
        self.status = status


class _Signalled(BaseException):
    """SIGINT, SIGTERM or SIGHUP arrived: unwind (stopping workers, removing
    temporary files) and exit 128 + the signal number. A BaseException, like
    KeyboardInterrupt, so no ``except Exception`` on the way swallows it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    def __reduce__(self):
        return (type(self), (self.signum,))


#: signal -> (exit status, the word in the one-line message)
_SIGNALS = {signal.SIGINT: (EXIT_INTERRUPTED, "interrupted"),
            signal.SIGTERM: (EXIT_TERMINATED, "terminated")}
if hasattr(signal, "SIGHUP"):
    _SIGNALS[signal.SIGHUP] = (EXIT_HANGUP, "hung up")


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors are one ``respin error:`` line and exit 2."""

    def error(self, message: str):  # type: ignore[override]
        raise _Fail(BAD_OPTION.format(message=message) + " (see respin --help)", EXIT_USAGE)


def _parser() -> argparse.ArgumentParser:
    ap = _Parser(
        prog="respin",
        description="Restore machine-spun news text to its original wording. "
                    "Clean text passes through byte-identical.",
        epilog="examples:\n  respin < spun.txt > restored.txt\n  respin page.txt --diff\n"
               "  respin page.txt --score\n\n" + EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("input", nargs="?", default="-", metavar="FILE",
                    help="input file (default: - for stdin)")
    ap.add_argument("-o", "--output", default="-", metavar="OUT",
                    help="output file (default: - for stdout); an existing file keeps its old "
                         "content until success, and its inode, mode and links")
    ap.add_argument("--edits", metavar="EDITS.jsonl",
                    help="also write one JSON edit per line (line, column, start, end, before, "
                         "after, rule, score, source); - writes them to stdout when -o names a file")
    ap.add_argument("--diff", action="store_true",
                    help="print only the changed lines, old and new, instead of the text")
    ap.add_argument("--color", choices=("auto", "always", "never"), default=None,
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
    ap.add_argument("--quotes", choices=QUOTE_MODES, default="auto",
                    help="quoted speech: auto (default) edits inside quotes only when the "
                         "document shows its spinner rewrote them too; protect never; edit always")
    ap.add_argument("--names", choices=NAME_MODES, default="auto",
                    help="capitalised words in names: auto (default) edits them only when the "
                         "document shows its spinner rewrote names too; protect never; edit always")
    ap.add_argument("--jobs", type=int, default=1, metavar="N",
                    help="worker processes for long inputs (default 1; 0 = all cores)")
    ap.add_argument("--encoding", default=None, metavar="ENC",
                    help="input encoding (default: UTF-8, or UTF-16/UTF-32 when a byte-order mark "
                         "says so); output is always UTF-8")
    ap.add_argument("--errors", choices=("strict", "replace", "surrogateescape"), default="strict",
                    help="undecodable input bytes: strict (default) stops with an error; replace "
                         "writes U+FFFD; surrogateescape passes them through byte-identical")
    ap.add_argument("--line-buffered", action="store_true",
                    help="judge each line as its own document and write it at once, for "
                         "streams such as tail -f (default when the input is a terminal)")
    ap.add_argument("--demo", action="store_true",
                    help="restore the bundled spun example and show the changes")
    ap.add_argument("--version", action="version", version=f"respin {__version__}")
    from ._records_cli import add_arguments  # documents, formats, triage (issue 9)

    add_arguments(ap)
    return ap


def _check_usage(args: argparse.Namespace) -> None:
    """Refuse option combinations that would do nothing, or destroy something."""
    def refuse(message: str) -> None:
        raise _Fail(BAD_OPTION.format(message=message) + " (see respin --help)", EXIT_USAGE)

    if args.score and args.edits:
        refuse("--score makes no edits; --edits cannot be used with it")
    if args.score and args.diff:
        refuse("--score and --diff cannot be used together")
    if args.json and not args.score:
        refuse("--json only applies to --score")
    if args.color is not None and not (args.diff or args.demo):
        refuse("--color only applies to --diff")
    if args.demo and (args.score or args.input != "-"):
        refuse("--demo restores the bundled example; it takes no FILE and no --score")
    if args.line_buffered and args.score:
        refuse("--line-buffered only applies to restoring, not to --score")
    if args.edits == "-" and args.output == "-":
        refuse("--edits - writes the edits to stdout, so the text needs -o FILE")
    if args.edits and args.edits == args.output:
        raise _Fail(SAME_OUTPUT.format(path=args.edits), EXIT_USAGE)
    if args.no_default_lexicon and not args.lexicon:
        refuse("--no-default-lexicon needs at least one --lexicon FILE")
    seen: list[str] = []
    for path in args.lexicon:
        if any(path == p or _output.same_file(path, p) for p in seen):
            refuse(f"--lexicon {path} is given twice")
        seen.append(path)
    args.color = args.color or "auto"


def _jobs(value: int) -> int:
    from .fixes import resolve_jobs

    try:
        return resolve_jobs(value)
    except (TypeError, ValueError) as exc:
        raise _Fail(BAD_OPTION.format(message=f"--{exc}"), EXIT_USAGE) from None


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


#: Byte-order marks and the codec each one names (UTF-32 first: its little-endian
#: mark begins with UTF-16's). The codecs keep the mark as U+FEFF, so it is
#: written back (as UTF-8) like any other character respin does not edit.
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
         (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
         (codecs.BOM_UTF16_BE, "utf-16-be"))

#: Input whose first read is at least this share of NUL bytes, other control
#: characters, C1 controls or undecodable bytes is refused as binary. Text has
#: almost none (0 in the 30 clean articles and the seeds); random bytes decoded
#: as UTF-8 have ~60%, as Latin-1 ~23%; ELF files and UTF-16 without a BOM are
#: NUL-dense (30-50%).
BINARY_SHARE = 0.2
_TEXT_CONTROLS = frozenset("\t\n\r\f\v\x1b")


def _non_text(sample: str) -> int:
    return sum(1 for ch in sample
               if (ch < " " and ch not in _TEXT_CONTROLS) or "\x7f" <= ch <= "\x9f"
               or "\udc80" <= ch <= "\udcff")


def _check_not_binary(first: bytes, encoding: str, name: str) -> None:
    try:
        sample = first.decode(encoding, "surrogateescape")
    except (UnicodeDecodeError, LookupError):
        sample = first.decode(encoding, "replace")
    if not sample:
        return
    bad = _non_text(sample)
    if bad / len(sample) < BINARY_SHARE:
        return
    nuls = first.count(0)
    hint = ("; UTF-16 without a byte-order mark? pass --encoding utf-16-le (or -be)"
            if nuls > len(first) // 4 and encoding == "utf-8" else "")
    raise _Fail(BINARY_INPUT.format(path=name, share=round(100 * bad / len(sample)),
                                    size=len(first)) + hint)


def _raw_lines(fh: BinaryIO, first: bytes) -> Iterator[bytes]:
    """``first`` cut after each newline, then reads of at most READ_BYTES that
    stop after a newline: a normal line arrives whole."""
    start = 0
    while start < len(first):
        nl = first.find(b"\n", start) + 1 or len(first)
        yield first[start:nl]
        start = nl
    while True:
        raw = fh.readline(READ_BYTES)
        if not raw:
            return
        yield raw


def _decoded(fh: BinaryIO, name: str, encoding: str | None, errors: str) -> Iterator[str]:
    """Decode ``fh`` incrementally: one string per read of at most READ_BYTES bytes.

    A read stops after a newline byte, so a normal line arrives whole; a long
    line arrives in several strings. Multibyte characters split between reads
    are carried over by the incremental decoder. Without ``encoding``, a
    byte-order mark chooses the codec (UTF-8 otherwise). Input that looks
    binary (see :data:`BINARY_SHARE`) is refused before anything is written.
    """
    read1 = getattr(fh, "read1", None)
    first = read1(READ_BYTES) if read1 is not None else fh.read(READ_BYTES)
    if encoding is None:
        encoding = next((codec for bom, codec in _BOMS if first.startswith(bom)), "utf-8")
    try:
        decoder = codecs.getincrementaldecoder(encoding)(errors)
    except LookupError:
        raise _Fail(UNKNOWN_ENCODING.format(encoding=encoding)) from None
    _check_not_binary(first, encoding, name)
    line, column = 1, 0  # position of the next byte read, for error messages
    for raw in itertools.chain(_raw_lines(fh, first), [b""]):
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
        if not buf and len(chunk) <= limit and chunk.endswith("\n") and chunk.count("\n") == 1:
            yield chunk  # a read that is one whole line (the CLI's line-by-line reads)
            continue
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
    kw = {"quotes": args.quotes, "names": args.names}
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
    # the lexicon is loaded: keep its long-lived objects out of the garbage
    # collector's passes, on every path (see fixes._init_worker; workers do the same)
    gc.freeze()
    return config


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
    segments = _segments(pieces, config.max_segment_chars)
    first = next(segments, None)
    # empty input is one empty document: it gets a result (score 0), not silence
    chain = [first] if first is not None else [[(0, 0, "")]]
    for k, segment in enumerate(itertools.chain(chain, segments), 1):
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


def _input_identity(path: str, stdin: BinaryIO) -> tuple[int, int] | None:
    """(device, inode) of the input when it is a regular file, else None."""
    try:
        st = os.stat(path) if path != "-" else os.fstat(stdin.fileno())
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        return None
    return (st.st_dev, st.st_ino) if stat.S_ISREG(st.st_mode) else None


def _is_terminal(stream: BinaryIO) -> bool:
    try:
        return stream.isatty()
    except (OSError, ValueError, AttributeError):
        return False


def _check_not_input(path: str | None, source: tuple[int, int] | None, name: str) -> None:
    """Refuse an output that is the input file (also through links)."""
    if not path or path == "-" or source is None:
        return
    try:
        st = os.stat(path)
    except OSError:
        return
    if (st.st_dev, st.st_ino) == source:
        raise _Fail(SAME_FILE.format(path=name))


def _run(args: argparse.Namespace, stdin: BinaryIO, stdout: BinaryIO) -> int:
    _check_usage(args)
    jobs = _jobs(args.jobs)  # a usage error: before the lexicon is loaded
    config = _config(args)
    source = None
    if not args.demo:
        source = _input_identity(args.input, stdin)
        name = args.input if args.input != "-" else "<stdin>"
        _check_not_input(args.output, source, name)
        _check_not_input(args.edits, source, name)
    # a pipe or a terminal: write each line out as soon as it is restored; a
    # terminal (or --line-buffered) also judges each line as its own document
    interactive = (not args.demo and not args.score and args.input == "-"
                   and _is_terminal(stdin))
    args.line_buffered = args.line_buffered or interactive
    flush_lines = args.line_buffered or (not args.demo and source is None)
    if args.demo:
        pieces: Iterator[str] = _demo_pieces()
        args.diff = True
        fh = None
    else:
        fh = _open_input(args.input, stdin)
        pieces = _pieces(_decoded(fh, name, args.encoding, args.errors), config.max_segment_chars)

    try:
        with _output.transaction(stdout) as tx:
            # surrogateescape writes undecodable input bytes back exactly; the edit log
            # is JSON, so a lone surrogate there is written as a \\udcXX escape
            out = tx.open(args.output, errors="surrogateescape",
                          line_buffering=flush_lines and args.output == "-")
            edits_out = tx.open(args.edits, errors="backslashreplace",
                                line_buffering=flush_lines and args.edits == "-") if args.edits else None
            if args.score:
                _run_score(pieces, config, args.json, out)
            else:
                _restore(pieces, config, jobs, args, out, edits_out)
    except _output.OutputError as exc:
        raise _output_failure(exc) from None
    finally:
        if fh is not None and fh is not stdin:
            fh.close()
    return EXIT_OK


def _output_failure(exc: _output.OutputError) -> _Fail:
    """The one line and exit status for an output that cannot be written: one
    file given as two outputs is a usage error, anything else an output error."""
    if isinstance(exc, _output.DuplicateOutputError):
        return _Fail(SAME_OUTPUT.format(path=exc.path), EXIT_USAGE)
    return _Fail(CANNOT_WRITE.format(path=exc.path, reason=exc.reason))


def _restore(pieces: Iterator[str], config: Config, jobs: int, args: argparse.Namespace,
             out: TextIO, edits_out: TextIO | None) -> None:
    if not args.diff and edits_out is None and not args.line_buffered:
        # plain output: segments in, segments out (no per-line work here,
        # so with --jobs N the parent only reads, segments and writes)
        from .fixes import fix_segments

        segments = fix_segments(pieces, config, jobs)
        with contextlib.closing(segments):  # an error or a signal stops the workers at once
            for text in segments:
                out.write(text)
        return
    color = args.color == "always" or (args.color == "auto" and args.output == "-"
                                        and sys.stdout.isatty())
    # closing: an error or a signal while writing stops the worker processes at once
    results = _tee_per_line(pieces, config) if args.line_buffered else _tee(pieces, config, jobs)
    with contextlib.closing(results):
        _write_results(results, args, color, out, edits_out)


def _write_results(results, args: argparse.Namespace, color: bool, out: TextIO,
                   edits_out: TextIO | None) -> None:
    line, column, offset = 1, 0, 0
    for piece_in, (piece_out, edits) in results:
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


def _tee_per_line(pieces: Iterator[str], config: Config):
    """--line-buffered: each line (or cut of a long line) is its own document,
    restored as soon as it is read, so nothing waits for later input."""
    from .fixes import fix_stream

    for piece in pieces:
        for result in fix_stream([piece], config, 1):
            yield piece, result


_first_signal: list[int] = []
_reported: list[int] = []  # the one line about the signal is printed (or being printed)


def _on_signal(signum, frame):
    """First SIGINT/SIGTERM/SIGHUP: unwind through :class:`_Signalled`. A second
    one while unwinding: stop now (kill the workers, remove the temporaries)."""
    if _first_signal:
        _hard_exit(_first_signal[0])
    _first_signal.append(signum)
    if _startup.deferring:  # inside a fork: raised when it is done
        _startup.pending.append(signum)
        return
    raise _Signalled(signum)


def _raise_signalled(signum: int) -> None:
    raise _Signalled(signum)


def _hard_exit(signum: int) -> None:
    from .fixes import kill_workers

    kill_workers()
    for tmp in _output.live_temporaries():
        try:
            os.unlink(tmp)
        except OSError:
            pass
    status, word = _SIGNALS.get(signum, (128 + signum, "stopped"))
    if not _reported:
        try:
            os.write(2, f"respin error: {word}\n".encode())
        except OSError:
            pass
    os._exit(status)


def _signalled_exit(status: int, stdout, stderr) -> None:
    """End the ``respin`` process now, once a signal has unwound the command
    (outputs rolled back, workers killed, the line printed). Not through the
    interpreter's exit: that joins each worker pool's manager thread, which a
    pool killed mid-work can leave waiting (seen once under load: the process
    printed its line, then hung until killed)."""
    for stream in (stdout, stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(status)


def main(argv: list[str] | None = None, *, stdin: BinaryIO | None = None,
         stdout: BinaryIO | None = None, stderr: TextIO | None = None) -> int:
    """Run the filter; returns the exit status. Streams default to the process's own."""
    stdin = stdin if stdin is not None else sys.stdin.buffer
    stdout = stdout if stdout is not None else sys.stdout.buffer
    stderr = stderr if stderr is not None else sys.stderr
    argv = sys.argv[1:] if argv is None else argv
    if list(argv[:1]) == ["learn"]:  # respin learn PAIRS... (respin.learn.main)
        from .learn import main as learn_main

        return learn_main(argv[1:], stdout, stderr)
    previous = {}
    _first_signal.clear()
    _reported.clear()
    _startup.raise_pending = _raise_signalled
    try:
        for signum in _SIGNALS:
            previous[signum] = signal.signal(signum, _on_signal)
    except ValueError:  # not the main thread: leave signals alone
        pass
    try:
        if _startup.pending:  # a signal arrived while the command was starting
            raise _Signalled(_startup.pending.pop(0))
        args = _parser().parse_args(argv)
        from . import _records_cli

        if _records_cli.wanted(args):  # several documents, records or pages (issue 9)
            return _records_cli.run(args, stdin, stdout, stderr)
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
    except _Signalled as exc:
        status, word = _SIGNALS[exc.signum]
        _reported.append(exc.signum)
        print(f"respin error: {word}", file=stderr)
        if _startup.is_cli():
            _signalled_exit(status, stdout, stderr)
        return status
    except OSError as exc:
        print(f"respin error: {exc.strerror or exc}", file=stderr)
        return EXIT_INPUT
    finally:
        if _first_signal and _startup.is_cli():
            # the command is exiting because of a signal: a second one during
            # the interpreter's exit must not print a traceback
            for signum in previous:
                signal.signal(signum, signal.SIG_IGN)
        else:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
            _startup.restore_defaults()


if __name__ == "__main__":
    sys.exit(main())
