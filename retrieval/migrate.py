"""Moving an embedded corpus (a data directory) into PostgreSQL, without embedding anything again.

Articles are copied one transaction each, through the same `write_article` every ingest uses,
with their passages as they were split, their cached vectors (every model's) and their
attributions; then conversations, feedback and handled update ids. Articles already in the
database are left as they are, so a migration that was interrupted is finished by running it
again.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from .errors import NewsbotError
from .postgres import PostgresStore
from .store import Store
from .text import Passage, Span


def migrate(data_dir: Path, url: str, model: str, notice: Callable[[str], None] = print) -> dict[str, int]:
    """Copy the store in `data_dir` into the database at `url`; `model` is the embedding the
    database will be searched with (its vectors fill the pgvector column)."""
    path = data_dir / "store.sqlite3"
    if not path.is_file():
        raise NewsbotError(f"no newsbot store in {data_dir} (expected {path.name})")
    source, target = Store(path), PostgresStore(url)
    copied = {"articles": 0, "unchanged": 0, "passages": 0, "vectors": 0}
    try:
        ids = source.all_article_ids()
        for n, article_id in enumerate(sorted(ids), start=1):
            status, passages, vectors = _copy_article(source, target, article_id, model)
            copied["articles" if status != "unchanged" else "unchanged"] += 1
            copied["passages"] += passages
            copied["vectors"] += vectors
            if n % 500 == 0:
                notice(f"{n} of {len(ids)} articles copied")
        copied.update(_copy_state(source, target))
        target.set_passage_words(source.passage_words())
    finally:
        source.close()
        target.close()
    return copied


def _copy_article(source: Store, target: PostgresStore, article_id: int, model: str) -> tuple[str, int, int]:
    article = source.articles_by_ids([article_id])[article_id].as_article()
    rows = source._query(
        'SELECT start, "end", sentences, embed_hash FROM passages WHERE article_id = ? ORDER BY ord', (article_id,)
    )
    passages = [
        Passage(r[0], r[1], tuple(Span(a, b) for a, b in json.loads(r[2]))) for r in rows
    ]
    hashes = [bytes(r[3]) for r in rows]
    # Every model's cached vectors travel, so that a later change of model finds them too.
    marks = ",".join("?" * len(hashes)) or "NULL"
    cached = source._query(f"SELECT model, hash, vec FROM vectors WHERE hash IN ({marks})", hashes)
    with target.transaction() as db:
        for r in cached:
            if r[0] != model:
                db.execute("INSERT INTO vectors VALUES (?, ?, ?) ON CONFLICT DO NOTHING", (r[0], bytes(r[1]), bytes(r[2])))
    own = {bytes(r[1]): np.frombuffer(r[2], dtype=np.float32) for r in cached if r[0] == model}
    attributions = [
        SimpleNamespace(speaker=r["speaker"], is_person=bool(r["is_person"]), quote=r["quote"], cue=r["cue"],
                        kind=r["kind"], start=r["start"], end=r["end"])
        for r in source._query("SELECT * FROM attributions WHERE article_id = ? ORDER BY id", (article_id,))
    ]
    result = target.write_article(article, passages, hashes, own, model, attributions)
    return result.status, result.passages, len(cached)


def _copy_state(source: Store, target: PostgresStore) -> dict[str, int]:
    """Conversations, feedback and handled update ids: what lets the bot carry on where it was."""
    conversations = source._query("SELECT chat_key, state, updated_at FROM conversations")
    feedback = source._query("SELECT id, chat_key, user_id, question, article_ids, helpful, at FROM feedback")
    updates = source._query("SELECT update_id, at FROM handled_updates")
    with target.transaction() as db:
        db.executemany("INSERT INTO conversations VALUES (?, ?, ?) ON CONFLICT DO NOTHING", [tuple(r) for r in conversations])
        db.executemany("INSERT INTO feedback VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", [tuple(r) for r in feedback])
        db.executemany("INSERT INTO handled_updates VALUES (?, ?) ON CONFLICT DO NOTHING", [tuple(r) for r in updates])
        db.execute("SELECT setval(pg_get_serial_sequence('feedback', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM feedback")
    return {"conversations": len(conversations), "feedback": len(feedback)}
