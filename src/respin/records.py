"""Documents as the unit of evidence: text separators, JSONL and CSV records, pages.

respin judges a text as one document: evidence that one article is spun makes
ambiguous swaps in it more likely to be restored. A crawl holding many
articles must therefore be read one document at a time, or evidence leaks from
a spun article into the clean one beside it. This module reads a stream in
one of these formats and restores each document alone:

``text``
    plain text; ``separator`` says where documents end: ``"whole"`` (the
    default: the whole input is one document), ``"formfeed"`` (``\\f``),
    ``"nul"`` (``\\0``), ``"line"`` (every line is a document) or a compiled
    regular expression (a line that matches it entirely is a separator line).
    Separators are written back as read.
``jsonl``
    one JSON object per line; ``fields`` are the keys to restore (together,
    as one document). Only the characters of the restored words change: the
    string value is edited in place in the raw line, in the line's own
    escaping style (``\\uXXXX`` escapes when the line is pure ASCII, as
    ``json.dumps(ensure_ascii=True)`` writes it), so every other byte,
    key order and spacing stays as read.
``csv`` / ``tsv``
    a header row, then one record per row (a quoted cell may hold line
    breaks); ``fields`` are column names. Cells are edited in place, so the
    delimiter, quoting and line endings stay as read.
``html`` / ``md``
    the whole input is one page; only visible text changes
    (see :mod:`respin.markup`).

A JSONL line that is not a JSON object, a record without one of the fields
(or with a field that is not a string) and a CSV row that cannot be read raise
:class:`RecordError` naming the line; with ``skip_bad=True`` the record is
passed through unchanged and marked (``Record.error``) instead.

>>> crawl = [
...     '{"id": 1, "text": "Shares rose 3 p.c.", "note": "p.c"}\\n',
...     '{"id": 2, "text": "Output grew 5 percent, the White House said."}\\n',
... ]
>>> [r.text for r in fix_records(crawl, format="jsonl")]
['{"id": 1, "text": "Shares rose 3 percent.", "note": "p.c"}\\n', '{"id": 2, "text": "Output grew 5 percent, the White House said."}\\n']
>>> [r.text for r in fix_records("Shares rose 3 p.c.\\fA fine day.\\n", "text", separator="formfeed")]
['Shares rose 3 percent.', '\\x0c', 'A fine day.\\n']
"""
from __future__ import annotations

import bisect
import functools
import json
import re
from collections import deque
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from .config import Config, check_text, config_from_kwargs
from .detect import SpinReport, explain_spin
from .edits import Edit, ExplainedText, apply_edits
from .fixes import _parallel, fix_and_explain, resolve_jobs, split_lines

__all__ = ["FORMATS", "SEPARATORS", "Record", "RecordError", "fix_records", "fix_documents",
           "split_documents", "format_for_path"]

FORMATS = ("text", "jsonl", "csv", "tsv", "html", "md")
SEPARATORS = ("whole", "formfeed", "nul", "line")

#: File name endings and the format they imply (``--format`` guesses with these).
EXTENSIONS = {
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".tsv": "tsv", ".tab": "tsv",
    ".html": "html", ".htm": "html", ".xhtml": "html", ".md": "md", ".markdown": "md",
    ".txt": "text", ".text": "text",
}

#: Fields joined into one document are separated by a blank line (no edit crosses a line break).
FIELD_JOINER = "\n\n"


class RecordError(ValueError):
    """A record that cannot be read; the message names its line."""


class Record(NamedTuple):
    """One piece of the input and what respin wrote for it.

    ``document`` is False for what is not a document (a separator, the CSV
    header, a blank JSONL line): those are written back unchanged.
    ``edits`` have offsets into ``source`` (``apply_edits(source, edits) ==
    text``); ``field_edits`` are the same edits as respin made them on the
    decoded field values, as ``(field, edit)``.
    """

    index: int                  # document number, 1-based (0 when not a document)
    line: int                   # first line of the piece in the input, 1-based
    source: str                 # the piece as read
    text: str                   # the piece as written
    edits: list[Edit]
    document: bool = True
    id: str | None = None       # the record's "id" (or "url") field, when it has one
    error: str | None = None    # why a bad record was passed through (skip_bad)
    report: SpinReport | None = None  # with score=True
    field_edits: list[tuple[str, Edit]] = []
    kept: bool = True           # False: dropped by min_score (then text is "")


def format_for_path(path: str, default: str = "text") -> str:
    """The format a file name suggests (``"a.jsonl"`` -> ``"jsonl"``)."""
    lower = path.lower()
    for ext, fmt in EXTENSIONS.items():
        if lower.endswith(ext):
            return fmt
    return default


# -- plain text documents --------------------------------------------------


class _Part(NamedTuple):
    text: str
    document: bool
    line: int


def split_documents(lines: Iterable[str] | str, separator: str | re.Pattern = "whole") -> Iterator[_Part]:
    """Cut a text (or its lines, with their endings) into documents and separators.

    Yields ``(text, document, line)``; joining the texts gives the input back.

    >>> [tuple(p) for p in split_documents("a\\n---\\nb\\n", re.compile("-+"))]
    [('a\\n', True, 1), ('---\\n', False, 2), ('b\\n', True, 3)]
    """
    if isinstance(lines, str):
        lines = split_lines(lines)
    if separator == "whole":
        buf = [line for line in lines]
        if buf:
            yield _Part("".join(buf), True, 1)
        return
    if separator == "line":
        for n, line in enumerate(lines, 1):
            yield _Part(line, True, n)
        return
    if isinstance(separator, re.Pattern):
        buf, first = [], 1
        for n, line in enumerate(lines, 1):
            if separator.fullmatch(line.rstrip("\r\n")):
                if buf:
                    yield _Part("".join(buf), True, first)
                yield _Part(line, False, n)
                buf, first = [], n + 1
            else:
                buf.append(line)
        if buf:
            yield _Part("".join(buf), True, first)
        return
    try:
        char = {"formfeed": "\f", "nul": "\0"}[separator]
    except (KeyError, TypeError):
        raise ValueError(f"separator must be one of {', '.join(SEPARATORS)} or a compiled "
                         f"pattern, not {separator!r}") from None
    buf, first, line_no = [], 1, 1
    for line in lines:
        pos = 0
        while True:
            k = line.find(char, pos)
            if k < 0:
                break
            buf.append(line[pos:k])
            doc = "".join(buf)
            if doc:
                yield _Part(doc, True, first)
            yield _Part(char, False, line_no)
            buf, first, pos = [], line_no, k + 1
        buf.append(line[pos:])
        if line.endswith("\n"):
            line_no += 1
    if "".join(buf):
        yield _Part("".join(buf), True, first)


# -- JSON Lines ------------------------------------------------------------

_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


def _string_spans(line: str, fields: Iterable[str]) -> dict[str, tuple[int, int]]:
    """Where the top-level string values of ``fields`` are in a JSON object line:
    ``(start, end)`` of the literal, quotes included. The line is valid JSON."""
    wanted = set(fields)
    spans = {}
    i = _WS.match(line, 0).end() + 1  # after "{"
    scanstring = json.decoder.scanstring
    while True:
        i = _WS.match(line, i).end()
        if line[i] == "}":
            return spans
        key, i = scanstring(line, i + 1)
        i = _WS.match(line, i).end() + 1  # after ":"
        i = _WS.match(line, i).end()
        start = i
        _, i = _DECODER.raw_decode(line, i)
        if key in wanted:
            spans[key] = (start, i)
        i = _WS.match(line, i).end()
        if line[i] == ",":
            i += 1


_ESCAPE = re.compile(r"\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}"
                     r"|\\u[0-9a-fA-F]{4}|\\.", re.S)


def _json_offsets(line: str, start: int, end: int):
    """Map a character offset in the decoded JSON string literal
    ``line[start:end]`` (without quotes) to its offset in ``line``.

    Built from the literal's escapes only (a surrogate pair decodes to one
    character), so a literal without escapes costs nothing per character.
    """
    decoded, raw, size = [], [], []
    shift = 0
    for m in _ESCAPE.finditer(line, start, end):
        decoded.append(m.start() - start - shift)
        raw.append(m.start())
        size.append(m.end() - m.start())
        shift += m.end() - m.start() - 1

    def at(d: int) -> int:
        k = bisect.bisect_right(decoded, d) - 1
        if k < 0:
            return start + d
        if d == decoded[k]:
            return raw[k]
        return raw[k] + size[k] + d - decoded[k] - 1

    return at


def _jsonl(line: str, n: int, fields: tuple[str, ...]):
    """Read one JSONL line: (values, id) or raise RecordError."""
    try:
        obj = json.loads(line)
    except ValueError as exc:
        raise RecordError(f"line {n}: not valid JSON ({exc})") from None
    if not isinstance(obj, dict):
        raise RecordError(f"line {n}: not a JSON object")
    values = []
    for f in fields:
        if f not in obj:
            raise RecordError(f"line {n}: no field {f!r}")
        if not isinstance(obj[f], str):
            raise RecordError(f"line {n}: field {f!r} is {type(obj[f]).__name__}, not a string")
        values.append(obj[f])
    rid = obj.get("id", obj.get("url"))
    return values, (str(rid) if isinstance(rid, (str, int)) else None)


def _jsonl_encoder(line: str):
    ascii_only = line.isascii()
    return lambda s: json.dumps(s, ensure_ascii=ascii_only)[1:-1]


# -- CSV -------------------------------------------------------------------


def _csv_cells(raw: str, delim: str, quote: str) -> list[tuple[int, int, bool]] | None:
    """Cells of one CSV row (with its line ending) as (start, end, quoted);
    None while a quoted cell is still open. A quoted cell's span includes its
    quotes. Raises ValueError on text after a closing quote."""
    cells = []
    n = len(raw)
    end = n
    while end > 0 and raw[end - 1] in "\r\n":
        end -= 1
    i = 0
    while True:
        if i < n and raw[i] == quote:
            j = i + 1
            while True:
                k = raw.find(quote, j)
                if k < 0:
                    return None
                if k + 1 < n and raw[k + 1] == quote:
                    j = k + 2
                    continue
                break
            cells.append((i, k + 1, True))
            i = k + 1
            if i < end and raw[i] != delim:
                raise ValueError(f"text after the closing quote of cell {len(cells)}")
        else:
            k = raw.find(delim, i, end)
            k = end if k < 0 else k
            cells.append((i, k, False))
            i = k
        if i >= end:
            return cells
        i += 1  # the delimiter
        if i == end:
            cells.append((i, i, False))
            return cells


def _csv_value(raw: str, cell: tuple[int, int, bool], quote: str) -> str:
    s, e, quoted = cell
    return raw[s + 1:e - 1].replace(quote + quote, quote) if quoted else raw[s:e]


def _csv_offsets(raw: str, cell: tuple[int, int, bool], quote: str):
    """Map an offset in a cell's value to its offset in ``raw``."""
    s, e, quoted = cell
    if not quoted:
        return lambda d: s + d
    doubled = [m.start() for m in re.finditer(re.escape(quote * 2), raw[s + 1:e - 1])]

    def at(d: int) -> int:
        # each doubled quote before the d-th character adds one raw character
        k, pos = 0, s + 1 + d
        while k < len(doubled) and doubled[k] - k < d:
            k += 1
        return pos + k

    return at


def _sniff_delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_rows(lines: Iterable[str], quote: str, delim: str | None):
    """(raw row, first line, cells or an error message, delimiter), rows whole."""
    buf, first, n = [], 1, 0
    for line in lines:
        if isinstance(line, _Bom):
            yield line, 1, None, delim
            continue
        n += 1
        if not buf:
            first = n
            if delim is None:
                delim = _sniff_delimiter(line)
        buf.append(line)
        raw = "".join(buf) if len(buf) > 1 else line
        try:
            cells = _csv_cells(raw, delim, quote)
        except ValueError as exc:
            yield raw, first, f"line {first}: {exc}", delim
            buf = []
            continue
        if cells is not None:
            yield raw, first, cells, delim
            buf = []
    if buf:
        yield "".join(buf), first, f"line {first}: quoted cell not closed before the end of the input", delim


# -- the pipeline ----------------------------------------------------------


def _judge(text: str, config: Config, restore: bool, score: bool):
    """The work done per document (in a worker process when jobs > 1)."""
    result = fix_and_explain(text, config) if restore else ExplainedText(text, [])
    report = explain_spin(text, config, top=20) if score else None
    return result, report


def _map(tasks: Iterable, config: Config, restore: bool, score: bool, jobs: int) -> Iterator:
    """(state, result, report) per (state, text) task, in order; ``text`` None
    means nothing to judge. At most ``2 * jobs`` documents are in flight."""
    if jobs <= 1:
        for state, text in tasks:
            if text is None:
                yield state, None, None
            else:
                yield (state, *_judge(text, config, restore, score))
        return
    # the CLI's worker pool (fixes._parallel): workers load the model once, leave
    # interrupts to the parent and are killed at once on an error or a signal
    held: deque = deque()

    def items():
        for state, text in tasks:
            held.append(state)
            yield text, restore, score

    for result, report in _parallel(items(), _judge_item, config, jobs):
        yield held.popleft(), result, report


def _judge_item(item: tuple, config: Config):
    text, restore, score = item
    return (None, None) if text is None else _judge(text, config, restore, score)


def _field_edits(edits: list[Edit], starts: list[int]) -> list[tuple[int, Edit]]:
    """Assign edits of the joined document to fields: (field index, edit in the field)."""
    out = []
    k = 0
    for e in edits:
        while k + 1 < len(starts) and e.start >= starts[k + 1]:
            k += 1
        out.append((k, e.shifted(-starts[k])))
    return out


def _in_place(raw: str, at, edits: list[Edit], encode) -> list[Edit]:
    """Edits on a decoded value -> edits on its raw literal (``at`` maps the offsets)."""
    return [Edit(at(e.start), at(e.end), raw[at(e.start):at(e.end)],
                 encode(e.after), e.rule, e.score, e.source) for e in edits]


def fix_records(source: Iterable[str] | str, format: str = "jsonl", config: Config | None = None, *,
                fields: Iterable[str] = ("text",), separator: str | re.Pattern = "whole",
                skip_bad: bool = False, restore: bool = True, score: bool = False,
                min_score: float | None = None, jobs: int = 1, **kwargs) -> Iterator[Record]:
    """Restore each document of ``source`` alone, streaming; yields a :class:`Record`
    for every piece of the input, in order (``"".join(r.text for r in ...)`` is
    the restored file).

    ``source`` is the input's lines with their endings (a file object works), or
    one string. ``restore=False`` leaves the text as read (with ``score=True``:
    only score). ``score=True`` adds a :class:`~respin.SpinReport` to every
    document. ``min_score`` keeps only documents whose spin score is at least
    that (it implies ``score=True``): a dropped document, the separator or
    blank line after it and (then) bad records come with ``kept=False`` and
    ``text=""``, so the joined texts are the filtered file; a CSV header and a
    byte-order mark are always kept. ``jobs`` restores documents in worker
    processes; output is the same. Memory holds one document (``2 * jobs``
    with workers).
    """
    if format not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {format!r}")
    if isinstance(source, str):
        source = split_lines(source)
    fields = tuple(fields)
    if not fields:
        raise ValueError("fields must name at least one field")
    config = config_from_kwargs(config, kwargs)
    jobs = resolve_jobs(jobs)  # one meaning everywhere: 0 = one per core, capped
    if format in ("jsonl", "csv", "tsv"):
        source = _without_bom(iter(source))
    tasks = _TASKS[format](source, fields, separator, skip_bad)
    index = 0
    filtering = min_score is not None
    header = format in ("csv", "tsv")
    last_kept = True
    for state, result, report in _map(tasks, config, restore, score or filtering, jobs):
        if isinstance(state, Record):
            if isinstance(state.source, _Bom):
                yield state
                continue
            if filtering and not (header or last_kept and state.error is None):
                state = state._replace(text="", kept=False)
            header = False
            yield state
            continue
        header = False
        index += 1
        rec = state.finish(index, result, report)
        if filtering:
            last_kept = (report.score if report is not None else 0.0) >= min_score
            if not last_kept:
                rec = rec._replace(text="", kept=False)
        yield rec


class _Bom(str):
    """A byte-order mark read before the first record: written back, not parsed."""


def _without_bom(lines: Iterator[str]) -> Iterator[str]:
    first = next(lines, None)
    if first is None:
        return
    if first.startswith("\ufeff"):
        yield _Bom("\ufeff")
        first = first[1:]
    if first:
        yield first
    yield from lines


class _Doc:
    """A document waiting for its result: how to carry edits back to the source."""

    __slots__ = ("raw", "line", "id", "fields", "carry", "starts", "finisher")

    def __init__(self, raw, line, id=None, fields=(), carry=None, starts=(), finisher=None):
        self.raw, self.line, self.id = raw, line, id
        # carry(k, edits): edits on field k's value -> edits on the raw record
        self.fields, self.carry, self.starts, self.finisher = fields, carry, starts, finisher

    def finish(self, index: int, result: ExplainedText | None, report) -> Record:
        if result is None or not result.edits:
            return Record(index, self.line, self.raw, self.raw, [], True, self.id, None, report)
        if self.finisher is not None:  # a page: edits are already carried back
            text, edits = self.finisher(result)
            return Record(index, self.line, self.raw, text, edits, True, self.id, None, report,
                          [("", e) for e in result.edits])
        if self.carry is None:  # plain text
            return Record(index, self.line, self.raw, result.text, result.edits, True, self.id,
                          None, report, [("", e) for e in result.edits])
        raw_edits, field_edits = [], []
        by_field: list[list[Edit]] = [[] for _ in self.fields]
        for k, e in _field_edits(result.edits, self.starts):
            by_field[k].append(e)
            field_edits.append((self.fields[k], e))
        for k, edits in enumerate(by_field):
            if edits:
                raw_edits.extend(self.carry(k, edits))
        raw_edits.sort(key=lambda e: e.start)
        return Record(index, self.line, self.raw, apply_edits(self.raw, raw_edits), raw_edits,
                      True, self.id, None, report, field_edits)


def _bad(raw: str, line: int, message: str, skip_bad: bool) -> Record:
    if not skip_bad:
        raise RecordError(message)
    return Record(0, line, raw, raw, [], False, None, message)


def _joined(values: list[str]) -> tuple[str, list[int]]:
    starts, pos = [], 0
    for v in values:
        starts.append(pos)
        pos += len(v) + len(FIELD_JOINER)
    return FIELD_JOINER.join(values), starts


def _text_tasks(lines, fields, separator, skip_bad):
    for part in split_documents(lines, separator):
        if not part.document:
            yield Record(0, part.line, part.text, part.text, [], False), None
        else:
            check_text(part.text)
            yield _Doc(part.text, part.line), part.text


def _jsonl_tasks(lines, fields, separator, skip_bad):
    n = 0
    for line in lines:
        if isinstance(line, _Bom):
            yield Record(0, 1, line, line, [], False), None
            continue
        n += 1
        check_text(line)
        if not line.strip():
            yield Record(0, n, line, line, [], False), None
            continue
        try:
            values, rid = _jsonl(line, n, fields)
        except RecordError as exc:
            yield _bad(line, n, str(exc), skip_bad), None
            continue
        text, starts = _joined(values)
        yield _Doc(line, n, rid, fields, functools.partial(_jsonl_carry, line, fields), starts), text


def _jsonl_carry(line: str, fields: tuple[str, ...], k: int, edits: list[Edit]) -> list[Edit]:
    """Raw edits in the string literal of ``fields[k]`` (found only when it has edits)."""
    s, e = _string_spans(line, fields[k:k + 1])[fields[k]]
    return _in_place(line, _json_offsets(line, s + 1, e - 1), edits, _jsonl_encoder(line))


def _csv_tasks(lines, fields, separator, skip_bad, *, delim=None, quote='"'):
    header = None
    columns: list[int] = []
    id_column = None
    for raw, first, cells, d in _csv_rows(lines, quote, delim):
        if isinstance(raw, _Bom):
            yield Record(0, 1, raw, raw, [], False), None
            continue
        check_text(raw)
        if header is None:
            if isinstance(cells, str):
                raise RecordError(f"{cells} (in the header row)")
            header = [_csv_value(raw, c, quote).strip() for c in cells]
            missing = [f for f in fields if f not in header]
            if missing:
                raise RecordError(f"line {first}: no column {missing[0]!r} in the header "
                                  f"(columns: {', '.join(header)})")
            columns = [header.index(f) for f in fields]
            id_column = next((header.index(k) for k in ("id", "url") if k in header), None)
            yield Record(0, first, raw, raw, [], False), None
            continue
        if not raw.strip("\r\n"):
            yield Record(0, first, raw, raw, [], False), None
            continue
        if isinstance(cells, str):
            yield _bad(raw, first, cells, skip_bad), None
            continue
        if len(cells) <= max(columns):
            yield _bad(raw, first, f"line {first}: {len(cells)} cells, no {fields[columns.index(max(columns))]!r} "
                       f"(the header has {len(header)})", skip_bad), None
            continue
        values = [_csv_value(raw, cells[c], quote) for c in columns]
        rid = (_csv_value(raw, cells[id_column], quote)
               if id_column is not None and id_column < len(cells) else None)
        carry = functools.partial(_csv_carry, raw, [cells[c] for c in columns], values, d, quote)
        text, starts = _joined(values)
        yield _Doc(raw, first, rid, fields, carry, starts), text


def _csv_carry(raw, cells, values, delim, quote, k, edits):
    """Raw edits in cell ``cells[k]``: in place, doubling quotes in a quoted
    cell; an unquoted cell that now needs quotes is written again, quoted."""
    s, e, quoted = cell = cells[k]
    new = apply_edits(values[k], edits)
    if quoted:
        return _in_place(raw, _csv_offsets(raw, cell, quote), edits,
                         lambda t: t.replace(quote, quote + quote))
    if any(ch in new for ch in (delim, quote, "\n", "\r")):
        first = edits[0]
        return [Edit(s, e, raw[s:e], quote + new.replace(quote, quote + quote) + quote,
                     first.rule, first.score, first.source)]
    return _in_place(raw, _csv_offsets(raw, cell, quote), edits, lambda t: t)


def _tsv_tasks(lines, fields, separator, skip_bad):
    return _csv_tasks(lines, fields, separator, skip_bad, delim="\t")


def _page_tasks(kind):
    def tasks(lines, fields, separator, skip_bad):
        from . import markup

        raw = "".join(lines)
        check_text(raw)
        if not raw:
            return
        visible = markup.html_visible(raw) if kind == "html" else markup.markdown_visible(raw)
        escape = markup.ESCAPES[kind]

        def finisher(result: ExplainedText):
            return markup._carry_back(raw, visible, result.edits, escape)

        text = visible.text()
        yield _Doc(raw, 1, None, finisher=finisher), (text if text.strip() else None)

    return tasks


_TASKS = {"text": _text_tasks, "jsonl": _jsonl_tasks, "csv": _csv_tasks, "tsv": _tsv_tasks,
          "html": _page_tasks("html"), "md": _page_tasks("md")}


def fix_documents(texts: Iterable[str], config: Config | None = None, *, jobs: int = 1,
                  **kwargs) -> Iterator[ExplainedText]:
    """Restore each text of ``texts`` as its own document, streaming.

    >>> [r.text for r in fix_documents(["Up 3 p.c.", "A fine day."])]
    ['Up 3 percent.', 'A fine day.']
    """
    config = config_from_kwargs(config, kwargs)
    jobs = resolve_jobs(jobs)  # one meaning everywhere: 0 = one per core, capped

    def tasks():
        for t in texts:
            check_text(t)
            yield None, t

    for _, result, _ in _map(tasks(), config, True, False, jobs):
        yield result
