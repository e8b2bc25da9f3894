"""The followed sources, kept in the store beside the articles: each one's address, interval,
what its last fetch was told (ETag, Last-Modified, for a conditional GET), its status for the
admins, and the entries it listed. On PostgreSQL several replicas share them; a lease in the
database lets one replica sync a given source at a time."""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from dataclasses import dataclass

from ..errors import BadInput, NotFound
from ..store import Store

#: A failing source waits its interval doubled per failure in a row, at most this long.
MAX_BACKOFF_S = 6 * 3600
#: An entry whose article could not be fetched this many times in a row is given up.
ENTRY_TRIES = 3
_COLUMNS = ("id, url, kind, every_s, added_at, due_at, etag, last_modified, last_sync, last_success, "
            "articles_added, last_error, failures")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_interval(value: str) -> float:
    """'90s', '15m', '2h', '1d' (or plain seconds) in seconds; at least a minute."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", value.lower())
    if not match:
        raise BadInput(f"not an interval: {value!r} (say 15m, 2h or 1d)")
    seconds = float(match.group(1)) * _UNITS[match.group(2) or "s"]
    if seconds < 60:
        raise BadInput("a source is polled at most once a minute")
    return seconds


def interval_text(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{int(seconds)}s"


@dataclass
class Source:
    id: int
    url: str
    kind: str
    every_s: float
    added_at: float
    due_at: float
    etag: str
    last_modified: str
    last_sync: float | None
    last_success: float | None
    articles_added: int
    last_error: str
    failures: int


@dataclass
class Seen:
    """What an earlier sync recorded of an entry."""

    updated: str
    done: bool
    failures: int


class FollowedSources:
    def __init__(self, store: Store) -> None:
        self.store = store

    def add(self, url: str, every_s: float) -> tuple[Source, bool]:
        """Follow `url` (due at once); a source followed already takes the new interval.
        Returns the source and whether it is new."""
        now = time.time()
        with self.store.transaction() as db:
            existing = db.execute("SELECT id FROM followed_sources WHERE url = ?", (url,)).fetchone()
            if existing is None:
                db.execute("INSERT INTO followed_sources (url, every_s, added_at, due_at) VALUES (?, ?, ?, ?)",
                           (url, every_s, now, now))
            else:
                db.execute("UPDATE followed_sources SET every_s = ? WHERE url = ?", (every_s, url))
        return self.find(url), existing is None

    def find(self, ref: str) -> Source:
        """A source by its number (as `sources list` shows it) or its address."""
        ref = ref.strip()
        rows = self.store.query(f"SELECT {_COLUMNS} FROM followed_sources WHERE " + ("id = ?" if ref.isdigit() else "url = ?"),
                                (int(ref) if ref.isdigit() else ref,))
        if not rows:
            raise NotFound(f"no followed source {ref}")
        return Source(*rows[0])

    def remove(self, ref: str) -> Source:
        """Stop following; the articles it added stay."""
        source = self.find(ref)
        with self.store.transaction() as db:
            db.execute("DELETE FROM source_entries WHERE source_id = ?", (source.id,))
            db.execute("DELETE FROM followed_sources WHERE id = ?", (source.id,))
        return source

    def all(self) -> list[Source]:
        return [Source(*r) for r in self.store.query(f"SELECT {_COLUMNS} FROM followed_sources ORDER BY id")]

    def due(self, now: float) -> list[Source]:
        return [Source(*r) for r in self.store.query(
            f"SELECT {_COLUMNS} FROM followed_sources WHERE due_at <= ? ORDER BY due_at, id", (now,))]

    def lease(self, source_id: int, owner: str, now: float, seconds: float) -> bool:
        """Take the source for a sync unless another process holds an unexpired lease on it:
        one conditional UPDATE, atomic on both databases, so two replicas never sync it at once."""
        with self.store.transaction() as db:
            cur = db.execute(
                "UPDATE followed_sources SET lease_owner = ?, lease_until = ? WHERE id = ? "
                "AND (lease_until IS NULL OR lease_until < ? OR lease_owner = ?)",
                (owner, now + seconds, source_id, now, owner),
            )
            return cur.rowcount == 1

    def release(self, source_id: int, owner: str) -> None:
        with self.store.transaction() as db:
            db.execute("UPDATE followed_sources SET lease_owner = NULL, lease_until = NULL WHERE id = ? AND lease_owner = ?",
                       (source_id, owner))

    def seen(self, source_id: int, urls: Iterable[str]) -> dict[str, Seen]:
        urls = list(urls)
        out: dict[str, Seen] = {}
        for start in range(0, len(urls), 500):
            chunk = urls[start : start + 500]
            rows = self.store.query(
                f"SELECT url, updated, done, failures FROM source_entries WHERE source_id = ? AND url IN ({','.join('?' * len(chunk))})",
                [source_id, *chunk],
            )
            out.update({r[0]: Seen(r[1], bool(r[2]), r[3]) for r in rows})
        return out

    def record(self, source_id: int, outcomes: list[tuple[str, str, bool]]) -> None:
        """(url, updated, done) of entries a sync tried: done ones are not fetched again until
        the source says they changed; a failed one counts a try."""
        now = time.time()
        with self.store.transaction() as db:
            for url, updated, done in outcomes:
                db.execute(
                    "INSERT INTO source_entries (source_id, url, updated, failures, done, seen_at) VALUES (?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (source_id, url) DO UPDATE SET updated = excluded.updated, done = excluded.done, "
                    "failures = CASE WHEN excluded.done = 1 THEN 0 ELSE source_entries.failures + 1 END, seen_at = excluded.seen_at",
                    (source_id, url, updated, 0 if done else 1, int(done), now),
                )

    def succeeded(self, source: Source, kind: str, etag: str, last_modified: str, added: int, error: str, now: float) -> None:
        """A sync that read the source: next due after its interval. `error` is what went wrong
        with some of its entries, if anything ("" otherwise)."""
        with self.store.transaction() as db:
            db.execute(
                "UPDATE followed_sources SET kind = ?, etag = ?, last_modified = ?, last_sync = ?, last_success = ?, "
                "articles_added = articles_added + ?, last_error = ?, failures = 0, due_at = ? WHERE id = ?",
                (kind or source.kind, etag, last_modified, now, now, added, error, now + source.every_s, source.id),
            )

    def copy_into(self, target: "FollowedSources") -> dict[str, int]:
        """The followed sources and what they listed, into another store (`newsbot migrate`);
        sources it follows already are kept as they are."""
        entries = [tuple(r) for r in self.store.query("SELECT source_id, url, updated, failures, done, seen_at FROM source_entries")]
        with target.store.transaction() as db:
            for source in self.all():
                db.execute(f"INSERT INTO followed_sources ({_COLUMNS}) VALUES ({', '.join('?' * 13)}) ON CONFLICT DO NOTHING",
                           tuple(vars(source).values()))
            db.executemany("INSERT INTO source_entries (source_id, url, updated, failures, done, seen_at) "
                           "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", entries)
        target.store.after_copy("followed_sources")
        return {"sources": len(self.all()), "source_entries": len(entries)}

    def failed(self, source: Source, error: str, now: float) -> float:
        """A sync that could not read the source: it waits longer after each failure in a row.
        Returns when it is due again."""
        due = now + min(source.every_s * 2 ** source.failures, max(MAX_BACKOFF_S, source.every_s))
        with self.store.transaction() as db:
            db.execute("UPDATE followed_sources SET last_sync = ?, last_error = ?, failures = failures + 1, due_at = ? WHERE id = ?",
                       (now, error[:300], due, source.id))
        return due


def _when(at: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(at)) if at else "never"


def status_line(source: Source) -> str:
    """One line per source for the admins: what it is, when it last synced and succeeded, what
    it added, and its last error."""
    kind = f"{source.kind}, " if source.kind else ""
    line = (f"#{source.id} {source.url} ({kind}every {interval_text(source.every_s)}): last sync {_when(source.last_sync)}, "
            f"last success {_when(source.last_success)}, {source.articles_added} added")
    if source.last_error:
        line += f"; last error: {source.last_error}"
    if source.failures:
        line += f" (failed {source.failures} in a row; next try {_when(source.due_at)})"
    return line
