"""The spun-text speed-ups (issue 11, spun path) compute exactly what they replace.

Each shortcut has its own check here, against the code it stands in for,
beside the whole-pipeline comparisons with ``reference_mode()`` in
tests/test_speed.py.
"""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from respin import default_lexicon, fix_and_explain
from respin.candidates import analyse
from respin.detect import _best_rate, _document_level, _GroupedSlope, estimate
from respin.precompute import reference_mode
from respin.scoring import context_model

LEX = default_lexicon()

SPUN = ("The financial outlook stays important, officers stated, as the provide chain and the "
        "synthetic intelligence know-how remain a pivotal second for the authorities. Shares rose "
        "5 p.c final yr, the {industry} mentioned, and nationwide well being officers informed the "
        "invoice's backers that the laws would assist college students. ")


# -- the rate search ------------------------------------------------------------

# pools of few values, so that pairs repeat as a rule's matches do
_value = st.sampled_from([1e-9, 3e-7, 2e-5, 1e-4, 0.003, 0.02, 0.5, 0.9, 1.0, 7.0, 1e3])
_pair = st.tuples(_value, _value)


@given(st.lists(_pair, min_size=0, max_size=6).flatmap(
           lambda pool: st.lists(st.sampled_from(pool) if pool else _pair, min_size=0,
                                 max_size=120)),
       st.sampled_from([0.0, 1.0, 4.0, 4.5, 37.0, 1e4]),
       st.booleans(), st.sampled_from([0.25, 1.0, 0.7071067811865475]))
def test_rate_search_with_grouped_terms_equals_the_sequential_one(pairs, untouched, weighted, w):
    weights = [w if k % 3 else 1.0 for k in range(len(pairs))] if weighted else None
    with reference_mode():
        want = _best_rate(pairs, untouched, weights)
    assert _best_rate(pairs, untouched, weights) == want


def test_rate_search_with_balanced_terms_equals_the_sequential_one():
    # one spun and one clean kind of match, balanced so that the root sits at
    # 0.5, which the bisection's steps approach from both sides (the fallback
    # itself is exercised in the next test)
    pairs = [(1.0, 2.0)] * 40 + [(2.0, 1.0)] * 40
    for untouched in (0.0, 1e-12, 3.0):
        with reference_mode():
            want = _best_rate(pairs, untouched)
        assert _best_rate(pairs, untouched) == want


def test_grouped_slope_defers_to_the_sequential_sum_when_unsure():
    calls = []

    def exact(rho):
        calls.append(rho)
        return 0.0
    # at rho = 0 the terms cancel exactly: the sign is the sequential sum's to give
    terms = [(1.0, 1.0, 2.0)] * 20 + [(-1.0, 1.0, 0.0)] * 20
    slope = _GroupedSlope.of_terms(terms, 0.0, exact)
    assert slope(0.0) == 0.0 and calls == [0.0]
    assert slope(0.25) < 0.0 and calls == [0.0]  # far from zero: decided without it
    assert _best_rate([(1.0, 2.0)] * 20 + [(1.0, 0.0)] * 20, 0.0) == 0.0


def test_sign_oracle_answers_as_the_sequential_slope():
    # the bisection asks the oracle instead of summing; its answers must be
    # the sequential slope's signs, near the root and far from it
    seg = analyse(SPUN * 12, LEX)
    level = _document_level(seg, LEX, context_model())
    for pairs, untouched, weights in ((level.evidence_pairs, level.n_untouched + 4.0, level.weights),
                                      (level.pairs, 4.0, [1.0] * len(level.pairs))):
        terms = [(w * (b - a), a, b) for (a, b), w in zip(pairs, weights)]

        def exact(rho):
            keep = 1.0 - rho
            s = -untouched / keep
            for num, a, b in terms:
                s += num / (keep * a + rho * b)
            return s
        grouped = _GroupedSlope.of_pairs(pairs, weights, untouched, exact)
        positive = grouped.sign_oracle(0.0, 0.999)
        assert positive is not None  # the shortcut is taken on real text
        root = _best_rate(pairs, untouched, weights)
        points = [k / 997 for k in range(998)] + [root + k * 1e-12 for k in range(-50, 51)]
        for rho in points:
            if 0.0 <= rho <= 0.999:
                assert positive(rho) == (exact(rho) > 0.0), rho


def test_sign_oracle_refuses_what_its_proof_does_not_cover():
    def never(rho):
        raise AssertionError("not asked")
    # a zero "a" (the proof needs a > 0) and an infinite term: no oracle
    assert _GroupedSlope.of_terms([(1.0, 0.0, 2.0)] * 20, 1.0, never).sign_oracle(0.0, 0.999) is None
    assert _GroupedSlope.of_terms([(float("inf"), 1.0, 2.0)] * 20, 1.0,
                                  never).sign_oracle(0.0, 0.999) is None


def test_rate_search_on_real_segments_equals_the_sequential_one():
    model = context_model()
    for text in (SPUN, SPUN * 12, "Up 5 p.c. " * 30):
        seg = analyse(text, LEX)
        got = estimate(seg, LEX, model)
        with reference_mode():
            want = estimate(seg, LEX, model)
        assert (got.rate, got.document_rate, got.log_ratio) == (want.rate, want.document_rate,
                                                                   want.log_ratio)
        assert got.expected == want.expected


# -- per-segment channel terms ----------------------------------------------------

def test_rates_for_equals_rate_of_for_every_original():
    model = context_model()
    seg = analyse(SPUN * 3, LEX)
    ev = estimate(seg, LEX, model)
    assert len(seg.candidates) > 20
    multi = 0
    for c in seg.candidates:
        assert ev.rates_for(c) == [ev.rate_of(o, c) for o in c.originals]
        multi += len(c.originals) > 1
    assert multi


@given(st.lists(st.sampled_from(SPUN.split(". ")), min_size=1, max_size=8),
       st.sampled_from([0.0, 1.5, 4.0]))
def test_resolver_decisions_equal_the_reference_with_scores(sentences, threshold):
    text = ". ".join(sentences)
    with reference_mode():
        want = fix_and_explain(text, threshold=threshold)
    got = fix_and_explain(text, threshold=threshold)
    assert got == want
    assert [e.score for e in got.edits] == [e.score for e in want.edits]


# -- the created-match check ------------------------------------------------------

from respin.candidates import find_candidates  # noqa: E402
from respin.fixes import _boundary_pairs, _crossable  # noqa: E402
from respin.tokens import tokenize  # noqa: E402

_ARTIFACT_OR_NAME = sorted({e.spun.replace("<num>", "7") for e in LEX if e.artifact or e.name})
_WORDS = st.one_of(st.sampled_from(_ARTIFACT_OR_NAME),
                   st.sampled_from(sorted({w for e in LEX if e.artifact or e.name
                                           for w in e.spun.replace("<num>", "12").split()})),
                   st.sampled_from(["the", "said", "5,653", "3.2", "-", "’s", "“", ".", ",", "x",
                                    "percent", "through", "via", "Press", "Wire", "café", "Σ"]))
_GLUE = st.sampled_from([" ", " ", " ", "", "\n", "  ", "\t", "\u00a0", "\ufeff"])


@given(st.lists(st.tuples(_WORDS, _GLUE), min_size=1, max_size=14), st.data())
def test_uncrossable_edit_ends_prove_no_artifact_or_name_match_crosses(parts, data):
    text = "".join(w + g for w, g in parts)
    a = data.draw(st.integers(0, len(text)))
    b = data.draw(st.integers(a, len(text)))
    pairs = _boundary_pairs(LEX)
    if _crossable(text, a, pairs) or _crossable(text, b, pairs):
        return
    tokens = tokenize(text)
    for m in find_candidates(text, LEX, tokens, [False] * len(tokens)):
        if (m.entry.artifact or m.entry.name) and m.entry.id != "builtin/brace":
            assert not (m.start < b and a < m.end and (m.start < a or m.end > b)), (text, a, b, m)


def test_crossable_finds_the_documented_name_match():
    # "via" -> "through" makes "through ZUMA Press Wire", a name rule's spun form
    text = "Photo through ZUMA Press Wire today"
    a = text.index("through")
    b = a + len("through")
    pairs = _boundary_pairs(LEX)
    assert _crossable(text, b, pairs)
    assert not _crossable("Photo through the park today", b, pairs)


# -- joint readings of a cluster ----------------------------------------------------

def _cluster_segment():
    """A segment with clusters of every kind (overlaps, rivals, artifacts), its model and evidence."""
    text = ("1000's 1 percent by way of Getty Photos, alternatively thought of enterprise "
            "mannequin on account of the undeniable fact that the financial competitors stated. ") + SPUN
    seg = analyse(text, LEX)
    model = context_model()
    return seg, model, estimate(seg, LEX, model)


def test_cluster_scores_equal_the_sorted_overlap_check_on_every_reading():
    import itertools

    from respin.resolve import _Cluster, _clusters, _split

    seg, model, ev = _cluster_segment()
    checked = overlapping = 0
    for cluster in _clusters(seg.candidates):
        for part in _split(cluster):
            if len(part) < 2:
                continue
            cl = _Cluster(part, seg, LEX, model, ev)
            assert cl.ordered
            for reading in itertools.product(*[range(-1, len(c.originals)) for c in part]):
                got = cl.score(reading)
                cl.ordered = False  # the general path: sort, then test neighbours
                want = cl.score(reading)
                cl.ordered = True
                assert got == want, (reading, [c.entry.id for c in part])
                checked += 1
                overlapping += got is None
    assert checked > 20 and overlapping > 0


# -- shortcuts on text without capitals ---------------------------------------------

@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_text_islower_has_no_capitalised_token_or_word(s):
    # what _name_protected and transfer_case rely on when they return at once
    from respin.edits import _case_of
    if s.islower():
        assert not any(t.text[:1].isupper() for t in tokenize(s))
        assert all(_case_of(w) in ("lower", "other") for w in s.split())


def test_estimate_reusing_the_document_level_equals_estimate():
    # the quote unlock decides on _document_level's log-ratio, then hands it to estimate
    from respin.detect import _document_level

    model = context_model()
    for text in (SPUN, SPUN * 5, "“The financial outlook stays important,” officers stated. " * 4,
                 "The economy grew, officials said."):
        for quotes in (True, False):
            seg = analyse(text, LEX, quotes)
            level = _document_level(seg, LEX, model)
            whole = estimate(seg, LEX, model)
            assert level.log_ratio == whole.log_ratio
            assert estimate(seg, LEX, model, level=level) == whole


# -- the reopenings' document level (fourth round) --------------------------------

@given(st.lists(_pair, min_size=1, max_size=6).flatmap(
           lambda pool: st.lists(st.sampled_from(pool), min_size=1, max_size=80)),
       st.sampled_from([0, 1, 4, 37, 1000]), st.sampled_from([0.25, 1.0, 0.7071067811865475]),
       st.sampled_from([0.0, 0.01, 0.2, 0.5, 0.9, 0.999]),
       st.sampled_from([-1.0, -1e-3, 0.0, 1e-6, 1e-3, 0.5, 3.0, 100.0]))
def test_log_ratio_below_never_proves_a_falsehood(pairs, untouched, w, rho0, offset):
    # "the log-ratio stays under value" is only ever claimed when true, for
    # values on both sides of it and close to it, and from any starting rate
    from respin.detect import RATE_PRIOR_UNTOUCHED, _log_ratio_below, _loglik
    weights = [w if k % 2 else 1.0 for k in range(len(pairs))]
    rho = _best_rate(pairs, untouched + RATE_PRIOR_UNTOUCHED, weights)
    log_ratio = _loglik(pairs, untouched, rho, weights) - _loglik(pairs, untouched, 0.0, weights)
    value = log_ratio + offset
    if _log_ratio_below(pairs, untouched, weights, value, rho0):
        assert log_ratio < value


def test_log_ratio_below_proves_a_clear_case():
    # a check that can fail: far under the value, the bound proves it
    from respin.detect import _log_ratio_below
    pairs = [(1.0, 2.0)] * 30 + [(2.0, 1.0)] * 10
    assert _log_ratio_below(pairs, 5, [1.0] * 40, 1e3, 0.5)
    assert not _log_ratio_below(pairs, 5, [1.0] * 40, -1.0, 0.5)  # a log-ratio is never negative


def test_document_level_below_is_none_only_under_the_value():
    model = context_model()
    for text in (SPUN, SPUN * 5, "“The financial outlook stays important,” officers stated. " * 4):
        seg = analyse(text, LEX, False)
        level = _document_level(seg, LEX, model)
        for offset in (-5.0, -1e-3, 1e-3, 5.0, 1e3):
            got = _document_level(seg, LEX, model, below=(level.log_ratio + offset, 0.3))
            assert got is None or got == level
            if got is None:
                assert offset > 0
        assert _document_level(seg, LEX, model, below=(level.log_ratio + 1e3, level.rho_all)) is None


def test_cluster_shapes_score_every_reading_as_the_cluster_does():
    # the shape (valid readings, masks, untouched groups, standing artifacts)
    # is shared by clusters of one shape; every reading scores as the
    # reference cluster scores it, bit for bit, and so do the decisions
    import itertools

    from respin.resolve import _Cluster, _clusters, _decide, _SegmentTerms, _split

    seg, model, ev = _cluster_segment()
    shared = _SegmentTerms(seg, LEX, model, ev)
    checked = invalid = 0
    for cluster in _clusters(seg.candidates):
        for part in _split(cluster):
            if len(part) < 2:
                continue
            shaped = _Cluster(part, seg, LEX, model, ev, shared)
            assert shaped.shape is not None
            with reference_mode():
                plain = _Cluster(part, seg, LEX, model, ev)
                want_decisions = _decide(plain, 0.0)
            for reading in itertools.product(*[range(-1, len(c.originals)) for c in part]):
                want = plain.score_and_mask(reading)
                assert shaped.score_and_mask(reading) == want, reading
                checked += 1
                invalid += want is None
            assert _decide(shaped, 0.0) == want_decisions
    assert checked > 20 and invalid > 0


def test_segment_channel_terms_written_out_equal_channel_terms():
    # _SegmentTerms._edit_terms writes _channel_terms, the rates and the
    # counted odds out in one loop: the same floats, bit for bit, for every
    # match (counted rows included: the shipped lexicon's learned rows)
    from respin.detect import _key, family_rate_logit, is_observed
    from respin.precompute import rule_constants
    from respin.resolve import _channel_terms, _SegmentTerms

    model = context_model()
    checked = counted = 0
    for text in (SPUN, SPUN * 3, fix_and_explain.__doc__ or ""):
        seg = analyse(text, LEX)
        if not seg.candidates:
            continue
        ev = estimate(seg, LEX, model)
        shared = _SegmentTerms(seg, LEX, model, ev)
        for c in seg.candidates:
            own = ev.own.get(_key(c), {})
            choice = rule_constants(LEX, model).get(c.entry, c.originals).choice
            want = _channel_terms(c, choice, ev.rates_for(c, own), shared.spun, shared.keep_base,
                                  shared.log_spun, seg.text, model, family_rate_logit(LEX))
            assert shared._edit_terms(c, own, choice) == want
            checked += 1
            counted += is_observed(c.entry)
    assert checked > 20 and counted > 0


@given(st.lists(st.integers(0, 300), max_size=60).map(lambda xs: sorted(set(xs))),
       st.integers(1, 12))
def test_start_ranges_at_c_speed_equal_the_merging_loop(indexes, reach):
    from respin.fixes import _start_ranges
    want: list[list[int]] = []
    for i in indexes:  # the loop it replaces
        a = max(0, i - reach + 1)
        if want and a <= want[-1][1]:
            want[-1][1] = i + 1
        else:
            want.append([a, i + 1])
    assert _start_ranges(iter(indexes), reach) == want


def test_given_start_tokens_are_filtered_as_all_tokens_are():
    from respin.candidates import _starts, _starts_among, find_candidates, protected_mask
    from respin.tokens import tokenize
    text = SPUN + " Seven,500 {industry} “The provide chain,” officers stated. 25 p.c"
    tokens = tokenize(text)
    everything = _starts(tokens.lows, tokens.texts, LEX.trie, LEX.name_trie)
    assert _starts_among(list(range(len(tokens))), tokens.lows, tokens.texts, LEX.trie,
                         LEX.name_trie) == everything
    mask = protected_mask(text, tokens, False)
    assert find_candidates(text, LEX, tokens, mask, range(len(tokens))) == \
        find_candidates(text, LEX, tokens, mask)
