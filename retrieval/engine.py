"""The engine: one data directory (store + dense index + keyword index) kept in agreement, and
the operations on it: add, remove, reindex, ask.

Agreement works through the store's log. Every write to the store appends to the log in the same
transaction; each index remembers the last log entry it applied. Opening the engine, asking after
another process wrote, and every ingest batch all run the same catch-up: replay the log since that
point (idempotently: drop the touched articles' passages, add what the store holds now). If an
index is missing, unreadable, built by another model, or its count disagrees with the store, it is
rebuilt from the store, using the cached vectors (nothing is embedded twice).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from .answers import Answer
from .articles import Article, clean_inline
from .dense import DenseIndex, choose_kind
from .embeddings import Encoder, get_encoder, text_hash
from .errors import NotFound
from .keyword import KeywordIndex
from .language import foreign_notice
from .postgres import PostgresDense, PostgresKeyword, PostgresStore
from .settings import EngineSettings
from .store import ArticleRow, Store, WriteResult
from .quotes import (
    PRONOUNS,
    RULES_VERSION,
    Quote,
    extract as extract_attributions,
    find_quotes,
    name_key,
    speaker_matches,
    speaker_question,
)
from .text import split_passages

log = logging.getLogger(__name__)

Notice = Callable[[str], None]

#: Quotes an answer lists at most (`newsbot quotes` lists them all).
QUOTES_IN_ANSWER = 10


@dataclass
class FollowUp:
    """What the conversation so far adds to a question: earlier questions and cited articles."""

    questions: list[str] = field(default_factory=list)
    article_keys: list[str] = field(default_factory=list)


@dataclass
class Profile:
    """What /who shows about a person."""

    name: str
    articles: int
    quotes: list[Quote]
    beside: list[str]


def embedded_text(title: str, passage: str) -> str:
    """What is embedded for a passage: its article's title gives the context."""
    return f"{title}\n{' '.join(passage.split())}"


class Engine:
    """Open with `Engine(settings)`; close with `close()` (or use as a context manager)."""

    def __init__(self, settings: EngineSettings | None = None, notice: Notice | None = None,
                 index_corpus: bool = True) -> None:
        self.settings = settings or EngineSettings()
        self.notice: Notice = notice or (lambda message: log.info("%s", message))
        self.dir = self.settings.data_dir
        self.dir.mkdir(parents=True, exist_ok=True)
        self.encoder: Encoder = get_encoder(self.settings)
        self._embedder: ThreadPoolExecutor | None = None  # ingest's embedding thread, when used
        self.dense: DenseIndex | PostgresDense | None = None
        if self.settings.database_url is not None:
            # Several replicas share one PostgreSQL: the indexes live in it, nothing on disk here
            # but the exported encoder.
            self.store: Store = PostgresStore(self.settings.database_url.get_secret_value())
            self.keyword: KeywordIndex | PostgresKeyword = PostgresKeyword(self.store)
            self.dense = PostgresDense(self.store)
        else:
            self.store = Store(self.dir / "store.sqlite3")
            self.keyword = KeywordIndex(self.dir / "keyword")
        self._dense_seq = 0  # last log entry applied to the in-memory dense index
        self._dense_saved_seq = 0
        self._keyword_seq = 0
        self._lock = threading.RLock()
        self._open_indexes()
        self._check_passage_size()
        # Before the default corpus: an empty store is only marked as current, so a first start
        # does not find the seed articles' attributions twice.
        self._check_attribution_rules()
        if index_corpus:
            with self.store.exclusive():
                if self.store.counts()["articles"] == 0 and self.store.seq() == 0:
                    self._index_default_corpus()

    def __enter__(self) -> "Engine":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._embedder is not None:
            self._embedder.shutdown()
        with self._lock:
            self.persist()
            self.keyword.close()
            self.store.close()

    #: Stores up to this many articles find their attributions again on open (about 17 ms an
    #: article); larger ones do it in the background of a running bot, or on `newsbot reindex`.
    INLINE_REFRESH_ARTICLES = 500

    def attributions_stale(self) -> bool:
        """Whether the stored attributions were found by other rules than this version's."""
        return self.store.get_meta("attribution_rules") != RULES_VERSION

    def _check_attribution_rules(self) -> None:
        """Attributions found by older rules are found again, so an upgrade's better "who said
        what" reaches the articles already stored."""
        if not self.attributions_stale():
            return
        articles = self.store.counts()["articles"]
        if articles > self.INLINE_REFRESH_ARTICLES:
            self.notice(
                f"Who said what in the {articles} stored articles was found by older rules: `newsbot run` "
                "finds it again in the background, or run `newsbot reindex`."
            )
            return
        self.refresh_attributions()

    def _check_passage_size(self) -> None:
        """An empty store takes the configured passage size; one split at another size is told
        how to split again (new articles are split at the configured size meanwhile)."""
        stored = self.store.passage_words()
        if stored == self.settings.passage_words:
            return
        if self.store.counts()["articles"] == 0:
            self.store.set_passage_words(self.settings.passage_words)
        else:
            self.notice(
                f"The stored articles were split into passages of about {stored} words and the "
                f"settings ask for {self.settings.passage_words}: run `newsbot reindex` to split them again."
            )

    def split_again(self) -> int:
        """Split every stored article at the configured passage size, one article per
        transaction, reusing the cached vectors of passage texts already embedded; then record
        the size. A run killed midway loses nothing: the store and the indexes agree after each
        article, and the next reindex finishes the work."""
        ids = self.store.all_article_ids()
        self.notice(f"Splitting {len(ids)} articles into passages of about {self.settings.passage_words} words.")
        for start in range(0, len(ids), self.SPLIT_BATCH):
            rows = self.store.articles_by_ids(ids[start : start + self.SPLIT_BATCH])
            for article, passages, hashes, vectors, found in self.prepare([r.as_article() for r in rows.values()]):
                self.store.write_article(article, passages, hashes, vectors, self.settings.embedding_id, found, resplit=True)
            self.catch_up()
            done = start + len(rows)
            if done % 1024 < self.SPLIT_BATCH and done < len(ids):
                self.notice(f"{done} of {len(ids)} articles split again")
        self.store.set_passage_words(self.settings.passage_words)
        return len(ids)

    #: Articles split again, and embedded, at a time.
    SPLIT_BATCH = 32

    def refresh_attributions(self) -> int:
        """Find every stored article's attributions again with the current rules."""
        with self.store.exclusive():
            if not self.attributions_stale():
                return 0
            return self.store.refresh_attributions(extract_attributions, RULES_VERSION)

    def warm_up(self) -> None:
        """Load what the first question would otherwise wait for: the model, and the place
        gazetteer of the answer-type cues (about 0.8 s)."""
        from .answer_types import gazetteer

        self.encoder.encode_one("warm up")
        gazetteer()

    def refresh_attributions_in_background(self) -> threading.Thread | None:
        """For a long-running bot: the refresh runs beside the answering (one article per
        transaction, so readers are never blocked for long)."""
        if not self.attributions_stale():
            return None
        thread = threading.Thread(target=self.refresh_attributions, name="attributions", daemon=True)
        thread.start()
        return thread

    # --- agreement between the store and the indexes -------------------------------------
    def _open_indexes(self) -> None:
        if self.store.indexes_inside:
            self._index_inside()
            return
        passages = self.store.counts()["passages"]
        seq = self.store.seq()
        loaded = DenseIndex.load(self.dir)
        if loaded is None:
            if passages:
                self.notice("The dense index is missing or unreadable: rebuilding it from the store.")
            self._rebuild_dense()
        else:
            self.dense, manifest = loaded
            if manifest.model != self.settings.embedding_id:
                self.notice(
                    f"The index was built with the model {manifest.model!r} but the settings name "
                    f"{self.settings.embedding_id!r}: re-embedding the passages with the new model."
                )
                self._rebuild_dense()
            elif manifest.synced_seq < self.store.log_start() - 1 or manifest.synced_seq > seq:
                self.notice("The dense index does not match the store: rebuilding it.")
                self._rebuild_dense()
            else:
                self._dense_seq = self._dense_saved_seq = manifest.synced_seq
        kw_seq = self.keyword.synced_seq
        if kw_seq < 0 or kw_seq < self.store.log_start() - 1 or kw_seq > seq:
            if passages:
                self.notice("The keyword index is missing or out of date: rebuilding it from the store.")
            self._rebuild_keyword()
        else:
            self._keyword_seq = kw_seq
        self.catch_up()
        counts = self.store.counts()
        if self.dense_count != counts["passages"]:
            self.notice(
                f"The dense index holds {self.dense_count} vectors for {counts['passages']} "
                "passages: rebuilding it."
            )
            self._rebuild_dense()
        if self.keyword.count != counts["passages"]:
            self.notice("The keyword index does not match the store: rebuilding it.")
            self._rebuild_keyword()
        self.persist()

    def _index_inside(self) -> None:
        """PostgreSQL: give every passage without one its vector and words (after a model
        change, a reindex or a migration), from the cached vectors where they exist."""
        store: PostgresStore = self.store  # type: ignore[assignment]
        if store.indexed_model() not in (None, self.settings.embedding_id):
            self.notice(
                f"The database was indexed with the model {store.indexed_model()!r} but the settings "
                f"name {self.settings.embedding_id!r}: re-embedding the passages with the new model."
            )
            store.clear_index()
        articles = store.unindexed_articles()
        if articles:
            self.notice(f"Indexing the passages of {len(articles)} articles in the database...")
        for ids, vecs in self._vector_chunks(articles):
            store.set_vectors(ids, vecs)
        store.set_indexed_model(self.settings.embedding_id)
        store.ensure_vector_index()

    @property
    def dense_count(self) -> int:
        return self.dense.count if self.dense is not None else 0

    #: Articles whose passages are embedded or indexed together when the indexes catch up or
    #: are rebuilt: memory follows this, not the size of the corpus or of the log.
    CATCH_UP_ARTICLES = 64

    def _vector_chunks(self, article_ids: Iterable[int] | None) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """(passage ids, vectors) of the current passages of these articles (all when None), a
        few articles at a time, embedding any that the cache lacks for the configured model."""
        ids_all = self.store.all_article_ids() if article_ids is None else list(article_ids)
        for i in range(0, len(ids_all), self.CATCH_UP_ARTICLES):
            chunk = ids_all[i : i + self.CATCH_UP_ARTICLES]
            ids, vecs, missing = self.store.passage_vectors(self.settings.embedding_id, chunk)
            if missing:
                self._embed_missing(missing)
                ids, vecs, missing = self.store.passage_vectors(self.settings.embedding_id, chunk)
            if len(ids):
                yield ids, vecs

    def _vectors_for(self, article_ids: Iterable[int] | None) -> tuple[np.ndarray, np.ndarray]:
        """All the vectors `_vector_chunks` gives, in two arrays."""
        parts = list(self._vector_chunks(article_ids))
        if not parts:
            return np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.float32)
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])

    def _embed_missing(self, passage_ids: list[int]) -> None:
        rows = self.store.passages_by_ids(passage_ids)
        articles = self.store.articles_by_ids(r.article_id for r in rows.values())
        texts = {}
        for row in rows.values():
            article = articles[row.article_id]
            text = embedded_text(article.title, article.text[row.start : row.end])
            texts[text_hash(text)] = text
        # The stored hash identifies the text embedded under the model that built it.
        self.notice(f"Embedding {len(texts)} passages with {self.settings.model}...")
        hashes = list(texts)
        vectors = self.encoder.encode([texts[h] for h in hashes])
        with self.store.transaction() as db:
            for row in rows.values():
                article = articles[row.article_id]
                text = embedded_text(article.title, article.text[row.start : row.end])
                db.execute("UPDATE passages SET embed_hash = ? WHERE id = ?", (text_hash(text), row.id))
            for h, vec in zip(hashes, vectors):
                db.execute(
                    "INSERT INTO vectors VALUES (?, ?, ?) ON CONFLICT (model, hash) DO UPDATE SET vec = excluded.vec",
                    (self.settings.embedding_id, h, vec.astype(np.float32).tobytes()),
                )

    def _rebuild_dense(self) -> None:
        """An exact index is filled a few articles at a time; an inverted file is trained on
        the corpus's own vectors, so it reads them all once (about what the index holds)."""
        with self._lock:
            seq = self.store.seq()
            self.dense = None
            if choose_kind(self.store.counts()["passages"]) == "flat":
                for ids, vecs in self._vector_chunks(None):
                    if self.dense is None:
                        self.dense = DenseIndex.build(ids, vecs, "flat")
                    else:
                        self.dense.add(ids, vecs)
            else:
                ids, vecs = self._vectors_for(None)
                if len(ids):
                    self.dense = DenseIndex.build(ids, vecs)
            self._dense_seq = seq
            self._dense_saved_seq = -1  # force a save

    def _rebuild_keyword(self) -> None:
        with self._lock:
            seq = self.store.seq()
            self.keyword.clear()
            self.keyword.replace([], self.store.passages_of(self.store.all_article_ids()))  # read a few articles at a time
            self.keyword.commit(seq)
            self._keyword_seq = seq

    def catch_up(self) -> None:
        """Apply the store's log entries the indexes have not seen (crash, other process, own
        writes). Idempotent: touched articles are dropped from an index, then re-added."""
        with self._lock:
            if self.store.indexes_inside:  # written with the passages, in their transaction
                self.store.ensure_vector_index()  # type: ignore[attr-defined]
                return
            seq = self.store.seq()
            if seq == self._dense_seq == self._keyword_seq:
                return
            on_disk = self.keyword.synced_seq
            if on_disk > self._keyword_seq:  # another process committed the keyword index
                self.keyword.index.reload()
                self._keyword_seq = on_disk
            since = min(self._dense_seq, self._keyword_seq)
            if since < self.store.log_start() - 1:
                if self._dense_seq < self.store.log_start() - 1:
                    self._rebuild_dense()
                if self._keyword_seq < self.store.log_start() - 1:
                    self._rebuild_keyword()
                return
            entries = self.store.log_since(since)
            dense_entries = [e for e in entries if e.seq > self._dense_seq]
            if dense_entries:
                if self.dense is not None:
                    for e in dense_entries:
                        if e.first_passage is not None:
                            self.dense.remove(np.arange(e.first_passage, e.last_passage + 1))
                for ids, vecs in self._vector_chunks(sorted({e.article_id for e in dense_entries})):
                    if self.dense is None:
                        self.dense = DenseIndex.build(ids, vecs)
                    else:
                        self.dense.remove(ids)
                        self.dense.add(ids, vecs)
                self._dense_seq = seq
                if self.dense is not None and self.dense.needs_rebuild():
                    self.notice(f"The corpus has outgrown its {self.dense.kind} index: rebuilding it.")
                    self._rebuild_dense()
            kw_entries = [e for e in entries if e.seq > self._keyword_seq]
            if kw_entries:
                touched_kw = sorted({e.article_id for e in kw_entries})
                try:
                    self.keyword.replace(touched_kw, self.store.passages_of(touched_kw))
                    self.keyword.commit(seq)
                except ValueError as exc:
                    # Another process (a `newsbot add` beside the bot) holds the keyword index's
                    # writer; it commits these entries itself, and we reload them next time.
                    log.info("keyword index busy in another process: %s", exc)
                    self.keyword.close()
                    return
                self._keyword_seq = seq

    def persist(self) -> None:
        """Save the dense index if it moved, then trim the log both indexes have applied."""
        with self._lock:
            if self.store.indexes_inside:
                return
            if self._dense_saved_seq != self._dense_seq:
                if self.dense is not None:
                    self.dense.save(self.dir, self.settings.embedding_id, self._dense_seq)
                self._dense_saved_seq = self._dense_seq
            upto = min(self._dense_saved_seq, self.keyword.synced_seq)
            if upto > 0:
                self.store.trim_log(upto)

    def reindex(self) -> dict[str, int]:
        """Split the articles again if the passage size changed, rebuild both indexes from the
        store (cached vectors are reused) and find the attributions again."""
        if self.store.passage_words() != self.settings.passage_words:
            self.split_again()  # outside the lock: readers are answered meanwhile, as during an ingest
        with self._lock:
            self.store.refresh_attributions(extract_attributions, RULES_VERSION)
            if self.store.indexes_inside:
                self.store.clear_index()  # type: ignore[attr-defined]
                self._index_inside()
            else:
                self._rebuild_dense()
                self._rebuild_keyword()
                self.persist()
            self.store.prune_vectors(self.settings.embedding_id)
        return self.stats()

    # --- writing -------------------------------------------------------------------------
    def _index_default_corpus(self) -> None:
        corpus = self.settings.corpus_dir
        if not corpus.is_dir():
            return
        from .ingest import ingest

        where = f"The database {self.store.path}" if self.store.indexes_inside else f"The data directory {self.dir}"
        report = ingest(self, [str(corpus)])
        self.notice(
            f"{where} was empty: indexed the sample corpus that ships with newsbot ({corpus}: "
            f"{report.count('added')} article{'' if report.count('added') == 1 else 's'}), so that there is "
            "something to ask about. Add your newsroom's own articles with `newsbot add` and a folder, "
            "a JSONL file or a link (`newsbot add --help`)."
        )

    def prepare(self, articles: list[Article]) -> list[tuple]:
        """Split, embed and find the attributions of a batch of articles (the slow part, done
        outside any lock)."""
        return self.start_preparing(articles)()

    def start_preparing(self, articles: list[Article]) -> Callable[[], list[tuple]]:
        """Split the articles and start embedding their new passages on the embedding thread;
        the function returned finds the attributions meanwhile and then waits for the vectors.

        Ingest calls this for the next batch before it writes the last one, so the encoder
        (which releases the GIL) does not wait while Python finds attributions and writes the
        store. On 2 cores the gain is small, since inference already keeps both busy (2.77x to
        2.83x PyTorch in bench/ingest.py); it grows with spare cores. The store is read here, in
        the caller's thread; only the encoder runs on the other."""
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

        def finish() -> list[tuple]:
            found = [extract_attributions(article.text) for article, _, _ in split]
            fresh = dict(zip(todo, vectors.result())) if vectors is not None else {}
            return [
                (article, passages, hashes, {h: fresh[h] for h in hashes if h in fresh}, attributions)
                for (article, passages, hashes), attributions in zip(split, found)
            ]

        return finish

    def write(self, prepared: list[tuple]) -> list[WriteResult]:
        """Store each prepared article in its own transaction, then bring the indexes up to date."""
        results = [
            self.store.write_article(article, passages, hashes, vectors, self.settings.embedding_id, found)
            for article, passages, hashes, vectors, found in prepared
        ]
        self.catch_up()
        return results

    def add(self, articles: list[Article]) -> list[WriteResult]:
        return self.write(self.prepare(articles))

    def remove(self, ref: str) -> ArticleRow:
        article = self.store.find_article(ref.strip())
        if article is None:
            raise NotFound(f"no article with id or URL {ref!r}")
        self.store.delete_article(article.id)
        self.catch_up()
        self.persist()
        return article

    # --- reading -------------------------------------------------------------------------
    def stats(self) -> dict:
        counts = self.store.counts()
        return {
            "articles": counts["articles"],
            "passages": counts["passages"],
            "vectors": self.dense_count,
            "keyword_docs": self.keyword.count,
            "outlets": counts["outlets"],
            "first_published": counts["first"],
            "last_published": counts["last"],
            "model": self.settings.model,
            "encoder": self.settings.encoder,
            "data_dir": str(self.store.path) if self.store.indexes_inside else str(self.dir),
        }

    def example_questions(self) -> list[str]:
        """Three questions the corpus can answer: drawn from the newest headlines."""
        return [f"What happened: {a.title}?" for a in self.store.list_articles(limit=3)]

    def quotes(self, name: str, about: str | None = None) -> list[Quote]:
        """Every statement attributed to the person `name` stands for, newest coverage first,
        only those about `about` when a topic is given."""
        return find_quotes(self.store, name, about)

    def profile(self, name: str) -> "Profile":
        """A person at a glance: statements, articles mentioning them, people quoted beside them."""
        from collections import Counter

        found = self.quotes(name)
        display = found[0].speaker if found else name
        surname = max(name_key(name) or [name.lower()], key=len)
        articles = self.store.articles_mentioning(surname)
        beside = Counter(
            s for s in self.store.speakers_in(articles) if not speaker_matches(name, s)
        )
        return Profile(display, len(articles), found, [s for s, _ in beside.most_common(5)])

    def _quotes_for(self, question: str, asked_on: date | None, follow_up: FollowUp | None) -> list[Quote]:
        """Quotes answering "what did X say (about Y)?"; X may be a person named earlier in
        the conversation ("and what did she say about Mironov?")."""
        asked = speaker_question(question)
        if asked is None:
            return []
        who, topic = asked
        if who.lower() in PRONOUNS and follow_up:
            earlier = [speaker_question(q) for q in reversed(follow_up.questions)]
            named = [e[0] for e in earlier if e and e[0].lower() not in PRONOUNS]
            if not named:
                return []
            who = named[0]
        cutoff = asked_on.isoformat() if asked_on else None
        quotes = [q for q in self.quotes(who, topic) if not (cutoff and q.published and q.published > cutoff)]
        return quotes[:QUOTES_IN_ANSWER]

    def ask(
        self,
        question: str,
        k: int | None = None,
        asked_on: date | None = None,
        follow_up: FollowUp | None = None,
        more_pages: int = 2,
        mode: str = "hybrid",
    ) -> Answer:
        """Cited excerpts answering `question`; nothing published after `asked_on` is cited.

        The question is cleaned as an article's title is (tags stripped, entities decoded,
        whitespace collapsed): a question pasted from a web page otherwise searches for its
        markup ("href", "data"), and so ranks pages with links above the story it names."""
        from .search import answer_question

        question = clean_inline(question)
        started = time.perf_counter()
        notice = foreign_notice(question)
        if notice:
            return Answer(question=question, no_answer=True, notice=notice, took_ms=0.0)
        # The indexes are not safe to search while a batch is being applied: the lock is held
        # only for applying (milliseconds), never while a batch is being embedded.
        with self._lock:
            if not self.store.indexes_inside and self.store.seq() != self._dense_seq:
                self.catch_up()
            answer = answer_question(
                self, question, k or self.settings.citations, asked_on, follow_up, more_pages, mode
            )
            answer.quotes = self._quotes_for(question, asked_on, follow_up)
            if answer.quotes and answer.no_answer:
                answer.no_answer = False  # the person's statements answer it
        answer.took_ms = round((time.perf_counter() - started) * 1000, 1)
        return answer

