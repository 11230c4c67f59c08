#!/usr/bin/env python3
"""Fold a lexicon learned from real pairs (``respin learn``) into the curated lexicon.

    python scripts/merge_learned.py LEARNED.tsv --out combined.tsv   # one file, for experiments
    python scripts/merge_learned.py LEARNED.tsv --write              # edit lexicons/ in place

``LEARNED.tsv`` is the output of ``respin learn`` *without* ``--exclude-known``, so it has
counts for spun forms the curated lexicon already knows. For such a form the curated row
gets the counts (``n`` per original, 0 for an original the pairs never showed; ``kept``;
``own``), and an original the pairs showed at least ``--min-new-original`` times that the row
lacks is appended after the curated ones. Every other learned row becomes a row of
``lexicons/learned.tsv`` (ids ``learned/NNNN``: an id already there keeps its number, new
forms get the next free one), source ``--source``; rows seen fewer than ``--min-count``
times are left out. ``--write`` rewrites only the row lines it changes, so comments and
order in the curated files stay as they are.

``--add`` folds pairs learned *since* into the lexicon as it stands, instead of relearning
from all pairs: the counts of ``LEARNED.tsv`` (``respin learn`` on the new pairs only) are
added to the counts already on the curated and learned rows (per original; ``kept`` and
``own`` too), and a learned row seen again is judged by the filters on its summed counts. A
form the earlier pairs showed too rarely to keep left no row, so its earlier sightings are
not counted (a relearn from all pairs would count them), unless the raw ``respin learn``
output of those pairs is given with ``--earlier FILE`` (kept, as facts, in
``benchmarks/real/counts/`` from the fifth round on). Used when the earlier pairs' text is
not at hand: page text stays in a scratch folder, which does not travel between machines.
"""
from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))

from respin.lexicon import FORMAT_HEADER, Entry, build_lexicon, format_row, load_lexicon  # noqa: E402
from respin.tokens import phrase_key  # noqa: E402
from build_lexicon import section_files  # noqa: E402

LEXICONS = ROOT / "lexicons"
LEARNED = LEXICONS / "learned.tsv"


def _inside(part: str, whole: str, proper: bool = True) -> bool:
    """Whether ``part``'s words are a run of ``whole``'s ("rates" in "interest
    rates"), shorter than it unless ``proper`` is False."""
    a, b = part.lower().split(), whole.lower().split()
    return (len(a) < len(b) or not proper and len(a) == len(b)) \
        and any(b[i:i + len(a)] == a for i in range(len(b) - len(a) + 1))


def _key(e: Entry) -> tuple:
    return phrase_key(e.spun, keep_case=e.name), e.name


def combine(old: Entry, new: Entry) -> Entry:
    """``old`` with ``new``'s counts added, per original (``new``'s unseen originals appended)."""
    seen = {o.lower(): n for o, n in zip(old.originals, old.counts or ())}
    kept = {o.lower(): k for o, k in zip(old.originals, old.kept or ())}
    for o, n in zip(new.originals, new.counts or ()):
        seen[o.lower()] = seen.get(o.lower(), 0) + n
    for o, k in zip(new.originals, new.kept or ()):
        kept[o.lower()] = kept.get(o.lower(), 0) + k
    have = {o.lower() for o in old.originals}
    originals = old.originals + tuple(o for o in new.originals if o.lower() not in have)
    flags = old.flags | (new.flags - {"refine"})
    if "ambiguous" in flags:  # one batch judged the spun form natural: the safer kind wins
        flags -= {"artifact"}
    return dataclasses.replace(
        old, originals=originals, counts=tuple(seen.get(o.lower(), 0) for o in originals),
        kept=tuple(kept.get(o.lower(), 0) for o in originals), own=(old.own or 0) + (new.own or 0),
        flags=flags)


def _only(e: Entry, keep: list[int]) -> Entry:
    """``e`` with only the originals at indexes ``keep`` (and their counts)."""
    if len(keep) == len(e.originals):
        return e
    return dataclasses.replace(
        e, originals=tuple(e.originals[i] for i in keep),
        counts=None if e.counts is None else tuple(e.counts[i] for i in keep),
        kept=None if e.kept is None else tuple(e.kept[i] for i in keep))


def merge(curated: list[Entry], learned: list[Entry], existing_learned: list[Entry], *,
          min_count: int, min_new_original: int, source: str, min_two_way: int = 0,
          min_longer: int | None = None, add: bool = False,
          rejects: frozenset[tuple[str, str]] = frozenset(), earlier: Sequence[Entry] = (),
          ) -> tuple[dict[str, Entry], list[Entry], dict[str, int]]:
    """(changed curated rows by id, learned rows for lexicons/learned.tsv, counts).

    ``min_two_way``: a learned row whose spun form some row restores *to*, or
    whose original some row restores *from* (house <-> home), and an original
    added to a curated row that is itself a spun form, need at least this many
    sightings (a two-way pair both adds a rival reading and turns the other
    row's restorations into candidates); so does a learned row whose original
    has more words than its spun form (``min_longer``, if given, instead).

    ``add``: ``learned`` holds new pairs' counts only; they are added to the
    counts already on the curated rows and ``existing_learned`` rows (see the
    module's ``--add``), and existing learned rows the new pairs do not show
    stay as they are.

    ``earlier``: with ``add``, the raw ``respin learn`` rows of batches already
    folded in (``benchmarks/real/counts/``): a form that has no row (it was
    too rare or too often the author's word then) is judged on those
    sightings plus the new ones, as a relearn from all the pairs would.

    ``rejects``: (spun, original) phrase pairs, case-folded and joined,
    that were considered and dropped (``lexicons/rejects.tsv``): such an
    original is never learned for that spun form."""
    by_key = {_key(e): e for e in curated}
    if add:  # the rows as they stand, in their order (summed where seen again), then new forms
        rows_now = {_key(e) for e in existing_learned}
        before: dict[tuple, Entry] = {}
        for e in earlier:
            k = _key(e)
            before[k] = combine(before[k], e) if k in before else e
        new_by_key = {_key(le): le for le in learned}
        learned = [combine(e, new_by_key[_key(e)]) if _key(e) in new_by_key else e
                   for e in existing_learned] + \
            [combine(before[_key(le)], le) if _key(le) in before and _key(le) not in by_key else le
             for le in learned if _key(le) not in rows_now]
    n_rejected = 0
    if rejects:
        kept_rows = []
        for le in learned:
            s = "".join(phrase_key(le.spun, keep_case=False))
            keep = [i for i, o in enumerate(le.originals)
                    if (s, "".join(phrase_key(o, keep_case=False))) not in rejects]
            n_rejected += len(le.originals) - len(keep)
            if keep:
                kept_rows.append(_only(le, keep))
        learned = kept_rows
    # every row's spun forms and originals, curated or learned often enough
    spun_forms = {phrase_key(e.spun, keep_case=False) for e in curated}
    spun_forms |= {phrase_key(e.spun, keep_case=False) for e in learned
                   if sum(e.counts or (min_count,)) >= min_count}
    originals = {phrase_key(o, keep_case=False) for e in curated for o in e.originals}
    originals |= {phrase_key(o, keep_case=False) for e in learned
                  for o, n in zip(e.originals, e.counts or [min_count] * len(e.originals))
                  if n >= min_count}
    old_ids = {_key(e): e.id for e in existing_learned}
    used = {int(e.id.split("/")[1]) for e in existing_learned}
    changed: dict[str, Entry] = {}
    rows: list[Entry] = []
    stats = {"counted": 0, "originals_added": 0, "new": 0, "below_min": 0, "mostly_own": 0,
             "rare_originals": 0, "two_way_rare": 0, "folded": 0, "rejected": n_rejected}
    for le in learned:
        cur = by_key.get(_key(le))
        if cur is not None and add:  # the earlier pairs' counts on the row, plus the new pairs'
            le = combine(cur, le)
        seen = dict(zip((o.lower() for o in le.originals), le.counts or ()))
        kept = dict(zip((o.lower() for o in le.originals), le.kept or ()))
        if cur is not None:
            row_originals = list(cur.originals)  # (not `originals`: the set above)
            have = {o.lower() for o in row_originals}
            for o, n, k in zip(le.originals, le.counts or (), le.kept or [0] * len(le.originals)):
                host = next((c for c in row_originals if o.lower() not in have and _inside(o, c)
                             and _inside(o, cur.spun, proper=False)), None)
                if host is not None:
                    # a piece of one of the row's originals that the spun form
                    # holds too: the aligner paired a reordered phrase with a
                    # piece of it ("interest rates" -> "rates of interest" read
                    # as "rates"), so the sighting is the row's. Only the
                    # sighting: the piece's `kept` counts every unchanged
                    # "rates" ("mortgage rates" too), not the whole original's.
                    seen[host.lower()] = seen.get(host.lower(), 0) + seen.pop(o.lower(), 0)
                    kept.pop(o.lower(), None)
                    stats["folded"] += 1
                    continue
                if o.lower() not in have and n >= min_new_original and o.lower() != cur.spun.lower() \
                        and (n >= min_two_way or phrase_key(o, keep_case=False) not in spun_forms):
                    row_originals.append(o)
                    stats["originals_added"] += 1
            changed[cur.id] = dataclasses.replace(
                cur, originals=tuple(row_originals),
                counts=tuple(seen.get(o.lower(), 0) for o in row_originals),
                kept=tuple(kept.get(o.lower(), 0) for o in row_originals), own=le.own)
            stats["counted"] += 1
            continue
        if le.counts is not None and len(le.originals) > 1:
            # a rival original seen fewer than min_count times is as likely an
            # alignment slip ("crucial" -> "the most important", once) as a
            # reading, and a long rare one dominates the document evidence
            keep = [i for i, n in enumerate(le.counts) if n >= min_count]
            if not keep:
                stats["below_min"] += 1
                continue
            stats["rare_originals"] += len(le.originals) - len(keep)
            le = _only(le, keep)
        if sum(le.counts or ()) < min_count:
            stats["below_min"] += 1
            continue
        two_way = phrase_key(le.spun, keep_case=False) in originals or any(
            phrase_key(o, keep_case=False) in spun_forms for o in le.originals)
        # an original of more words than its spun form ("relations" -> "family
        # members") weighs like a phrase in the document evidence: same bar
        longer = any(len(phrase_key(o, keep_case=False)) > len(phrase_key(le.spun, keep_case=False))
                     for o in le.originals)
        if (two_way and sum(le.counts or ()) < min_two_way) or \
                (longer and sum(le.counts or ()) < (min_two_way if min_longer is None else min_longer)):
            stats["two_way_rare"] += 1
            continue
        if le.own is not None and 2 * le.own > sum(le.counts or ()):
            # the pairs show this form as the author's own word more than once
            # per two spins ("on" for "at": 15 spins, 115 own; "through" for
            # "during": 3 spins, 2 own): it would restore little, wrongly often,
            # and every match of it would dilute the document evidence
            stats["mostly_own"] += 1
            continue
        rows.append(le)
    # ids: keep the number a form already has in learned.tsv, else the next free one
    nxt = max(used, default=0)
    out = []
    for le in rows:
        rid = old_ids.get(_key(le))
        if rid is None:
            nxt += 1
            rid = f"learned/{nxt:04d}"
        out.append(dataclasses.replace(le, id=rid, source=source, flags=le.flags - {"refine"}))
    stats["new"] = len(out)
    return changed, out, stats


def _rewrite(path: Path, changed: dict[str, Entry]) -> int:
    lines = path.read_text(encoding="utf-8").split("\n")
    n = 0
    for i, line in enumerate(lines):
        rid = line.split("\t", 1)[0]
        if rid in changed and not line.startswith("#"):
            lines[i] = format_row(changed[rid])
            n += 1
    path.write_text("\n".join(lines), encoding="utf-8")
    return n


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("learned", type=Path)
    ap.add_argument("--out", type=Path, help="write one combined lexicon file here")
    ap.add_argument("--write", action="store_true", help="edit lexicons/*.tsv in place")
    ap.add_argument("--min-count", type=int, default=1)
    ap.add_argument("--min-new-original", type=int, default=2)
    ap.add_argument("--min-two-way", type=int, default=0,
                    help="sightings a two-way learned row or added original needs (default 0: no extra bar)")
    ap.add_argument("--min-longer", type=int, default=None,
                    help="sightings a learned row whose original has more words than its spun form "
                         "needs (default: --min-two-way)")
    ap.add_argument("--add", action="store_true",
                    help="LEARNED.tsv holds new pairs only: add its counts to the lexicon's own "
                         "(see above) instead of replacing them")
    ap.add_argument("--earlier", action="append", type=Path, default=[], metavar="FILE",
                    help="with --add: the raw `respin learn` output of a batch already folded in "
                         "(benchmarks/real/counts/*.tsv; repeatable): a form with no row is judged "
                         "on its sightings there too")
    ap.add_argument("--source", default="learned:2026-12")
    ap.add_argument("--curated", type=Path,
                    help="with --out: merge into the rows of this lexicon file instead of the curated "
                         "section files (e.g. a count-free copy, for cross-validation)")
    args = ap.parse_args(argv)
    if bool(args.out) == bool(args.write):
        ap.error("give exactly one of --out or --write")
    if args.curated and args.write:
        ap.error("--curated goes with --out only")
    sections = section_files(curated_only=True)
    curated = [e for p in ([args.curated] if args.curated else sections) for e in load_lexicon(p).entries]
    existing = load_lexicon(LEARNED).entries if LEARNED.exists() else ()
    learned = list(load_lexicon(args.learned).entries)
    comments = _pair_comments(args.learned)
    if args.earlier and not args.add:
        ap.error("--earlier goes with --add only")
    if args.add:
        for path in [p for p in [LEARNED] if p.exists()] + args.earlier:
            for spun, line in _pair_comments(path).items():
                comments[spun] = _union_comment(line, comments.get(spun))
    earlier = [e for p in args.earlier for e in load_lexicon(p).entries]
    changed, rows, stats = merge(curated, learned, list(existing), min_count=args.min_count,
                                 min_new_original=args.min_new_original, source=args.source,
                                 min_two_way=args.min_two_way, min_longer=args.min_longer,
                                 add=args.add, rejects=read_rejects(LEXICONS / "rejects.tsv"),
                                 earlier=earlier)
    entries = [changed.get(e.id, e) for e in curated] + rows
    build_lexicon(entries)  # must load together
    body = []
    for e in rows:
        if e.spun in comments:
            body.append(comments[e.spun])
        body.append(format_row(e))
    if args.out:
        args.out.write_text("\n".join([FORMAT_HEADER] + [format_row(e) for e in entries]) + "\n",
                            encoding="utf-8")
    else:
        for p in sections:
            _rewrite(p, changed)
        head = [FORMAT_HEADER,
                "# Rows learned from real spun/original news pairs by `respin learn` and",
                "# scripts/merge_learned.py (see lexicons/SOURCES.md, benchmarks/real/manifest.tsv).",
                "# Each row's '# pairs:' comment names the training pairs it was seen in.",
                "# id\tspun\toriginal\tsource\tflags\tcounts"]
        LEARNED.write_text("\n".join(head + body) + "\n", encoding="utf-8")
    print(f"curated rows given counts: {stats['counted']} ({stats['originals_added']} originals "
          f"added); learned rows: {stats['new']}; left out below --min-count: {stats['below_min']}, "
          f"the author's own word more than once per two spins: {stats['mostly_own']}; "
          f"rival originals seen fewer than --min-count times dropped: {stats['rare_originals']}; "
          f"two-way or lengthening rows under --min-two-way: {stats['two_way_rare']}; "
          f"originals folded into a row's longer original: {stats['folded']}; "
          f"originals in rejects.tsv: {stats['rejected']}")
    return 0


def read_rejects(path: Path) -> frozenset[tuple[str, str]]:
    """(spun, original) pairs of the ``rejects.tsv`` rows (``spun<TAB>original[|...]<TAB>reason``)
    whose reason starts ``learn:``, case-folded and joined as :func:`merge` compares them.

    Only those: the older rows record curated decisions of the one-way design ("cycle: ...")
    that real pairs overturned (the real family does write "however" for "but"), so they
    do not bind the learner; a ``learn:`` row says why the learner's row is wrong."""
    out = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        spun, originals, reason = (line.split("\t") + ["", ""])[:3]
        if not reason.startswith("learn:"):
            continue
        for o in originals.split("|"):
            out.add(("".join(phrase_key(spun, keep_case=False)), "".join(phrase_key(o, keep_case=False))))
    return frozenset(out)


def _union_comment(a: str, b: str | None) -> str:
    """One ``# pairs:`` comment naming the pairs of both (sorted, each once)."""
    ids = {p.strip() for line in (a, b or "") for p in line.removeprefix("# pairs:").split(",")}
    return "# pairs: " + ", ".join(sorted(ids - {""}))


def _pair_comments(path: Path) -> dict[str, str]:
    """``# pairs: ...`` comment lines of a ``respin learn`` file, by the spun form of the row below."""
    out, last = {}, None
    for line in path.read_text(encoding="utf-8").split("\n"):
        if line.startswith("# pairs:"):
            last = line
        elif line and not line.startswith("#"):
            if last:
                out[line.split("\t")[1]] = last
            last = None
    return out


if __name__ == "__main__":
    raise SystemExit(main())
