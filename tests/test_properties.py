"""Hypothesis properties of the whole pipeline (respin's addition to the model projects)."""
from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from respin import apply_edits, default_lexicon, fix_and_explain, fix_lines, fix_text
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

# 60 examples per property keep CI fast; RESPIN_HYPOTHESIS_EXAMPLES=400 for a deeper run
MAX_EXAMPLES = int(os.environ.get("RESPIN_HYPOTHESIS_EXAMPLES", "60"))
SETTINGS = settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(document)
def test_fixing_twice_is_fixing_once(text):
    once = fix_text(text)
    assert fix_text(once) == once


@SETTINGS
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


@SETTINGS
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


@SETTINGS
@given(st.text(max_size=300).filter(_has_no_key))
def test_text_without_lexicon_keys_is_unchanged(text):
    assert fix_text(text) == text
    assert fix_and_explain(text).edits == []


@SETTINGS
@given(document)
def test_line_stream_equals_whole_text(text):
    parts = text.split("\n")
    lines = [p + "\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])
    assert "".join(fix_lines(lines)) == fix_text(text)


@SETTINGS
@given(document)
def test_quoted_speech_is_never_edited(text):
    quoted = "“" + text.replace("\n", " ").replace("”", "").replace("“", "") + "”"
    assert fix_text(quoted) == quoted
