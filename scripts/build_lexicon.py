#!/usr/bin/env python3
"""Build the shipped lexicon from the curated files in ``lexicons/``.

    python scripts/build_lexicon.py          # validate and write src/respin/data/lexicon.tsv
                                             # and its prebuilt form lexicon.prebuilt.json
    python scripts/build_lexicon.py --check  # validate; exit 1 if either shipped file is stale
    python scripts/build_lexicon.py --lint lexicons/verbs.tsv ...  # lint just these files

Every ``lexicons/*.tsv`` file except ``rejects.tsv`` is a section of the shipped
lexicon. Each is parsed strictly, then all are checked together: unique ids,
one row per spun form, no original that is an artifact rule's spun form, and
every source defined in ``lexicons/SOURCES.md``.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from respin.lexicon import (FORMAT_HEADER, PREBUILT_NAME, LexiconError,  # noqa: E402
                            build_lexicon, format_row, lint_lexicon, load_lexicon, prebuilt_text)

LEXICONS = ROOT / "lexicons"
SHIPPED = ROOT / "src" / "respin" / "data" / "lexicon.tsv"
PREBUILT = SHIPPED.with_name(PREBUILT_NAME)
EXCLUDED = {"rejects.tsv"}


def section_files(curated_only: bool = False) -> list[Path]:
    """The section files of the shipped lexicon; ``curated_only`` leaves out
    ``learned.tsv`` (written by scripts/merge_learned.py from the real pairs)."""
    skip = EXCLUDED | ({"learned.tsv"} if curated_only else set())
    return sorted(p for p in LEXICONS.glob("*.tsv") if p.name not in skip)


def curated_lexicon():
    """The shipped lexicon less the learned rows: respin learn's reference."""
    return build_lexicon([e for p in section_files(curated_only=True) for e in load_lexicon(p).entries])


def defined_sources() -> set[str]:
    text = (LEXICONS / "SOURCES.md").read_text(encoding="utf-8")
    return set(re.findall(r"^\| `([^`]+)` \|", text, flags=re.M))


def build_text(paths: list[Path] | None = None) -> str:
    entries = []
    out = [FORMAT_HEADER,
           "# Built by scripts/build_lexicon.py from lexicons/*.tsv; edit those, not this file.",
           "# id\tspun\toriginal\tsource\tflags"]
    for path in paths if paths is not None else section_files():
        lex = load_lexicon(path)
        entries.extend(lex.entries)
        out.append(f"## {path.name}")
        out.extend(format_row(e) for e in lex.entries)
    merged = build_lexicon(entries)
    problems = lint_lexicon(merged, defined_sources())
    if problems:
        raise SystemExit("lexicon lint failed:\n  " + "\n  ".join(problems))
    return "\n".join(out) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only check that the shipped file is current")
    ap.add_argument("--lint", nargs="+", type=Path, metavar="FILE", help="only lint these files together")
    ap.add_argument("--curated", type=Path, metavar="OUT",
                    help="only write the curated rows (all but learned.tsv) to OUT: the reference "
                         "for respin learn --no-default-lexicon --lexicon OUT")
    args = ap.parse_args()
    try:
        text = build_text(section_files(curated_only=True) if args.curated else args.lint)
    except LexiconError as exc:
        print(f"lexicon error: {exc}", file=sys.stderr)
        return 1
    if args.curated:
        args.curated.write_text(text, encoding="utf-8")
        print(f"wrote {args.curated}: {sum(1 for ln in text.splitlines() if ln and not ln.startswith('#'))} rows")
        return 0
    if args.lint:
        rows = sum(1 for line in text.splitlines() if line and not line.startswith("#"))
        print(f"lint ok: {rows} rows")
        return 0
    prebuilt = prebuilt_text(text.encode("utf-8"))
    if args.check:
        for path, want in ((SHIPPED, text), (PREBUILT, prebuilt)):
            if not path.exists() or path.read_text(encoding="utf-8") != want:
                print(f"{path.relative_to(ROOT)} is stale: run scripts/build_lexicon.py",
                      file=sys.stderr)
                return 1
        print("lexicon ok")
        return 0
    SHIPPED.write_text(text, encoding="utf-8")
    PREBUILT.write_text(prebuilt, encoding="utf-8")
    rows = sum(1 for line in text.splitlines() if line and not line.startswith("#"))
    print(f"wrote {SHIPPED.relative_to(ROOT)}: {rows} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
