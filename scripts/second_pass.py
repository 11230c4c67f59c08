#!/usr/bin/env python3
"""Second-pass edit rate of respin on the benchmark suites (issue 12, two-way rules).

    python scripts/second_pass.py                      # shipped lexicon
    python scripts/second_pass.py --lexicon tests/cases/two_way.tsv   # plus extra rows
    python scripts/second_pass.py --suite dev --suite clean-corpus

For every suite (default: every default suite of benchmarks/suites.json),
prints the first-pass edits, the second-pass edits (respin run on its own
output), how many of those touch restored text or revert a first-pass edit,
and the rate second / first. Goal: 0 on clean text, under 1% on spun text.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from respin import Config  # noqa: E402
from respin.bench.second_pass import SecondPass, second_pass  # noqa: E402
from respin.bench.suites import load_manifest, load_suite  # noqa: E402

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lexicon", action="append", default=[], metavar="PATH",
                    help="extra lexicon file beside the shipped one (repeatable)")
    ap.add_argument("--no-default-lexicon", action="store_true")
    ap.add_argument("--suite", action="append", metavar="NAME",
                    help="suite to measure (repeatable; default: every suite of benchmarks/suites.json)")
    args = ap.parse_args()
    config = Config(lexicons=tuple(args.lexicon), use_default_lexicon=not args.no_default_lexicon)
    manifest = load_manifest(ROOT / "benchmarks" / "suites.json")
    lexicon = ", ".join(["shipped"] * (not args.no_default_lexicon) + args.lexicon)
    print(f"lexicon: {lexicon} ({len(config.lexicon())} rows)")
    print(f"{'suite':14} {'docs':>5} {'first':>6} {'second':>7} {'on restored':>12} "
          f"{'reverted':>9} {'rate':>8}")
    for name in args.suite or manifest.names():
        suite = load_suite(manifest, name)
        if not suite.documents:
            print(f"{name:14} (skipped: {'; '.join(suite.notes)})")
            continue
        s: SecondPass = second_pass((d.text for d in suite.documents), config)
        rate = "-" if s.rate is None else f"{100 * s.rate:.2f}%"
        print(f"{name:14} {s.documents:5d} {s.first:6d} {s.second:7d} {s.on_restored:12d} "
              f"{s.reverted:9d} {rate:>8}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
