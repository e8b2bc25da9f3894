"""What `newsbot doctor` asks of the store: rows that disagree, and what can be dropped."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np


class StoreChecks:
    """Part of `Store` (see base.py): consistency checks and their repairs."""

    query: Callable[..., list[Any]]
    transaction: Callable[[], Any]

    def orphans(self) -> dict[str, int]:
        """Rows whose article is gone (a store written without its foreign keys enforced)."""
        counts = {
            table: self.query(f"SELECT COUNT(*) FROM {table} WHERE article_id NOT IN (SELECT id FROM articles)")[0][0]
            for table in ("passages", "attributions", "paragraphs")
        }
        return {table: n for table, n in counts.items() if n}

    def delete_orphans(self) -> None:
        with self.transaction() as db:
            for table in ("passages", "attributions", "paragraphs"):
                db.execute(f"DELETE FROM {table} WHERE article_id NOT IN (SELECT id FROM articles)")

    def articles_without_passages(self) -> list[int]:
        return [r[0] for r in self.query(
            "SELECT id FROM articles WHERE id NOT IN (SELECT DISTINCT article_id FROM passages) ORDER BY id"
        )]

    def articles_missing_vectors(self, model: str) -> list[int]:
        """Articles with a passage whose vector for `model` is not cached."""
        return [r[0] for r in self.query(
            "SELECT DISTINCT p.article_id FROM passages p LEFT JOIN vectors v ON v.model = ? AND v.hash = p.embed_hash "
            "WHERE v.hash IS NULL ORDER BY p.article_id",
            (model,),
        )]

    def passage_ids(self) -> np.ndarray:
        rows = self.query("SELECT id FROM passages ORDER BY id")
        return np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))

    def unused_vectors(self, model: str) -> int:
        return int(self.query(
            "SELECT COUNT(*) FROM vectors WHERE model = ? AND hash NOT IN (SELECT embed_hash FROM passages)", (model,)
        )[0][0])

    def prune_vectors(self, model: str) -> int:
        """Drop cached vectors no passage uses any more."""
        with self.transaction() as db:
            cur = db.execute(
                "DELETE FROM vectors WHERE model = ? AND hash NOT IN (SELECT embed_hash FROM passages)",
                (model,),
            )
            return cur.rowcount
