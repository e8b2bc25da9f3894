"""The embedded store: one SQLite file in WAL mode, beside the file indexes."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import StoreFull
from .base import Store
from .schema import LEGACY, SQLITE

#: SQLite's page cache per connection, in KiB (allocated as used).
PAGE_CACHE_KB = 131_072
#: `PRAGMA user_version` of a store with named migrations: newsbots that counted migrations
#: (and knew at most five) refuse it rather than run their first one again.
NAMED_MIGRATIONS_MARK = 100


class SqliteStore(Store):
    """One connection shared by the threads of a process under a lock; processes beside each
    other (`newsbot add` beside the bot) are serialized by SQLite's own locking."""

    dialect = SQLITE

    def __init__(self, path: Path) -> None:
        self.path = path
        self.where = str(path)
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
        self.migrate()

    def legacy_migrations(self, db: Any) -> list[str]:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version >= NAMED_MIGRATIONS_MARK:
            return []
        return LEGACY["sqlite"].get(version, ["unknown-schema-%d" % version] if version else [])

    def mark_schema(self, db: Any) -> None:
        db.execute(f"PRAGMA user_version={NAMED_MIGRATIONS_MARK}")

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
        """Writes are serialized by SQLite itself."""
        yield

    def query(self, sql: str, params: Iterable = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self.db.execute(sql, tuple(params)).fetchall()

    def integrity_problems(self) -> list[str]:
        """What SQLite's quick check finds wrong with the file; empty when it is sound."""
        problems = [r[0] for r in self.query("PRAGMA quick_check")]
        return [] if problems == ["ok"] else problems
