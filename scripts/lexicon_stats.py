#!/usr/bin/env python3
"""Count the shipped lexicon's rows by section, flag and source (a markdown table)."""
from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from respin.lexicon import default_lexicon  # noqa: E402


def main() -> None:
    lex = default_lexicon()
    by_section = Counter(e.id.split("/")[0] for e in lex)
    by_source = Counter(e.source for e in lex)
    kinds = Counter()
    for e in lex:
        kinds["artifact" if e.artifact else "ambiguous"] += 1
        kinds["multiword" if "multiword" in e.flags else "single word"] += 1
        if e.name:
            kinds["name"] += 1
    originals = {o.lower() for e in lex for o in e.originals}
    print(f"{len(lex)} rows, {len(originals)} distinct originals\n")
    print("| section | rows |\n| --- | ---: |")
    for k, v in sorted(by_section.items()):
        print(f"| {k} | {v} |")
    print("\n| kind | rows |\n| --- | ---: |")
    for k in ("artifact", "ambiguous", "single word", "multiword", "name"):
        print(f"| {k} | {kinds[k]} |")
    print("\n| source | rows |\n| --- | ---: |")
    for k, v in by_source.most_common():
        print(f"| {k} | {v} |")


if __name__ == "__main__":
    main()
