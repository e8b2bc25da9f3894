"""The SQLite store: the one source of truth. Articles, passages, sentence offsets, the embedding
cache, a log that lets the indexes catch up after a crash, conversations and feedback.

Every article is written in one transaction with its passages and their vectors, so it is in the
store entirely or not at all. The FAISS and keyword indexes are derived from the store; each
remembers the last `seq` of the log it has applied.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from .articles import Article
from .errors import NewsbotError, StoreFull
from .text import Passage

SCHEMA_VERSION = 4
#: SQLite's page cache per connection, in KiB (allocated as used).
PAGE_CACHE_KB = 131_072


def _run_script(db: sqlite3.Connection, script: str) -> None:
    # executescript() would commit on its own; run statement by statement inside our transaction.
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def _m001(db: sqlite3.Connection) -> None:
    _run_script(
        db,
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        INSERT INTO meta VALUES ('seq', '0');
        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            url TEXT NOT NULL,
            title TEXT NOT NULL,
            outlet TEXT NOT NULL DEFAULT '',
            author TEXT NOT NULL DEFAULT '',
            published TEXT,
            text TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            added_at REAL NOT NULL,
            seq INTEGER NOT NULL
        );
        CREATE UNIQUE INDEX articles_url ON articles(url) WHERE url != '';
        CREATE INDEX articles_hash ON articles(content_hash);
        CREATE INDEX articles_published ON articles(published);
        CREATE TABLE passages (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            ord INTEGER NOT NULL,
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            sentences TEXT NOT NULL,
            embed_hash BLOB NOT NULL
        );
        CREATE INDEX passages_article ON passages(article_id);
        CREATE TABLE vectors (
            model TEXT NOT NULL, hash BLOB NOT NULL, vec BLOB NOT NULL,
            PRIMARY KEY (model, hash)
        ) WITHOUT ROWID;
        CREATE TABLE index_log (
            seq INTEGER PRIMARY KEY,
            op TEXT NOT NULL CHECK (op IN ('add', 'del')),
            article_id INTEGER NOT NULL,
            first_passage INTEGER,
            last_passage INTEGER
        );
        """
    )


def _m002(db: sqlite3.Connection) -> None:
    _run_script(
        db,
        """
        CREATE TABLE conversations (
            chat_key TEXT PRIMARY KEY, state TEXT NOT NULL, updated_at REAL NOT NULL
        );
        CREATE TABLE feedback (
            id INTEGER PRIMARY KEY,
            chat_key TEXT NOT NULL,
            user_id INTEGER,
            question TEXT NOT NULL,
            article_ids TEXT NOT NULL,
            helpful INTEGER NOT NULL,
            at REAL NOT NULL
        );
        """
    )


def _m003(db: sqlite3.Connection) -> None:
    """Attributions (who said what), found at ingest; existing articles are read once here."""
    _run_script(
        db,
        """
        CREATE TABLE attributions (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            passage_id INTEGER,
            speaker TEXT NOT NULL,
            is_person INTEGER NOT NULL,
            quote TEXT NOT NULL,
            cue TEXT NOT NULL,
            kind TEXT NOT NULL,
            start INTEGER NOT NULL,
            end INTEGER NOT NULL
        );
        CREATE INDEX attributions_article ON attributions(article_id);
        CREATE INDEX attributions_speaker ON attributions(speaker COLLATE NOCASE)
        """,
    )
    from .quotes import extract

    for (article_id,) in db.execute("SELECT id FROM articles").fetchall():  # one text at a time
        text = db.execute("SELECT text FROM articles WHERE id = ?", (article_id,)).fetchone()[0]
        spans = db.execute('SELECT id, start, "end" FROM passages WHERE article_id = ?', (article_id,)).fetchall()
        _insert_attributions(db, article_id, extract(text), spans)


def _insert_attributions(db: sqlite3.Connection, article_id: int, found: list, passages: list) -> None:
    """Store an article's attributions, each with the passage it sits in."""
    for a in found:
        passage_id = next((pid for pid, start, end in passages if start <= a.start < end), None)
        db.execute(
            "INSERT INTO attributions (article_id, passage_id, speaker, is_person, quote, cue, kind, start, \"end\") "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (article_id, passage_id, a.speaker, int(a.is_person), a.quote, a.cue, a.kind, a.start, a.end),
        )


def _m004(db: sqlite3.Connection) -> None:
    _run_script(db, "CREATE TABLE handled_updates (update_id INTEGER PRIMARY KEY, at REAL NOT NULL)")


def _m005(db: sqlite3.Connection) -> None:
    """The bot's outbox: replies waiting to be sent within Telegram's limits (bot/outbox.py)."""
    _run_script(db, OUTBOX_SCHEMA)


#: Written so that SQLite and PostgreSQL read it alike (postgres.py applies it too).
OUTBOX_SCHEMA = """
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        chat_id BIGINT NOT NULL,
        is_group INTEGER NOT NULL,
        payload TEXT NOT NULL,
        created_at DOUBLE PRECISION NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending',
        owner TEXT,
        claimed_at DOUBLE PRECISION,
        message_id BIGINT
    );
    CREATE INDEX outbox_pending ON outbox(state, chat_id, id)
"""


MIGRATIONS = [_m001, _m002, _m003, _m004, _m005]


@dataclass(frozen=True)
class ArticleRow:
    id: int
    key: str
    url: str
    title: str
    outlet: str
    author: str
    published: date | None
    text: str
    added_at: float
    passages: int = 0

    def as_article(self) -> Article:
        """The article to write again (split again, or copied to another store), with its text
        exactly as stored: the passages' offsets point into it, and cleaning is not redone."""
        article = Article(title=self.title, text=self.text, url=self.url, published=self.published,
                          author=self.author, outlet=self.outlet, key=self.key)
        article.text = self.text
        return article


@dataclass(frozen=True)
class PassageRow:
    id: int
    article_id: int
    start: int
    end: int
    sentences: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class LogEntry:
    seq: int
    op: str
    article_id: int
    first_passage: int | None
    last_passage: int | None


@dataclass(frozen=True)
class WriteResult:
    status: str  # "added" | "updated" | "unchanged" | "duplicate"
    article_id: int
    passages: int
    detail: str = ""


def keyword_text(title: str, text: str, start: int, end: int) -> str:
    """What the keyword index holds for a passage: its article's title, then the passage."""
    return f"{title}\n{text[start:end]}"


def _row_to_article(row: sqlite3.Row) -> ArticleRow:
    return ArticleRow(
        id=row["id"],
        key=row["key"],
        url=row["url"],
        title=row["title"],
        outlet=row["outlet"],
        author=row["author"],
        published=date.fromisoformat(row["published"]) if row["published"] else None,
        text=row["text"],
        added_at=row["added_at"],
        passages=row["n"] if "n" in row.keys() else 0,
    )


class Store:
    """SQLite in WAL mode; one connection shared by the threads of a process under a lock.

    `retrieval.postgres.PostgresStore` is the same interface on PostgreSQL. The SQL here is kept
    to what both understand (`ON CONFLICT`, `RETURNING`, the quoted "end" column)."""

    #: Whether the dense and keyword indexes live in the store itself (PostgreSQL) rather than
    #: in files beside it that replay the store's log (here).
    indexes_inside = False

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.RLock()
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.execute("PRAGMA busy_timeout=10000")
        # SQLite's default page cache is 2 MB: past a few hundred thousand passages every
        # insert into the vector cache's B-tree would read pages from disk again.
        self.db.execute(f"PRAGMA cache_size=-{PAGE_CACHE_KB}")
        self._migrate()

    def _migrate(self) -> None:
        with self._lock:
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
            if version > len(MIGRATIONS):
                raise NewsbotError(
                    f"{self.path} was written by a newer newsbot (schema {version}, this one knows "
                    f"{len(MIGRATIONS)}): upgrade newsbot to use it"
                )
            for number, migration in enumerate(MIGRATIONS[version:], start=version + 1):
                with self.transaction():
                    migration(self.db)
                    self.db.execute(f"PRAGMA user_version={number}")

    def close(self) -> None:
        with self._lock:
            self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
                self.db.execute("COMMIT")
            except sqlite3.OperationalError as exc:
                if self.db.in_transaction:  # SQLite rolls back by itself on some errors
                    self.db.execute("ROLLBACK")
                if "full" in str(exc) or "disk" in str(exc):
                    raise StoreFull(f"the store could not be written ({exc}); nothing of this change was kept") from None
                raise
            except BaseException:
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")
                raise

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """One process at a time, for work that must not run twice (indexing the default
        corpus): PostgreSQL takes an advisory lock; here writes are serialized by SQLite."""
        yield

    def _query(self, sql: str, params: Iterable = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self.db.execute(sql, tuple(params)).fetchall()

    # --- settings kept with the data ------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        rows = self._query("SELECT value FROM meta WHERE key = ?", (key,))
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

    # --- the log -------------------------------------------------------------------------
    def seq(self) -> int:
        return int(self._query("SELECT value FROM meta WHERE key='seq'")[0][0])

    def _log(self, db: sqlite3.Connection, op: str, article_id: int, first: int | None, last: int | None) -> int:
        seq = int(db.execute("SELECT value FROM meta WHERE key='seq'").fetchone()[0]) + 1
        db.execute("UPDATE meta SET value=? WHERE key='seq'", (str(seq),))
        db.execute(
            "INSERT INTO index_log VALUES (?, ?, ?, ?, ?)", (seq, op, article_id, first, last)
        )
        return seq

    def log_since(self, seq: int) -> list[LogEntry]:
        rows = self._query("SELECT * FROM index_log WHERE seq > ? ORDER BY seq", (seq,))
        return [LogEntry(*tuple(r)) for r in rows]

    def log_start(self) -> int:
        """The oldest seq the log still holds (entries before it were trimmed)."""
        row = self._query("SELECT MIN(seq) FROM index_log")[0][0]
        return int(row) if row is not None else self.seq() + 1

    def trim_log(self, upto: int) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM index_log WHERE seq <= ?", (upto,))

    # --- articles ------------------------------------------------------------------------
    def find_article(self, ref: str) -> ArticleRow | None:
        """An article by public id, URL or row id."""
        rows = self._query(
            "SELECT * FROM articles WHERE key = ? OR (url = ? AND url != '') LIMIT 1", (ref, ref)
        )
        if not rows and ref.isdigit():
            rows = self._query("SELECT * FROM articles WHERE id = ?", (int(ref),))
        return _row_to_article(rows[0]) if rows else None

    def articles_by_ids(self, ids: Iterable[int]) -> dict[int, ArticleRow]:
        ids = list(set(ids))
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self._query(f"SELECT * FROM articles WHERE id IN ({marks})", ids)
        return {r["id"]: _row_to_article(r) for r in rows}

    def list_articles(self, limit: int = 50, offset: int = 0) -> list[ArticleRow]:
        rows = self._query(
            "SELECT a.*, (SELECT COUNT(*) FROM passages p WHERE p.article_id = a.id) AS n "
            "FROM articles a ORDER BY COALESCE(a.published, '') DESC, a.id DESC LIMIT ? OFFSET ?",
            (limit, offset),
        )
        return [_row_to_article(r) for r in rows]

    def write_article(
        self,
        article: Article,
        passages: list[Passage],
        embed_hashes: list[bytes],
        new_vectors: dict[bytes, np.ndarray],
        model: str,
        attributions: list | None = None,
        resplit: bool = False,
    ) -> WriteResult:
        """Insert or update one article with its passages and vectors, in one transaction;
        `resplit` replaces the passages of an article stored exactly so (split at another size),
        and leaves alone one changed or removed since it was read."""
        with self.transaction() as db:
            existing = None
            if article.url:
                existing = db.execute("SELECT * FROM articles WHERE url = ? AND url != ''", (article.url,)).fetchone()  # the partial index
            if existing is None:
                existing = db.execute("SELECT * FROM articles WHERE key = ?", (article.key,)).fetchone()
            same_text = db.execute(
                "SELECT id, url, title FROM articles WHERE content_hash = ? LIMIT 1",
                (article.content_hash,),
            ).fetchone()
            published = article.published.isoformat() if article.published else None
            if existing is not None:
                unchanged = (
                    existing["content_hash"] == article.content_hash
                    and existing["title"] == article.title
                    and existing["published"] == published
                    and existing["outlet"] == article.outlet
                    and existing["author"] == article.author
                )
                # Nothing to do; or, splitting again, the article was written meanwhile and that
                # write split it.
                if unchanged != resplit:
                    return WriteResult("unchanged", existing["id"], 0)
            elif resplit:  # removed meanwhile: not to be brought back
                return WriteResult("unchanged", 0, 0)
            elif same_text is not None:
                where = same_text["url"] or same_text["title"]
                return WriteResult("duplicate", same_text["id"], 0, f"same text as {where}")

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
            self._index_passages(db, article_id, article.title, article.text, model)
            db.execute("DELETE FROM attributions WHERE article_id = ?", (article_id,))
            spans = db.execute('SELECT id, start, "end" FROM passages WHERE article_id = ?', (article_id,)).fetchall()
            _insert_attributions(db, article_id, attributions or [], spans)
            seq = self._log(db, "add", article_id, first, last)
            db.execute("UPDATE articles SET seq = ? WHERE id = ?", (seq, article_id))
            return WriteResult(status, article_id, len(passages))

    def _index_passages(self, db, article_id: int, title: str, text: str, model: str) -> None:
        """Index an article's new passages inside its transaction: nothing here, where the
        indexes are files that replay the log."""

    def delete_article(self, article_id: int) -> None:
        with self.transaction() as db:
            old = db.execute(
                "SELECT MIN(id), MAX(id) FROM passages WHERE article_id = ?", (article_id,)
            ).fetchone()
            db.execute("DELETE FROM passages WHERE article_id = ?", (article_id,))
            db.execute("DELETE FROM articles WHERE id = ?", (article_id,))
            self._log(db, "del", article_id, old[0], old[1])

    # --- passages and vectors ------------------------------------------------------------
    def cached_vectors(self, model: str, hashes: list[bytes]) -> dict[bytes, np.ndarray]:
        found: dict[bytes, np.ndarray] = {}
        unique = list(set(hashes))
        for i in range(0, len(unique), 500):
            chunk = unique[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for row in self._query(
                f"SELECT hash, vec FROM vectors WHERE model = ? AND hash IN ({marks})", [model, *chunk]
            ):
                found[bytes(row[0])] = np.frombuffer(row[1], dtype=np.float32)
        return found

    def passage_vectors(
        self, model: str, article_ids: Iterable[int] | None = None
    ) -> tuple[np.ndarray, np.ndarray, list[int]]:
        """(passage ids, vectors) of the given articles (all when None), and the ids whose
        vectors are not cached for `model`."""
        sql = (
            "SELECT p.id, v.vec FROM passages p LEFT JOIN vectors v "
            "ON v.model = ? AND v.hash = p.embed_hash"
        )
        params: list = [model]
        if article_ids is not None:
            ids = list(article_ids)
            if not ids:
                return np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.float32), []
            sql += f" WHERE p.article_id IN ({','.join('?' * len(ids))})"
            params += ids
        rows = self._query(sql + " ORDER BY p.id", params)
        missing = [r[0] for r in rows if r[1] is None]
        have = [r for r in rows if r[1] is not None]
        ids_arr = np.fromiter((r[0] for r in have), dtype=np.int64, count=len(have))
        vecs = (
            np.frombuffer(b"".join(r[1] for r in have), dtype=np.float32).reshape(len(have), -1)
            if have
            else np.zeros((0, 0), dtype=np.float32)
        )
        return ids_arr, vecs, missing

    def vectors_of(self, model: str, passage_ids: list[int]) -> dict[int, np.ndarray]:
        """Stored vectors of these passages."""
        if not passage_ids:
            return {}
        rows = self._query(
            "SELECT p.id, v.vec FROM passages p JOIN vectors v ON v.model = ? AND v.hash = p.embed_hash "
            f"WHERE p.id IN ({','.join('?' * len(passage_ids))})",
            [model, *passage_ids],
        )
        return {r[0]: np.frombuffer(r[1], dtype=np.float32) for r in rows}

    #: Articles whose texts are read together when passages are handed to the keyword index:
    #: with NEWSBOT_MAX_ARTICLE_CHARS at 200,000, at most about 13 MB of text at a time.
    TEXT_CHUNK = 64

    def passages_of(self, article_ids: Iterable[int]) -> Iterator[tuple[int, int, str]]:
        """(passage id, article id, title + passage text) for the keyword index, a few articles
        at a time: each article's text is read once, not once per passage."""
        ids = list(article_ids)
        for i in range(0, len(ids), self.TEXT_CHUNK):
            chunk = ids[i : i + self.TEXT_CHUNK]
            marks = ",".join("?" * len(chunk))
            texts = {r[0]: (r[1], r[2]) for r in self._query(f"SELECT id, title, text FROM articles WHERE id IN ({marks})", chunk)}
            rows = self._query(
                f'SELECT id, article_id, start, "end" FROM passages WHERE article_id IN ({marks}) ORDER BY id', chunk
            )
            for pid, aid, start, end in rows:
                title, text = texts[aid]
                yield pid, aid, keyword_text(title, text, start, end)

    def all_article_ids(self) -> list[int]:
        return [r[0] for r in self._query("SELECT id FROM articles")]

    def passages_by_ids(self, ids: Iterable[int]) -> dict[int, PassageRow]:
        ids = list(ids)
        if not ids:
            return {}
        rows = self._query(
            f'SELECT id, article_id, start, "end", sentences FROM passages WHERE id IN ({",".join("?" * len(ids))})',
            ids,
        )
        return {
            r[0]: PassageRow(r[0], r[1], r[2], r[3], tuple(tuple(s) for s in json.loads(r[4])))
            for r in rows
        }

    def article_of_passages(self, ids: Iterable[int]) -> dict[int, tuple[int, str | None]]:
        """passage id -> (article id, published) without loading texts: for filtering."""
        ids = list(ids)
        if not ids:
            return {}
        rows = self._query(
            "SELECT p.id, p.article_id, a.published FROM passages p JOIN articles a "
            f"ON a.id = p.article_id WHERE p.id IN ({','.join('?' * len(ids))})",
            ids,
        )
        return {r[0]: (r[1], r[2]) for r in rows}

    def embed_hashes(self) -> list[bytes]:
        return [bytes(r[0]) for r in self._query("SELECT embed_hash FROM passages")]

    def counts(self) -> dict[str, int]:
        row = self._query(
            "SELECT (SELECT COUNT(*) FROM articles), (SELECT COUNT(*) FROM passages), "
            "(SELECT COUNT(DISTINCT outlet) FROM articles WHERE outlet != ''), "
            "(SELECT MIN(published) FROM articles), (SELECT MAX(published) FROM articles)"
        )[0]
        return {"articles": row[0], "passages": row[1], "outlets": row[2], "first": row[3], "last": row[4]}

    def outlets(self) -> list[str]:
        return [r[0] for r in self._query(
            "SELECT outlet FROM articles WHERE outlet != '' GROUP BY outlet ORDER BY COUNT(*) DESC"
        )]

    # --- checks (newsbot doctor) ---------------------------------------------------------
    def integrity_problems(self) -> list[str]:
        """What SQLite's quick check finds wrong with the file; empty when it is sound."""
        problems = [r[0] for r in self._query("PRAGMA quick_check")]
        return [] if problems == ["ok"] else problems

    def orphans(self) -> dict[str, int]:
        """Rows whose article is gone (a store written without its foreign keys enforced)."""
        counts = {
            table: self._query(f"SELECT COUNT(*) FROM {table} WHERE article_id NOT IN (SELECT id FROM articles)")[0][0]
            for table in ("passages", "attributions")
        }
        return {table: n for table, n in counts.items() if n}

    def delete_orphans(self) -> None:
        with self.transaction() as db:
            for table in ("passages", "attributions"):
                db.execute(f"DELETE FROM {table} WHERE article_id NOT IN (SELECT id FROM articles)")

    def articles_without_passages(self) -> list[int]:
        return [r[0] for r in self._query(
            "SELECT id FROM articles WHERE id NOT IN (SELECT DISTINCT article_id FROM passages) ORDER BY id"
        )]

    def articles_missing_vectors(self, model: str) -> list[int]:
        """Articles with a passage whose vector for `model` is not cached."""
        return [r[0] for r in self._query(
            "SELECT DISTINCT p.article_id FROM passages p LEFT JOIN vectors v ON v.model = ? AND v.hash = p.embed_hash "
            "WHERE v.hash IS NULL ORDER BY p.article_id",
            (model,),
        )]

    def passage_ids(self) -> np.ndarray:
        rows = self._query("SELECT id FROM passages ORDER BY id")
        return np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))

    def unused_vectors(self, model: str) -> int:
        return int(self._query(
            "SELECT COUNT(*) FROM vectors WHERE model = ? AND hash NOT IN (SELECT embed_hash FROM passages)", (model,)
        )[0][0])

    def prune_vectors(self, model: str) -> int:
        """Drop cached vectors no passage uses any more."""
        with self.transaction() as db:
            cur = db.execute(
                "DELETE FROM vectors WHERE model = ? AND hash NOT IN (SELECT embed_hash FROM passages)",
                (model,),
            )
            return cur.rowcount

    # --- attributions --------------------------------------------------------------------
    def attributions_of(self, candidates: Iterable[str]) -> list[sqlite3.Row]:
        """Attributions to people whose name contains any of these words (the caller checks the
        whole name), with their article, newest coverage first."""
        words = [w for w in candidates if w]
        if not words:
            return []
        where = " OR ".join("t.speaker LIKE ?" for _ in words)
        return self._query(
            "SELECT t.*, a.key AS article_key, a.url, a.title, a.published, a.outlet FROM attributions t "
            f"JOIN articles a ON a.id = t.article_id WHERE t.is_person = 1 AND ({where}) "
            "ORDER BY COALESCE(a.published, '') DESC, a.id DESC, t.start",
            [f"%{w}%" for w in words],
        )

    def refresh_attributions(self, extract, rules: str | None = None) -> int:
        """Find every article's attributions again (after the rules changed) and record which
        `rules` found them; returns how many. Articles are read a few hundred at a time and each
        is rewritten in its own short transaction, with the finding done outside it, so a bot
        answering meanwhile waits at most one article's write."""
        total = 0
        ids = self.all_article_ids()
        for i in range(0, len(ids), 200):
            chunk = ids[i : i + 200]
            rows = self._query(f"SELECT id, text FROM articles WHERE id IN ({','.join('?' * len(chunk))})", chunk)
            for article_id, text in rows:
                found = extract(text)
                with self.transaction() as db:
                    spans = db.execute('SELECT id, start, "end" FROM passages WHERE article_id = ?', (article_id,)).fetchall()
                    db.execute("DELETE FROM attributions WHERE article_id = ?", (article_id,))
                    _insert_attributions(db, article_id, found, spans)
                total += len(found)
        if rules is not None:
            self.set_meta("attribution_rules", rules)
        return total

    def articles_mentioning(self, word: str) -> list[int]:
        return [r[0] for r in self._query("SELECT id FROM articles WHERE text LIKE ?", (f"%{word}%",))]

    def speakers_in(self, article_ids: list[int]) -> list[str]:
        if not article_ids:
            return []
        marks = ",".join("?" * len(article_ids))
        return [r[0] for r in self._query(
            f"SELECT speaker FROM attributions WHERE is_person = 1 AND article_id IN ({marks})", article_ids
        )]

    # --- conversations and feedback (used by the bot) -----------------------------------
    def load_conversation(self, chat_key: str, max_age_s: float) -> dict | None:
        rows = self._query("SELECT state, updated_at FROM conversations WHERE chat_key = ?", (chat_key,))
        if not rows or time.time() - rows[0][1] > max_age_s:
            return None
        return json.loads(rows[0][0])

    def save_conversation(self, chat_key: str, state: dict | None) -> None:
        with self.transaction() as db:
            if state is None:
                db.execute("DELETE FROM conversations WHERE chat_key = ?", (chat_key,))
            else:
                db.execute(
                    "INSERT INTO conversations VALUES (?, ?, ?) ON CONFLICT(chat_key) DO UPDATE "
                    "SET state = excluded.state, updated_at = excluded.updated_at",
                    (chat_key, json.dumps(state), time.time()),
                )

    def add_feedback(
        self, chat_key: str, user_id: int | None, question: str, article_ids: list[str], helpful: bool
    ) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO feedback (chat_key, user_id, question, article_ids, helpful, at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (chat_key, user_id, question, json.dumps(article_ids), int(helpful), time.time()),
            )

    def claim_update(self, update_id: int, keep_s: float = 86_400) -> bool:
        """True the first time an update id is claimed; False for a redelivery."""
        with self.transaction() as db:
            now = time.time()
            cur = db.execute("INSERT INTO handled_updates VALUES (?, ?) ON CONFLICT DO NOTHING", (update_id, now))
            if update_id % 1000 == 0:
                db.execute("DELETE FROM handled_updates WHERE at < ?", (now - keep_s,))
            return cur.rowcount == 1

    # --- the bot's outbox ----------------------------------------------------------------
    def outbox_put(self, chat_id: int, is_group: bool, payload: dict) -> int:
        with self.transaction() as db:
            return int(db.execute(
                "INSERT INTO outbox (chat_id, is_group, payload, created_at) VALUES (?, ?, ?, ?) RETURNING id",
                (chat_id, int(is_group), json.dumps(payload), time.time()),
            ).fetchone()[0])

    def outbox_waiting(self) -> dict[int, tuple[bool, int, float]]:
        """chat id -> (is a group, messages pending, when the oldest was queued), for chats
        with pending messages and none being sent."""
        rows = self._query(
            "SELECT chat_id, MAX(is_group), COUNT(*), MIN(created_at) FROM outbox o WHERE state = 'pending' "
            "AND NOT EXISTS (SELECT 1 FROM outbox s WHERE s.chat_id = o.chat_id AND s.state = 'sending') "
            "GROUP BY chat_id"
        )
        return {r[0]: (bool(r[1]), r[2], r[3]) for r in rows}

    def outbox_claim(self, chat_id: int, owner: str, limit: int) -> list[tuple[int, dict, float]]:
        """The chat's oldest pending messages (at most `limit`), claimed for `owner`: none when
        another sender holds a message of the chat, so a chat's messages go out in order and
        each through one sender (one replica, on PostgreSQL)."""
        return self.outbox_claim_many([(chat_id, limit)], owner).get(chat_id, [])

    def outbox_claim_many(self, wanted: list[tuple[int, int]], owner: str) -> dict[int, list[tuple[int, dict, float]]]:
        """`outbox_claim` for several (chat id, limit) at once, in one transaction."""
        claimed: dict[int, list[tuple[int, dict, float]]] = {}
        with self.transaction() as db:
            for chat_id, limit in wanted:
                rows = db.execute(
                    "UPDATE outbox SET state = 'sending', owner = ?, claimed_at = ? WHERE state = 'pending' AND id IN "
                    "(SELECT id FROM outbox WHERE chat_id = ? AND state = 'pending' ORDER BY id LIMIT ?) "
                    "AND NOT EXISTS (SELECT 1 FROM outbox s WHERE s.chat_id = ? AND s.state = 'sending') "
                    "RETURNING id, payload, created_at",
                    (owner, time.time(), chat_id, limit, chat_id),
                ).fetchall()
                if rows:
                    claimed[chat_id] = sorted((r[0], json.loads(r[1]), r[2]) for r in rows)
        return claimed

    def outbox_finish(self, ids: list[int], state: str, message_id: int | None = None) -> None:
        """Mark claimed messages `sent` (with the message id Telegram gave), `dropped`,
        `unknown`, or `pending` again (to be retried)."""
        self.outbox_finish_many([(ids, state, message_id)])

    def outbox_finish_many(self, outcomes: list[tuple[list[int], str, int | None]]) -> None:
        """`outbox_finish` for several outcomes, in one transaction."""
        outcomes = [o for o in outcomes if o[0]]
        if not outcomes:
            return
        with self.transaction() as db:
            for ids, state, message_id in outcomes:
                db.execute(
                    f"UPDATE outbox SET state = ?, message_id = ?, owner = NULL WHERE id IN ({','.join('?' * len(ids))})",
                    (state, message_id, *ids),
                )

    def outbox_recover(self, lease_s: float) -> int:
        """Messages claimed more than `lease_s` ago and never finished (their sender died
        mid-send): they may have reached Telegram, so they are not sent again (`unknown`), and
        their chat's next messages may go."""
        with self.transaction() as db:
            return db.execute(
                "UPDATE outbox SET state = 'unknown' WHERE state = 'sending' AND claimed_at < ?", (time.time() - lease_s,)
            ).rowcount

    def outbox_prune(self, older_than_s: float = 86_400) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM outbox WHERE state != 'pending' AND created_at < ?", (time.time() - older_than_s,))

    def outbox_states(self) -> dict[str, int]:
        return {r[0]: r[1] for r in self._query("SELECT state, COUNT(*) FROM outbox GROUP BY state")}

    def feedback(self) -> list[dict]:
        return [dict(r) for r in self._query("SELECT * FROM feedback ORDER BY id")]
