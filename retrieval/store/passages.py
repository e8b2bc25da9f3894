"""The store's passages and their vectors: what search, the indexes and `newsbot migrate` read."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np

from ..text import Passage, Span
from .rows import PassageRow, keyword_text


class PassageQueries:
    """Part of `Store` (see base.py)."""

    query: Callable[..., list[Any]]
    transaction: Callable[[], Any]

    # --- passages and vectors ------------------------------------------------------------
    def cached_vectors(self, model: str, hashes: list[bytes]) -> dict[bytes, np.ndarray]:
        found: dict[bytes, np.ndarray] = {}
        unique = list(set(hashes))
        for i in range(0, len(unique), 500):
            chunk = unique[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.query(
                f"SELECT hash, vec FROM vectors WHERE model = ? AND hash IN ({marks})", [model, *chunk]
            ):
                found[bytes(row[0])] = np.frombuffer(row[1], dtype=np.float32)
        return found

    def passage_vectors(
        self, model: str, article_ids: Iterable[int] | None = None
    ) -> tuple[np.ndarray, np.ndarray, list[int]]:
        """(passage ids, vectors) of the given articles (all when None), and the ids whose
        vectors are not cached for `model`."""
        sql = (
            "SELECT p.id, v.vec FROM passages p LEFT JOIN vectors v "
            "ON v.model = ? AND v.hash = p.embed_hash"
        )
        params: list = [model]
        if article_ids is not None:
            ids = list(article_ids)
            if not ids:
                return np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.float32), []
            sql += f" WHERE p.article_id IN ({','.join('?' * len(ids))})"
            params += ids
        rows = self.query(sql + " ORDER BY p.id", params)
        missing = [r[0] for r in rows if r[1] is None]
        have = [r for r in rows if r[1] is not None]
        ids_arr = np.fromiter((r[0] for r in have), dtype=np.int64, count=len(have))
        vecs = (
            np.frombuffer(b"".join(r[1] for r in have), dtype=np.float32).reshape(len(have), -1)
            if have
            else np.zeros((0, 0), dtype=np.float32)
        )
        return ids_arr, vecs, missing

    def vectors_of(self, model: str, passage_ids: list[int]) -> dict[int, np.ndarray]:
        """Stored vectors of these passages."""
        if not passage_ids:
            return {}
        rows = self.query(
            "SELECT p.id, v.vec FROM passages p JOIN vectors v ON v.model = ? AND v.hash = p.embed_hash "
            f"WHERE p.id IN ({','.join('?' * len(passage_ids))})",
            [model, *passage_ids],
        )
        return {r[0]: np.frombuffer(r[1], dtype=np.float32) for r in rows}

    #: Articles whose texts are read together when passages are handed to the keyword index:
    #: with NEWSBOT_MAX_ARTICLE_CHARS at 200,000, at most about 13 MB of text at a time.
    TEXT_CHUNK = 64

    def passages_of(self, article_ids: Iterable[int]) -> Iterator[tuple[int, int, str]]:
        """(passage id, article id, title + passage text) for the keyword index, a few articles
        at a time: each article's text is read once, not once per passage."""
        ids = list(article_ids)
        for i in range(0, len(ids), self.TEXT_CHUNK):
            chunk = ids[i : i + self.TEXT_CHUNK]
            marks = ",".join("?" * len(chunk))
            texts = {r[0]: (r[1], r[2]) for r in self.query(f"SELECT id, title, text FROM articles WHERE id IN ({marks})", chunk)}
            rows = self.query(
                f'SELECT id, article_id, start, "end" FROM passages WHERE article_id IN ({marks}) ORDER BY id', chunk
            )
            for pid, aid, start, end in rows:
                title, text = texts[aid]
                yield pid, aid, keyword_text(title, text, start, end)

    def passages_by_ids(self, ids: Iterable[int]) -> dict[int, PassageRow]:
        ids = list(ids)
        if not ids:
            return {}
        rows = self.query(
            f'SELECT id, article_id, start, "end", sentences FROM passages WHERE id IN ({",".join("?" * len(ids))})',
            ids,
        )
        return {
            r[0]: PassageRow(r[0], r[1], r[2], r[3], tuple(tuple(s) for s in json.loads(r[4])))
            for r in rows
        }

    def article_of_passages(self, ids: Iterable[int]) -> dict[int, tuple[int, str | None]]:
        """passage id -> (article id, published) without loading texts: for filtering."""
        ids = list(ids)
        if not ids:
            return {}
        rows = self.query(
            "SELECT p.id, p.article_id, a.published FROM passages p JOIN articles a "
            f"ON a.id = p.article_id WHERE p.id IN ({','.join('?' * len(ids))})",
            ids,
        )
        return {r[0]: (r[1], r[2]) for r in rows}


    def passage_spans(self, article_ids: Iterable[int]) -> dict[int, list[tuple[int, int, int]]]:
        """article id -> its passages' (id, start, end), in order."""
        ids = list(set(article_ids))
        if not ids:
            return {}
        out: dict[int, list[tuple[int, int, int]]] = {i: [] for i in ids}
        for pid, aid, start, end in self.query(
            f'SELECT id, article_id, start, "end" FROM passages WHERE article_id IN ({",".join("?" * len(ids))}) ORDER BY ord', ids
        ):
            out[aid].append((pid, start, end))
        return out

    def stored_passages(self, article_id: int) -> tuple[list[Passage], list[bytes]]:
        """An article's passages as they were split, with their embedded-text hashes."""
        rows = self.query(
            'SELECT start, "end", sentences, embed_hash FROM passages WHERE article_id = ? ORDER BY ord', (article_id,)
        )
        passages = [Passage(r[0], r[1], tuple(Span(a, b) for a, b in json.loads(r[2]))) for r in rows]
        return passages, [bytes(r[3]) for r in rows]

    def vectors_by_hash(self, hashes: list[bytes]) -> list[tuple[str, bytes, np.ndarray]]:
        """(model, hash, vector) of every model's cached vectors of these texts."""
        if not hashes:
            return []
        rows = self.query(f"SELECT model, hash, vec FROM vectors WHERE hash IN ({','.join('?' * len(hashes))})", hashes)
        return [(r[0], bytes(r[1]), np.frombuffer(r[2], dtype=np.float32)) for r in rows]

    def put_vectors(self, model: str, vectors: dict[bytes, np.ndarray], passages: dict[int, bytes] | None = None) -> None:
        """Cache vectors (kept when already cached) and point these passages at their texts' hashes."""
        with self.transaction() as db:
            for pid, h in (passages or {}).items():
                db.execute("UPDATE passages SET embed_hash = ? WHERE id = ?", (h, pid))
            for h, vec in vectors.items():
                db.execute(
                    "INSERT INTO vectors VALUES (?, ?, ?) ON CONFLICT (model, hash) DO UPDATE SET vec = excluded.vec",
                    (model, h, np.asarray(vec, dtype=np.float32).tobytes()),
                )
