#!/usr/bin/env python3
"""Developer trace: every candidate in a file with its best restoration margin.

    python scripts/trace.py FILE [--threshold X] [--only-missed]

For each cluster it prints the candidates, the winning reading and, for each
candidate, the margin of its best restoration (negative: keeping wins).
"""
from __future__ import annotations

import argparse
import itertools
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from respin.candidates import analyse  # noqa: E402
from respin.config import Config  # noqa: E402
from respin.detect import estimate  # noqa: E402
from respin.resolve import AMBIGUOUS_GATE, _Cluster, _clusters, _decide  # noqa: E402
from respin.scoring import context_model  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--threshold", type=float, default=Config().threshold)
    ap.add_argument("--lexicon", action="append", default=[], help="extra lexicon file (repeatable)")
    ap.add_argument("--no-default-lexicon", action="store_true")
    args = ap.parse_args()
    text = Path(args.file).read_text(encoding="utf-8")
    if "[[" in text:
        sys.path.insert(0, "/work/shared/tools")
        from referee import parse
        text = parse(text)[0]
    lex = Config(lexicons=tuple(args.lexicon), use_default_lexicon=not args.no_default_lexicon).lexicon()
    seg = analyse(text, lex)
    model = context_model()
    ev = estimate(seg, lex, model)
    print(f"rate={ev.rate:.3f} log_ratio={ev.log_ratio:.1f} p={ev.probability:.3f} "
          f"matches={ev.matches} untouched={ev.untouched} artifacts={ev.artifacts}")
    candidates = seg.candidates
    if ev.probability < AMBIGUOUS_GATE:
        print(f"spin score below {AMBIGUOUS_GATE}: ambiguous rules are not scored")
        candidates = [c for c in candidates if c.entry.artifact]
    for cluster in _clusters(candidates):
        cl = _Cluster(cluster, seg, lex, model, ev)
        scored = []
        for r in itertools.product(*[range(-1, len(c.originals)) for c in cluster]):
            s = cl.score(r)
            if s is not None:
                scored.append((s, r))
        chosen = {d.candidate: d for d in _decide(cl, args.threshold)}
        group_of = {k: g for g in cl.groups for k in g}
        ctx = text[max(0, cluster[0].start - 25):cluster[-1].end + 25].replace("\n", " ")
        print(f"\n… {ctx} …")
        for k, c in enumerate(cluster):
            # best reading that edits this candidate vs best leaving its overlap group alone
            with_edit = max(((s, r) for s, r in scored if r[k] >= 0), default=(-math.inf, None))
            untouched = max((s for s, r in scored if all(r[j] < 0 for j in group_of[k])),
                            default=-math.inf)
            m = with_edit[0] - untouched
            best = c.originals[with_edit[1][k]] if with_edit[1] else "-"
            mark = "EDIT" if c in chosen else "keep"
            print(f"  {mark} {text[c.start:c.end]!r:28} -> {best!r:24} margin={m:6.2f} "
                  f"{c.entry.id} {'A' if c.entry.artifact else ''} rate_o={ev.rate_of(best):.2f}")


if __name__ == "__main__":
    main()
