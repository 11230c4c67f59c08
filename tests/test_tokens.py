import re
import sys

from hypothesis import given
from hypothesis import strategies as st

from respin import tokens
from respin.tokens import gap_key, is_number, phrase_key, tokenize, word_tokens


def test_offsets_point_at_token_text():
    text = "Korea’s 25 p.c {industry}, up 3.2% in Q2."
    for t in tokenize(text):
        assert text[t.start:t.end] == t.text


@given(st.text())
def test_offsets_always_slice_back(text):
    toks = tokenize(text)
    for t in toks:
        assert text[t.start:t.end] == t.text
    assert all(a.end <= b.start for a, b in zip(toks, toks[1:]))
    # only whitespace is dropped
    rest = list(text)
    for t in toks:
        for i in range(t.start, t.end):
            rest[i] = ""
    assert "".join(rest).strip() == ""


def test_numbers_are_single_tokens():
    assert [t.text for t in tokenize("to 5,653 and 3.2")] == ["to", "5,653", "and", "3.2"]
    assert is_number("5,653") and not is_number("five")


def test_phrase_keys_fold_case_and_spaces():
    assert phrase_key("Provide  Chain") == ("provide", " chain")
    assert phrase_key("p.c") == ("p", ".", "c")
    assert phrase_key("White Home", keep_case=True) == ("White", " Home")
    assert phrase_key("Could <num>", keep_case=True) == ("Could", " <num>")


def test_gap_keys():
    assert gap_key("") == "" and gap_key(" \t") == " "
    assert gap_key("\n") is None and gap_key(" - ") is None


def test_word_tokens_count_slots():
    assert word_tokens("Could <num>") == ["Could", "0"]
    assert word_tokens("p.c") == ["p", "c"]


# -- the word pattern, written as runs, matches as the plain alternation ----------

_PLAIN_WORD = re.compile(rf"[^\W\d_](?:[^\W_]|[{tokens._MARKS}])*")


def test_no_mark_is_a_letter_or_digit():
    # what makes "[^\W_]*(?:[marks]+[^\W_]*)*" the same run as "(?:[^\W_]|[marks])*"
    letter_or_digit = re.compile(r"[^\W_]")
    marks = re.compile(rf"[{tokens._MARKS}]")
    found = [hex(c) for c in range(sys.maxunicode + 1)
             if marks.match(chr(c)) and letter_or_digit.match(chr(c))]
    assert found == []


_ALPHABET = "aZé9_ -’'.\u0301\u0308\u20d7\ufe20ßΣİ\u00a0\ufeff{}" + "".join(
    chr(c) for c in (0x300, 0x36f, 0x1ab0, 0x1aff, 0x1dc0, 0x1dff, 0x20d0, 0x20ff, 0xfe2f))


@given(st.text(alphabet=st.sampled_from(_ALPHABET) | st.characters(), max_size=60))
def test_word_pattern_matches_as_the_plain_alternation(text):
    word = re.compile(tokens.WORD_PATTERN)
    assert [m.span() for m in word.finditer(text)] == [m.span() for m in _PLAIN_WORD.finditer(text)]


_GREEDY_TOKEN = re.compile(rf"{_PLAIN_WORD.pattern}|\d+(?:[.,]\d+)*|[^\s\ufeff]")


@given(st.text(alphabet=st.sampled_from(_ALPHABET + "0123456789,.٣²") | st.characters(),
               max_size=80))
def test_token_pattern_splits_as_the_greedy_one(text):
    # the tokenizer's possessive runs give back nothing a match could need
    assert tokens._TOKEN_SPLIT(text) == re.compile(f"({_GREEDY_TOKEN.pattern})").split(text)
