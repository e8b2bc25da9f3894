"""The embedded indexes: FAISS (dense) and tantivy (keyword) files in the data directory, kept in
agreement with the store through its log.

Every write to the store appends to the log in the same transaction; each index remembers the
last log entry it applied. Opening, asking after another process wrote, and every ingest batch
all run the same catch-up: replay the log since that point (idempotently: drop the touched
articles' passages, add what the store holds now). An index that is missing, unreadable, built
by another model, or whose count disagrees with the store is rebuilt from the store, from the
cached vectors (nothing is embedded twice).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import faiss
import numpy as np

from ..dense import DenseIndex, choose_kind
from ..findings import Finding
from ..store import Store
from ..text import plural
from .keyword_follow import KeywordFollower
from .vectors import Vectors

class FileIndexes:
    def __init__(self, store: Store, directory: Path, vectors: Vectors, notice: Callable[[str], None]) -> None:
        self.store, self.dir, self.vectors, self.notice = store, directory, vectors, notice
        self.lock = threading.RLock()
        self.dense: DenseIndex | None = None
        self.keyword = KeywordFollower(store, directory / "keyword", notice)
        self._dense_seq = 0  # last log entry applied to the in-memory dense index
        self._dense_saved_seq = 0
        self._open()

    @property
    def where(self) -> str:
        return str(self.dir)

    @property
    def kind(self) -> str:
        return self.dense.kind if self.dense is not None else ""

    def counts(self) -> tuple[int, int]:
        """(vectors in the dense index, documents in the keyword index)."""
        return (self.dense.count if self.dense is not None else 0), self.keyword.count

    def _open(self) -> None:
        passages = self.store.counts()["passages"]
        seq = self.store.seq()
        loaded = DenseIndex.load(self.dir)
        if loaded is None:
            if passages:
                self.notice("The dense index is missing or unreadable: rebuilding it from the store.")
            self.rebuild_dense()
        else:
            self.dense, manifest = loaded
            if manifest.model != self.vectors.model_id:
                self.notice(
                    f"The index was built with the model {manifest.model!r} but the settings name "
                    f"{self.vectors.model_id!r}: re-embedding the passages with the new model."
                )
                self.rebuild_dense()
            elif manifest.synced_seq < self.store.log_start() - 1 or manifest.synced_seq > seq:
                self.notice("The dense index does not match the store: rebuilding it.")
                self.rebuild_dense()
            else:
                self._dense_seq = self._dense_saved_seq = manifest.synced_seq
        self.keyword.open()
        self.catch_up()
        vectors, passages = self.counts()[0], self.store.counts()["passages"]
        if vectors != passages:
            self.notice(f"The dense index holds {vectors} vectors for {passages} passages: rebuilding it.")
            self.rebuild_dense()
        self.persist()

    # --- searching -----------------------------------------------------------------------
    def search_dense(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        with self.lock:
            return self.dense.search(vector, k) if self.dense is not None else []

    def search_keyword(self, terms: list[str], k: int) -> list[tuple[int, float]]:
        with self.lock:
            return self.keyword.search(terms, k)

    def articles_holding(self, word: str) -> set[int]:
        with self.lock:
            return self.keyword.articles_holding(word)

    def warm_up(self) -> None:
        """Both indexes are opened with the engine."""

    # --- agreement with the store --------------------------------------------------------
    def rebuild_dense(self) -> None:
        """An exact index is filled a few articles at a time; an inverted file is trained on
        the corpus's own vectors, so it reads them all once (about what the index holds)."""
        with self.lock:
            seq = self.store.seq()
            self.dense = None
            if choose_kind(self.store.counts()["passages"]) == "flat":
                for ids, vecs in self.vectors.chunks(None):
                    if self.dense is None:
                        self.dense = DenseIndex.build(ids, vecs, "flat")
                    else:
                        self.dense.add(ids, vecs)
            else:
                ids, vecs = self.vectors.all()
                if len(ids):
                    self.dense = DenseIndex.build(ids, vecs)
            self._dense_seq = seq
            self._dense_saved_seq = -1  # force a save

    def rebuild_keyword(self) -> None:
        with self.lock:
            self.keyword.rebuild()

    def rebuild(self) -> None:
        with self.lock:
            self.rebuild_dense()
            self.rebuild_keyword()
            self.persist()

    def catch_up(self) -> None:
        """Apply the store's log entries the indexes have not seen (crash, other process, own
        writes). Idempotent: touched articles are dropped from an index, then re-added."""
        with self.lock:
            seq = self.store.seq()
            self.keyword.catch_up(seq)
            if seq == self._dense_seq:
                return
            if self._dense_seq < self.store.log_start() - 1:
                self.rebuild_dense()
                return
            self._apply_dense(self.store.log_since(self._dense_seq), seq)

    def _apply_dense(self, entries: list, seq: int) -> None:
        if not entries:
            return
        if self.dense is not None:
            for e in entries:
                if e.first_passage is not None:
                    self.dense.remove(np.arange(e.first_passage, e.last_passage + 1))
        for ids, vecs in self.vectors.chunks(sorted({e.article_id for e in entries})):
            if self.dense is None:
                self.dense = DenseIndex.build(ids, vecs)
            else:
                self.dense.remove(ids)
                self.dense.add(ids, vecs)
        self._dense_seq = seq
        if self.dense is not None and self.dense.needs_rebuild():
            self.notice(f"The corpus has outgrown its {self.dense.kind} index: rebuilding it.")
            self.rebuild_dense()

    def persist(self) -> None:
        """Save the dense index if it moved, then trim the log both indexes have applied."""
        with self.lock:
            if self._dense_saved_seq != self._dense_seq:
                if self.dense is not None:
                    self.dense.save(self.dir, self.vectors.model_id, self._dense_seq)
                self._dense_saved_seq = self._dense_seq
            upto = min(self._dense_saved_seq, self.keyword.saved_seq)
            if upto > 0:
                self.store.trim_log(upto)

    def close(self) -> None:
        with self.lock:
            self.persist()
            self.keyword.close()

    # --- newsbot doctor ------------------------------------------------------------------
    def examine(self, repair: bool) -> list[Finding]:
        return [self._dense_matches(repair), self._keyword_matches(repair), self._leftover_files(repair)]

    def _dense_matches(self, repair: bool) -> Finding:
        passages = self.store.counts()["passages"]
        dense, detail = self.dense, ""
        if dense is None:
            detail = "" if passages == 0 else f"no dense index for {passages:,} passages"
        elif dense.count != passages:
            detail = f"{dense.count:,} vectors for {passages:,} passages"
        elif isinstance(dense.index, faiss.IndexIDMap2):
            held = np.sort(faiss.vector_to_array(dense.index.id_map))
            stored = self.store.passage_ids()
            if not np.array_equal(held, stored):
                detail = f"{int(np.sum(~np.isin(stored, held))):,} passages missing from the dense index"
        return self._finding("dense index", passages, detail, repair, self.rebuild_dense)

    def _keyword_matches(self, repair: bool) -> Finding:
        passages = self.store.counts()["passages"]
        count = self.keyword.count
        detail = "" if count == passages else f"{count:,} documents for {passages:,} passages"
        return self._finding("keyword index", passages, detail, repair, self.rebuild_keyword)

    def _finding(self, check: str, passages: int, detail: str, repair: bool, rebuild: Callable[[], None]) -> Finding:
        """An index that agrees with the store is ok; one that does not is rebuilt from it."""
        if not detail:
            return Finding(check, "ok", plural(passages, "passage"))
        if not repair:
            return Finding(check, "failed", detail)
        rebuild()
        self.persist()
        return Finding(check, "repaired", f"{detail}; rebuilt from the store")

    def _leftover_files(self, repair: bool) -> Finding:
        current = DenseIndex.current_file(self.dir)
        stale = [p for p in self.dir.glob("dense-*.faiss*") if p.name != current]
        if not stale:
            return Finding("leftover files", "ok")
        if not repair:
            return Finding("leftover files", "failed", ", ".join(p.name for p in stale))
        for path in stale:
            path.unlink(missing_ok=True)
        return Finding("leftover files", "repaired", f"removed {', '.join(p.name for p in stale)} (left by an interrupted save)")
