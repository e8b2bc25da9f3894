"""The store: the one source of truth, on SQLite (one machine) or PostgreSQL (several replicas).

`open_store(settings)` gives the one the settings name. Both are `Store`s over one schema
(schema.py); chats.py keeps the bot's state beside the articles.
"""

from __future__ import annotations

from ..settings import EngineSettings
from .base import IndexHook, Store
from .chats import ChatState
from .rows import ArticleRow, LogEntry, PassageRow, PreparedArticle, WriteResult, keyword_text
from .sqlite import SqliteStore

__all__ = [
    "ArticleRow", "ChatState", "IndexHook", "LogEntry", "PassageRow", "PreparedArticle", "SqliteStore", "Store",
    "WriteResult", "keyword_text", "open_store",
]


def open_store(settings: EngineSettings) -> Store:
    """PostgreSQL when a database URL is set, else the SQLite file in the data directory."""
    if settings.database_url is not None:
        from .postgres import PostgresStore

        return PostgresStore(settings.database_url.get_secret_value())
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return SqliteStore(settings.data_dir / "store.sqlite3")
