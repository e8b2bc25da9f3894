"""Terminal output: answers with the answering sentence in bold, and the ingest progress bar."""

from __future__ import annotations

import gzip
from contextlib import contextmanager
from pathlib import Path
from collections.abc import Iterable, Iterator

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from retrieval import people, timeline
from retrieval.answers import Answer
from retrieval.sources import SUFFIXES, is_url

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def print_quotes(quotes: Iterable) -> None:
    for q in quotes:
        marks = ("“", "”") if q.kind == "direct" else ("", "")
        out.print(f"[bold]{escape(q.speaker)}[/bold] ({q.cue}): {marks[0]}{escape(q.quote)}{marks[1]}")
        out.print(f"    [dim]{escape(q.title)}, {q.published or 'undated'} {escape(q.url)}[/dim]")


def print_answer(answer: Answer) -> None:
    if answer.notice:
        out.print(escape(answer.notice))
        return
    if answer.quotes:
        print_quotes(answer.quotes)
        out.print("")
    if answer.no_answer:
        out.print("I found nothing in the covered news that answers this.")
        if answer.suggestions:
            out.print("The closest articles:")
            for s in answer.suggestions:
                out.print(f"  - {escape(s.title)} ({s.published or 'undated'}) {escape(s.url)}")
        return
    if answer.caveat:
        out.print(f"[italic]{escape(answer.caveat)}[/italic]")
    if answer.by_date:
        out.print(f"[bold]{escape(timeline.HEADINGS[answer.by_date])}[/bold]")
    if answer.introduced:
        described, them = answer.introduced
        name, said = f"[bold]{escape(described.name)}[/bold]", described.description
        out.print(f"{name}: {escape(said)} (source {described.rank}).\n{people.INTRODUCED.format(them)}:" if said
                  else people.INTRODUCED.format(name) + ":")
    for c in answer.citations:
        start, end = c.highlights[0] if c.highlights else (0, 0)
        excerpt = escape(c.excerpt[:start]) + "[bold]" + escape(c.excerpt[start:end]) + "[/bold]" + escape(c.excerpt[end:])
        meta = ", ".join(x for x in (c.outlet, None if answer.by_date else c.published) if x)
        lead = f"{c.published or 'undated'} · " if answer.by_date else ""
        out.print(f"[{c.rank}] {lead}[bold]{escape(c.title)}[/bold]" + (f" ({escape(meta)})" if meta else ""))
        out.print(f"    {excerpt}")
        if c.url:
            out.print(f"    [dim]{escape(c.url)}[/dim]")
    if answer.next_questions:
        out.print("Ask next: " + " · ".join(escape(q) for q in answer.next_questions))


def estimate_articles(sources: list[str]) -> int | None:
    """How many articles the sources hold, cheaply, so the progress bar can show time left."""
    total = 0
    for source in sources:
        if is_url(source):
            total += 1
            continue
        path = Path(source)
        files = [p for p in path.rglob("*") if p.is_file()] if path.is_dir() else [path]
        for file in files:
            name = file.name.lower()
            try:
                if name.endswith(".jsonl.gz"):
                    with gzip.open(file, "rb") as fh:
                        total += sum(1 for _ in fh)
                elif name.endswith(".jsonl"):
                    with file.open("rb") as fh:
                        total += sum(1 for _ in fh)
                elif name.endswith(SUFFIXES):
                    total += 1
            except OSError:
                total += 1
    return total or None


@contextmanager
def progress_for(sources: list[str]) -> Iterator:
    """A progress bar on stderr: articles done, passages embedded per second, time left."""
    total = estimate_articles(sources)
    columns = [
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} articles"),
        TextColumn("{task.fields[passages]} passages, {task.fields[rate]} passages/s"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    ]
    with Progress(*columns, console=err, transient=False, disable=not err.is_terminal) as progress:
        task = progress.add_task("adding", total=total, passages=0, rate="-")
        state = {"passages": 0}

        def advance(passages: int, articles: int) -> None:
            state["passages"] += passages
            elapsed = progress.tasks[0].elapsed or 0
            rate = f"{state['passages'] / elapsed:.0f}" if elapsed > 0 else "-"
            progress.update(task, advance=articles, passages=state["passages"], rate=rate)

        yield advance
