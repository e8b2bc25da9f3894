"""A corpus that keeps itself current: the newsroom's feeds (RSS, Atom), sitemaps (with sitemap
indexes and Google News sitemaps) and section pages, followed on an interval.

registry.py keeps the followed sources in the store; documents.py reads what a source lists;
sync.py fetches what is new or changed and adds it through the one ingest path. `newsbot sources`
and `newsbot sync` drive it from the command line, `newsbot run` on each source's interval.
"""

from __future__ import annotations

from .registry import FollowedSources, Source, interval_text, parse_interval
from .sync import SourceReport, sync_sources

__all__ = ["FollowedSources", "Source", "SourceReport", "interval_text", "parse_interval", "sync_sources", "follow_configured"]


def follow_configured(engine) -> list[str]:
    """Follow the sources NEWSBOT_SOURCES lists that are not followed yet (a newsroom's first
    start fills its corpus from them); returns the ones added."""
    from .documents import canonical

    registry = FollowedSources(engine.store)
    known = {s.url for s in registry.all()}
    every = parse_interval(engine.settings.sync_every)
    added = []
    for url in engine.settings.source_urls:
        url = canonical(url) or url
        if url not in known:
            registry.add(url, every)
            added.append(url)
    return added
