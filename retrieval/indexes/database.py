"""The indexes inside PostgreSQL: each passage's vector in a pgvector column with an HNSW index,
and its words in a `tsvector` column with a GIN index. Both are written in the article's own
transaction (through the store's index hook), so they always agree with the store."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import Any

import numpy as np

from ..findings import Finding
from ..store import keyword_text
from ..store.postgres import PostgresStore
from .vectors import Vectors

#: Text search configuration for the keyword side (stemming and stop words of English news).
TS_CONFIG = "english"
#: HNSW search breadth: past recall@10 0.95 at a million passages (bench/scale.py).
EF_SEARCH = 100
#: Memory for building the HNSW index over an existing corpus (about 2 KB per passage).
INDEX_BUILD_MEMORY = "1GB"

#: One passage's vector and words: (vector, title + passage text, passage id).
_INDEX_PASSAGE = f"UPDATE passages SET embedding = ?, terms = to_tsvector('{TS_CONFIG}', ?) WHERE id = ?"


def index_passages(db: Any, article_id: int, title: str, text: str, model: str) -> None:
    """The store's index hook: each new passage's vector (from the cache, written just before)
    and words, in the article's own transaction."""
    rows = db.execute(
        'SELECT p.id, p.start, p."end", v.vec FROM passages p LEFT JOIN vectors v '
        "ON v.model = ? AND v.hash = p.embed_hash WHERE p.article_id = ?",
        (model, article_id),
    ).fetchall()
    db.executemany(_INDEX_PASSAGE, [
        (np.frombuffer(vec, dtype=np.float32) if vec is not None else None, keyword_text(title, text, start, end), pid)
        for pid, start, end, vec in rows
    ])


class DatabaseIndexes:
    kind = "pgvector-hnsw"

    def __init__(self, store: PostgresStore, vectors: Vectors, notice: Callable[[str], None]) -> None:
        self.store = store
        self.vectors, self.notice = vectors, notice
        self.lock = threading.RLock()
        self._dimension: int | None = None
        store.index_hook = index_passages
        store.on_connect(lambda conn: conn.execute(f"SET hnsw.ef_search = {EF_SEARCH}"))
        self._index_missing()

    @property
    def where(self) -> str:
        return self.store.where

    def counts(self) -> tuple[int, int]:
        """(passages with a vector, passages with their words indexed)."""
        row = self.store.query("SELECT COUNT(embedding), COUNT(terms) FROM passages")[0]
        return int(row[0]), int(row[1])

    def _index_missing(self) -> None:
        """Give every passage without one its vector and words (after a model change, a
        reindex or a migration), from the cached vectors where they exist."""
        indexed = self.store.get_meta("embedding_model")
        if indexed not in (None, self.vectors.model_id):
            self.notice(
                f"The database was indexed with the model {indexed!r} but the settings "
                f"name {self.vectors.model_id!r}: re-embedding the passages with the new model."
            )
            self.clear()
        articles = [r[0] for r in self.store.query(
            "SELECT DISTINCT article_id FROM passages WHERE embedding IS NULL OR terms IS NULL ORDER BY article_id"
        )]
        if articles:
            self.notice(f"Indexing the passages of {len(articles)} articles in the database...")
        for ids, vecs in self.vectors.chunks(articles):
            self._set_vectors(ids, vecs)
        self.store.set_meta("embedding_model", self.vectors.model_id)
        self._ensure_vector_index()

    def _set_vectors(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        rows = self.store.query('SELECT id, article_id, start, "end" FROM passages WHERE id = ANY(?)', ([int(i) for i in ids],))
        articles = {  # each article's text once, not once per passage
            r[0]: (r[1], r[2])
            for r in self.store.query("SELECT id, title, text FROM articles WHERE id = ANY(?)", (sorted({r[1] for r in rows}),))
        }
        texts = {r[0]: keyword_text(*articles[r[1]], r[2], r[3]) for r in rows}
        with self.store.transaction() as db:
            db.executemany(_INDEX_PASSAGE, [(vec, texts[int(pid)], int(pid)) for pid, vec in zip(ids, vectors) if int(pid) in texts])

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
            db.execute(f"SET LOCAL maintenance_work_mem = '{INDEX_BUILD_MEMORY}'")
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
        """Passages holding any of the terms, ranked by ts_rank with length normalization
        (ts_rank_cd ranked worse and took longer: bench/README.md)."""
        terms = [t for t in terms if re.fullmatch(r"\w+", t)]
        if not terms:
            return []
        rows = self.store.query(
            f"SELECT id, ts_rank(terms, q, 1) AS rank FROM passages, to_tsquery('{TS_CONFIG}', ?) q "
            "WHERE terms @@ q ORDER BY rank DESC, id LIMIT ?",
            (" | ".join(terms), k),
        )
        return [(int(r[0]), float(r[1])) for r in rows]

    # --- agreement: written with the passages; these mend what a migration or a model change left
    def catch_up(self) -> None:
        self._ensure_vector_index()

    def persist(self) -> None:
        """Nothing to save: the database is durable."""

    def clear(self) -> None:
        with self.store.transaction() as db:
            db.execute("UPDATE passages SET embedding = NULL, terms = NULL")

    def rebuild(self) -> None:
        with self.lock:
            self.clear()
            self._index_missing()

    def close(self) -> None:
        """The store's connection is closed with the store."""

    def examine(self, repair: bool) -> list[Finding]:
        passages = self.store.counts()["passages"]
        vectors, documents = self.counts()
        if vectors == documents == passages:
            return [Finding("indexes in the database", "ok", f"{passages:,} passages")]
        detail = f"{vectors:,} vectors and {documents:,} indexed texts for {passages:,} passages"
        if not repair:
            return [Finding("indexes in the database", "failed", detail)]
        self._index_missing()
        return [Finding("indexes in the database", "repaired", f"{detail}; indexed the rest")]
