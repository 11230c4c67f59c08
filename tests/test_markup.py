"""HTML and Markdown keep their markup byte for byte; only visible text is restored (issue 9)."""
from __future__ import annotations

import html
import io
import re
from html.parser import HTMLParser

from hypothesis import given, strategies as st

import respin.cli
from respin import apply_edits, fix_and_explain, fix_html, fix_markdown, fix_text
from respin.markup import html_visible

from test_records import _clean_texts, _spun_texts

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Tariffs and the provide chain</title>
<style>.provide-chain { color: red } /* yr */</style>
<script>var yr = 2024; if (a < b && c) { console.log("p.c"); }</script>
</head>
<body>
<!-- the provide chain yr comment -->
<h1 class='provide chain' title="White Home">The White&nbsp;Home on the provide <em>chain</em></h1>
<p>Shares rose 3 p.c this yr, officers stated, as the
   provide chain eased. <a href="https://example.com/provide-chain?yr=1" alt=yr>Read
   extra</a> about synthetic <b>intelligence</b> &amp; the {industry}.</p>
<pre>p.c yr provide chain</pre>
<p>Use <code>yr</code> in code; see https://example.com/the-provide-chain for more.</p>
<textarea>p.c</textarea>
<img src="x.png" alt="provide chain">
</body>
</html>
"""

SKIP = {"script", "style", "code", "pre", "textarea"}


class _Events(HTMLParser):
    """Independent reading of a page: every markup event with its exact source
    text, every text event outside SKIP elements as text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.markup: list[tuple[str, str]] = []
        self.text: list[str] = []
        self.inside: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.markup.append(("start", self.get_starttag_text()))
        if tag in SKIP:
            self.inside.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.markup.append(("startend", self.get_starttag_text()))

    def handle_endtag(self, tag):
        self.markup.append(("end", tag))
        if self.inside and self.inside[-1] == tag:
            self.inside.pop()

    def handle_data(self, data):
        if self.inside:
            self.markup.append(("data in " + self.inside[-1], data))
        else:
            self.text.append(data)

    def handle_comment(self, data):
        self.markup.append(("comment", data))

    def handle_decl(self, decl):
        self.markup.append(("decl", decl))


def _events(page: str) -> _Events:
    p = _Events()
    p.feed(page)
    p.close()
    return p


def test_html_page_only_visible_text_changes():
    result = fix_html(PAGE)
    before, after = _events(PAGE), _events(result.text)
    # everything outside text nodes, byte for byte: tags with their attributes
    # as written, comments, doctype, script/style/pre/code/textarea content
    assert after.markup == before.markup
    assert apply_edits(PAGE, result.edits) == result.text
    for e in result.edits:
        assert PAGE[e.start:e.end] == e.before
    assert result.text == (
        PAGE.replace("the provide chain</title>", "the supply chain</title>")
        .replace("White&nbsp;Home on the provide <em>", "White&nbsp;House on the supply <em>")
        .replace("3 p.c this yr, officers stated", "3 percent this year, officials said")
        .replace("   provide chain eased", "   supply chain eased")
        .replace("   extra</a> about synthetic <b>", "   more</a> about artificial <b>")
        .replace("the {industry}.", "the industry."))
    # the visible text, as a reader sees it, is what fix_text makes of it
    shown = re.sub(r"[ \t\n]+", " ", "".join(after.text))
    assert "The White\xa0House on the supply chain" in shown
    assert "Shares rose 3 percent this year, officials said, as the supply chain eased." in shown


def test_phrase_across_inline_tags_and_entities_keeps_them():
    assert fix_html("<p>the provide <em>chain</em> grew</p>").text == "<p>the supply <em>chain</em> grew</p>"
    assert fix_html("<p>the <i>provide</i> chain grew</p>").text == "<p>the <i>supply</i> chain grew</p>"
    assert fix_html("<p>the White&nbsp;Home said</p>").text == "<p>the White&nbsp;House said</p>"
    assert fix_html("<p>the White&#160;Home said</p>").text == "<p>the White&#160;House said</p>"
    assert fix_html("<p>up 3 p.c</p><p>yr</p>").text == "<p>up 3 percent</p><p>year</p>"
    # a block tag is a line break: no phrase runs across it
    assert fix_html("<p>the provide</p><p>chain grew 3 p.c</p>").text == \
        "<p>the provide</p><p>chain grew 3 percent</p>"
    # a replacement holding & or < is escaped
    src = "<p>x</p>"
    assert fix_html(src).text == src


def _article_page(text: str) -> str:
    """A news page around ``text``: head with style and script, navigation
    without visible words, every 7th word in <em>, every 13th a link with
    attributes, every 11th space an &nbsp;, comments between paragraphs, code."""
    out = ['<!DOCTYPE html><html><head><style>p{margin:0} .yr{}</style>'
           '<script>var yr = "p.c"; if (a < b) {}</script></head><body><nav class="provide chain">'
           '<img src="/yr.png" alt="White Home"></nav><article>\n']
    w = 0
    for para in text.split("\n"):
        if not para.strip():
            continue
        words = para.split(" ")
        pieces = []
        for k, word in enumerate(words):
            w += 1
            word = html.escape(word, quote=False)
            if w % 7 == 0:
                word = f"<em>{word}</em>"
            elif w % 13 == 0:
                word = f'<a href="/x?yr={w}" title="p.c">{word}</a>'
            pieces.append(word)
            if k < len(words) - 1:
                pieces.append("&nbsp;" if w % 11 == 0 else " ")
        out.append("<p>" + "".join(pieces) + "</p>\n<!-- ad: provide chain -->\n")
    out.append("<pre>p.c yr</pre><code>provide chain</code></article></body></html>\n")
    return "".join(out)


def test_corpus_as_news_pages_with_inline_tags_and_entities():
    """Each spun text as a page whose phrases are cut by inline tags and
    entities: markup identical, and the text of every paragraph exactly what
    fix_text makes of the plain article; each clean page byte-identical."""
    def shown(page):
        return [html.unescape(re.sub(r"<[^>]+>", "", p)).replace("\xa0", " ")
                for p in re.findall(r"<p>(.*?)</p>", page, re.S)]

    for text in _clean_texts():
        assert fix_html(_article_page(text)).text == _article_page(text)
    cut_by_tags = 0
    for text in _spun_texts():
        page = _article_page(text)
        result = fix_html(page)
        assert _events(result.text).markup == _events(page).markup
        assert shown(result.text) == [p for p in fix_text(text).split("\n") if p.strip()]
        visible = html_visible(page)
        for e in fix_and_explain(visible.text()).edits:
            cut_by_tags += "<" in page[visible.starts[e.start]:visible.ends[e.end - 1]]
    assert cut_by_tags >= 20  # restored phrases that cross a tag in the page


def test_corpus_as_html_pages():
    def page(text):
        return "<html><body>\n" + "".join(f"<p>{html.escape(p)}</p>\n" for p in text.split("\n") if p.strip()) \
            + "</body></html>\n"

    for text in _clean_texts():
        assert fix_html(page(text)).text == page(text)
    for text in _spun_texts():
        got = [html.unescape(p) for p in re.findall(r"<p>(.*?)</p>", fix_html(page(text)).text)]
        assert got == [p for p in fix_text(text).split("\n") if p.strip()]


MARKDOWN = """---
title: The provide chain yr
---

# Tariffs and the provide chain

> Shares rose 3 p.c this yr, officers stated, as the
> provide chain eased. Read [extra about it](https://example.com/provide-chain "the provide chain") and
> see ![provide chain](img/provide-chain.png).

Use `yr` and ``p.c ` yr`` in code, or <code>p.c</code>; the White&nbsp;Home said synthetic **intelligence** matters.
See https://example.com/the-provide-chain and <https://example.com/yr>. Also \\*p.c\\*.

```python
yr = "provide chain"  # p.c
```

    p.c indented code yr

| col | provide chain |
|-----|---------------|
| yr  | 3 p.c         |

- The provide chain
  continued over the yr

[ref]: https://example.com/provide-chain "provide chain"

<div>
provide chain in an HTML block yr
</div>
"""


def _md_tokens(text):
    """markdown-it's reading of a document: every token with its markup, code
    and attributes; the text of prose tokens separately."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    markup, prose = [], []

    def walk(tokens):
        for t in tokens:
            if t.type == "text":
                prose.append(t.content)
                markup.append(("text",))
            elif t.children is not None:
                walk(t.children)
            else:
                keep = t.content if t.type in ("code_inline", "fence", "code_block", "html_block",
                                               "html_inline") else None
                markup.append((t.type, t.tag, t.markup, t.info, tuple(sorted((t.attrs or {}).items())),
                               keep, tuple(t.map or ())))
    walk(md.parse(text))
    return markup, prose


def test_markdown_page_only_visible_text_changes():
    result = fix_markdown(MARKDOWN)
    assert apply_edits(MARKDOWN, result.edits) == result.text
    before, after = _md_tokens(MARKDOWN), _md_tokens(result.text)
    # structure, code, HTML, link targets, image alt and source: all as written
    assert after[0] == before[0]
    old_lines, new_lines = MARKDOWN.split("\n"), result.text.split("\n")
    changed = [k + 1 for k, (a, b) in enumerate(zip(old_lines, new_lines)) if a != b]
    assert changed == [5, 7, 8, 11, 12, 20, 22, 24, 25]
    for n in (1, 2, 3, 9, 14, 15, 16, 18, 21, 27, 29, 30, 31):  # front matter, code, image, HTML, refs
        assert old_lines[n - 1] == new_lines[n - 1]
    assert new_lines[7] == ('> supply chain eased. Read [more about it](https://example.com/provide-chain '
                            '"the provide chain") and')
    assert new_lines[10] == ("Use `yr` and ``p.c ` yr`` in code, or <code>p.c</code>; the White&nbsp;House "
                             "said artificial **intelligence** matters.")
    assert new_lines[11] == ("See https://example.com/the-provide-chain and <https://example.com/yr>. "
                             "Also \\*percent\\*.")


def test_corpus_as_markdown_equals_plain_text():
    for text in _clean_texts():
        assert fix_markdown(text).text == text
    for text in _spun_texts():
        assert fix_markdown(text).text == fix_text(text)


def test_cli_guesses_the_format_from_the_extension(tmp_path):
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "page.md").write_text(MARKDOWN, encoding="utf-8")
    out = io.BytesIO()
    status = respin.cli.main([str(tmp_path / "page.html")], stdout=out, stderr=io.StringIO())
    assert status == 0 and out.getvalue().decode() == fix_html(PAGE).text
    status = respin.cli.main([str(tmp_path / "page.html"), str(tmp_path / "page.md"), "-o",
                              str(tmp_path / "out")], stderr=io.StringIO())
    assert status == 0
    assert (tmp_path / "out" / "page.md").read_text(encoding="utf-8") == fix_markdown(MARKDOWN).text
    out = io.BytesIO()
    status = respin.cli.main(["--format", "md", "--score"], stdin=io.BytesIO(MARKDOWN.encode()),
                             stdout=out, stderr=io.StringIO())
    assert status == 0 and out.getvalue().count(b"\n") == 1 and b'"score"' in out.getvalue()


_PIECES = ["provide chain", "p.c", "yr", "White Home", "officers stated", "synthetic", "the", "news",
           "said", "3", "{industry}", "&amp;", "&nbsp;", "&lt;", " ", "\n", ","]
_TAGS = ["<em>", "</em>", "<b>", "</b>", "<p>", "</p>", "<br>", "<!-- p.c yr -->",
         '<a href="/provide-chain?yr=1" title="p.c">', "</a>", "<code>p.c yr</code>",
         "<script>var yr = 'p.c';</script>", "<style>.yr{}</style>", "<pre>provide chain</pre>",
         "<img alt='White Home'>", "<span class=yr>", "</span>"]


@given(st.lists(st.sampled_from(_PIECES + _TAGS), max_size=40))
def test_random_pages_never_change_markup(parts):
    page = "".join(parts)
    result = fix_html(page)
    assert apply_edits(page, result.edits) == result.text
    assert _events(result.text).markup == _events(page).markup


_MD_PIECES = ["provide chain", "p.c", "yr", "White Home", "officers stated", "the", " ", "\n",
              "\n\n", "`yr`", "``p.c``", "*", "**", "_", "[", "]", "(http://x/yr)", "![yr](y.png)",
              "<em>", "</em>", "<code>yr</code>", "&amp;", "&nbsp;", "\\*", "# ", "> ", "- ",
              "1. ", "    ", "```\n", "~~~", "|", "---", "<!-- yr -->", "https://x.y/yr ", "<http://yr>"]


@given(st.lists(st.sampled_from(_MD_PIECES), max_size=40))
def test_random_markdown_never_changes_markup(parts):
    text = "".join(parts)
    result = fix_markdown(text)
    assert apply_edits(text, result.edits) == result.text
    assert _md_tokens(result.text)[0] == _md_tokens(text)[0]
