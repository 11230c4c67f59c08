from hypothesis import given
from hypothesis import strategies as st

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
