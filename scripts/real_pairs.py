#!/usr/bin/env python3
"""Split mined real spun/original pairs by story and lay them out for learning and measuring.

The page text is third-party and never enters the repository: it lives in a scratch folder
(default ``../scratch/pairs`` beside the repository: ``ID.spun.txt`` + ``ID.orig.txt`` and
``manifest-*.jsonl`` lines with id, spun_url, orig_url, topic, story). This script commits
only facts: ``benchmarks/real/manifest.tsv`` (pair id, split, topic, story, URLs, word counts,
the SHA-1 (first 12 hex digits) of each excerpt file measured, and of each held-out pair's
gold; empty for pairs mined before; a pair found again whose excerpt differs from the recorded
one, and a held-out gold that comes out other than recorded, are named on stderr)
and creates ``SCRATCH/real/train`` and ``SCRATCH/real/heldout`` with links to the pair files.

Split: by story, never by pair, so two copies of one story fall on the same side. Stories
are ordered by the SHA-1 of their slug and taken for the held-out side until it has at least
``--heldout`` pairs (default 22). Deterministic, independent of the order pairs were mined.
Once made, the split is kept: a pair already in ``benchmarks/real/manifest.tsv`` keeps its
side, and a pair mined later goes to the side of its story if the story is known, else to
``train`` (so the held-out pairs never change after the first measurement). A manifest pair
whose files this scratch folder lacks (mined on another machine: scratch folders do not travel)
keeps its manifest line and side; only the pairs present are laid out. ``--hold STORY`` puts a
new story on the held-out side (held-out pages that could not be found again were replaced so).

    python scripts/real_pairs.py                # default scratch location
    python scripts/real_pairs.py --scratch /path/to/scratch --heldout 22
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORD = re.compile(r"\w+(?:[.\-']\w+)*")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scratch", default=str(ROOT.parent / "scratch"), help="scratch folder")
    ap.add_argument("--heldout", type=int, default=22, help="minimum held-out pairs")
    ap.add_argument("--hold", action="append", default=[], metavar="STORY",
                    help="put this story's pairs on the held-out side (repeatable): to replace "
                         "held-out pairs whose pages could not be had again, with stories never "
                         "used to learn or tune")
    args = ap.parse_args(argv)
    scratch = Path(args.scratch)
    pairs_dir = scratch / "pairs"
    rows = []
    for mf in sorted(pairs_dir.glob("manifest-*.jsonl")):
        for n, line in enumerate(mf.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            rec = json.loads(line)
            pid = rec["id"]
            spun, orig = pairs_dir / f"{pid}.spun.txt", pairs_dir / f"{pid}.orig.txt"
            if not (spun.exists() and orig.exists()):
                print(f"{mf}:{n}: {pid}: pair files missing, skipped", file=sys.stderr)
                continue
            for kind, path in (("spun", spun), ("orig", orig)):
                data = path.read_bytes()
                rec[f"{kind}_words"] = len(WORD.findall(data.decode("utf-8")))
                # which excerpt was measured (a fingerprint, not the text): a later session
                # that finds the page again can tell whether it has the same excerpt
                rec[f"{kind}_sha1"] = hashlib.sha1(data).hexdigest()[:12]
            rows.append(rec)
    ids = [r["id"] for r in rows]
    if len(set(ids)) != len(ids):
        sys.exit("duplicate pair ids in the manifests")
    stories: dict[str, list[dict]] = {}
    for r in rows:
        stories.setdefault(r["story"], []).append(r)
    out = ROOT / "benchmarks" / "real" / "manifest.tsv"
    pinned: dict[str, str] = {}
    cols = ["id", "split", "topic", "story", "spun_words", "orig_words", "spun_url", "orig_url",
            "spun_sha1", "orig_sha1", "gold_sha1"]
    absent: list[dict] = []  # manifest rows whose page files this scratch folder lacks
    recorded: dict[str, dict] = {}  # the manifest's rows as they were, by id
    if out.exists():
        lines = [ln.split("\t") for ln in out.read_text(encoding="utf-8").splitlines()
                 if ln and not ln.startswith("#")]
        pinned = {c[0]: c[1] for c in lines[1:]}
        # a pair mined on another machine keeps its line (its facts stay true) and its side
        have = {r["id"] for r in rows}
        absent = [dict(zip(lines[0], c)) for c in lines[1:] if c[0] not in have]
        # excerpts found again that are not the text measured before (their SHA-1 differs
        # from the one recorded): figures measured on them are not comparable with earlier ones
        recorded = {c[0]: dict(zip(lines[0], c)) for c in lines[1:]}
        _note_changed(rows, recorded, ("spun_sha1", "orig_sha1"), "an excerpt")
    if pinned:
        story_side = {r["story"]: pinned[r["id"]] for r in rows + absent if r["id"] in pinned}
        for r in rows:
            r["split"] = pinned.get(r["id"]) or story_side.get(r["story"]) or \
                ("heldout" if r["story"] in args.hold else "train")
    else:
        order = sorted(stories, key=lambda s: hashlib.sha1(s.encode()).hexdigest())
        held = 0
        for story in order:
            side = "heldout" if held < args.heldout else "train"
            for r in stories[story]:
                r["split"] = side
            held += len(stories[story]) if side == "heldout" else 0
    for side in ("train", "heldout"):
        d = scratch / "real" / side
        d.mkdir(parents=True, exist_ok=True)
        for old in d.iterdir():
            old.unlink()
        for r in rows:
            if r["split"] == side:
                for kind in ("spun", "orig"):
                    (d / f"{r['id']}.{kind}.txt").symlink_to(pairs_dir / f"{r['id']}.{kind}.txt")
    # gold of the held-out pairs for respin-bench's real-heldout suite (respin learn --ann;
    # the rows it learns from them are thrown away: held-out pairs never teach anything)
    sys.path.insert(0, str(ROOT / "src"))
    from respin.learn import learn
    ann = scratch / "real" / "ann_heldout"
    ann.mkdir(parents=True, exist_ok=True)
    for old in ann.iterdir():
        old.unlink()
    sys.path.insert(0, str(ROOT / "scripts"))
    from build_lexicon import curated_lexicon
    learn([scratch / "real" / "heldout"], lexicon=curated_lexicon(), ann_dir=ann)
    # which gold was measured (a fingerprint, as for the excerpts): the gold is rebuilt by
    # the current respin learn on every run, so a change to its extraction would change
    # the held-out figures without a word
    for r in rows:
        if r["split"] == "heldout":
            gold = ann / f"{r['id']}.ann.txt"
            if gold.exists():
                r["gold_sha1"] = hashlib.sha1(gold.read_bytes()).hexdigest()[:12]
    _note_changed(rows, recorded, ("gold_sha1",), "a held-out gold")
    with out.open("w", encoding="utf-8") as fh:
        fh.write("# Real spun/original pairs of the auto-blog spinner family (facts only: the page\n"
                 "# text is third-party and is not in this repository). Made by scripts/real_pairs.py.\n")
        fh.write("\t".join(cols) + "\n")
        for r in sorted(rows + absent, key=lambda r: (r["split"], r["id"])):
            fh.write("\t".join(str(r.get(c, "")) for c in cols) + "\n")
    n_held = sum(r["split"] == "heldout" for r in rows)
    print(f"{len(rows)} pairs here, {len({r['story'] for r in rows})} stories: train {len(rows) - n_held} "
          f"pairs, heldout {n_held} pairs; {len(absent)} pairs of the manifest have no files here "
          f"(kept in the manifest, not laid out)")
    return 0


def _note_changed(rows: list[dict], recorded: dict[str, dict], keys: tuple[str, ...],
                  what: str) -> None:
    """Name on stderr the pairs whose fingerprints ``keys`` differ from the ones the
    manifest recorded (figures measured on them are not comparable with earlier ones)."""
    changed = [r["id"] for r in rows if any(
        recorded.get(r["id"], {}).get(k) not in (None, "", r.get(k, "")) for k in keys)]
    if changed:
        print(f"note: {len(changed)} pairs have {what} other than the one recorded (SHA-1 "
              f"differs; the manifest now records the new one): {', '.join(sorted(changed))}",
              file=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
