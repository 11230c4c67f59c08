"""Baselines run alongside respin, so every number has something to be compared with.

- ``identity``: return the text unchanged. Precision 1.0 by convention, recall
  0, no clean damage: the floor any restorer must beat on F0.5.
- ``naive``: replace every spun form of the lexicon by its first original,
  case-insensitively, whole words, no scoring. This is what respin would be
  without its context model; the gap in precision is what scoring buys.
- ``symspell``: symspellpy's ``lookup_compound``, line by line. It is a
  spelling corrector, not a restorer: it lowercases, drops punctuation and
  "corrects" names and numbers. It is here to show what not to do.

>>> from respin.lexicon import parse_lexicon
>>> lex = parse_lexicon(["# respin-lexicon 1", "t/1\\tp.c\\tpercent\\tdemo\\tartifact",
...                      "t/2\\tfinal yr\\tlast year\\tdemo\\tambiguous,multiword"])
>>> NaiveReplacer(lex).fix("Up 3 P.C since final yr; the final yrs.")
'Up 3 PERCENT since last year; the final yrs.'
"""
from __future__ import annotations

import hashlib
import importlib.resources
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..edits import transfer_case

__all__ = ["BASELINES", "NaiveReplacer", "SymSpellBaseline", "identity"]

#: Baseline names in report order.
BASELINES = ("identity", "naive", "symspell")

_NUMBER = r"\d+(?:[.,]\d+)*"
_NUMBER_RE = re.compile(_NUMBER)
#: Tokens for matching: numbers (with inner . and ,), words, single other characters.
_TOKENS = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+|\d+|_|[^\w\s]")
_HSPACE = re.compile(r"[ \t\u00a0]+")


def _wordish(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def identity(text: str) -> str:
    """The do-nothing restorer."""
    return text


class NaiveReplacer:
    """Replace-all from a lexicon: every spun form becomes its first original, no context.

    Text is split into words, numbers and punctuation marks; at each token,
    the longest spun form that matches the following tokens (compared
    lowercase, with a space in the spun form matching any run of spaces or
    tabs, and no space matching no gap) is replaced, and matching resumes after
    it, so a replacement is never matched again. Matches start and end on
    whole tokens, which makes them whole words. A ``<num>`` slot matches a
    number and copies it into the original. (One regex alternation of all
    spun forms does the same, but Python's ``re`` tries every alternative at
    every position: 0.004 MB/s with 2,200 rules, against about 1 MB/s here.)
    """

    def __init__(self, lexicon: Any) -> None:
        self.forms: dict[str, str] = {}
        self.max_tokens = 1
        for entry in lexicon.entries:
            key = self._key_of(entry.spun)
            if key is not None and key not in self.forms:
                self.forms[key] = entry.originals[0]
                self.max_tokens = max(self.max_tokens, len(_TOKENS.findall(entry.spun.replace("<num>", "0"))))

    @staticmethod
    def _key_of(spun: str) -> str | None:
        out = []
        pos = 0
        text = spun.replace("<num>", "\ue000")
        for m in _TOKENS.finditer(text):
            gap = text[pos:m.start()]
            if out:
                out.append(" " if gap else "")
            out.append("<num>" if m.group() == "\ue000" else m.group().lower())
            pos = m.end()
        return "".join(out) or None

    def fix(self, text: str) -> str:
        """Restore ``text`` by blind replacement."""
        toks = list(_TOKENS.finditer(text))
        out: list[str] = []
        pos = 0
        i = 0
        while i < len(toks):
            hit = None
            literal: list[str] = []
            slotted: list[str] = []
            candidates: list[tuple[int, str, str]] = []
            for n in range(min(self.max_tokens, len(toks) - i)):
                t = toks[i + n]
                if n:
                    gap = text[toks[i + n - 1].end():t.start()]
                    if gap and not _HSPACE.fullmatch(gap):
                        break
                    literal.append(" " if gap else "")
                    slotted.append(" " if gap else "")
                word = t.group().lower()
                literal.append(word)
                slotted.append("<num>" if _NUMBER_RE.fullmatch(word) else word)
                candidates.append((n + 1, "".join(literal), "".join(slotted)))
            before = text[toks[i].start() - 1:toks[i].start()] if toks[i].start() else ""
            if before and _wordish(before) and _wordish(toks[i].group()[0]):
                candidates = []  # inside a word ("x" + "yr"): no whole-word match starts here
            for n, lit, slot in reversed(candidates):
                last = toks[i + n - 1]
                after = text[last.end():last.end() + 1]
                if after and _wordish(after) and _wordish(last.group()[-1]):
                    continue
                if lit in self.forms:
                    hit = (n, self.forms[lit])
                    break
                if slot != lit and slot in self.forms:
                    hit = (n, self.forms[slot])
                    break
            if hit is None:
                i += 1
                continue
            n, original = hit
            start, end = toks[i].start(), toks[i + n - 1].end()
            matched = text[start:end]
            if "<num>" in original:
                number = next((t.group() for t in toks[i:i + n] if _NUMBER_RE.fullmatch(t.group())), "")
                original = original.replace("<num>", number)
            out.append(text[pos:start])
            out.append(transfer_case(matched, original))
            pos = end
            i += n
        out.append(text[pos:])
        return "".join(out)


class SymSpellBaseline:
    """symspellpy ``lookup_compound`` line by line, with an on-disk cache of its outputs.

    Loading the dictionaries takes about 3 s and ``lookup_compound`` about
    1 ms per word (measured on seed 001: 1.5 s for 1,325 words), which would
    dominate every run of the harness; its output depends only on the text and
    the symspellpy version, so it is cached under the results folder.
    """

    MAX_EDIT_DISTANCE = 2

    def __init__(self, cache_dir: Path | None = None) -> None:
        self._symspell: Any = None
        self.cache_dir = cache_dir
        self.load_seconds = 0.0
        try:
            from importlib.metadata import version

            self.version = version("symspellpy")
        except Exception:  # pragma: no cover - metadata missing in odd installs
            self.version = "unknown"

    def _load(self) -> Any:
        if self._symspell is None:
            import time

            from symspellpy import SymSpell

            t0 = time.perf_counter()
            sym = SymSpell(max_dictionary_edit_distance=self.MAX_EDIT_DISTANCE, prefix_length=7)
            data = importlib.resources.files("symspellpy")
            sym.load_dictionary(str(data / "frequency_dictionary_en_82_765.txt"), 0, 1)
            sym.load_bigram_dictionary(str(data / "frequency_bigramdictionary_en_243_342.txt"), 0, 2)
            self._symspell = sym
            self.load_seconds = time.perf_counter() - t0
        return self._symspell

    def _cache_path(self, text: str) -> Path | None:
        if self.cache_dir is None:
            return None
        h = hashlib.sha256(f"{self.version}\0{self.MAX_EDIT_DISTANCE}\0{text}".encode()).hexdigest()
        return self.cache_dir / f"{h[:32]}.json"

    def cached(self, text: str) -> tuple[str, float] | None:
        """The cached (output, seconds) for ``text``, if any."""
        path = self._cache_path(text)
        if path is None or not path.exists():
            return None
        try:
            rec = json.loads(path.read_text(encoding="utf-8"))
            return rec["output"], float(rec["seconds"])
        except (OSError, ValueError, KeyError):
            return None

    def fix(self, text: str) -> str:
        """Correct each line with ``lookup_compound`` (lowercases and strips punctuation)."""
        sym = self._load()
        out = []
        for line in text.split("\n"):
            if line.strip():
                suggestions = sym.lookup_compound(line, max_edit_distance=self.MAX_EDIT_DISTANCE)
                out.append(suggestions[0].term if suggestions else line)
            else:
                out.append(line)
        return "\n".join(out)

    def store(self, text: str, output: str, seconds: float) -> None:
        path = self._cache_path(text)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps({"output": output, "seconds": seconds}), encoding="utf-8")
        except OSError:
            pass  # a cache that cannot be written only costs time


Restorer = Callable[[str], str]
