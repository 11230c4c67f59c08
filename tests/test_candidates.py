"""Matching and protection: what respin may and may not touch."""
from __future__ import annotations

import pytest

from respin.candidates import analyse, find_candidates
from respin.lexicon import parse_lexicon

LEX = parse_lexicon([
    "# respin-lexicon 1",
    "t/1\tp.c\tpercent\td\tartifact",
    "t/2\tfinancial\teconomic\td\tambiguous",
    "t/3\tWhite Home\tWhite House\td\tartifact,multiword,name",
    "t/4\tCould <num>\tMay <num>\td\tartifact,multiword,name",
    "t/5\tsecond\tmoment\td\tambiguous",
    "t/6\tprovide chain\tsupply chain\td\tartifact,multiword",
    "t/7\tsafety\tsecurity\td\tambiguous",
])


def spans(text: str) -> list[tuple[str, str]]:
    return [(text[c.start:c.end], c.entry.id) for c in find_candidates(text, LEX)]


def test_plain_matches():
    assert spans("a financial plan rose 3 p.c") == [("financial", "t/2"), ("p.c", "t/1")]
    assert spans("the provide  chain") == [("provide  chain", "t/6")]


@pytest.mark.parametrize("text", [
    "“financial” she said",
    '"a financial plan," he said',
    "‘financial’ items",
    "he said: “it is a financial matter and p.c",     # unclosed: to end of line
    "see https://example.com/financial-p.c now",
    "mail financial@example.com",
    "#financial and @financial",
    "run `financial` now",
])
def test_protected_text_is_untouched(text):
    assert spans(text) == []


def test_quote_protection_ends_at_the_line():
    assert spans("“financial\nfinancial") == [("financial", "t/2")]


def test_names_are_protected():
    assert spans("the Financial Times said") == []
    assert spans("Indo-Pacific Safety Initiative") == []
    assert spans("Financial Conduct Authority fined") == []      # initial, next capitalised
    assert spans("FINANCIAL news") == []                          # acronyms / shouting
    assert spans("Financial markets fell.") == [("Financial", "t/2")]
    assert spans("It fell. Financial markets") == [("Financial", "t/2")]
    assert spans("the U.S. Financial markets") == []


def test_name_rules_override_and_match_case():
    assert spans("the White Home said") == [("White Home", "t/3")]
    assert spans("a white home") == []
    assert spans("on Could 5, 2025") == [("Could 5", "t/4")]
    cands = find_candidates("on Could 12", LEX)
    assert cands[0].originals == ("May 12",)
    assert spans("We Could not") == []


def test_compounds_and_units_are_left_alone():
    assert spans("AI-financial deal") == []
    assert spans("financial-sector") == []
    assert spans("up 30 p.c") == [("p.c", "t/1")]       # artifacts may follow numbers


def test_words_after_numbers_are_candidates_and_the_scorer_keeps_units():
    # "14 factors" (points) and "20,000 shops" (stores) are spun; a unit after
    # a number ("a 30 second spot") is left to the context model, which keeps it
    assert spans("a 30 second spot") == [("second", "t/5")]
    import respin
    spun = ("Officers stated the invoice would cross the Home this week, and the "
            "authorities price range rose 5 p.c. The marketing campaign ran a 30 second "
            "spot on nationwide tv, and 14 factors separated the 2 candidates.")
    out = respin.fix_text(spun)
    assert "a 30 second spot" in out
    assert "14 points separated" in out
    assert spans("see p.com") == []


def test_builtin_brace_and_numeral():
    got = find_candidates("the {auto industry} rose to five,653 units", LEX)
    assert [(c.entry.id, c.originals) for c in got] == [
        ("builtin/brace", ("auto industry",)), ("builtin/numeral", ("5",))]
    assert find_candidates("{x1} {} { a }", LEX) == []
    assert find_candidates("five, 653 and five,65", LEX) == []


def test_segment_keeps_mask_aligned():
    seg = analyse("“financial” financial", LEX)
    assert seg.protected == [True, True, True, False]
    assert len(seg.candidates) == 1


_STARTS_LEX = parse_lexicon([
    "# respin-lexicon 1",
    "t/1\tp.c\tpercent\td\tartifact",
    "t/2\tfinancial\teconomic\td\tambiguous",
    "t/3\tWhite Home\tWhite House\td\tartifact,multiword,name",
    "t/4\tCould <num>\tMay <num>\td\tartifact,multiword,name",
    "t/5\tto <num> p.c\tto <num> percent\td\tartifact,multiword",
    "t/6\tprovide chain\tsupply chain\td\tartifact,multiword",
    "t/7\t<num> yr\t<num> year\td\tartifact,multiword",
    "t/8\tin the meantime\tmeanwhile\td\tambiguous,multiword",
])


@pytest.mark.parametrize("text", [
    "a financial plan rose to 3 p.c in 2 yr, and in the meantime the provide chain held",
    "in\tthe\u00a0meantime the provide\tchain; in the\nmeantime, to 5 p.c",
    "White Home said in Could 5 that in the provide chain 3 yr to 4.5 p.c p.c",
    "in the in the in the meantime provide provide chain to to 7 p.c",
])
def test_starts_skip_only_tokens_where_nothing_matches(text):
    # find_candidates visits only the tokens _starts picks (C-speed tests over
    # all tokens); visiting every token must find exactly the same
    from respin.tokens import tokenize

    for lex in (LEX, _STARTS_LEX):
        tokens = tokenize(text)
        mask = [False] * len(tokens)
        assert find_candidates(text, lex, tokens, mask) == \
            find_candidates(text, lex, tokens, mask, range(len(tokens)))
