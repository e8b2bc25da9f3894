"""Preparing articles to be written: split into passages, embedded (only what the cache lacks),
and read for attributions. The slow part of an ingest, done outside any lock."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from .articles import Article
from .attribution import Attributor
from .embeddings import Encoder, embedded_text, text_hash
from .settings import EngineSettings
from .store import PreparedArticle, Store
from .text import split_passages


class Preparer:
    def __init__(self, store: Store, encoder: Encoder, settings: EngineSettings, attributor: Attributor) -> None:
        self.store, self.encoder, self.settings, self.attributor = store, encoder, settings, attributor
        self._embedder: ThreadPoolExecutor | None = None  # started on first use

    def prepare(self, articles: list[Article]) -> list[PreparedArticle]:
        return self.start(articles)()

    def start(self, articles: list[Article], skip_held: bool = False) -> Callable[[], list[PreparedArticle]]:
        """Split the articles and start embedding their new passages on the embedding thread;
        the function returned finds the attributions meanwhile and then waits for the vectors.
        With `skip_held`, articles the store holds as they are are not read for attributions
        (the slowest step, whose result the store would not write): adding a folder or a feed
        again costs a lookup per article.

        Ingest calls this for the next batch before it writes the last one, so the encoder
        (which releases the GIL) does not wait while Python finds attributions and writes the
        store. The store is read here, in the caller's thread; only the encoder runs on the other."""
        split = []
        texts: dict[bytes, str] = {}
        for article in articles:
            passages = split_passages(article.text, self.settings.passage_words)
            embedded = [embedded_text(article.title, article.text[p.start : p.end]) for p in passages]
            hashes = [text_hash(t) for t in embedded]
            texts.update(zip(hashes, embedded))
            split.append((article, passages, hashes))
        cached = self.store.cached_vectors(self.settings.embedding_id, list(texts))
        todo = [h for h in texts if h not in cached]
        if self._embedder is None:
            self._embedder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="embed")
        vectors = self._embedder.submit(self.encoder.encode, [texts[h] for h in todo]) if todo else None

        held = self.store.held_as_is(articles) if skip_held else [False] * len(articles)

        def finish() -> list[PreparedArticle]:
            found = [None if skip else self.attributor(article.text) for (article, _, _), skip in zip(split, held)]
            fresh = dict(zip(todo, vectors.result())) if vectors is not None else {}
            return [
                PreparedArticle(article, passages, hashes, {h: fresh[h] for h in hashes if h in fresh}, attributions)
                for (article, passages, hashes), attributions in zip(split, found)
            ]

        return finish

    def close(self) -> None:
        if self._embedder is not None:
            self._embedder.shutdown()
