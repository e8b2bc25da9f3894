"""One sync pass over the followed sources: each due source is fetched (a conditional GET: a 304
costs nothing), its entries read, the new and changed ones fetched through the safe fetcher
(robots.txt respected, a pause between requests to one host, at most `sync_max_new` a pass) and
added through the one ingest path, with the source's own title, date and author filling what
the page lacks. A source that fails waits longer each time; the others go on.

What was added is recorded only after the ingest wrote it: a pass killed midway loses nothing,
and the next pass finds those articles unchanged in the store instead of adding them twice.
"""

from __future__ import annotations

import os
import socket
import time
import urllib.robotparser
from collections.abc import Iterator
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from ..errors import BadInput
from ..fetch import USER_AGENT, fetch_document
from ..ingest import ingest_items
from ..settings import EngineSettings
from ..sources import Item, fetch_article
from .documents import FEED_TYPES, Entry, read_listing
from .registry import ENTRY_TRIES, FollowedSources, Seen, Source

#: Sitemaps of a sitemap index read in one pass (the newest by <lastmod>).
CHILD_SITEMAPS = 5
#: How long a replica holds a source it syncs: past it, another may take it over.
LEASE_S = 15 * 60


@dataclass
class SourceReport:
    """What one pass did with one source, for `newsbot sync` and the admins."""

    url: str
    status: str  # synced | unchanged | failed | busy (another replica has it)
    kind: str = ""
    listed: int = 0
    added: int = 0
    updated: int = 0
    failed: int = 0
    error: str = ""

    def line(self) -> str:
        if self.status == "busy":
            return f"{self.url}: another replica is syncing it"
        if self.status == "failed":
            return f"{self.url}: failed: {self.error}"
        if self.status == "unchanged":
            return f"{self.url}: not changed since the last sync"
        tail = f"; {self.failed} failed: {self.error}" if self.failed else ""
        return f"{self.url}: {self.listed} listed, {self.added} added, {self.updated} updated{tail}"


class HostPacer:
    """At most one request per `delay` seconds to a host, over the whole pass."""

    def __init__(self, delay: float) -> None:
        self.delay, self.last = delay, {}

    def wait(self, url: str) -> None:
        host = urlsplit(url).hostname or ""
        pause = self.last.get(host, -1e9) + self.delay - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        self.last[host] = time.monotonic()


class Robots:
    """Each host's robots.txt, read once a pass; a host without one (or unreachable) allows all."""

    def __init__(self, settings: EngineSettings, pacer: HostPacer) -> None:
        self.settings, self.pacer, self.rules = settings, pacer, {}

    def allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        root = f"{parts.scheme}://{parts.netloc}"
        if root not in self.rules:
            parser = urllib.robotparser.RobotFileParser()
            self.pacer.wait(root)
            try:
                got = fetch_document(f"{root}/robots.txt", self.settings, ("text/plain",))
                parser.parse(got.text.splitlines())
            except BadInput:
                parser.parse([])
            self.rules[root] = parser
        return self.rules[root].can_fetch(USER_AGENT, url)


def owner_name() -> str:
    """Who holds a lease: this host and process."""
    return f"{socket.gethostname()}:{os.getpid()}"


def sync_sources(engine, every: bool = False, now: float | None = None) -> list[SourceReport]:
    """One pass over the due sources (all of them with `every`)."""
    registry = FollowedSources(engine.store)
    started = time.time() if now is None else now
    sources = registry.all() if every else registry.due(started)
    pacer = HostPacer(engine.settings.sync_host_delay_s)
    robots = Robots(engine.settings, pacer)
    owner = owner_name()
    reports = []
    for source in sources:
        if not registry.lease(source.id, owner, time.time(), LEASE_S):
            reports.append(SourceReport(source.url, "busy"))
            continue
        try:
            reports.append(sync_source(engine, registry, source, pacer, robots))
        finally:
            registry.release(source.id, owner)
    return reports


def sync_source(engine, registry: FollowedSources, source: Source, pacer: HostPacer, robots: Robots) -> SourceReport:
    settings = engine.settings
    try:
        pacer.wait(source.url)
        got = fetch_document(source.url, settings, FEED_TYPES, source.etag, source.last_modified)
        if got.unchanged:
            registry.succeeded(source, source.kind, got.etag, got.last_modified, 0, source.last_error, time.time())
            return SourceReport(source.url, "unchanged", source.kind)
        listing = read_listing(got.text, got.content_type, got.url)
        entries = listing.entries
        for child in listing.sitemaps[:CHILD_SITEMAPS]:
            pacer.wait(child.url)
            page = fetch_document(child.url, settings, FEED_TYPES)
            entries = entries + read_listing(page.text, page.content_type, page.url).entries
    except BadInput as exc:
        registry.failed(source, str(exc), time.time())
        return SourceReport(source.url, "failed", error=str(exc))

    unique = list({e.url: e for e in reversed(entries)}.values())[::-1]  # the first listing of a link wins
    seen = registry.seen(source.id, [e.url for e in unique])
    todo = [e for e in unique if _wanted(e, seen.get(e.url))][: settings.sync_max_new]
    by_url = {e.url: e for e in todo}
    report = ingest_items(engine, _fetched(todo, settings, pacer, robots))
    outcomes = [(o.source, by_url[o.source].updated, o.status != "failed") for o in report.outcomes if o.source in by_url]
    registry.record(source.id, outcomes)
    failures = [o for o in report.outcomes if o.status == "failed"]
    error = f"{len(failures)} of {len(todo)} new entries failed, the first: {failures[0].reason}" if failures else ""
    result = SourceReport(source.url, "synced", listing.kind, len(unique), report.count("added"), report.count("updated"),
                          len(failures), failures[0].reason if failures else "")
    registry.succeeded(source, listing.kind, got.etag, got.last_modified, result.added, error, time.time())
    return result


def _wanted(entry: Entry, seen: Seen | None) -> bool:
    """New, changed since it was added (the source says so), or failed fewer than ENTRY_TRIES times."""
    if seen is None:
        return True
    if seen.done:
        return bool(entry.updated) and entry.updated != seen.updated
    return seen.failures < ENTRY_TRIES


def _fetched(entries: list[Entry], settings: EngineSettings, pacer: HostPacer, robots: Robots) -> Iterator[Item]:
    """Each entry's article, fetched one at a time as the ingest asks for them."""
    for entry in entries:
        if not robots.allowed(entry.url):
            yield Item(entry.url, error="robots.txt asks robots not to fetch it")
            continue
        pacer.wait(entry.url)
        try:
            article = fetch_article(entry.url, settings, title=entry.title)
        except BadInput as exc:
            yield Item(entry.url, error=str(exc))
            continue
        yield Item(entry.url, replace(
            article, published=article.published or entry.published, author=article.author or entry.author,
        ))
