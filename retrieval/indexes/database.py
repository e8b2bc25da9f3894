"""The indexes of the shared backend: each passage's vector in a pgvector column with an HNSW
index inside PostgreSQL, written in the article's own transaction (through the store's index
hook), so it always agrees with the store; and the keyword index as a local tantivy copy in each
replica's data directory, following the database's log (keyword_follow.py).

Why the keyword side is not inside the database: PostgreSQL's full-text ranking (`ts_rank` over
a GIN index) ranks every passage holding any of the question's words, which grows with the
corpus (p95 147 ms at 94k passages); BM25 with top-k pruning stays flat (bench/README.md).
The local copy is opened on the first keyword search (or `warm_up`), so a `newsbot add` or
`newsbot stats` never builds it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from ..findings import Finding
from ..store.postgres import PostgresStore
from .keyword_follow import KeywordFollower
from .vectors import Vectors

#: HNSW search breadth: past recall@10 0.95 at a million passages (bench/scale.py).
EF_SEARCH = 100
#: Memory for building the HNSW index over an existing corpus: the graph takes about 2 KB a
#: passage, and a build whose graph outgrows its memory is several times slower.
BUILD_KB_PER_PASSAGE, BUILD_MB_MAX = 2.5, 4096

#: Log entries kept for replicas that were stopped: one further behind rebuilds its keyword copy.
LOG_KEEP = 100_000

#: One passage's vector: (vector, passage id).
_INDEX_PASSAGE = "UPDATE passages SET embedding = ? WHERE id = ?"


def index_passages(db: Any, article_id: int, title: str, text: str, model: str) -> None:
    """The store's index hook: each new passage's vector (from the cache, written just before),
    in the article's own transaction."""
    rows = db.execute(
        "SELECT p.id, v.vec FROM passages p LEFT JOIN vectors v "
        "ON v.model = ? AND v.hash = p.embed_hash WHERE p.article_id = ?",
        (model, article_id),
    ).fetchall()
    db.executemany(_INDEX_PASSAGE, [
        (np.frombuffer(vec, dtype=np.float32) if vec is not None else None, pid) for pid, vec in rows
    ])


class DatabaseIndexes:
    kind = "pgvector-hnsw"

    def __init__(self, store: PostgresStore, directory: Path, vectors: Vectors, notice: Callable[[str], None]) -> None:
        self.store, self.dir = store, directory
        self.vectors, self.notice = vectors, notice
        self.lock = threading.RLock()
        self._dimension: int | None = None
        self.keyword = KeywordFollower(store, directory / "keyword", notice)
        self._keyword_open = False
        store.index_hook = index_passages
        store.on_connect(lambda conn: conn.execute(f"SET hnsw.ef_search = {EF_SEARCH}"))
        self._index_missing()

    @property
    def where(self) -> str:
        return f"{self.store.where} (keyword index in {self.dir})"

    def counts(self) -> tuple[int, int]:
        """(passages with a vector, documents in this replica's keyword index)."""
        return int(self.store.query("SELECT COUNT(embedding) FROM passages")[0][0]), self._keyword().count

    def _keyword(self) -> KeywordFollower:
        """The local keyword copy, built or brought up to date on first use."""
        with self.lock:
            if not self._keyword_open:
                self.keyword.open()
                self._keyword_open = True
            return self.keyword

    def warm_up(self) -> None:
        self._keyword()

    def _index_missing(self) -> None:
        """Give every passage without one its vector (after a model change, a reindex or a
        migration), from the cached vectors where they exist."""
        indexed = self.store.get_meta("embedding_model")
        if indexed not in (None, self.vectors.model_id):
            self.notice(
                f"The database was indexed with the model {indexed!r} but the settings "
                f"name {self.vectors.model_id!r}: re-embedding the passages with the new model."
            )
            self.clear()
        articles = [r[0] for r in self.store.query(
            "SELECT DISTINCT article_id FROM passages WHERE embedding IS NULL ORDER BY article_id"
        )]
        if articles:
            self.notice(f"Indexing the passages of {len(articles)} articles in the database...")
        for ids, vecs in self.vectors.chunks(articles):
            self._set_vectors(ids, vecs)
        self.store.set_meta("embedding_model", self.vectors.model_id)
        self._ensure_vector_index()

    def _set_vectors(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        with self.store.transaction() as db:
            db.executemany(_INDEX_PASSAGE, [(vec, int(pid)) for pid, vec in zip(ids, vectors)])

    def _ensure_vector_index(self) -> None:
        """The HNSW index, for vectors of the dimension stored (pgvector indexes one dimension)."""
        if self._dimension is not None:
            return
        rows = self.store.query("SELECT vector_dims(embedding) FROM passages WHERE embedding IS NOT NULL LIMIT 1")
        if not rows:
            return
        self._dimension = int(rows[0][0])
        with self.store.transaction() as db:
            # Building over an existing corpus (after `newsbot migrate`) is much faster when the
            # graph fits in memory.
            passages = int(db.execute("SELECT COUNT(*) FROM passages").fetchone()[0])
            memory = int(min(BUILD_MB_MAX, 64 + passages * BUILD_KB_PER_PASSAGE / 1024))
            db.execute(f"SET LOCAL maintenance_work_mem = '{memory}MB'")
            db.execute(
                f"CREATE INDEX IF NOT EXISTS passages_embedding_{self._dimension} ON passages "
                f"USING hnsw ((embedding::vector({self._dimension})) vector_ip_ops)"
            )

    # --- searching -----------------------------------------------------------------------
    def search_dense(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """Nearest passages by inner product (the vectors are normalized: the cosine)."""
        self._ensure_vector_index()
        if self._dimension is None:
            return []
        cast = f"vector({self._dimension})"
        vec = np.asarray(vector, dtype=np.float32)
        rows = self.store.query(
            f"SELECT id, -(embedding::{cast} <#> ?::{cast}) FROM passages ORDER BY embedding::{cast} <#> ?::{cast} LIMIT ?",
            (vec, vec, k),
        )
        return [(int(r[0]), float(r[1])) for r in rows if r[1] is not None]

    def search_keyword(self, terms: list[str], k: int) -> list[tuple[int, float]]:
        """BM25 in this replica's keyword copy (brought up to date by `catch_up` before each question)."""
        return self._keyword().search(terms, k)

    def articles_holding(self, word: str) -> set[int]:
        return self._keyword().articles_holding(word)

    # --- agreement ---------------------------------------------------------------------------
    def catch_up(self) -> None:
        """The vectors are written with the passages; the keyword copy, once open, replays the
        database's log (one `SELECT` when nothing changed)."""
        with self.lock:
            self._ensure_vector_index()
            if self._keyword_open:
                self.keyword.catch_up(self.store.seq())

    def persist(self) -> None:
        """The database is durable and the keyword copy commits as it applies; what is left is
        trimming the log, keeping the last `LOG_KEEP` entries for replicas that were away."""
        upto = self.store.seq() - LOG_KEEP
        if upto > 0 and self.store.log_start() <= upto:
            self.store.trim_log(upto)

    def clear(self) -> None:
        with self.store.transaction() as db:
            db.execute("UPDATE passages SET embedding = NULL")

    def rebuild(self) -> None:
        with self.lock:
            self.clear()
            self._index_missing()
            self.keyword.rebuild()
            self._keyword_open = True

    def close(self) -> None:
        """The store's connection is closed with the store; the keyword copy's writer here."""
        with self.lock:
            self.keyword.close()

    def examine(self, repair: bool) -> list[Finding]:
        passages = self.store.counts()["passages"]
        vectors, documents = self.counts()
        findings = []
        for check, held, mend in (("vectors in the database", vectors, self._index_missing),
                                  ("keyword index", documents, self.keyword.rebuild)):
            if held == passages:
                findings.append(Finding(check, "ok", f"{passages:,} passages"))
            elif not repair:
                findings.append(Finding(check, "failed", f"{held:,} for {passages:,} passages"))
            else:
                mend()
                findings.append(Finding(check, "repaired", f"{held:,} for {passages:,} passages; rebuilt from the database"))
        return findings
