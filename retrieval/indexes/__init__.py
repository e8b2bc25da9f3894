"""The indexes a question is searched in: dense (nearest vectors) and keyword (BM25-like), kept
in agreement with the store. Two implementations behind one interface, chosen by the store:

- `FileIndexes` (files.py): FAISS and tantivy files beside a SQLite store, replaying its log;
- `DatabaseIndexes` (database.py): pgvector inside PostgreSQL, written in each article's own
  transaction, and a tantivy copy per replica replaying the database's log.

Both keep the keyword index through the one follower of the store's log (keyword_follow.py).

The engine and the searcher see only `Indexes`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Protocol

import numpy as np

from ..findings import Finding
from ..embeddings import Encoder
from ..settings import EngineSettings
from ..store import Store
from .vectors import Vectors


class Indexes(Protocol):
    #: Held while searching and while applying writes: the engine holds it across one question.
    lock: threading.RLock
    #: The passages' vectors, from the store's cache or embedded when it lacks them.
    vectors: Vectors

    @property
    def kind(self) -> str:
        """The dense index's kind ("flat", "ivf-sq8", "pgvector-hnsw")."""

    @property
    def where(self) -> str:
        """Where the indexes live, for messages."""

    def counts(self) -> tuple[int, int]:
        """(vectors in the dense index, documents in the keyword index)."""

    def search_dense(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """(passage id, cosine) of the k nearest passages."""

    def search_keyword(self, terms: list[str], k: int) -> list[tuple[int, float]]:
        """(passage id, score) of the k best passages holding any of the terms."""

    def articles_holding(self, word: str) -> set[int]:
        """The ids of the articles that hold the word (the keyword index's reading of it)."""

    def catch_up(self) -> None:
        """Apply what the store holds and the indexes do not yet (cheap when nothing changed)."""

    def warm_up(self) -> None:
        """Open what the first question would otherwise wait for (a replica's keyword copy)."""

    def persist(self) -> None:
        """Make the indexes durable."""

    def rebuild(self) -> None:
        """Both indexes again from the store (cached vectors are reused)."""

    def examine(self, repair: bool) -> list[Finding]:
        """`newsbot doctor`'s checks of the indexes against the store."""

    def close(self) -> None: ...


def open_indexes(store: Store, settings: EngineSettings, encoder: Encoder, notice: Callable[[str], None]) -> Indexes:
    """The indexes that go with this store, brought into agreement with it."""
    vectors = Vectors(store, encoder, settings.embedding_id, settings.model, notice)
    from ..store.postgres import PostgresStore

    if isinstance(store, PostgresStore):
        from .database import DatabaseIndexes

        return DatabaseIndexes(store, settings.data_dir, vectors, notice)
    from .files import FileIndexes

    return FileIndexes(store, settings.data_dir, vectors, notice)
