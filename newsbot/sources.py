"""The command line's followed sources: `newsbot sources add|list|remove` and `newsbot sync`
(one pass, for cron; `newsbot run` polls each source on its own interval)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict

import click

from retrieval.errors import BadInput


@contextmanager
def _store(ctx: click.Context) -> Iterator:
    """The store alone: following a source is a row in it, so no index or model is loaded."""
    from retrieval.store import open_store

    from .cli import _settings

    store = open_store(_settings(ctx))
    try:
        yield store
    finally:
        store.close()


@click.group()
def sources() -> None:
    """Feeds, sitemaps and section pages the corpus follows (add, list, remove)."""


@sources.command("add")
@click.argument("url")
@click.option("--every", default=None, help="How often to poll it: 15m, 2h, 1d (default $NEWSBOT_SYNC_EVERY).")
@click.pass_context
def sources_add(ctx: click.Context, url: str, every: str | None) -> None:
    """Follow an RSS or Atom feed, a sitemap or a section page; `newsbot sync` (or `newsbot
    run`) adds what it lists."""
    from retrieval.feeds import FollowedSources, interval_text, parse_interval
    from retrieval.feeds.documents import canonical
    from retrieval.settings import EngineSettings

    seconds = parse_interval(every or EngineSettings().sync_every)
    link = canonical(url)
    if not link:
        raise BadInput(f"not an http(s) link: {url}")
    with _store(ctx) as store:
        source, new = FollowedSources(store).add(link, seconds)
    verb = "following" if new else "already following; now polled"
    click.echo(f"{verb} #{source.id} {source.url} every {interval_text(source.every_s)}")


@sources.command("list")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def sources_list(ctx: click.Context, as_json: bool) -> None:
    """The followed sources with their status: last sync, last success, articles added, last error."""
    from retrieval.feeds import FollowedSources
    from retrieval.feeds.registry import status_line

    with _store(ctx) as store:
        followed = FollowedSources(store).all()
    if as_json:
        click.echo(json.dumps([asdict(s) for s in followed]))
        return
    if not followed:
        click.echo("No followed sources. Follow one with `newsbot sources add URL` (a feed, a sitemap or a section page).")
    for source in followed:
        click.echo(status_line(source))


@sources.command("remove")
@click.argument("ref")
@click.pass_context
def sources_remove(ctx: click.Context, ref: str) -> None:
    """Stop following a source (its number or address); the articles it added stay."""
    from retrieval.feeds import FollowedSources

    with _store(ctx) as store:
        source = FollowedSources(store).remove(ref)
    click.echo(f"stopped following #{source.id} {source.url}")


@click.command()
@click.option("--due", is_flag=True, help="Only the sources whose interval has passed (default: every source).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per source.")
@click.pass_context
def sync(ctx: click.Context, due: bool, as_json: bool) -> None:
    """One pass over the followed sources: add what is new or changed (for cron)."""
    from retrieval.feeds import follow_configured, sync_sources

    from .cli import open_engine

    with open_engine(ctx) as engine:
        follow_configured(engine)
        reports = sync_sources(engine, every=not due)
    if as_json:
        click.echo(json.dumps([asdict(r) for r in reports]))
        return
    if not reports:
        click.echo("No followed sources" + (" are due." if due else ". Follow one with `newsbot sources add URL`."))
    for report in reports:
        click.echo(report.line())
    if any(r.status == "failed" for r in reports):
        ctx.exit(1)
