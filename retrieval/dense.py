"""The dense index: FAISS over passage vectors, keyed by passage id, saved atomically with a
manifest that says what built it and how far into the store's log it is."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

import faiss
import numpy as np

from .errors import StoreFull
from .files import fsync_file, write_json_atomic

#: FAISS's threads for searching: a single question is fastest on one (at 100k vectors, less
#: than half the time of two: bench/README.md); bulk work is done in batches anyway.
SEARCH_THREADS = 1

MANIFEST = "dense.json"


#: Exact search while it is fast enough (about 6 ms at 100k vectors on one thread); beyond,
#: an inverted file with 8-bit scalar quantization (under a millisecond at 1M, a quarter of
#: the memory: bench/scale.py).
FLAT_LIMIT = 200_000
#: Recall@10 against exact search that nprobe is tuned to reach on the corpus's own vectors.
TARGET_RECALL = 0.97
#: Retrain an inverted file once the corpus has grown past this multiple of its training size.
RETRAIN_GROWTH = 4.0


@dataclass
class Manifest:
    model: str
    dimension: int
    kind: str
    count: int
    synced_seq: int
    file: str
    trained_on: int = 0
    nprobe: int = 0


def exact_top_scores(queries: np.ndarray, vectors: np.ndarray, k: int, block: int = 65536) -> tuple[np.ndarray, np.ndarray]:
    """Row numbers of the k nearest vectors for each query and their scores, by brute force in
    blocks (a 1M x 200 score matrix would not fit in memory)."""
    best_scores = np.full((len(queries), 0), -np.inf, dtype=np.float32)
    best_rows = np.zeros((len(queries), 0), dtype=np.int64)
    for start in range(0, len(vectors), block):
        scores = queries @ vectors[start : start + block].T
        rows = np.arange(start, start + scores.shape[1])[None, :].repeat(len(queries), axis=0)
        scores = np.concatenate([best_scores, scores], axis=1)
        rows = np.concatenate([best_rows, rows], axis=1)
        keep = np.argsort(-scores, axis=1)[:, :k]
        best_scores = np.take_along_axis(scores, keep, axis=1)
        best_rows = np.take_along_axis(rows, keep, axis=1)
    return best_rows, best_scores


def exact_top(queries: np.ndarray, vectors: np.ndarray, k: int) -> np.ndarray:
    """Row numbers of the k nearest vectors for each query, by brute force."""
    return exact_top_scores(queries, vectors, k)[0]


def recall_at(found: np.ndarray, ids: np.ndarray, vectors: np.ndarray, queries: np.ndarray,
              kth_exact: np.ndarray) -> float:
    """Share of the ids found that are truly among the k nearest: a found vector counts when its
    exact score reaches the k-th best exact score. Counting by score, not by id, keeps the
    measure right when the corpus holds identical passages (syndicated wire copy): any of the
    copies is as near as the one exact search happened to list."""
    order = np.argsort(ids)
    where = np.clip(np.searchsorted(ids[order], found), 0, len(ids) - 1)
    rows = order[where]
    valid = ids[rows] == found
    true = np.einsum("qkd,qd->qk", vectors[rows], queries)
    return float(np.mean(valid & (true >= kth_exact[:, None] - 1e-5)))


def choose_kind(count: int) -> str:
    return "flat" if count < FLAT_LIMIT else "ivf-sq8"


class DenseIndex:
    """Inner-product search over normalized vectors (inner product = cosine), keyed by passage
    id: exact ("flat") for small corpora, IVF with 8-bit scalar quantization beyond."""

    def __init__(self, dimension: int, index: faiss.Index | None = None, kind: str = "flat",
                 trained_on: int = 0) -> None:
        self.dimension = dimension
        self.kind = kind
        self.trained_on = trained_on
        self.index = index or faiss.IndexIDMap2(faiss.IndexFlatIP(dimension))
        faiss.omp_set_num_threads(SEARCH_THREADS)  # per process: set where an index is made

    @classmethod
    def build(cls, ids: np.ndarray, vectors: np.ndarray, kind: str | None = None) -> "DenseIndex":
        """An index of the kind the corpus size calls for, trained on the corpus's own vectors."""
        kind = kind or choose_kind(len(ids))
        dimension = vectors.shape[1]
        if kind == "flat":
            index = cls(dimension)
        else:
            nlist = int(min(65536, max(256, 4 * np.sqrt(len(ids)))))
            quantizer = faiss.IndexFlatIP(dimension)
            ivf = faiss.IndexIVFScalarQuantizer(
                quantizer, dimension, nlist, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT
            )
            sample = vectors[np.random.default_rng(0).choice(len(vectors), min(len(vectors), 64 * nlist), replace=False)]
            faiss.omp_set_num_threads(os.cpu_count() or 1)  # training is bulk work
            try:
                ivf.train(np.ascontiguousarray(sample, dtype=np.float32))
            finally:
                faiss.omp_set_num_threads(SEARCH_THREADS)
            index = cls(dimension, ivf, kind, trained_on=len(ids))
        index.add(ids, vectors)
        if kind != "flat":
            index.tune(ids, vectors)
        return index

    def tune(self, ids: np.ndarray, vectors: np.ndarray, queries: int = 200) -> int:
        """The smallest nprobe whose recall@10 against exact search (by score, see recall_at)
        reaches TARGET_RECALL, on queries made from the corpus's own vectors (synthetic vectors
        flatter IVF)."""
        rng = np.random.default_rng(1)
        q = vectors[rng.choice(len(vectors), min(queries, len(vectors)), replace=False)]
        q = q + rng.normal(0, 0.02, q.shape).astype(np.float32)  # near, not equal, to a passage
        q /= np.linalg.norm(q, axis=1, keepdims=True)
        q = q.astype(np.float32)
        _, exact_scores = exact_top_scores(q, vectors, 10)
        ivf = faiss.extract_index_ivf(self.index)
        for nprobe in (4, 8, 16, 32, 64, 128, 256):
            ivf.nprobe = nprobe
            _, found = self.index.search(q, 10)
            if recall_at(found, ids, vectors, q, exact_scores[:, -1]) >= TARGET_RECALL:
                break
        return nprobe

    @property
    def nprobe(self) -> int:
        return int(faiss.extract_index_ivf(self.index).nprobe) if self.kind == "ivf-sq8" else 0

    def needs_rebuild(self) -> bool:
        """Grown out of its kind: past the exact-search limit, or well past its training size."""
        if self.kind == "flat":
            return self.count >= FLAT_LIMIT
        return self.count > RETRAIN_GROWTH * max(self.trained_on, 1)

    @property
    def count(self) -> int:
        return int(self.index.ntotal)

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        if len(ids):
            self.index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), ids.astype(np.int64))

    def remove(self, ids: np.ndarray) -> None:
        if len(ids):
            self.index.remove_ids(faiss.IDSelectorBatch(np.asarray(ids, dtype=np.int64)))

    def search(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        if self.count == 0:
            return []
        scores, ids = self.index.search(vector.reshape(1, -1).astype(np.float32), min(k, self.count))
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]

    # --- files ---------------------------------------------------------------------------
    def save(self, directory: Path, model: str, synced_seq: int) -> None:
        """Write the index under a new name, then swap the manifest: a crash at any moment
        leaves the manifest pointing at a complete file."""
        name = f"dense-{synced_seq}.faiss"
        tmp = directory / (name + ".tmp")
        try:
            faiss.write_index(self.index, str(tmp))
            fsync_file(tmp)
            os.replace(tmp, directory / name)
            manifest = Manifest(model, self.dimension, self.kind, self.count, synced_seq, name,
                                self.trained_on, self.nprobe)
            write_json_atomic(directory / MANIFEST, asdict(manifest))
        except (OSError, RuntimeError) as exc:
            tmp.unlink(missing_ok=True)
            if name != self.current_file(directory):  # a file the manifest does not point at
                (directory / name).unlink(missing_ok=True)
            raise StoreFull(
                f"could not save the index ({exc}); the previous index is kept, and the store has "
                "every article: the next start catches up"
            ) from None
        for old in directory.glob("dense-*.faiss*"):
            if old.name != name:
                old.unlink(missing_ok=True)

    @staticmethod
    def current_file(directory: Path) -> str | None:
        """The index file the manifest points at."""
        try:
            return json.loads((directory / MANIFEST).read_text())["file"]
        except (OSError, ValueError, KeyError):
            return None

    @classmethod
    def load(cls, directory: Path) -> tuple["DenseIndex", Manifest] | None:
        """The saved index and its manifest, or None when missing or unreadable."""
        try:
            manifest = Manifest(**json.loads((directory / MANIFEST).read_text()))
            index = faiss.read_index(str(directory / manifest.file))
        except (OSError, ValueError, TypeError, RuntimeError):
            return None
        if index.ntotal != manifest.count or index.d != manifest.dimension:
            return None
        dense = cls(manifest.dimension, index, "ivf-sq8" if manifest.kind == "ivf-sq8" else "flat", manifest.trained_on)
        if manifest.nprobe:
            faiss.extract_index_ivf(index).nprobe = manifest.nprobe
        return dense, manifest

