"""The keyword side on PostgreSQL, candidates side by side on one database: full-text search
inside PostgreSQL (`ts_rank` over every passage holding any word; AND first with OR as the
fallback) against the replica's tantivy copy that newsbot uses.

Usage: python bench/pg_keyword.py DATA_DIR [DATA_DIR ...] [--questions 300]

Each DATA_DIR is a size `bench/growth.py --backend postgres --keep` left (its `database-url` and
the replica's keyword copy). A `tsvector` column of title + passage with a GIN index is added
to the passages table for the run and dropped after. Latency is the keyword search alone, one
question at a time, with the terms newsbot's searcher sends, the top 100 it asks for.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from retrieval.searcher import CANDIDATES as K  # noqa: E402  (what each retriever gives fusion)
TERMS = "to_tsvector('english', a.title || ' ' || substr(a.text, p.start + 1, p.\"end\" - p.start))"


def timed(search, queries: list[list[str]]) -> tuple[float, float]:
    times = []
    for terms in queries:
        started = time.perf_counter()
        search(terms)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95)]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dirs", nargs="+", type=Path)
    parser.add_argument("--questions", type=int, default=300)
    args = parser.parse_args(argv)
    import psycopg

    from retrieval.indexes.keyword_follow import KeywordFollower
    from retrieval.question import Question
    from retrieval.store.postgres import PostgresStore

    pack = ROOT.parent / "shared" / "eval" / "realtimeqa-2025" / "questions.jsonl"
    questions = [json.loads(line)["question"] for line in pack.read_text().splitlines()][: args.questions]
    queries = [terms for q in questions if (terms := [t for t in Question.parse(q).search_terms if t.isalnum()])]
    print("| passages | keyword search | build s | p50 ms | p95 ms |")
    print("|---|---|---|---|---|")
    for data_dir in args.dirs:
        url = (data_dir / "database-url").read_text().strip()
        store = PostgresStore(url)
        follower = KeywordFollower(store, data_dir / "keyword", print)
        started = time.perf_counter()
        follower.open()
        open_s = time.perf_counter() - started
        passages = store.counts()["passages"]
        with psycopg.connect(url, autocommit=True) as conn:
            started = time.perf_counter()
            conn.execute("ALTER TABLE passages ADD COLUMN bench_terms tsvector")
            conn.execute(f"UPDATE passages p SET bench_terms = {TERMS} FROM articles a WHERE a.id = p.article_id")
            conn.execute("CREATE INDEX bench_terms_gin ON passages USING gin(bench_terms)")
            conn.execute("VACUUM ANALYZE passages")
            build_s = time.perf_counter() - started

            def any_word(terms: list[str]) -> list:
                return conn.execute(
                    "SELECT id, ts_rank(bench_terms, q, 1) AS r FROM passages, to_tsquery('english', %s) q "
                    "WHERE bench_terms @@ q ORDER BY r DESC, id LIMIT %s", (" | ".join(terms), K)).fetchall()

            def all_then_any(terms: list[str]) -> list:
                rows = conn.execute(
                    "SELECT id, ts_rank(bench_terms, q, 1) AS r FROM passages, to_tsquery('english', %s) q "
                    "WHERE bench_terms @@ q ORDER BY r DESC, id LIMIT %s", (" & ".join(terms), K)).fetchall()
                return rows if len(rows) >= K else any_word(terms)

            rows = [("ts_rank, any word (GIN)", any_word), ("ts_rank, all words first, then any (GIN)", all_then_any)]
            for name, search in rows:
                p50, p95 = timed(search, queries)
                print(f"| {passages:,} | {name} | {build_s:.0f} | {p50:.1f} | {p95:.1f} |", flush=True)
            conn.execute("ALTER TABLE passages DROP COLUMN bench_terms")
        p50, p95 = timed(lambda terms: follower.search(terms, K), queries)
        print(f"| {passages:,} | tantivy BM25, the replica's copy | {open_s:.0f} | {p50:.1f} | {p95:.1f} |", flush=True)
        follower.close()
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
