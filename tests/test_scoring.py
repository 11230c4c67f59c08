"""Pin the external data respin reads, and the language model built on it."""
from __future__ import annotations

import math

import wordfreq

from respin.scoring import BIGRAM_THRESHOLD, context_model, load_bigrams


def test_bigram_file_is_pinned():
    table = load_bigrams()
    assert len(table) == 242_342
    assert table["in spite"] == 168_655_040
    assert min(table.values()) == BIGRAM_THRESHOLD


def test_wordfreq_unigrams_are_pinned():
    # the values respin's tuned constants were measured with (wordfreq 3.x, "en")
    assert wordfreq.zipf_frequency("economic", "en") == 5.1
    assert wordfreq.zipf_frequency("yr", "en") == 3.79


def test_context_prefers_natural_pairs():
    lm = context_model()
    assert lm.logp("supply", "chain") > lm.logp("provide", "chain")
    assert lm.logp("artificial", "intelligence") > lm.logp("synthetic", "intelligence")
    assert lm.logp("in", "spite") > lm.logp("in", "spit")


def test_unknown_words_are_rare_not_impossible():
    lm = context_model()
    value = lm.logp(None, "zzqxjv")
    assert math.isfinite(value) and value < math.log(1e-8)


def test_missing_pair_is_capped_by_the_threshold():
    lm = context_model()
    # "pivotal moment" is not in the truncated list: its estimate is bounded
    assert lm.logp("pivotal", "moment") <= math.log(lm.p("moment")) + 1e-12


def test_sequence_boundaries_reset_context():
    lm = context_model()
    with_break = lm.logp_sequence("supply", [None, "chain"])
    assert with_break == lm.logp(None, "chain")
