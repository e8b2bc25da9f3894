"""Boilerplate in excerpts: newsbot as it runs against the same engine showing the outlet's
boilerplate (retrieval/boilerplate.py), side by side on a RealTime QA pack, the two taking turns
for --rounds rounds in one process (medians of the latencies).

Usage: python bench/boilerplate.py ../shared/eval/realtimeqa-2026 [--rounds 3] [--writes 3000]

"Shown" counts the questions whose first three excerpts hold a paragraph (4 words or more) that
stands in five or more of the pack's articles: a wider net than newsbot's rule (ten or more
days), so what is left is what the rule lets through. The pack is ingested once into the
evaluation cache (`newsbot eval`).

`--writes N` also writes the pack's first N articles into two fresh stores, with and without
their paragraph keys, in blocks of 500 taking turns (the store alone: no embedding, no indexes),
and prints the median time an article.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path


def repeated_paragraphs(pack: Path, articles: int = 5) -> list[str]:
    """The paragraphs (4 words or more) of the pack that stand in `articles` or more articles."""
    counts: Counter[str] = Counter()
    with gzip.open(pack / "articles.jsonl.gz", "rt") as fh:
        for line in fh:
            text = json.loads(line).get("text", "")
            counts.update({p.strip() for p in text.split("\n") if len(p.split()) >= 4})
    return [p for p, n in counts.items() if n >= articles]


def write_cost(pack: Path, n: int) -> dict[str, float]:
    """Median ms to write an article into a store, with and without its paragraph keys."""
    import hashlib
    import tempfile

    import retrieval.store.base as base
    from retrieval.settings import EngineSettings
    from retrieval.sources import read_jsonl
    from retrieval.store import PreparedArticle, SqliteStore
    from retrieval.text import split_passages

    prepared = []
    with gzip.open(pack / "articles.jsonl.gz", "rb") as fh:
        for item in read_jsonl(fh, pack.name, EngineSettings()):
            if item.article is None:
                continue
            article = item.article
            passages = split_passages(article.text, 160)
            hashes = [hashlib.sha1(f"{article.url}{i}".encode()).digest() for i in range(len(passages))]
            prepared.append(PreparedArticle(article, passages, hashes, {}, []))
            if len(prepared) == n:
                break
    keyed = base.insert_paragraph_keys
    variants = {"with paragraph keys": keyed, "without": lambda *a: None}
    times: dict[str, list[float]] = {name: [] for name in variants}
    with tempfile.TemporaryDirectory() as folder:
        stores = {name: SqliteStore(Path(folder) / f"{i}.sqlite3") for i, name in enumerate(variants)}
        try:
            for block in range(0, len(prepared), 500):
                for name, store in stores.items():
                    base.insert_paragraph_keys = variants[name]
                    started = time.perf_counter()
                    for p in prepared[block : block + 500]:
                        store.write_article(p, "bench")
                    times[name].append((time.perf_counter() - started) * 1000 / len(prepared[block : block + 500]))
        finally:
            base.insert_paragraph_keys = keyed
            for store in stores.values():
                store.close()
    return {name: statistics.median(v) for name, v in times.items()}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pack", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--writes", type=int, default=0, help="Also time writing this many articles.")
    args = parser.parse_args(argv)

    import retrieval.searcher as searcher
    from retrieval.evaluation.answers import PackMissing, hit, load_questions, pack_engine

    try:
        questions = load_questions(args.pack)
    except PackMissing as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    repeated = [p[:60] for p in repeated_paragraphs(args.pack)]
    left_out = searcher.Searcher._without_boilerplate
    variants = {"boilerplate left out (newsbot)": left_out, "boilerplate shown": lambda self, chosen, cues: chosen}
    results: dict[str, dict[str, list[float]]] = {name: {"p50": [], "p95": []} for name in variants}
    with pack_engine(args.pack, notice=lambda m: print(m, file=sys.stderr)) as (engine, _):
        engine.warm_up()
        for _ in range(args.rounds):
            for name, method in variants.items():
                searcher.Searcher._without_boilerplate = method
                times, answer, distractor, shown = [], 0.0, 0.0, 0
                for q in questions:
                    reply = engine.ask(q["question"], k=3, asked_on=date.fromisoformat(q["date"]))
                    times.append(reply.took_ms)
                    text = "\n".join(c.excerpt for c in reply.citations)
                    answer += hit(q["answers"], text) > 0
                    distractor += hit(q.get("distractors", []), text)
                    shown += any(p in text for p in repeated)
                times.sort()
                row = results[name]
                row["p50"].append(statistics.median(times))
                row["p95"].append(times[int(len(times) * 0.95)])
                row["answer"], row["distractor"], row["shown"] = answer / len(questions), distractor / len(questions), shown
        searcher.Searcher._without_boilerplate = left_out
    print(f"{args.pack.name}, {len(questions)} questions, {args.rounds} rounds\n")
    print("| variant | answer@3 | distractor@3 | questions showing a repeated paragraph | p50 ms | p95 ms |")
    print("|---|---|---|---|---|---|")
    for name, row in results.items():
        print(f"| {name} | {row['answer']:.3f} | {row['distractor']:.3f} | {row['shown']} | "
              f"{statistics.median(row['p50']):.1f} | {statistics.median(row['p95']):.1f} |")
    if args.writes:
        cost = write_cost(args.pack, args.writes)
        print(f"\nwriting {args.writes} articles, the store alone: " + ", ".join(f"{k} {v:.2f} ms an article" for k, v in cost.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
