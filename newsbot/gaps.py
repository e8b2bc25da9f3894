"""The command line's `newsbot gaps`: what readers asked that the news did not answer
(retrieval/gaps.py), for the newsroom; the bot's admins have it as /gaps."""

from __future__ import annotations

import json

import click

from retrieval.gaps import DEFAULT_DAYS, MAX_DAYS, gaps as find_gaps


@click.command()
@click.option("--days", type=click.FloatRange(min=0, min_open=True, max=MAX_DAYS), default=DEFAULT_DAYS, show_default=True,
              help="How far back to read.")
@click.option("--json", "as_json", is_flag=True, help="Print {days, unanswered: [...], unhelpful: [...]}.")
@click.pass_context
def gaps(ctx: click.Context, days: float, as_json: bool) -> None:
    """What readers asked that the news did not answer, grouped by meaning, most asked first."""
    from .cli import open_engine

    with open_engine(ctx) as engine:
        found = find_gaps(engine.chats, engine.encoder, days)
    if as_json:
        click.echo(json.dumps(found.to_json()))
        return
    for title, listed in ((f"Nothing cited, last {days:g} days", found.unanswered),
                          (f"Answers marked not helpful, last {days:g} days", found.unhelpful)):
        click.echo(f"{title}:")
        for g in listed:
            click.echo(f"  {g.count}x {g.question}" + (f"  (also: {'; '.join(g.also)})" if g.also else ""))
        if not listed:
            click.echo("  none")
