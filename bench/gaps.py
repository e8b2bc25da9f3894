"""`/gaps` at its largest: how long grouping the newest questions takes, and the memory it holds.

Usage: python bench/gaps.py [--packs ../shared/eval/realtimeqa-2022 ...]

Fills a fresh store's unanswered questions (and as many 👎-marked ones) with real quiz questions
of the packs, then times `retrieval.gaps.gaps` over 100, 500 and MAX_READ (the most one report
reads) of each kind, median of three runs, with the process's peak memory after each size.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    here = Path(__file__).resolve().parent.parent
    shared = here.parent / "shared" / "eval"
    parser.add_argument("--packs", type=Path, nargs="+", default=[shared / f"realtimeqa-{y}" for y in (2022, 2024, 2026)])
    args = parser.parse_args()
    sys.path.insert(0, str(here))
    from retrieval.engine import Engine
    from retrieval.evaluation.answers import PackMissing, load_questions
    from retrieval.gaps import MAX_READ, gaps
    from retrieval.settings import DEFAULT_CORPUS_DIR, EngineSettings

    try:
        questions = [q["question"] for pack in args.packs for q in load_questions(pack)]
    except PackMissing as e:
        sys.exit(str(e))
    print("| questions of each kind read | groups listed (unanswered) | largest group | seconds (median of 3) | peak RSS MB |\n|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder, Engine(EngineSettings(data_dir=Path(folder), corpus_dir=DEFAULT_CORPUS_DIR)) as engine:
        engine.warm_up()
        filled = 0
        for n in (100, 500, MAX_READ):
            while filled < n:
                q = questions[filled % len(questions)]
                engine.chats.add_unanswered(q)
                engine.chats.add_feedback("bench", None, q, [], helpful=False)
                filled += 1
            times = []
            for _ in range(3):
                start = time.perf_counter()
                found = gaps(engine.chats, engine.encoder, days=7)
                times.append(time.perf_counter() - start)
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"| {n:,} | {len(found.unanswered)} | {found.unanswered[0].count} | {statistics.median(times):.2f} | {peak:.0f} |", flush=True)


if __name__ == "__main__":
    main()
