"""Adding articles in bulk: read the sources, embed in batches, store article by article, keep
the indexes in step, and report added / updated / skipped / failed.

Memory stays bounded whatever the input: sources are read a piece at a time, an article longer
than NEWSBOT_MAX_ARTICLE_CHARS is split into parts (`articles.within_limit`), a batch holds at
most BATCH_ARTICLES articles and BATCH_LONGEST longest articles' worth of text, and the report keeps counts of every
outcome but the details of only the first REPORT_DETAILS."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .articles import Article, within_limit
from .sources import Item, read_sources

#: Articles embedded together: large enough to keep the encoder's batches full.
BATCH_ARTICLES = 32
#: ...and at most this many of the longest articles' worth of text (NEWSBOT_MAX_ARTICLE_CHARS):
#: a few long articles fill a batch (1,000,000 characters at the default).
BATCH_LONGEST = 5
#: Outcomes reported one by one; beyond them, only counted.
REPORT_DETAILS = 1000
#: Save the dense index at least this often during a long run (seconds).
PERSIST_EVERY_S = 300.0


@dataclass
class Outcome:
    source: str
    status: str  # added | updated | skipped | failed
    title: str = ""
    reason: str = ""
    article_id: str = ""
    passages: int = 0
    published: str | None = None


@dataclass
class Report:
    #: The first REPORT_DETAILS outcomes (and every failure among the first REPORT_DETAILS
    #: failures); `counts` has them all.
    outcomes: list[Outcome] = field(default_factory=list)
    passages: int = 0
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.counts:
            for o in self.outcomes:
                self.counts[o.status] = self.counts.get(o.status, 0) + 1

    def record(self, outcome: Outcome) -> None:
        self.counts[outcome.status] = self.counts.get(outcome.status, 0) + 1
        if len(self.outcomes) < REPORT_DETAILS or (
            outcome.status == "failed" and self.count("failed") <= REPORT_DETAILS
        ):
            self.outcomes.append(outcome)

    def count(self, status: str) -> int:
        return self.counts.get(status, 0)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    def summary(self) -> str:
        """One line: the numbers every run ends with."""
        rate = f", {self.passages / self.seconds:.0f} passages/s" if self.seconds > 0 and self.passages else ""
        return (
            f"added {self.count('added')}, updated {self.count('updated')}, "
            f"skipped {self.count('skipped')}, failed {self.count('failed')}"
            f" ({self.passages:,} passage{'' if self.passages == 1 else 's'} in {self.seconds:.1f} s{rate})"
        )

    def to_json(self) -> dict:
        from dataclasses import asdict

        return {
            "counts": self.counts,
            "added": self.count("added"),
            "updated": self.count("updated"),
            "skipped": self.count("skipped"),
            "failed": self.count("failed"),
            "passages": self.passages,
            "seconds": round(self.seconds, 2),
            "outcomes": [asdict(o) for o in self.outcomes],
        }


    @classmethod
    def from_json(cls, data: dict) -> "Report":
        """The report `newsbot add --json` printed (how the bot reads an ingest run apart)."""
        return cls([Outcome(**o) for o in data["outcomes"]], data["passages"], data["seconds"], data.get("counts") or {})


Progress = Callable[[int, int], None]  # (passages done in this step, articles done in this step)


def ingest(engine, sources: list[str], progress: Progress | None = None) -> Report:
    """Add every article the sources hold."""
    return ingest_items(engine, read_sources(sources, engine.settings), progress)


def ingest_items(engine, items: Iterable[Item], progress: Progress | None = None) -> Report:
    """Batches of articles go through two stages that overlap: while one batch is embedded (on
    the engine's embedding thread), the one before it has its attributions found and is written.
    A killed run loses at most those two batches; every written article stays whole."""
    report = Report()
    started = last_save = time.perf_counter()
    batch: list[tuple[str, Article]] = []
    pending: tuple[list[tuple[str, Article]], Callable[[], list]] | None = None

    def write_pending() -> None:
        nonlocal pending, last_save
        if pending is None:
            return
        written, finish = pending
        pending = None
        results = engine.write(finish())
        done = 0
        for (source, article), result in zip(written, results):
            status = {"added": "added", "updated": "updated"}.get(result.status, "skipped")
            reason = {"unchanged": "already indexed, unchanged", "duplicate": result.detail}.get(result.status, "")
            report.record(
                Outcome(source, status, article.title, reason, article.key, result.passages,
                        article.published.isoformat() if article.published else None)
            )
            report.passages += result.passages
            done += result.passages
        if progress:
            progress(done, len(written))
        if time.perf_counter() - last_save > PERSIST_EVERY_S:
            engine.persist()
            last_save = time.perf_counter()

    def flush(wait: bool = False) -> None:
        """Start embedding the batch, then write the one before it (or this one too, when the
        next batch must see it: a repeated article, or the end)."""
        nonlocal pending
        if batch:
            following = (list(batch), engine.start_preparing([a for _, a in batch]))
            batch.clear()
            write_pending()
            pending = following
        if wait:
            write_pending()

    # The same article twice among the two batches in flight: the first is written before the
    # second is prepared, so the last version wins, as it would in a later run.
    chars = 0
    limit = engine.settings.max_article_chars
    for item in items:
        if item.error or item.article is None:
            report.record(Outcome(item.source, "failed", reason=item.error or "unreadable"))
            continue
        for article in within_limit(item.article, limit):
            identity = article.url or article.key
            if identity in {a.url or a.key for _, a in batch} or (
                pending is not None and identity in {a.url or a.key for _, a in pending[0]}
            ):
                flush(wait=True)
                chars = 0
            batch.append((item.source, article))
            chars += len(article.text)
            if len(batch) >= BATCH_ARTICLES or chars >= BATCH_LONGEST * limit:
                flush()
                chars = 0
    flush(wait=True)
    engine.persist()
    report.seconds = time.perf_counter() - started
    return report
