"""The passages' vectors as the indexes read them: from the store's cache, a few articles at a
time, embedding only what the cache lacks for the configured model."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

import numpy as np

from ..embeddings import Encoder, embedded_text, text_hash
from ..store import Store

#: Articles whose passages are embedded or indexed together when the indexes catch up or are
#: rebuilt: memory follows this, not the size of the corpus or of the log.
CHUNK_ARTICLES = 64


class Vectors:
    def __init__(self, store: Store, encoder: Encoder, model_id: str, model_name: str,
                 notice: Callable[[str], None]) -> None:
        self.store, self.encoder, self.model_id = store, encoder, model_id
        self.model_name, self.notice = model_name, notice

    def chunks(self, article_ids: Iterable[int] | None) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """(passage ids, vectors) of the current passages of these articles (all when None)."""
        ids_all = self.store.all_article_ids() if article_ids is None else list(article_ids)
        for i in range(0, len(ids_all), CHUNK_ARTICLES):
            chunk = ids_all[i : i + CHUNK_ARTICLES]
            ids, vecs, missing = self.store.passage_vectors(self.model_id, chunk)
            if missing:
                self.embed_missing(missing)
                ids, vecs, missing = self.store.passage_vectors(self.model_id, chunk)
            if len(ids):
                yield ids, vecs

    def all(self) -> tuple[np.ndarray, np.ndarray]:
        """Every passage's vector, in two arrays (to train an inverted file on)."""
        parts = list(self.chunks(None))
        if not parts:
            return np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.float32)
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])

    def embed_missing(self, passage_ids: list[int]) -> None:
        """Embed passages whose vector the cache lacks for this model, and record the hash of
        the text embedded (the stored one names the text under the model that built it)."""
        rows = self.store.passages_by_ids(passage_ids)
        articles = self.store.articles_by_ids(r.article_id for r in rows.values())
        texts: dict[bytes, str] = {}
        hashes: dict[int, bytes] = {}
        for row in rows.values():
            article = articles[row.article_id]
            text = embedded_text(article.title, article.text[row.start : row.end])
            hashes[row.id] = text_hash(text)
            texts[hashes[row.id]] = text
        self.notice(f"Embedding {len(texts)} passages with {self.model_name}...")
        order = list(texts)
        vectors = self.encoder.encode([texts[h] for h in order])
        self.store.put_vectors(self.model_id, dict(zip(order, vectors)), hashes)
