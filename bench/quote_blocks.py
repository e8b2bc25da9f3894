"""Who said what on blocks of a PolNeAR pack, each measured as a pack of its own: how much the
measure moves from one set of articles to the next (retrieval/evaluation/attribution.py).

Usage: python bench/quote_blocks.py ../shared/eval/polnear-train [--blocks 10]

The pack's articles, by id, are cut into equal blocks (84 articles each for polnear-train's 840);
each block's speakers, annotations and returned statements are those of the block alone, as
`newsbot eval-quotes BLOCK --extract-only` would read them. One row per block for the rules with
the learned tagger (what newsbot runs), then the blocks' counts summed.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path


def measure(pack: Path, blocks: int) -> list[list[str]]:
    import retrieval.evaluation.attribution as measure_of
    from retrieval.attribution import attributor

    ids = sorted(measure_of.read_pack(pack)[0])
    size = len(ids) // blocks
    find = attributor(True)
    out, totals = [], Counter()
    for b in range(blocks):
        block = set(ids[b * size : (b + 1) * size])
        texts, gold, speakers = measure_of.load(pack, only=block)
        s = measure_of.score(measure_of.returned_by_extractor(texts, speakers, find), gold, speakers)["all"]
        totals.update({k: s[k] for k in ("correct", "returned", "found", "gold")})
        out.append([f"{b + 1}", f"{len(block)}", f"{s['precision']:.3f}", f"{s['recall']:.3f}", f"{s['returned']}", f"{s['gold']}"])
    out.append(["summed", f"{size * blocks}", f"{totals['correct'] / totals['returned']:.3f}",
                f"{totals['found'] / totals['gold']:.3f}", f"{totals['returned']}", f"{totals['gold']}"])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pack", type=Path)
    parser.add_argument("--blocks", type=int, default=10)
    args = parser.parse_args()
    from retrieval.evaluation.attribution import PackMissing

    try:
        rows = measure(args.pack, args.blocks)
    except PackMissing as e:
        sys.exit(str(e))
    print("| block | articles | precision | recall | returned | annotated |\n|---|---|---|---|---|---|")
    for r in rows:
        print("| " + " | ".join(r) + " |")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
