"""Library contracts from issue 10: exceptions that pickle (7), lines not a str (8),
documented signatures (9), one meaning of jobs (15), empty text scores 0 (16)."""
from __future__ import annotations

import importlib
import inspect
import multiprocessing
import os
import pickle
import pkgutil
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import respin

ROOT = Path(__file__).resolve().parent.parent
SPUN = "Shares rose 3 p.c in the provide chain {industry}, officers stated.\n"


# ---- item 7: every public exception round-trips through pickle ------------------------

def _public_exceptions() -> list[type[BaseException]]:
    found = {}
    for info in pkgutil.walk_packages(respin.__path__, "respin."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if (isinstance(obj, type) and issubclass(obj, BaseException)
                    and obj.__module__.startswith("respin") and not name.startswith("_")):
                found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return [found[k] for k in sorted(found)]


EXCEPTIONS = _public_exceptions()


def test_the_exception_list_is_complete():
    names = {e.__name__ for e in EXCEPTIONS}
    assert {"LexiconError", "OutputError", "CorpusError", "BenchError"} <= names, names


_TEXT = st.text(max_size=30)


def _strategy_for(annotation) -> st.SearchStrategy:
    ann = str(annotation)
    if "None" in ann and "int" in ann:
        return st.none() | st.integers(0, 10**6)
    if "int" in ann:
        return st.integers(0, 10**6)
    return _TEXT


def _arguments(cls: type[BaseException]) -> st.SearchStrategy:
    init = cls.__init__
    if init is BaseException.__init__ or init is Exception.__init__ or init is ValueError.__init__:
        return st.tuples(_TEXT)
    params = [p for p in inspect.signature(init).parameters.values() if p.name != "self"]
    return st.tuples(*[_strategy_for(p.annotation) for p in params])


@pytest.mark.parametrize("cls", EXCEPTIONS, ids=lambda c: c.__name__)
@given(data=st.data())
def test_public_exceptions_round_trip_through_pickle(cls, data):
    exc = cls(*data.draw(_arguments(cls)))
    back = pickle.loads(pickle.dumps(exc))
    assert type(back) is cls
    assert str(back) == str(exc) and back.args == exc.args
    assert vars(back) == vars(exc)


def _bad_lexicon(tmp_path: Path) -> Path:
    bad = tmp_path / "bad.tsv"
    bad.write_text("# respin-lexicon 1\nu/1\tonly three\tfields\n", encoding="utf-8")
    return bad


def test_lexicon_error_crosses_a_multiprocessing_pool(tmp_path):
    bad = _bad_lexicon(tmp_path)
    with multiprocessing.get_context("fork").Pool(1) as pool:
        result = pool.apply_async(respin.load_lexicon, (str(bad),))
        with pytest.raises(respin.LexiconError, match=rf"{re.escape(str(bad))}:2: expected 5"):
            result.get(timeout=60)  # before the fix the pool's result thread died: a hang


def test_fix_lines_with_workers_raises_the_lexicon_error(tmp_path):
    bad = _bad_lexicon(tmp_path)
    with pytest.raises(respin.LexiconError, match=rf"{re.escape(str(bad))}:2: expected 5"):
        list(respin.fix_lines([SPUN] * 3, lexicons=(str(bad),), jobs=2))


# ---- item 8: a str is not a sequence of lines ---------------------------------------

@pytest.mark.parametrize("value", ["a\nstring", b"a\nbytes"])
def test_fix_lines_refuses_a_string_at_once(value):
    with pytest.raises(TypeError, match="use fix_text"):
        respin.fix_lines(value)  # not even iterated: the call itself refuses


# ---- item 9: the documented signatures are the real ones ----------------------------

def _render(name: str) -> str:
    sig = inspect.signature(getattr(respin, name))
    parts, star = [], False
    for p in sig.parameters.values():
        if p.kind is p.KEYWORD_ONLY and not star:
            parts.append("*")
            star = True
        if p.kind is p.VAR_POSITIONAL:
            parts.append(f"*{p.name}")
            star = True
        elif p.kind is p.VAR_KEYWORD:
            parts.append(f"**{p.name}")
        elif p.default is p.empty:
            parts.append(p.name)
        else:
            parts.append(f"{p.name}={p.default!r}")
    return f"{name}({', '.join(parts)})"


def test_api_doc_signatures_match_the_code():
    doc = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    block = doc.split("```python\n", 1)[1].split("```", 1)[0]
    documented = {}
    for line in block.splitlines():
        m = re.match(r"(\w+)\((.*?)\)\s*->", line)
        if m:
            documented[m.group(1)] = f"{m.group(1)}({m.group(2)})"
    functions = [n for n in respin.__all__
                 if callable(getattr(respin, n)) and not isinstance(getattr(respin, n), type)]
    assert sorted(documented) == sorted(functions)
    for name, text in documented.items():
        assert text == _render(name), name


@pytest.mark.parametrize("top", [-1, 1.5, "3", True])
def test_explain_spin_top_must_be_a_count(top):
    with pytest.raises((TypeError, ValueError), match="top must be an int >= 0"):
        respin.explain_spin(SPUN, top=top)


def test_explain_spin_top_limits_the_evidence():
    assert len(respin.explain_spin(SPUN * 5, top=2).evidence) == 2
    assert respin.explain_spin(SPUN * 5, top=0).evidence == []


# ---- item 15: one meaning of jobs ----------------------------------------------------

def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def test_jobs_zero_means_all_cores_and_big_values_are_capped():
    from respin.fixes import resolve_jobs

    assert resolve_jobs(0) == _cores()
    assert resolve_jobs(1) == 1
    assert resolve_jobs(1000) == _cores()


@pytest.mark.parametrize("jobs, error", [("2", TypeError), (2.0, TypeError), (True, TypeError),
                                         (None, TypeError), (-1, ValueError)])
def test_bad_jobs_are_clear_errors_at_the_call(jobs, error):
    with pytest.raises(error, match="jobs must be"):
        respin.fix_lines([SPUN], jobs=jobs)


def test_library_jobs_zero_gives_the_same_output():
    lines = [SPUN] * 5
    assert list(respin.fix_lines(lines, jobs=0)) == list(respin.fix_lines(lines))


# ---- item 16: empty text -------------------------------------------------------------

@pytest.mark.parametrize("text", ["", " ", "\n\n", "\t \n"])
def test_empty_text_scores_zero(text):
    assert respin.spin_score(text) == 0.0
    report = respin.explain_spin(text)
    assert report.score == 0.0 and report.rate == 0.0 and report.words == 0
    assert not respin.looks_spun(text)


def test_every_python_example_in_docs_is_a_doctest():
    # issue 9/10 item 9: examples are run (pytest collects docs/*.md as doctests);
    # only the signature list and the record layouts are reference, not examples
    for path in sorted((ROOT / "docs").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r"```python\n(.*?)```", text, re.S):
            block = m.group(1)
            if ">>>" in block:
                continue
            # an example that needs what a test run lacks (a cluster, data files) says so
            # in a comment right above it, with why
            if re.search(r"<!-- not a doctest: [^>]+-->\n$", text[:m.start()]):
                continue
            reference = block.lstrip().startswith(("@dataclass", "class ")) or all(
                re.match(r"\w+\(.*\) -> ", line) for line in block.splitlines() if line.strip())
            assert reference, f"{path.name}: an example that is not a doctest:\n{block}"
