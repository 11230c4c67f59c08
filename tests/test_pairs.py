"""One reader of pairs files (respin._pairs) for respin learn and the benchmark harness:
the same decoding, JSONL checks and directory walk, so the same files give the same
texts and the same errors in both."""
from __future__ import annotations

import json
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from respin import _pairs
from respin.bench.corpora import CorpusError, load_corpus
from respin.learn import LearnError, read_pairs

SPUN = "Officials stated the invoice would adopt the Senate."
ORIG = "Officials said the bill would pass the Senate."


def _both(path: Path):
    """(learn's error, the harness's error) for ``path``, each as (class, str, path, line)."""
    out = []
    for read, cls in ((read_pairs, LearnError), (load_corpus, CorpusError)):
        with pytest.raises(cls) as info:
            read([path])
        exc = info.value
        assert isinstance(exc, _pairs.InputError) and isinstance(exc, ValueError)
        out.append((str(exc), exc.path, exc.line))
    return out


def _jsonl(tmp_path: Path, content: bytes) -> Path:
    path = tmp_path / "p.jsonl"
    path.write_bytes(content)
    return path


@pytest.mark.parametrize("content, line, reason", [
    (b'{"spun": "a", "original": "b"}\n{"spun": "caf\xe9", "original": "b"}\n', 2,
     "not valid UTF-8 (byte 0xe9)"),
    (b'{"spun": "a", "original": "b"}\n\n{"spun": "a",\n', 3, "invalid JSON: Expecting"),
    (b'[1, 2]\n', 1, "expected a JSON object, found list"),
    (b'{"id": true, "spun": "a", "original": "b"}\n', 1, "field 'id' must be a string or an integer"),
    (b'{"id": 7, "spun": "a", "original": "b"}\n{"id": "7", "spun": "a", "original": "b"}\n', 2,
     "duplicate id '7'"),
    (b'{"spun": 3, "original": "b"}\n', 1, "field 'spun' must be a string"),
    (b'{"spun": "a"}\n', 1, "record has no 'original' field"),
])
def test_bad_jsonl_gives_the_same_error_in_learn_and_the_harness(tmp_path, content, line, reason):
    path = _jsonl(tmp_path, content)
    learn_error, corpus_error = _both(path)
    assert learn_error == corpus_error
    message, where, at = learn_error
    assert (where, at) == (str(path), line) and message.startswith(f"{path}:{line}: {reason}")


@pytest.mark.parametrize("files, culprit, reason", [
    ({"a.spun.txt": b"x"}, "a.spun.txt", "no original a.orig.txt next to this spun file"),
    ({"a.spun.txt": b"fine\ncaf\xe9", "a.orig.txt": b"fine"}, "a.spun.txt",
     "not valid UTF-8 (byte 0xe9)"),
    ({"a.spun.txt": b"fine", "a.orig.txt": b"\xff"}, "a.orig.txt", "not valid UTF-8 (byte 0xff)"),
])
def test_bad_pair_directories_give_the_same_error(tmp_path, files, culprit, reason):
    root = tmp_path / "pairs"
    root.mkdir()
    for name, data in files.items():
        (root / name).write_bytes(data)
    learn_error, corpus_error = _both(root)
    assert learn_error == corpus_error
    assert learn_error[1] == str(root / culprit) and reason in learn_error[0]


def test_learn_and_the_harness_read_the_same_pairs(tmp_path):
    root = tmp_path / "pairs"
    (root / "sub").mkdir(parents=True)
    (root / "a.spun.txt").write_bytes("\ufeff".encode() + SPUN.encode())  # a BOM is dropped
    (root / "a.orig.txt").write_text(ORIG, encoding="utf-8")
    (root / "sub" / "b.spun.txt").write_text(SPUN + "\n", encoding="utf-8")
    (root / "sub" / "b.orig.txt").write_text(ORIG + "\n", encoding="utf-8")
    (root / ".hidden").mkdir()  # hidden folders and files are not read by either
    (root / ".hidden" / "c.spun.txt").write_text("x", encoding="utf-8")
    (root / ".d.spun.txt").write_text("x", encoding="utf-8")
    pairs = read_pairs([root])
    docs = load_corpus([root]).documents
    assert [p.id for p in pairs] == ["a", "sub/b"]
    assert [d.id for d in docs] == ["pairs/a.spun.txt", "pairs/sub/b.spun.txt"]
    assert [p.spun for p in pairs] == [d.text for d in docs] == [SPUN, SPUN + "\n"]
    assert [p.origin for p in pairs] == [d.origin for d in docs]
    j = tmp_path / "p.jsonl"
    j.write_text(json.dumps({"id": 4, "spun": SPUN, "original": ORIG}) + "\n", encoding="utf-8")
    (pair,), (doc,) = read_pairs([j]), load_corpus([j]).documents
    assert (pair.id, pair.spun, pair.origin) == ("4", doc.text, doc.origin) == ("4", SPUN, f"{j}:1")


def test_errors_keep_path_line_and_reason_across_processes():
    for cls in (_pairs.InputError, LearnError, CorpusError):
        exc = cls("p.jsonl", 3, "invalid JSON")
        back = pickle.loads(pickle.dumps(exc))
        assert type(back) is cls and str(back) == str(exc) == "p.jsonl:3: invalid JSON"
        assert (back.path, back.line, back.reason) == ("p.jsonl", 3, "invalid JSON")
    assert str(LearnError(None, None, "no pairs given")) == "no pairs given"
    assert str(CorpusError("x.txt", None, "no such file")) == "x.txt: no such file"


def test_the_library_reader_does_not_import_the_harness():
    # respin learn is library code: its reader lives in respin, not respin.bench
    code = ("import sys, respin.learn; from respin.learn import read_pairs; "
            "print(sorted(m for m in sys.modules if m.startswith('respin.bench')))")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert res.stdout.strip() == "[]"
