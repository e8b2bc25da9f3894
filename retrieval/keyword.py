"""The keyword index: BM25 over passages with tantivy, so names and rare words are found even
where the embedding misses them.

Chosen for scale: at a million passages tantivy answers BM25 OR-queries a hundred times faster
than SQLite's FTS5 (bench/scale.py).
"""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

import tantivy

from .files import write_json_atomic

STATE = "keyword.json"
#: 2: the article id is a fast field, read to count the articles holding a word (/who).
SCHEMA_VERSION = 2
#: Passages read at most to list the articles holding a word.
HOLDING_CAP = 200_000

class KeywordIndex:
    """A tantivy index of `title + passage` per passage id, deletable by article id."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._lock = threading.Lock()
        builder = tantivy.SchemaBuilder()
        builder.add_integer_field("pid", stored=True, indexed=True, fast=True)
        builder.add_integer_field("aid", indexed=True, fast=True)
        builder.add_text_field("text", tokenizer_name="en_stem", index_option="freq")
        self.schema = builder.build()
        directory.mkdir(parents=True, exist_ok=True)
        try:
            self.index = tantivy.Index(self.schema, path=str(directory))
        except ValueError:
            # A corrupt or incompatible index: start empty; the engine refills it from the store.
            shutil.rmtree(directory)
            directory.mkdir(parents=True)
            self.index = tantivy.Index(self.schema, path=str(directory))
        self._writer: tantivy.IndexWriter | None = None

    @property
    def synced_seq(self) -> int:
        try:
            state = json.loads((self.directory / STATE).read_text())
            return int(state["synced_seq"]) if state.get("schema") == SCHEMA_VERSION else -1
        except (OSError, ValueError, KeyError):
            return -1

    @property
    def count(self) -> int:
        return int(self.index.searcher().num_docs)

    def _w(self) -> tantivy.IndexWriter:
        if self._writer is None:
            self._writer = self.index.writer(heap_size=64_000_000, num_threads=1)
        return self._writer

    def replace(self, article_ids: list[int], docs: list[tuple[int, int, str]]) -> None:
        """Drop every passage of these articles, then add `docs` (pid, aid, text); idempotent."""
        with self._lock:
            writer = self._w()
            for aid in article_ids:
                writer.delete_documents_by_term("aid", aid)
            for pid, aid, text in docs:
                writer.add_document(tantivy.Document(pid=pid, aid=aid, text=text))

    def clear(self) -> None:
        with self._lock:
            self._w().delete_all_documents()

    def commit(self, synced_seq: int) -> None:
        """Make the changes durable and visible, then record how far into the log they go."""
        with self._lock:
            if self._writer is not None:
                self._writer.commit()
                self._writer.wait_merging_threads()
                self._writer = None
            self.index.reload()
            write_json_atomic(
                self.directory / STATE, {"schema": SCHEMA_VERSION, "synced_seq": synced_seq}
            )

    def search(self, terms: list[str], limit: int) -> list[tuple[int, float]]:
        """(passage id, BM25 score) of the best passages holding any of the terms."""
        if not terms:
            return []
        query, _errors = self.index.parse_query_lenient(" OR ".join(terms), ["text"])
        searcher = self.index.searcher()
        # No count of all matches: counting visits every document that has any of the words,
        # which defeats the top-k pruning.
        hits = searcher.search(query, limit, count=False).hits
        pids = searcher.fast_field_values("pid", [addr for _, addr in hits])  # no stored-document reads
        return [(int(pid), float(score)) for (score, _), pid in zip(hits, pids)]

    def articles_holding(self, word: str) -> set[int]:
        """The ids of the articles a passage of which holds `word` (as searching finds it: its stem,
        case aside), read from the index rather than from every article's text."""
        query, _errors = self.index.parse_query_lenient(word, ["text"])
        searcher = self.index.searcher()
        hits = searcher.search(query, HOLDING_CAP, count=False).hits
        return {int(a) for a in searcher.fast_field_values("aid", [addr for _, addr in hits])}

    def close(self) -> None:
        with self._lock:
            if self._writer is not None:
                self._writer.rollback()
                self._writer = None
