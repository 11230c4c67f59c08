"""Hypothesis properties of the whole pipeline (respin's addition to the model projects).

Example counts come from the Hypothesis profile (tests/conftest.py): "ci" by
default, ``pytest tests/test_properties.py --hypothesis-profile=thorough`` for
10,000 examples per property.
"""
from __future__ import annotations

import io
import re
import tempfile
from pathlib import Path

import pytest

from conftest import clean_sentences
from hypothesis import assume, given
from hypothesis import strategies as st

from respin import (
    Config,
    apply_edits,
    cli,
    default_lexicon,
    fix_and_explain,
    fix_lines,
    fix_text,
)
from respin.bench.second_pass import second_pass
from respin.tokens import tokenize

LEX = default_lexicon()
SPUN = sorted({e.spun for e in LEX if "<num>" not in e.spun})
ORIGINALS = sorted({o for e in LEX for o in e.originals if "<num>" not in o})
FILLER = ["the", "a", "an", "of", "and", "to", "in", "on", "was", "is", "said", "it", "they",
          "Korea", "Seoul", "President", "Lee", "company", "market", "3", "2,400", "$350"]
PUNCT = [",", ".", ";", ":", "—", "’s", "!", "?"]

word = st.one_of(st.sampled_from(SPUN), st.sampled_from(ORIGINALS), st.sampled_from(FILLER))


def _sentence(words: list[str], punct: str, capitalise: bool, quote: bool) -> str:
    s = " ".join(words)
    if quote:
        return "“" + s + punct + "”"
    return (s[:1].upper() + s[1:] if capitalise else s) + punct


sentence = st.builds(_sentence, st.lists(word, min_size=1, max_size=14), st.sampled_from(PUNCT),
                     st.booleans(), st.sampled_from([False, False, False, True]))
line = st.builds(lambda ss: " ".join(ss), st.lists(sentence, min_size=1, max_size=5))
document = st.builds(lambda ls, end: "\n".join(ls) + end,
                     st.lists(line, min_size=1, max_size=6), st.sampled_from(["", "\n", "\r\n"]))

# Two-way rows (issue 12): beside the shipped lexicon, a small test lexicon whose
# rows run against shipped ones (main -> major and major -> main, ...).
def _two_way_lexicon() -> str:
    """tests/cases/two_way.tsv less the rows whose spun form the shipped lexicon
    already has (learned rows may: "prices" -> "costs"), in a temporary file."""
    from respin.lexicon import default_lexicon
    from respin.tokens import phrase_key

    shipped = default_lexicon().index
    src = Path(__file__).parent / "cases" / "two_way.tsv"
    keep = [ln for ln in src.read_text(encoding="utf-8").splitlines()
            if ln.startswith("#") or not ln.strip()
            or phrase_key(ln.split("\t")[1], keep_case=False) not in shipped]
    out = Path(tempfile.mkdtemp(prefix="respin-two-way-")) / "two_way.tsv"
    out.write_text("\n".join(keep) + "\n", encoding="utf-8")
    return str(out)


TWO_WAY = Config(lexicons=(_two_way_lexicon(),))
TWO_WAY_WORDS = sorted({w for e in TWO_WAY.lexicon() if e.source == "user"
                        for w in (e.spun, *e.originals)})
two_way_document = st.builds(
    lambda ls: "\n".join(ls) + "\n",
    st.lists(st.builds(lambda ss: " ".join(ss), st.lists(st.builds(
        _sentence, st.lists(st.one_of(word, st.sampled_from(TWO_WAY_WORDS)), min_size=1, max_size=14),
        st.sampled_from(PUNCT), st.booleans(), st.sampled_from([False, False, False, True])),
        min_size=1, max_size=5)), min_size=1, max_size=6))


@given(two_way_document)
def test_one_pass_never_rewrites_text_it_restored(text):
    # the guarantee that replaces acyclicity: a pass matches its input once, so
    # every edit replaces input text and no edit applies to another's output
    res = fix_and_explain(text, TWO_WAY)
    prev_end = 0
    for e in res.edits:
        assert prev_end <= e.start and text[e.start:e.end] == e.before
        prev_end = e.end
    assert apply_edits(text, res.edits) == res.text


@pytest.mark.parametrize("config", [None, TWO_WAY], ids=["shipped", "two-way"])
def test_a_second_pass_rarely_touches_restored_text(config):
    # measured, not by construction (docs/how-it-works.md, "Two-way rules"): on
    # word salad of spun forms, originals and fillers (the `document` strategy,
    # seeded), a second pass edits restored text for under 0.2% of the first
    # pass's edits. It can: a chain (corporations -> companies, then companies
    # -> services) or a two-way pair whose counts make both directions likely
    # spins (forward <-> ahead, said <-> stated) where the context hardly
    # speaks. Measured 2026-12-02 on 3 x 1,000 such documents: 4-6 of ~20,100
    # first-pass edits touched again, 0-3 put back. With the seventh round's
    # lexicon (4,040 rows; the documents are drawn from the lexicon, so they
    # change with it), 4 seeds x 1,000 documents: 14-34 of 23,172-24,233
    # (at most 0.14%; the sixth round's lexicon 4-17), "stated" -> "said" after
    # "said" -> "stated" the most common; the goal is under 1%. 0 on
    # every corpus (scripts/second_pass.py).
    import random

    rnd = random.Random(20261202)

    def sentence() -> str:
        words = [rnd.choice(rnd.choice([SPUN, ORIGINALS, FILLER])) for _ in range(rnd.randint(1, 14))]
        return _sentence(words, rnd.choice(PUNCT), rnd.random() < 0.5, rnd.random() < 0.25)

    docs = ["\n".join(" ".join(sentence() for _ in range(rnd.randint(1, 5)))
                      for _ in range(rnd.randint(1, 6))) + "\n" for _ in range(600)]
    s = second_pass(docs, config)
    assert s.first > 10_000
    assert s.on_restored <= s.first / 500 and s.reverted <= s.first / 1000, s
    assert s.second <= s.first / 500, s


@given(document)
def test_edits_are_sorted_disjoint_and_replayable(text):
    res = fix_and_explain(text)
    assert res.text == fix_text(text)
    prev_end = 0
    for e in res.edits:
        assert prev_end <= e.start < e.end <= len(text)
        assert text[e.start:e.end] == e.before
        assert e.before != e.after
        prev_end = e.end
    assert apply_edits(text, res.edits) == res.text


@given(document)
def test_text_outside_edits_is_byte_identical(text):
    res = fix_and_explain(text)
    pos_in, pos_out = 0, 0
    for e in res.edits:
        gap = text[pos_in:e.start]
        assert res.text[pos_out:pos_out + len(gap)] == gap
        pos_out += len(gap) + len(e.after)
        pos_in = e.end
    assert res.text[pos_out:] == text[pos_in:]


def _has_no_key(text: str) -> bool:
    return all(t.text.lower() not in LEX.trie and t.text not in LEX.name_trie
               and t.text != "{" for t in tokenize(text))


@given(st.text(max_size=300).filter(_has_no_key))
def test_text_without_lexicon_keys_is_unchanged(text):
    assert fix_text(text) == text
    assert fix_and_explain(text).edits == []


@given(document)
def test_line_stream_equals_whole_text(text):
    parts = text.split("\n")
    lines = [p + "\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])
    assert "".join(fix_lines(lines)) == fix_text(text)


PROTECT = Config(quotes="protect")


@given(document)
def test_quoted_speech_is_never_edited(text):
    quoted = "“" + text.replace("\n", " ").replace("”", "").replace("“", "") + "”"
    assert fix_text(quoted) == quoted
    assert fix_text(quoted, PROTECT) == quoted


_QUOTE = re.compile(r"“[^”]*”")


@given(document)
def test_no_edit_inside_quotes_in_mixed_text(text):
    spans = [m.span() for m in _QUOTE.finditer(text)]
    for e in fix_and_explain(text, PROTECT).edits:
        assert not any(a < e.end and e.start < b for a, b in spans), (e, text[e.start - 20:e.end + 20])


def _spun_dev_paragraphs() -> list[str]:
    from respin.bench.corpora import parse_annotation

    root = Path(__file__).resolve().parent.parent / "benchmarks" / "corpora" / "dev"
    out = []
    for f in sorted(root.glob("*.ann.txt")):
        spun = parse_annotation(f.read_text(encoding="utf-8")).spun
        out += [p for p in spun.split("\n") if len(p.split()) > 20 and "“" not in p and '"' not in p
                and len(fix_and_explain(p).edits) >= 3]  # spun, and seen as spun on its own
    return out


SPUN_PARAGRAPHS = _spun_dev_paragraphs()


def test_auto_rarely_touches_clean_quotes_in_a_spun_document():
    """quotes="auto" on quoted speech in the author's own words inside strongly
    spun text (the hand-spun corpora's case): one to four spun dev paragraphs
    and one to four clean sentences in quotes, shuffled, 400 seeded mixtures.
    Not a law but a rate: the unlock is a statistical judgement (measured
    2026-12-02: 2 of these 400; on 765 mixtures of all long dev paragraphs, 3,
    against 171 of 735 with the same sentences unquoted; with the 442-pair
    lexicon 5 at the 3-nat bar, 3 at 4 nats). "protect" never edits there."""
    import random

    rnd = random.Random(20261202)
    clean = clean_sentences()
    touched = restored = 0
    for _ in range(400):
        said = ["“" + " ".join(s.replace("“", "").replace("”", "").replace('"', "").split()) + "”"
                for s in rnd.sample(clean, rnd.randint(1, 4))]
        parts = rnd.sample(SPUN_PARAGRAPHS, rnd.randint(1, 4)) + said
        rnd.shuffle(parts)
        text = "\n".join(parts) + "\n"
        spans = [m.span() for m in _QUOTE.finditer(text)]
        assert len(spans) == len(said)
        edits = fix_and_explain(text).edits
        restored += bool(edits)
        touched += any(a < e.end and e.start < b for e in edits for a, b in spans)
        if touched and rnd.random() < 0.1:
            assert not any(a < e.end and e.start < b for e in fix_and_explain(text, PROTECT).edits
                           for a, b in spans)
    assert restored == 400  # the text around the quotes is spun, and restored
    assert touched <= 4, f"{touched} of 400 mixtures had an edit inside clean quotes"


CLEAN = clean_sentences()
clean_document = st.builds(
    lambda paras: "\n\n".join(" ".join(p) for p in paras) + "\n",
    st.lists(st.lists(st.sampled_from(CLEAN), min_size=1, max_size=6), min_size=1, max_size=8))


@given(clean_document)
def test_clean_news_in_any_order_is_untouched(text):
    assert fix_text(text) == text


def _cli(data: bytes, *args: str) -> bytes:
    out = io.BytesIO()
    assert cli.main(list(args), stdin=io.BytesIO(data), stdout=out, stderr=io.StringIO()) == 0
    return out.getvalue()


@given(document)
def test_cli_equals_library(text):
    assert _cli(text.encode()) == fix_text(text).encode()


@given(st.lists(st.one_of(st.binary(max_size=40), document.map(str.encode)), max_size=6))
def test_cli_surrogateescape_equals_library_on_any_bytes(parts):
    data = b"".join(parts)
    # a UTF-16/32 byte-order mark chooses another codec (tested in test_cli.py)
    assume(not any(data.startswith(bom) for bom, codec in cli._BOMS if codec != "utf-8"))
    decoded = data.decode("utf-8", "surrogateescape")
    sample = data[:cli.READ_BYTES].decode("utf-8", "surrogateescape")
    if sample and cli._non_text(sample) / len(sample) >= cli.BINARY_SHARE:
        out, err = io.BytesIO(), io.StringIO()  # binary input is refused, never edited
        assert cli.main(["--errors", "surrogateescape"], stdin=io.BytesIO(data), stdout=out,
                        stderr=err) == 1
        assert out.getvalue() == b"" and "looks like binary data" in err.getvalue()
        return
    expected = fix_text(decoded).encode("utf-8", "surrogateescape")
    assert _cli(data, "--errors", "surrogateescape") == expected
