"""Who said what, looked up by name as the store grows: "what did Lukyanova say?" and "who is
Trump?" read the statements of the people whose name holds a word.

Usage: python bench/quote_lookup.py [--sizes 100000,1000000] [--runs 5]

A SQLite store (the real schema) is filled with synthetic attributions: one article for every 20,
speakers drawn from 20,000 surnames and 500 first names, a few surnames quoted far more than the
rest, as news quotes a president. For each size, side by side on the same store, for the name
quoted most, one quoted a few times and one nobody is: the statements an answer shows (the first
10, `find_quotes(..., limit=10)`: the speaker keys, then a page of statements), every statement
(`find_quotes`), and the LIKE over every attribution's speaker that the keys replace (its SQL
alone); then the statements counted by speaker (`Store.speaker_counts`, "who is X?") beside the
same LIKE. Medians of `--runs`, in milliseconds. A second table: the first 10 of a month asked
about ("what did X say in March 2024?", read outward from the month: `find_quotes(...,
period=)`) beside every statement read and sorted by distance from the month; every statement
read in one query into one list, beside the pages `find_quotes` reads them in (the first table);
and the peak memory Python allocates listing every statement (`newsbot quotes`, a page at a
time: `iter_quotes`) beside reading them in one.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path
from statistics import median

#: The LIKE scans the keys replace, as they read.
LIKE_OF = ("SELECT t.*, a.key AS article_key, a.url, a.title, a.published, a.outlet FROM attributions t "
           "JOIN articles a ON a.id = t.article_id WHERE t.is_person = 1 AND (t.speaker LIKE ?) "
           "ORDER BY COALESCE(a.published, '') DESC, a.id DESC, t.start")
LIKE_COUNTS = "SELECT speaker, COUNT(*) FROM attributions WHERE is_person = 1 AND speaker LIKE ? GROUP BY speaker"


def _fill(store, size: int, seed: int = 7) -> list[str]:
    """`size` attributions, written a batch at a time; returns surnames to ask about: the one
    quoted most, one quoted a few times, and one nobody is."""
    from retrieval.store.attributions import insert_speaker_keys

    rng = random.Random(seed)
    surnames = [f"Surn{n:05d}a" for n in range(20_000)]  # fixed width: a LIKE finds no other
    firsts = [f"First{n}" for n in range(500)]
    weights = [1000 if n < 5 else 1 for n in range(len(surnames))]  # a few quoted far more
    with store.transaction() as db:
        db.executemany(
            "INSERT INTO articles (key, url, title, outlet, author, published, text, content_hash, added_at, seq) "
            "VALUES (?, ?, ?, '', '', ?, '', ?, 0, ?)",
            [(f"k{n}", f"https://example.org/{n}", f"Story {n}", f"2024-{n % 12 + 1:02d}-01", f"h{n}", n)
             for n in range(size // 20 + 1)])
        ids = [r[0] for r in db.execute("SELECT id FROM articles ORDER BY id").fetchall()]
    for start in range(0, size, 50_000):
        count = min(50_000, size - start)
        speakers = [f"{rng.choice(firsts)} {s}" for s in rng.choices(surnames, weights, k=count)]
        with store.transaction() as db:
            db.executemany(
                "INSERT INTO attributions (article_id, passage_id, speaker, is_person, quote, cue, kind, start, \"end\") "
                "VALUES (?, NULL, ?, 1, ?, 'said', 'direct', 0, 10)",  # each statement its own words
                [(ids[(start + i) // 20], speaker, f"statement number {start + i}") for i, speaker in enumerate(speakers)])
            insert_speaker_keys(db, set(speakers))
    return [surnames[0], surnames[10_000], "Nobodyquoted"]


def _ms(call, runs: int) -> float:
    took = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        took.append((time.perf_counter() - started) * 1000)
    return median(took)


def _peak_mb(call) -> float:
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def _by_distance(store, name: str, period) -> list:
    """The first 10 of every statement sorted by distance from `period`, undated last."""
    from datetime import date

    from retrieval.attribution.quotes import find_quotes

    every = find_quotes(store, name)
    return sorted(every, key=lambda q: period.distance(date.fromisoformat(q.published)) if q.published else 1 << 30)[:10]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from retrieval.attribution.quotes import find_quotes, iter_quotes
    from retrieval.store import SqliteStore
    from retrieval.timeliness import Period

    march = Period(date(2024, 3, 1), date(2024, 3, 31), "March 2024")
    periods: list[str] = []
    print("| attributions | name | statements | first 10 ms | every statement ms | LIKE ms | counts ms | LIKE counts ms |\n"
          "|---|---|---|---|---|---|---|---|", flush=True)
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as work:
            store = SqliteStore(Path(work) / "store.sqlite3")
            try:
                for name, label in zip(_fill(store, size), ("quoted most", "quoted a few times", "quoted by nobody")):
                    word = name.lower()
                    every = find_quotes(store, name)
                    assert every[:10] == find_quotes(store, name, limit=10)
                    cells = [_ms(lambda: find_quotes(store, name, limit=10), args.runs), _ms(lambda: find_quotes(store, name), args.runs),
                             _ms(lambda: store.query(LIKE_OF, (f"%{word}%",)), args.runs),
                             _ms(lambda: store.speaker_counts(word), args.runs), _ms(lambda: store.query(LIKE_COUNTS, (f"%{word}%",)), args.runs)]
                    print(f"| {size:,} | {label} | {len(every):,} | " + " | ".join(f"{c:.1f}" for c in cells) + " |", flush=True)
                    assert find_quotes(store, name, limit=10, period=march) == _by_distance(store, name, march)
                    one_read = lambda: list(iter_quotes(store, name, page=1 << 62))  # noqa: E731
                    assert one_read() == every
                    cells = [_ms(lambda: find_quotes(store, name, limit=10, period=march), args.runs),
                             _ms(lambda: _by_distance(store, name, march), args.runs), _ms(one_read, args.runs),
                             _peak_mb(lambda: sum(1 for _ in iter_quotes(store, name))), _peak_mb(one_read)]
                    periods.append(f"| {size:,} | {label} | {len(every):,} | " + " | ".join(f"{c:.1f}" for c in cells) + " |")
            finally:
                store.close()
    print("\n| attributions | name | statements | a month's first 10 ms | every statement sorted ms | "
          "every statement in one read ms | listing every statement, peak MB | every statement in one read, peak MB |"
          "\n|---|---|---|---|---|---|---|---|")
    print("\n".join(periods))


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
