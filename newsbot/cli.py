"""`newsbot`: the command line, the front door for people and benchmarks.

A thin shell over `retrieval`: it validates input, opens the engine, calls it and prints. Errors
from the engine are shown as one sentence with exit status 1.
"""

from __future__ import annotations

import json
import logging
from datetime import date
from pathlib import Path

import click

from retrieval.errors import NewsbotError
from retrieval.text import plural

from .console import err, out, print_answer, print_quotes, progress_for
from .gaps import gaps
from .measure import COMMANDS
from .sources import sources, sync


def _settings(ctx: click.Context):
    from retrieval.settings import EngineSettings

    overrides = {}
    if ctx.obj.get("data_dir"):
        overrides["data_dir"] = Path(ctx.obj["data_dir"])
    return EngineSettings(**overrides)


def open_engine(ctx: click.Context):
    """The engine on the chosen data directory (a NewsbotError while opening is one line: `Main`)."""
    from retrieval.engine import Engine

    return Engine(_settings(ctx), notice=lambda m: err.print(f"[dim]{m}[/dim]"))


#: `newsbot --help` lists the commands in these groups, in this order.
SECTIONS = {
    "Use": ["chat", "ask", "quotes", "start", "run"],
    "Administer": ["add", "list", "remove", "sources", "sync", "reindex", "stats", "gaps", "doctor", "migrate"],
    "Measure": ["eval", "eval-quotes", "train-selector", "train-gate", "train-order"],
}


class Main(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except NewsbotError as exc:
            raise click.ClickException(str(exc)) from None

    def list_commands(self, ctx: click.Context) -> list[str]:
        ordered = [name for names in SECTIONS.values() for name in names]
        return ordered + sorted(set(self.commands) - set(ordered))

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The commands by what they are for, each with its whole first line of help."""
        for title, names in [*SECTIONS.items(), ("Other", sorted(set(self.commands) - {n for v in SECTIONS.values() for n in v}))]:
            rows = [(name, self.commands[name].get_short_help_str(limit=200)) for name in names if name in self.commands]
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


@click.group(cls=Main)
@click.option("--data-dir", type=click.Path(file_okay=False), help="Data directory (default: $NEWSBOT_DATA_DIR or ./data).")
@click.option("-v", "--verbose", is_flag=True, help="Log what happens.")
@click.pass_context
def cli(ctx: click.Context, data_dir: str | None, verbose: bool) -> None:
    """newsbot: answers questions about the news, with cited excerpts."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # request URLs carry the bot token
    ctx.ensure_object(dict)
    ctx.obj["data_dir"] = data_dir


@cli.command()
@click.argument("sources", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_context
def add(ctx: click.Context, sources: tuple[str, ...], as_json: bool) -> None:
    """Add articles: Markdown, .txt, .html, .jsonl(.gz) files, folders, or http(s) links.

    \b
    Markdown (.md) and plain text (.txt) may open with front matter:
      ---
      title: Gudkov Calls for Leftist Groups to Join Forces
      url: https://www.example.org/2012/04/24/gudkov   (the link answers show)
      published: 2012-04-24
      author: ...
      outlet: The Moscow Times
      id: ...                                          (the article's public id)
      ---
    Without `title:`, the title is the Markdown file's `# heading` or the text file's first
    line. A file without `url:` is shown with its title and no link.

    \b
    JSONL (.jsonl, .jsonl.gz): one article a line, {"url", "title", "text", and optionally
    "published" (YYYY-MM-DD), "author", "outlet", "id"}; paragraphs separated by newlines.

    \b
    An article longer than NEWSBOT_MAX_ARTICLE_CHARS (200,000) is split into parts at
    paragraph breaks ("Title (part 2)", URL#part-2). An HTML page larger than
    NEWSBOT_FETCH_MAX_BYTES is refused. Adding the same URL again updates it in place.
    """
    from retrieval.ingest import ingest

    with open_engine(ctx) as engine:
        with progress_for(list(sources)) as progress:
            report = ingest(engine, list(sources), progress)
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False))
    else:
        for outcome in report.outcomes:
            if outcome.status == "failed":
                err.print(f"[red]failed[/red] {outcome.source}: {outcome.reason}")
            elif outcome.status == "skipped":
                err.print(f"[yellow]skipped[/yellow] {outcome.source}: {outcome.reason}")
        click.echo(report.summary())
    if report.failed:
        ctx.exit(1)


def _parse_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a YYYY-MM-DD date") from None


@cli.command()
@click.argument("question", required=False)
@click.option("-k", "k", type=click.IntRange(1, 20), default=None, help="Number of citations (default 3).")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as one JSON object.")
@click.option("--jsonl", "jsonl", type=click.File("r"), help="Questions, one JSON object a line; answers go to stdout, one a line.")
@click.option("--date", "asked_on", help="Asking date (YYYY-MM-DD): nothing published after it is cited.")
@click.pass_context
def ask(ctx: click.Context, question: str | None, k: int | None, as_json: bool, jsonl, asked_on: str | None) -> None:
    """Answer QUESTION with cited excerpts."""
    if not question and jsonl is None:
        raise click.UsageError("give a QUESTION or --jsonl FILE")
    asked = _parse_date(asked_on)  # before the data directory is opened: a typo costs nothing
    with open_engine(ctx) as engine:
        if jsonl is not None:
            for number, line in enumerate(jsonl, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                    text = record["question"]
                    when = _parse_date(record.get("date"))
                except (ValueError, KeyError, TypeError, click.BadParameter) as exc:
                    raise click.ClickException(f"line {number}: not a question object ({exc})") from None
                answer = engine.ask(text, k=k, asked_on=when)
                answer.id = record.get("id")
                click.echo(json.dumps(answer.to_json(), ensure_ascii=False))
            return
        answer = engine.ask(question, k=k, asked_on=asked)
        if as_json:
            click.echo(json.dumps(answer.to_json(), ensure_ascii=False, indent=2))
        else:
            print_answer(answer)


CHAT_HELP = """Ask anything about the covered news, in English; the answer cites its sources, with
the sentence that answers in bold. Follow-ups lean on the last answer ("and what did she say
about Mironov?"). "What did NAME say?" lists a person's statements, "who is NAME?" how the
news introduces them, "what is FEMA?" what it says something is; "how did the strike unfold?"
lists a story's articles oldest first, "what's the latest on the strike?" the newest.
  /help   this message        /new   forget the conversation        /quit   leave"""

GREETINGS = {"hello", "hi", "hey", "help", "?", "start", "/start", "/help", "hello!", "hi!"}


@cli.command()
@click.pass_context
def chat(ctx: click.Context) -> None:
    """Talk to newsbot in the terminal (follow-ups understood; /help, /new, /quit)."""
    from retrieval.engine import FollowUp

    with open_engine(ctx) as engine:
        err.print(knows_line(engine) + " Ask a question, or /help.")
        follow_up = FollowUp()
        while True:
            try:
                question = click.prompt("?", prompt_suffix=" ", default="", show_default=False).strip()
            except (EOFError, click.Abort):
                break
            if not question:
                continue
            if question in ("/quit", "/exit"):
                break
            if question == "/new":
                follow_up = FollowUp()
                err.print("Conversation forgotten.")
                continue
            if question.lower() in GREETINGS:
                err.print(CHAT_HELP + "\n\nFor example:\n" + "\n".join(f"  {q}" for q in engine.example_questions()))
                continue
            answer = engine.ask(question, asked_on=date.today(), follow_up=follow_up)  # as the bot asks
            print_answer(answer)
            if not answer.no_answer:
                follow_up.questions = [*follow_up.questions[-2:], question]
                follow_up.article_keys = [c.article_id for c in answer.citations]


def knows_line(engine) -> str:
    """How much newsbot knows, and, over a corpus as small as the sample, how to add more."""
    stats = engine.stats()
    line = f"newsbot knows {plural(stats['articles'], 'article')}."
    if stats["articles"] < SMALL_CORPUS:
        line += (" (A small corpus: add your newsroom's articles with `newsbot add FOLDER`, "
                 "`newsbot add articles.jsonl` or `newsbot add https://...`; see `newsbot add --help`.)")
    return line


#: Below this many articles, chat says how to add the newsroom's own.
SMALL_CORPUS = 20


@cli.command()
@click.argument("name")
@click.option("--about", help="Only statements about this topic.")
@click.option("--json", "as_json", is_flag=True, help="Print {name, about, quotes: [...]} (the full list).")
@click.pass_context
def quotes(ctx: click.Context, name: str, about: str | None, as_json: bool) -> None:
    """Every statement the covered news attributes to NAME, newest first."""
    from dataclasses import asdict
    from itertools import chain

    from retrieval.attribution import iter_quotes
    from retrieval.question import query_terms

    with open_engine(ctx) as engine:
        # Read and printed a page at a time: the most quoted person has tens of thousands.
        found = iter_quotes(engine.store, name, query_terms(about) if about else None)
        if as_json:  # the same text json.dumps writes for the whole object
            click.echo(json.dumps({"name": name, "about": about}, ensure_ascii=False)[:-1] + ', "quotes": [', nl=False)
            for n, q in enumerate(found):
                click.echo((", " if n else "") + json.dumps(asdict(q), ensure_ascii=False), nl=False)
            click.echo("]}")
            return
        if (first := next(found, None)) is not None:
            print_quotes(chain([first], found))
        elif about:
            elsewhere = sum(1 for _ in iter_quotes(engine.store, name))
            line = f"No statements by {name} about {about} in the covered news"
            click.echo(line + (f" ({plural(elsewhere, 'statement')} on other topics: `newsbot quotes {name!r}`)." if elsewhere else "."))
        else:
            click.echo(f"No statements attributed to {name} in the covered news.")


@cli.command("list")
@click.option("--limit", default=50, show_default=True)
@click.option("--offset", default=0)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def list_(ctx: click.Context, limit: int, offset: int, as_json: bool) -> None:
    """The articles, newest first."""
    with open_engine(ctx) as engine:
        rows = engine.list_articles(limit, offset)
    if as_json:
        click.echo(json.dumps([
            {"article_id": r.key, "title": r.title, "url": r.url, "outlet": r.outlet,
             "published": r.published.isoformat() if r.published else None, "passages": r.passages}
            for r in rows
        ], ensure_ascii=False))
        return
    for r in rows:
        click.echo(f"{r.key}  {r.published or '          '}  {r.title}  ({r.passages} passages)  {r.url}")


@cli.command()
@click.argument("ref")
@click.pass_context
def remove(ctx: click.Context, ref: str) -> None:
    """Remove the article with this URL or id."""
    with open_engine(ctx) as engine:
        article = engine.remove(ref)
    click.echo(f"removed {article.key}: {article.title}")


@cli.command()
@click.pass_context
def reindex(ctx: click.Context) -> None:
    """Rebuild the indexes from the store (cached embeddings are reused), splitting the
    articles again first when NEWSBOT_PASSAGE_WORDS changed."""
    with open_engine(ctx) as engine:
        stats = engine.reindex()
    click.echo(f"reindexed {plural(stats['articles'], 'article')}, {plural(stats['passages'], 'passage')}, "
               f"{plural(stats['vectors'], 'vector')}")


@cli.command()
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def stats(ctx: click.Context, as_json: bool) -> None:
    """How much newsbot knows."""
    with open_engine(ctx) as engine:
        data = engine.stats()
    if as_json:
        click.echo(json.dumps(data))
    else:
        for key, value in data.items():
            click.echo(f"{key}: {value}")


@cli.command()
@click.option("--check-only", is_flag=True, help="Report what is wrong; change nothing.")
@click.pass_context
def doctor(ctx: click.Context, check_only: bool) -> None:
    """Check that the store and the indexes agree, and repair what can be repaired.

    Opening the data directory already catches the indexes up and rebuilds one that is missing
    or of the wrong size; the doctor also checks the store's integrity, rows without their
    article, articles without passages, passages without a vector, which passages each index
    holds, leftover files and unused vectors. Exit status 1 when something is left unrepaired.
    """
    from retrieval.doctor import examine

    marks = {"ok": "[green]ok[/green]", "repaired": "[yellow]repaired[/yellow]", "failed": "[red]failed[/red]"}
    with open_engine(ctx) as engine:
        findings = examine(engine, repair=not check_only)
    for f in findings:
        out.print(f"{marks[f.status]:<28} {f.check}" + (f": {f.detail}" if f.detail else ""))
    if any(f.status == "failed" for f in findings):
        ctx.exit(1)


@cli.command()
@click.option("--from", "source", required=True, type=click.Path(file_okay=False, exists=True), help="The data directory to copy.")
@click.option("--to", "url", required=True, help="postgresql://... (the database must have pgvector available).")
@click.pass_context
def migrate(ctx: click.Context, source: str, url: str) -> None:
    """Copy an embedded corpus into PostgreSQL, vectors included (nothing is embedded again).
    Safe to run again: articles already there are left alone. Then set NEWSBOT_DATABASE_URL."""
    from retrieval.migrate import migrate as copy

    copied = copy(Path(source), url, _settings(ctx).embedding_id, notice=lambda m: err.print(f"[dim]{m}[/dim]"))
    click.echo(
        f"copied {copied['articles']} articles ({copied['unchanged']} already there), {copied['passages']} passages, "
        f"{copied['vectors']} cached vectors, {copied['conversations']} conversations, {copied['feedback']} feedback, "
        f"{copied['sources']} followed sources"
    )


@cli.command()
@click.option("--webhook-url", help="Serve a webhook at this public URL instead of long polling.")
@click.option("--listen", default="127.0.0.1:8443", show_default=True, help="HOST:PORT the webhook server binds.")
@click.option("--secret-token", help="Webhook secret: requests without it are refused (403).")
@click.pass_context
def run(ctx: click.Context, webhook_url: str | None, listen: str, secret_token: str | None) -> None:
    """Run the Telegram bot (needs TELEGRAM_BOT_TOKEN)."""
    from bot.app import run as run_bot
    from bot.settings import BotSettings

    overrides = {"data_dir": Path(ctx.obj["data_dir"])} if ctx.obj.get("data_dir") else {}
    settings = BotSettings(**overrides)
    if settings.telegram_bot_token is None:
        raise click.ClickException("TELEGRAM_BOT_TOKEN is not set (see .env.example); `newsbot chat` works without it")
    if webhook_url and not secret_token:
        raise click.ClickException("a webhook needs --secret-token, so that only Telegram can post to it")
    run_bot(settings, webhook_url=webhook_url, listen=listen, secret_token=secret_token)


BOTFATHER_HELP = """No Telegram bot token is configured, so here is newsbot in the terminal instead.
To run it on Telegram: open @BotFather in Telegram, send /newbot, pick a name and a username,
and put the token it gives you in .env as TELEGRAM_BOT_TOKEN=... (see .env.example); then
run `make run` again."""


@cli.command()
@click.pass_context
def start(ctx: click.Context) -> None:
    """Start the Telegram bot when a token is configured; otherwise say how, and open the chat."""
    from bot.settings import BotSettings

    if BotSettings().telegram_bot_token:
        ctx.invoke(run)
        return
    err.print(BOTFATHER_HELP)
    ctx.invoke(chat)


for command in [*COMMANDS, sources, sync, gaps]:
    cli.add_command(command)


def main() -> None:
    cli(obj={})


if __name__ == "__main__":
    main()
