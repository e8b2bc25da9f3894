"""The rows the store hands out: typed, so that no caller indexes a tuple by position."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from ..articles import Article
from ..text import Passage


@dataclass
class PreparedArticle:
    """An article ready to be written: split into passages, each passage's embedded-text hash,
    the vectors the cache lacked, and the attributions found in its text (None: not read, as the
    store held the article so; the store writes it only read)."""

    article: Article
    passages: list[Passage]
    hashes: list[bytes]
    vectors: dict[bytes, np.ndarray]
    attributions: list[Any] | None


@dataclass(frozen=True)
class ArticleRow:
    id: int
    key: str
    url: str
    title: str
    outlet: str
    author: str
    published: date | None
    text: str
    added_at: float
    passages: int = 0

    def as_article(self) -> Article:
        """The article to write again (split again, cleaned again, or copied to another store),
        exactly as stored (Article.stored)."""
        return Article.stored(title=self.title, text=self.text, url=self.url, published=self.published,
                              author=self.author, outlet=self.outlet, key=self.key)


@dataclass(frozen=True)
class PassageRow:
    id: int
    article_id: int
    start: int
    end: int
    sentences: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class LogEntry:
    seq: int
    op: str
    article_id: int
    first_passage: int | None
    last_passage: int | None


@dataclass(frozen=True)
class WriteResult:
    status: str  # "added" | "updated" | "unchanged" | "duplicate" | "unread" (changed since it was prepared unread)
    article_id: int
    passages: int
    detail: str = ""


def keyword_text(title: str, text: str, start: int, end: int) -> str:
    """What the keyword index holds for a passage: its article's title, then the passage."""
    return f"{title}\n{text[start:end]}"


def row_to_article(row: Any) -> ArticleRow:
    return ArticleRow(
        id=row["id"],
        key=row["key"],
        url=row["url"],
        title=row["title"],
        outlet=row["outlet"],
        author=row["author"],
        published=date.fromisoformat(row["published"]) if row["published"] else None,
        text=row["text"],
        added_at=row["added_at"],
        passages=row["n"] if "n" in row.keys() else 0,
    )
