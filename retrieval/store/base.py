"""What the SQLite and PostgreSQL stores share: the one source of truth for articles, passages,
sentence offsets, the embedding cache and attributions, written in the store's SQL (the schema's
dialect translates it where PostgreSQL spells it otherwise).

Every article is written in one transaction with its passages and their vectors, so it is in the
store entirely or not at all. Each write also advances `seq` and appends to a log that the keyword
index (and, beside SQLite, the FAISS index) replays: retrieval/indexes/.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from typing import Any

import numpy as np

from ..articles import Article
from ..boilerplate import MIN_DAYS
from ..errors import NewsbotError
from .attributions import AttributionQueries, insert_attributions
from .checks import StoreChecks
from .passages import PassageQueries
from .rows import ArticleRow, LogEntry, PreparedArticle, WriteResult, row_to_article
from .schema import Dialect, delete_paragraph_keys, insert_paragraph_keys, pending, statements, unknown

#: Called inside an article's write transaction, after its passages are inserted: (connection,
#: article id, title, text, model). Indexes kept in the database itself register one.
IndexHook = Callable[[Any, int, str, str, str], None]


class Store(PassageQueries, AttributionQueries, StoreChecks):
    """The operations on a store; `SqliteStore` and `PostgresStore` supply the connection.

    `transaction()` yields a connection whose `execute` takes the store's SQL; `query()` reads
    outside a transaction. Both are safe to call from several threads of one process."""

    dialect: Dialect
    #: Where the data lives, for messages (a path, or a database URL without its password).
    where: str
    index_hook: IndexHook | None = None

    def transaction(self) -> AbstractContextManager[Any]:
        raise NotImplementedError

    def query(self, sql: str, params: Iterable = ()) -> list[Any]:
        raise NotImplementedError

    def exclusive(self) -> AbstractContextManager[None]:
        """One process at a time, for work that must not run twice (indexing the default corpus)."""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def lock_schema(self, db: Any) -> None:
        """Keep other processes from migrating at the same time (SQLite's write lock does)."""

    def legacy_migrations(self, db: Any) -> list[str]:
        """The migrations a store that counted them instead of naming them had applied."""
        return []

    def after_copy(self, table: str) -> None:
        """After rows were copied in with their ids: make the table's next id follow them."""

    def mark_schema(self, db: Any) -> None:
        """Leave a mark that makes older newsbots, which counted migrations, refuse this store."""

    def migrate(self) -> None:
        """Apply the schema's migrations this store lacks, each once, in order."""
        with self.transaction() as db:
            self.lock_schema(db)
            db.execute(f"CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at {self.dialect.types['real']} NOT NULL)")
            applied = [r[0] for r in db.execute("SELECT name FROM migrations ORDER BY applied_at, name").fetchall()]
            from_legacy = not applied
            if from_legacy:
                applied = self.legacy_migrations(db)
                for name in applied:
                    db.execute("INSERT INTO migrations VALUES (?, ?)", (name, 0.0))
            newer = unknown(applied)
            if newer:
                raise NewsbotError(
                    f"{self.where} was written by a newer newsbot (it has the migration {newer[0]!r}, which this "
                    "one does not know): upgrade newsbot to use it"
                )
            todo = pending(self.dialect, applied)
            for migration in todo:
                for statement in statements(self.dialect, migration):
                    db.execute(statement)
                if migration.then is not None:
                    migration.then(db)
                db.execute("INSERT INTO migrations VALUES (?, ?)", (migration.name, time.time()))
            if todo or from_legacy:  # a store read by count is marked too, once
                self.mark_schema(db)

    # --- settings kept with the data ------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        rows = self.query("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    #: What stores written before the passage size was recorded were split at.
    LEGACY_PASSAGE_WORDS = 120

    def passage_words(self) -> int:
        """The size, in words, the stored articles were split into passages at."""
        value = self.get_meta("passage_words")
        return int(value) if value else self.LEGACY_PASSAGE_WORDS

    def set_passage_words(self, words: int) -> None:
        self.set_meta("passage_words", str(words))

    #: What stores written before the cleaning version was recorded were cleaned by.
    LEGACY_CLEANING = "1"

    def cleaning(self) -> str:
        """The version of articles.clean_text the stored articles were cleaned by."""
        return self.get_meta("cleaning") or self.LEGACY_CLEANING

    def set_cleaning(self, version: str) -> None:
        self.set_meta("cleaning", version)

    # --- the log -------------------------------------------------------------------------
    def seq(self) -> int:
        return int(self.query("SELECT value FROM meta WHERE key='seq'")[0][0])

    def _log(self, db: Any, op: str, article_id: int, first: int | None, last: int | None) -> int:
        """Advance `seq` and log this write for the indexes that replay it."""
        seq = int(db.execute(  # one statement: replicas writing at once each get their own
            "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key='seq' RETURNING value"
        ).fetchone()[0])
        db.execute("INSERT INTO index_log VALUES (?, ?, ?, ?, ?)", (seq, op, article_id, first, last))
        return seq

    def log_since(self, seq: int) -> list[LogEntry]:
        rows = self.query("SELECT * FROM index_log WHERE seq > ? ORDER BY seq", (seq,))
        return [LogEntry(*tuple(r)) for r in rows]

    def log_start(self) -> int:
        """The oldest seq the log still holds (entries before it were trimmed)."""
        row = self.query("SELECT MIN(seq) FROM index_log")[0][0]
        return int(row) if row is not None else self.seq() + 1

    def trim_log(self, upto: int) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM index_log WHERE seq <= ?", (upto,))

    # --- articles ------------------------------------------------------------------------
    def find_article(self, ref: str) -> ArticleRow | None:
        """An article by public id, URL or row id."""
        rows = self.query(
            "SELECT * FROM articles WHERE key = ? OR (url = ? AND url != '') LIMIT 1", (ref, ref)
        )
        if not rows and ref.isdigit():
            rows = self.query("SELECT * FROM articles WHERE id = ?", (int(ref),))
        return row_to_article(rows[0]) if rows else None

    def articles_by_ids(self, ids: Iterable[int]) -> dict[int, ArticleRow]:
        ids = list(set(ids))
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self.query(f"SELECT * FROM articles WHERE id IN ({marks})", ids)
        return {r["id"]: row_to_article(r) for r in rows}

    def list_articles(self, limit: int = 50, offset: int = 0) -> list[ArticleRow]:
        rows = self.query(
            "SELECT a.*, (SELECT COUNT(*) FROM passages p WHERE p.article_id = a.id) AS n "
            "FROM articles a ORDER BY COALESCE(a.published, '') DESC, a.id DESC LIMIT ? OFFSET ?",
            (limit, offset),
        )
        return [row_to_article(r) for r in rows]

    @staticmethod
    def _stored_as(db, article: Article):
        """The stored row of this article (by URL, else by key) and any stored article with its text."""
        existing = None
        if article.url:
            existing = db.execute("SELECT * FROM articles WHERE url = ? AND url != ''", (article.url,)).fetchone()  # the partial index
        if existing is None:
            existing = db.execute("SELECT * FROM articles WHERE key = ?", (article.key,)).fetchone()
        same_text = db.execute(
            "SELECT id, url, title FROM articles WHERE content_hash = ? LIMIT 1", (article.content_hash,)
        ).fetchone()
        return existing, same_text

    @staticmethod
    def _unchanged(existing, article: Article) -> bool:
        return (
            existing["content_hash"] == article.content_hash
            and existing["title"] == article.title
            and existing["published"] == (article.published.isoformat() if article.published else None)
            and existing["outlet"] == article.outlet
            and existing["author"] == article.author
        )

    def held_as_is(self, articles: list[Article]) -> list[bool]:
        """For each article, whether writing it would change nothing (stored so, or its text
        stored under another address): an ingest need not read it for attributions."""
        with self.transaction() as db:
            out = []
            for article in articles:
                existing, same_text = self._stored_as(db, article)
                out.append(self._unchanged(existing, article) if existing is not None else same_text is not None)
            return out

    def write_article(self, prepared: PreparedArticle, model: str, resplit: bool = False,
                      replaces: str | None = None) -> WriteResult:
        """Insert or update one article with its passages and vectors, in one transaction;
        `resplit` replaces the passages of an article stored exactly so (split at another size),
        and leaves alone one changed or removed since it was read; `replaces` (a content hash)
        rewrites an article only while its stored text is still the one read (cleaned again),
        and likewise leaves alone one changed or removed meanwhile."""
        article, passages, embed_hashes = prepared.article, prepared.passages, prepared.hashes
        new_vectors, attributions = prepared.vectors, prepared.attributions
        with self.transaction() as db:
            existing, same_text = self._stored_as(db, article)
            published = article.published.isoformat() if article.published else None
            if existing is not None:
                # Nothing to do; or, splitting again, the article was written meanwhile and that
                # write split it; or, cleaning again, it was written meanwhile.
                if self._unchanged(existing, article) != resplit:
                    return WriteResult("unchanged", existing["id"], 0)
                if replaces is not None and existing["content_hash"] != replaces:
                    return WriteResult("unchanged", existing["id"], 0)
            elif resplit or replaces is not None:  # removed meanwhile: not to be brought back
                return WriteResult("unchanged", 0, 0)
            elif same_text is not None:
                where = same_text["url"] or same_text["title"]
                return WriteResult("duplicate", same_text["id"], 0, f"same text as {where}")
            if attributions is None:  # not read, as the store held it so; changed meanwhile
                return WriteResult("unread", existing["id"] if existing is not None else 0, 0)

            for h, vec in new_vectors.items():
                db.execute(
                    "INSERT INTO vectors VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                    (model, h, np.asarray(vec, dtype=np.float32).tobytes()),
                )
            now = time.time()
            if existing is not None:
                article_id = existing["id"]
                old = db.execute(
                    "SELECT MIN(id), MAX(id) FROM passages WHERE article_id = ?", (article_id,)
                ).fetchone()
                db.execute("DELETE FROM passages WHERE article_id = ?", (article_id,))
                delete_paragraph_keys(db, article_id, existing["published"], existing["text"])
                self._log(db, "del", article_id, old[0], old[1])
                db.execute(
                    "UPDATE articles SET title=?, outlet=?, author=?, published=?, text=?, "
                    "content_hash=?, url=? WHERE id=?",
                    (article.title, article.outlet, article.author, published, article.text,
                     article.content_hash, article.url, article_id),
                )
                status = "updated"
            else:
                article_id = int(db.execute(
                    "INSERT INTO articles (key, url, title, outlet, author, published, text, "
                    "content_hash, added_at, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0) RETURNING id",
                    (article.key, article.url, article.title, article.outlet, article.author,
                     published, article.text, article.content_hash, now),
                ).fetchone()[0])
                status = "added"
            first = last = None
            for ord_, (passage, h) in enumerate(zip(passages, embed_hashes)):
                sentences = json.dumps([[s.start, s.end] for s in passage.sentences])
                passage_id = db.execute(
                    'INSERT INTO passages (article_id, ord, start, "end", sentences, embed_hash) '
                    "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                    (article_id, ord_, passage.start, passage.end, sentences, h),
                ).fetchone()[0]
                first = first if first is not None else passage_id
                last = passage_id
            if self.index_hook is not None:
                self.index_hook(db, article_id, article.title, article.text, model)
            insert_paragraph_keys(db, article_id, published, article.text)
            db.execute("DELETE FROM attributions WHERE article_id = ?", (article_id,))
            spans = db.execute('SELECT id, start, "end" FROM passages WHERE article_id = ?', (article_id,)).fetchall()
            insert_attributions(db, article_id, attributions or [], spans)
            seq = self._log(db, "add", article_id, first, last)
            db.execute("UPDATE articles SET seq = ? WHERE id = ?", (seq, article_id))
            return WriteResult(status, article_id, len(passages))

    def delete_article(self, article_id: int) -> None:
        with self.transaction() as db:
            old = db.execute(
                "SELECT MIN(id), MAX(id) FROM passages WHERE article_id = ?", (article_id,)
            ).fetchone()
            db.execute("DELETE FROM passages WHERE article_id = ?", (article_id,))
            stored = db.execute("SELECT published, text FROM articles WHERE id = ?", (article_id,)).fetchone()
            if stored is not None:
                delete_paragraph_keys(db, article_id, stored[0], stored[1])
            db.execute("DELETE FROM articles WHERE id = ?", (article_id,))
            self._log(db, "del", article_id, old[0], old[1])

    def boilerplate(self, keys: Iterable[int]) -> set[int]:
        """Those of these paragraph keys that stand in articles of at least MIN_DAYS days."""
        keys = list(set(keys))
        if not keys:
            return set()
        marks = ",".join("?" * len(keys))
        rows = self.query(
            f"SELECT key FROM paragraphs WHERE key IN ({marks}) GROUP BY key HAVING COUNT(DISTINCT day) >= ?",
            (*keys, MIN_DAYS),
        )
        return {r[0] for r in rows}

    def all_article_ids(self) -> list[int]:
        return [r[0] for r in self.query("SELECT id FROM articles")]

    def published_between(self, first: str, last: str) -> bool:
        """Whether any article was published from `first` to `last` (ISO dates, both included)."""
        return bool(self.query("SELECT 1 FROM articles WHERE published >= ? AND published <= ? LIMIT 1", (first, last)))

    def counts(self) -> dict[str, int]:
        row = self.query(
            "SELECT (SELECT COUNT(*) FROM articles), (SELECT COUNT(*) FROM passages), "
            "(SELECT COUNT(DISTINCT outlet) FROM articles WHERE outlet != ''), "
            "(SELECT MIN(published) FROM articles), (SELECT MAX(published) FROM articles)"
        )[0]
        return {"articles": row[0], "passages": row[1], "outlets": row[2], "first": row[3], "last": row[4]}

    def outlets(self) -> list[str]:
        return [r[0] for r in self.query(
            "SELECT outlet FROM articles WHERE outlet != '' GROUP BY outlet ORDER BY COUNT(*) DESC"
        )]
