"""The keyword index (tantivy BM25, retrieval/keyword.py) kept in step with the store through the
store's log: the one follower both backends use.

Beside SQLite it sits in the data directory with the FAISS index. Beside PostgreSQL each replica
keeps its own copy in its data directory and follows the database's log: the database stays the
one source of truth, a new replica builds its copy from it, and a write through any replica is
searchable on every other at that replica's next question (each question first applies what the
log holds; tests/test_replicas.py). Full-text ranking inside PostgreSQL ranked every passage
holding any of the question's words and grew with the corpus; tantivy's BM25 prunes to the top
hits (bench/README.md, "PostgreSQL at a million passages").
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from ..keyword import KeywordIndex
from ..store import Store

log = logging.getLogger(__name__)


class KeywordFollower:
    """`catch_up(store.seq())` applies the log entries since the last one applied: the touched
    articles' passages are dropped, then what the store holds now is added (idempotent, so an
    entry applied twice, after a crash or a race, does no harm)."""

    def __init__(self, store: Store, directory: Path, notice: Callable[[str], None]) -> None:
        self.store, self.notice = store, notice
        self.index = KeywordIndex(directory)
        #: The last log entry applied to the index this process searches.
        self.seq = 0

    @property
    def count(self) -> int:
        return self.index.count

    @property
    def saved_seq(self) -> int:
        """How far into the log the committed files go (-1: no usable files)."""
        return self.index.synced_seq

    def open(self) -> None:
        """Pick up where the files left off, or build the index from the store when they are
        missing, unreadable, or further behind than the log reaches."""
        on_disk, seq = self.index.synced_seq, self.store.seq()
        if 0 <= on_disk <= seq:
            self.seq = on_disk
            self.catch_up(seq)  # rebuilds when the log no longer reaches back to `on_disk`
        else:
            if self.store.counts()["passages"]:
                self.notice("The keyword index is missing or out of date: rebuilding it from the store.")
            self.rebuild()
        passages = self.store.counts()["passages"]
        if self.count != passages:
            self.notice(f"The keyword index holds {self.count} documents for {passages} passages: rebuilding it.")
            self.rebuild()

    def rebuild(self) -> None:
        """Every passage again, a few articles at a time. Writes made meanwhile are both read
        here and replayed later: harmless, as replaying is idempotent."""
        seq = self.store.seq()
        self.index.clear()
        self.index.replace([], self.store.passages_of(self.store.all_article_ids()))
        self.index.commit(seq)
        self.seq = seq

    def catch_up(self, seq: int) -> None:
        """Apply the log up to `seq` (the store's current one, read by the caller)."""
        if seq == self.seq:
            return
        on_disk = self.index.synced_seq
        if on_disk > self.seq:  # another process sharing the directory committed these entries
            self.index.index.reload()
            self.seq = on_disk
            if self.seq >= seq:
                return
        if self.seq < self.store.log_start() - 1:  # the entries it needs were trimmed
            self.notice("The keyword index is behind what the store's log still holds: rebuilding it.")
            self.rebuild()
            return
        touched = sorted({e.article_id for e in self.store.log_since(self.seq)})
        if not touched:
            self.seq = seq
            return
        try:
            self.index.replace(touched, self.store.passages_of(touched))
            self.index.commit(seq)
        except ValueError as exc:
            # Another process (a `newsbot add` beside the bot) holds the index's writer; it
            # commits these entries itself, and they are reloaded next time.
            log.info("keyword index busy in another process: %s", exc)
            self.index.close()
            return
        self.seq = seq

    def search(self, terms: list[str], k: int) -> list[tuple[int, float]]:
        return self.index.search(terms, k)

    def articles_holding(self, word: str) -> set[int]:
        return self.index.articles_holding(word)

    def close(self) -> None:
        self.index.close()
