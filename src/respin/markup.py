"""HTML and Markdown: restore only the text a reader sees, keep the markup byte for byte.

A page is read into its *visible text* (text nodes with entities decoded,
inline tags such as ``<em>`` dropped so that a phrase split by them reads as
one phrase, block tags read as line breaks) together with a map from every
visible character to its span in the source. The visible text is restored as
one document by :func:`respin.fix_and_explain`, and each edit is carried back
into the source:

- a word-level diff of the edit's ``before`` and ``after`` finds the words
  that really change, so ``provide <em>chain</em>`` becomes
  ``supply <em>chain</em>`` and ``White&nbsp;Home`` becomes
  ``White&nbsp;House`` (whitespace written as an entity or a line break stays
  as written);
- a changed run of words that crosses a tag is written into the first
  stretch of source text it touches and removed from the others: the tags
  themselves are never touched;
- an edit that would touch a character the page does not show as plain text
  (a backslash escape, a URL) is dropped.

HTML is read as a browser shows it: a run of whitespace holding a line break
is one space, so a phrase wrapped over two source lines is still matched. In
Markdown, line breaks inside a paragraph stay line breaks, as in plain text,
so Markdown without markup restores exactly as :func:`respin.fix_text` does.

Nothing inside ``script``, ``style``, ``code``, ``pre``, ``textarea`` (and the
other elements in :data:`HTML_SKIP`), attributes, comments, Markdown code
spans, fenced and indented code blocks, raw HTML blocks, front matter, link
and image targets is ever read, so it can never change. Edits are reported
with offsets into the source file.

>>> page = '<p title="White Home">The <b>White</b>&nbsp;Home said 3 p.c.</p><script>var yr=1;</script>'
>>> fix_html(page).text
'<p title="White Home">The <b>White</b>&nbsp;House said 3 percent.</p><script>var yr=1;</script>'
>>> fix_markdown("Costs of the `provide chain` and the *provide* chain rose 3 p.c.\\n").text
'Costs of the `provide chain` and the *supply* chain rose 3 percent.\\n'
"""
from __future__ import annotations

import difflib
import functools
import html
import re
from array import array
from html.parser import HTMLParser

from .config import Config, check_text, config_from_kwargs
from .edits import Edit, ExplainedText, apply_edits
from .fixes import fix_and_explain

__all__ = ["HTML_SKIP", "HTML_INLINE", "Visible", "html_visible", "markdown_visible",
           "fix_html", "fix_markdown", "restore_visible"]

#: Elements whose content is never read: code, scripts and things that are not prose.
HTML_SKIP = frozenset({
    "script", "style", "code", "pre", "textarea", "kbd", "samp", "var", "noscript",
    "template", "svg", "math", "iframe", "object", "xmp", "listing", "plaintext",
})

#: Elements that do not break the text flow: a phrase may run across them.
#: Every other tag is read as a line break, so no edit crosses it.
HTML_INLINE = frozenset({
    "a", "abbr", "b", "bdi", "bdo", "big", "cite", "data", "dfn", "del", "em", "font", "i",
    "ins", "label", "mark", "q", "s", "small", "span", "strike", "strong", "sub", "sup",
    "time", "u", "wbr",
})

# Bare URLs in visible text are shown but are addresses: never edited.
_URL = re.compile(r"(?:https?://|ftp://|www\.)[^\s<>\"']+", re.IGNORECASE)
_NEWLINE_SPACE = re.compile(r"[ \t\f\r]*\n\s*")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});?")


class Visible:
    """Visible text and, for each of its characters, the source span it shows.

    A character with ``start == end`` is virtual (a line break standing for a
    block tag). A *locked* character may be read but never edited.
    """

    __slots__ = ("chars", "starts", "ends", "locked")

    def __init__(self) -> None:
        self.chars: list[str] = []
        self.starts = array("q")  # 8 bytes a character, not a list of int objects
        self.ends = array("q")
        self.locked = bytearray()

    def text(self) -> str:
        return "".join(self.chars)

    def add(self, ch: str, start: int, end: int, locked: bool = False) -> None:
        self.chars.append(ch)
        self.starts.append(start)
        self.ends.append(end)
        self.locked.append(locked)

    def add_run(self, text: str, start: int) -> None:
        """Characters shown exactly as written, from ``start`` in the source."""
        self.chars.extend(text)
        self.starts.extend(range(start, start + len(text)))
        self.ends.extend(range(start + 1, start + len(text) + 1))
        self.locked.extend(bytes(len(text)))

    def add_prose(self, text: str, start: int) -> None:
        """Source text of a text node: a whitespace run holding a line break is
        read as one space (as a browser shows it) mapped to the whole run."""
        pos = 0
        for m in _NEWLINE_SPACE.finditer(text):
            self.add_run(text[pos:m.start()], start + pos)
            self.add(" ", start + m.start(), start + m.end())
            pos = m.end()
        self.add_run(text[pos:], start + pos)

    def boundary(self, pos: int, blank: int = 0) -> None:
        """A line break that no edit crosses (block tags, skipped elements),
        then ``blank`` empty lines (a paragraph break reads as in plain text)."""
        chars = self.chars
        while chars and chars[-1] in " \t" and not self.locked[-1]:
            # whitespace at the end of a block is not shown (nor read)
            chars.pop()
            self.starts.pop()
            self.ends.pop()
            self.locked.pop()
        if chars and chars[-1] != "\n":
            self.add("\n", pos, pos, True)
        if chars:
            for _ in range(blank):
                self.add("\n", pos, pos, True)

    def lock_urls(self) -> None:
        for m in _URL.finditer(self.text()):
            for i in range(m.start(), m.end()):
                self.locked[i] = True


# -- HTML ------------------------------------------------------------------


class _HTMLReader(HTMLParser):
    """html.parser reports the line and column of every event (getpos) and,
    with ``convert_charrefs=False``, each entity as its own event: enough to
    map every visible character back to the source."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self.visible = Visible()
        self.skipping: list[str] = []

    def _pos(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag, attrs):
        if tag in HTML_SKIP:
            self.skipping.append(tag)
            self.visible.boundary(self._pos())
        elif tag not in HTML_INLINE:
            self.visible.boundary(self._pos())

    def handle_startendtag(self, tag, attrs):
        if tag not in HTML_INLINE:
            self.visible.boundary(self._pos())

    def handle_endtag(self, tag):
        if tag in self.skipping:
            while self.skipping.pop() != tag:
                pass
            self.visible.boundary(self._pos())
        elif tag not in HTML_INLINE:
            self.visible.boundary(self._pos())

    def handle_data(self, data):
        if self.skipping:
            return
        pos = self._pos()
        if self.source.startswith(data, pos):
            self.visible.add_prose(data, pos)
        else:  # never guess where text came from: leave it alone
            self.visible.boundary(pos)

    def _reference(self) -> None:
        if self.skipping:
            return
        pos = self._pos()
        m = _ENTITY.match(self.source, pos)
        if not m:
            self.visible.boundary(pos)
            return
        raw = m.group()
        decoded = html.unescape(raw)
        if decoded == raw:  # "&T" in "AT&T": plain text
            self.visible.add_run(raw, pos)
        elif len(decoded) == 1:
            self.visible.add(decoded, pos, m.end())
        else:
            for ch in decoded:
                self.visible.add(ch, pos, m.end(), True)

    def handle_entityref(self, name):
        self._reference()

    def handle_charref(self, name):
        self._reference()

    def unknown_decl(self, data):
        self.visible.boundary(self._pos())


def html_visible(source: str) -> Visible:
    """The visible text of an HTML page, mapped to ``source``."""
    reader = _HTMLReader(source)
    reader.feed(source)
    reader.close()
    reader.visible.lock_urls()
    return reader.visible


# -- Markdown --------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _markdown_parser():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


_FRONT_MATTER = re.compile(r"\A(?:---|\+\+\+)[ \t]*\r?\n.*?^(?:---|\.\.\.|\+\+\+)[ \t]*$", re.M | re.S)
_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_INLINE_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)(?:\s[^<>]*)?/?>|<!--.*?-->", re.S)
_AUTOLINK = re.compile(r"<(?:[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*|[^\s<>@]+@[^\s<>@]+)>")
_MD_ESCAPE = re.compile(r"([\\`*_\[\]<>&|~])")


def _closing(text: str, i: int, open_: str, close: str) -> int:
    """Index of the bracket closing the one at ``i`` (backslash escapes and
    code spans respected), or -1."""
    depth = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "`":
            j = i
            while j < n and text[j] == "`":
                j += 1
            k = text.find("`" * (j - i), j)
            i = k + (j - i) if k >= 0 else j
            continue
        if ch == open_:
            depth += 1
        elif ch == close:
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def _scan_inline(content: str, offsets: list[int], breaks: dict[int, tuple[int, int]],
                 visible: Visible) -> None:
    """Read one inline run of Markdown (a paragraph, heading or table cell).

    ``offsets[i]`` is the source offset of ``content[i]``; ``breaks`` maps the
    position of each soft line break to the source span it stands for.
    """
    n = len(content)
    jumps: dict[int, int] = {}  # "]" of a link text -> index after its target
    i = 0
    while i < n:
        if i in jumps:
            visible.boundary(offsets[i])
            i = jumps.pop(i)
            continue
        ch = content[i]
        if ch == "\n":  # a soft line break: a line break, as in plain text
            a, b = breaks[i]
            visible.add("\n", a, b, True)
            i += 1
        elif ch == "\\" and i + 1 < n and content[i + 1] in _PUNCT:
            visible.add(content[i + 1], offsets[i], offsets[i + 1] + 1, True)
            i += 2
        elif ch == "`":
            j = i
            while j < n and content[j] == "`":
                j += 1
            run = j - i
            k = j
            while True:
                k = content.find("`" * run, k)
                if k < 0 or ((k + run >= n or content[k + run] != "`") and content[k - 1] != "`"):
                    break
                while k < n and content[k] == "`":
                    k += 1
            if k < 0:  # no closing run: literal backticks
                for t in range(i, j):
                    visible.add("`", offsets[t], offsets[t] + 1, True)
                i = j
            else:  # a code span: never read
                visible.boundary(offsets[i])
                i = k + run
        elif ch == "<":
            m = _AUTOLINK.match(content, i) or _INLINE_TAG.match(content, i)
            if not m:
                visible.add("<", offsets[i], offsets[i] + 1, True)
                i += 1
            elif m.re is _INLINE_TAG and m.group(2) and m.group(2).lower() in HTML_SKIP and not m.group(1):
                close = re.compile(rf"</{re.escape(m.group(2))}\s*>", re.I).search(content, m.end())
                visible.boundary(offsets[i])
                i = close.end() if close else n
            elif m.re is _INLINE_TAG and (not m.group(2) or m.group(2).lower() in HTML_INLINE):
                i = m.end()  # inline tag or comment: transparent
            else:  # autolink or a block-level tag
                visible.boundary(offsets[i])
                i = m.end()
        elif ch == "!" and i + 1 < n and content[i + 1] == "[":
            end = _closing(content, i + 1, "[", "]")
            if end < 0:
                visible.add("!", offsets[i], offsets[i] + 1)
                i += 1
                continue
            visible.boundary(offsets[i])  # an image: alt text and target are not read
            i = _after_target(content, end + 1)
        elif ch == "[":
            end = _closing(content, i, "[", "]")
            if end >= 0:
                after = _after_target(content, end + 1)
                if after > end + 1:
                    jumps[end] = after
            i += 1  # link text is read; the brackets are transparent
        elif ch == "]":
            i += 1
        elif ch in "*_~":
            if ch == "_" and 0 < i < n - 1 and content[i - 1].isalnum() and content[i + 1].isalnum():
                visible.add("_", offsets[i], offsets[i] + 1)
            i += 1  # emphasis delimiters: transparent
        elif ch == "&":
            m = _ENTITY.match(content, i)
            decoded = html.unescape(m.group()) if m and m.group().endswith(";") else None
            if decoded and decoded != m.group() and len(decoded) == 1:
                visible.add(decoded, offsets[i], offsets[m.end() - 1] + 1)
                i = m.end()
            else:
                visible.add("&", offsets[i], offsets[i] + 1, True)
                i += 1
        else:
            j = i + 1
            while j < n and content[j] not in "\n\\`<![]*_~&" and offsets[j] == offsets[j - 1] + 1:
                j += 1
            visible.add_run(content[i:j], offsets[i])
            i = j


def _after_target(content: str, k: int) -> int:
    """Index after a link target ``(url "title")`` or reference ``[label]``
    that starts at ``k``; ``k`` itself when there is none."""
    if k < len(content) and content[k] == "(":
        depth, i = 0, k
        quote = ""
        while i < len(content):
            ch = content[i]
            if ch == "\\":
                i += 2
                continue
            if quote:
                if ch == quote:
                    quote = ""
            elif ch in "\"'" and depth == 1 and content[i - 1].isspace():
                quote = ch
            elif ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
                if depth == 0:
                    return i + 1
            i += 1
        return k
    if k < len(content) and content[k] == "[":
        end = _closing(content, k, "[", "]")
        return end + 1 if end >= 0 else k
    return k


def markdown_visible(source: str) -> Visible:
    """The visible text of a Markdown document, mapped to ``source``.

    markdown-it-py finds the blocks (its tokens carry source line ranges), so
    fences, indented code, HTML blocks and link reference definitions follow
    CommonMark exactly; the inline content of each paragraph, heading and
    table cell is located in its source lines and read by :func:`_scan_inline`.
    """
    visible = Visible()
    line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
    fm = _FRONT_MATTER.match(source)
    skip_before = source.count("\n", 0, fm.end()) + 1 if fm else 0
    tokens = _markdown_parser().parse(source)
    cursor: dict[int, int] = {}
    in_cell = False
    last_line = None
    for tok in tokens:
        if tok.type in ("th_open", "td_open"):
            in_cell = True
        elif tok.type in ("th_close", "td_close"):
            in_cell = False
        if tok.type != "inline" or not tok.map:
            continue
        first = tok.map[0]
        # blank lines between blocks read as they do in plain text
        blank = 1 if last_line is not None and first > last_line else 0
        visible.boundary(line_starts[first], blank)
        last_line = tok.map[1]
        if first < skip_before or not tok.content:
            continue
        located = _locate(source, line_starts, tok.content, first, tok.map[1], in_cell, cursor)
        if located is None:  # could not tell where the text is: leave it alone
            continue
        offsets, breaks = located
        _scan_inline(tok.content, offsets, breaks, visible)
    visible.boundary(len(source))
    visible.lock_urls()
    return visible


def _locate(source, line_starts, content, first, last, in_cell, cursor):
    offsets: list[int] = []
    breaks: dict[int, tuple[int, int]] = {}
    lines = content.split("\n")
    prev_end = -1
    for k, text in enumerate(lines):
        li = first + k
        if li >= last or li >= len(line_starts):
            return None
        start = line_starts[li]
        end = line_starts[li + 1] - 1 if li + 1 < len(line_starts) else len(source)
        if end > start and source[end - 1] == "\r":
            end -= 1
        src = source[start:end]
        col = -1
        if not in_cell:  # a paragraph line is its source line less the container prefix
            stripped = src.rstrip()
            col = len(stripped) - len(text.rstrip())
            if col < 0 or src[col:col + len(text)] != text:
                col = -1
        if col < 0:
            col = src.find(text, cursor.get(li, 0))
            if col < 0:
                return None
        cursor[li] = col + len(text)
        if k:
            breaks[len(offsets)] = (prev_end, start + col)
            offsets.append(prev_end)
        offsets.extend(range(start + col, start + col + len(text)))
        prev_end = start + col + len(text)
    return offsets, breaks


# -- restoring -------------------------------------------------------------

_WORD = re.compile(r"\s+|\w+|[^\w\s]")


def _changed(before: str, after: str) -> list[tuple[int, int, str]]:
    """The parts of ``before`` that really change, as (start, end, replacement):
    a diff over words in which any two whitespace runs are equal."""
    tb, ta = _WORD.findall(before), _WORD.findall(after)
    kb = [" " if t[0].isspace() else t for t in tb]
    ka = [" " if t[0].isspace() else t for t in ta]
    pos = [0]
    for t in tb:
        pos.append(pos[-1] + len(t))
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, kb, ka, autojunk=False).get_opcodes():
        if op != "equal":
            out.append((pos[i1], pos[i2], "".join(ta[j1:j2])))
    return out


def restore_visible(source: str, visible: Visible, config: Config, escape) -> ExplainedText:
    """Restore ``visible`` as one document; return the new source and its edits
    (offsets into ``source``; ``apply_edits(source, edits) == text``)."""
    text = visible.text()
    if not text.strip():
        return ExplainedText(source, [])
    result = fix_and_explain(text, config)
    return ExplainedText(*_carry_back(source, visible, result.edits, escape))


def _carry_back(source: str, visible: Visible, edits: list[Edit], escape) -> tuple[str, list[Edit]]:
    out: list[Edit] = []
    starts, ends, locked = visible.starts, visible.ends, visible.locked
    for e in edits:
        parts = [(e.start + a, e.start + b, rep) for a, b, rep in _changed(e.before, e.after)]
        if any(locked[i] for a, b, _ in parts for i in range(a, b)):
            continue
        mine: list[Edit] = []
        for a, b, rep in parts:
            rep = escape(rep)
            if a == b:  # pure insertion: after the previous character
                pos = ends[a - 1] if a > 0 else starts[a]
                mine.append(Edit(pos, pos, "", rep, e.rule, e.score, e.source))
                continue
            groups = [[starts[a], ends[a]]]
            for i in range(a + 1, b):
                if starts[i] == groups[-1][1]:
                    groups[-1][1] = ends[i]
                else:
                    groups.append([starts[i], ends[i]])
            for k, (s, t) in enumerate(groups):
                after = rep if k == 0 else ""
                if source[s:t] != after:
                    mine.append(Edit(s, t, source[s:t], after, e.rule, e.score, e.source))
        out.extend(mine)
    out.sort(key=lambda e: (e.start, e.end))
    return apply_edits(source, out), out


def _html_escape(text: str) -> str:
    return html.escape(text, quote=False)


def _md_escape(text: str) -> str:
    return _MD_ESCAPE.sub(r"\\\1", text)


def fix_html(source: str, config: Config | None = None, **kwargs) -> ExplainedText:
    """Restore the visible text of an HTML page; markup stays byte for byte."""
    check_text(source)
    config = config_from_kwargs(config, kwargs)
    return restore_visible(source, html_visible(source), config, _html_escape)


def fix_markdown(source: str, config: Config | None = None, **kwargs) -> ExplainedText:
    """Restore the visible text of a Markdown document; markup stays byte for byte."""
    check_text(source)
    config = config_from_kwargs(config, kwargs)
    return restore_visible(source, markdown_visible(source), config, _md_escape)


ESCAPES = {"html": _html_escape, "md": _md_escape}
