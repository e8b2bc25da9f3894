"""The shared store for several replicas: PostgreSQL (`NEWSBOT_DATABASE_URL`).

The same operations as the embedded store (base.py), on the same schema. The passages' vectors
are indexed in the database, in each article's own transaction; each replica's keyword index
follows the store's log (retrieval/indexes/database.py), so an article added through one replica
is searchable through every other at its next question.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from pgvector.psycopg import register_vector

from ..errors import NewsbotError, StoreFull
from .base import Store
from .schema import LEGACY, POSTGRES

log = logging.getLogger(__name__)

#: Advisory lock keys: migrating the schema, and work one replica does for all.
SCHEMA_LOCK, EXCLUSIVE_LOCK = 4242, 4243
#: meta 'schema' of a database with named migrations: newsbots that counted migrations (and
#: knew at most two) refuse it.
NAMED_MIGRATIONS_MARK = "100"


class Row(tuple):
    """A row readable by position and by column name, like `sqlite3.Row`."""

    _index: dict[str, int]

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self._index[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._index)


def _rows(cursor: psycopg.Cursor) -> Any:
    index = {c.name: i for i, c in enumerate(cursor.description or [])}

    def make(values: Any) -> Row:
        row = Row(values)
        row._index = index
        return row

    return make


class Connection:
    """What the store's code calls `db` inside a transaction: the store's SQL, in PostgreSQL's."""

    def __init__(self, conn: psycopg.Connection) -> None:
        self.conn = conn

    def execute(self, sql: str, params: Iterable = ()) -> psycopg.Cursor:
        return self.conn.execute(POSTGRES.sql(sql), tuple(params))

    def executemany(self, sql: str, rows: list) -> None:
        with self.conn.cursor() as cursor:
            cursor.executemany(POSTGRES.sql(sql), rows)


class PostgresStore(Store):
    """One connection per process, shared by its threads under a lock (as the SQLite store
    does); replicas are separate processes with their own connections."""

    dialect = POSTGRES

    def __init__(self, url: str) -> None:
        self.where = re.sub(r"//[^@/]*@", "//***@", url)  # for messages: never the password
        self._url = url
        self._lock = threading.RLock()
        self._on_connect: list[Callable[[psycopg.Connection], object]] = []
        self._connect()
        self.migrate()
        register_vector(self.conn)  # the vector type exists once the schema is there

    def on_connect(self, setup: Callable[[psycopg.Connection], object]) -> None:
        """Run `setup(connection)` now and on every new connection (session settings)."""
        self._on_connect.append(setup)
        setup(self.conn)

    def _connect(self) -> None:
        try:
            self.conn = psycopg.connect(self._url, autocommit=True, row_factory=_rows)
        except psycopg.OperationalError as exc:
            raise NewsbotError(f"cannot connect to the database at {self.where}: {exc}".strip()) from None
        self.db = Connection(self.conn)

    def _live(self) -> psycopg.Connection:
        """The connection, opened again if it was lost (a database restart or failover)."""
        if self.conn.closed or self.conn.broken:
            log.warning("the connection to %s was lost: reconnecting", self.where)
            self._connect()
            register_vector(self.conn)
            for setup in self._on_connect:
                setup(self.conn)
        return self.conn

    def lock_schema(self, db: Any) -> None:
        """Replicas starting together: one migrates, the others wait and find it done."""
        db.execute("SELECT pg_advisory_xact_lock(?)", (SCHEMA_LOCK,))

    def legacy_migrations(self, db: Any) -> list[str]:
        if db.execute("SELECT to_regclass('meta')").fetchone()[0] is None:
            return []
        row = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        if row is None:
            return []
        return LEGACY["postgres"].get(int(row[0]), [f"unknown-schema-{row[0]}"])

    def mark_schema(self, db: Any) -> None:
        db.execute(
            "INSERT INTO meta VALUES ('schema', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (NAMED_MIGRATIONS_MARK,),
        )

    def after_copy(self, table: str) -> None:
        with self.transaction() as db:
            db.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM {table}")

    def close(self) -> None:
        with self._lock:
            self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        with self._lock:
            try:
                with self._live().transaction():
                    yield self.db
            except psycopg.errors.DiskFull as exc:
                raise StoreFull(f"the database could not be written ({exc}); nothing of this change was kept") from None

    def query(self, sql: str, params: Iterable = ()) -> list:
        """A read; asked again once on a new connection if the old one was lost under it."""
        with self._lock:
            try:
                return self._live().execute(POSTGRES.sql(sql), tuple(params)).fetchall()
            except psycopg.OperationalError:
                if not self.conn.broken:
                    raise
                return self._live().execute(POSTGRES.sql(sql), tuple(params)).fetchall()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """One replica at a time (indexing the default corpus into an empty database)."""
        with self._lock:
            self._live().execute("SELECT pg_advisory_lock(%s)", (EXCLUSIVE_LOCK,))
        try:
            yield
        finally:
            with self._lock:
                self.conn.execute("SELECT pg_advisory_unlock(%s)", (EXCLUSIVE_LOCK,))

    def integrity_problems(self) -> list[str]:
        """PostgreSQL checks its own pages."""
        return []
