"""Moving an embedded corpus (a data directory) into PostgreSQL, without embedding anything again.

Articles are copied one transaction each, through the same `write_article` every ingest uses,
with their passages as they were split, their cached vectors (every model's) and their
attributions; then the bot's chat state and the followed sources. Articles already in the database are left as they are,
so a migration that was interrupted is finished by running it again.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .errors import NewsbotError
from .feeds import FollowedSources
from .indexes.database import index_passages
from .store import ChatState, PreparedArticle, SqliteStore, Store
from .store.postgres import PostgresStore


def migrate(data_dir: Path, url: str, model: str, notice: Callable[[str], None] = print) -> dict[str, int]:
    """Copy the store in `data_dir` into the database at `url`; `model` is the embedding the
    database will be searched with (its vectors fill the pgvector column)."""
    path = data_dir / "store.sqlite3"
    if not path.is_file():
        raise NewsbotError(f"no newsbot store in {data_dir} (expected {path.name})")
    source, target = SqliteStore(path), PostgresStore(url)
    target.index_hook = index_passages  # each article searchable as soon as it is copied
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
        copied.update(ChatState(source).copy_into(ChatState(target)))
        copied.update(FollowedSources(source).copy_into(FollowedSources(target)))
        # How the copied articles were cleaned and split comes with them: neither is redone.
        target.set_passage_words(source.passage_words())
        target.set_cleaning(source.cleaning())
    finally:
        source.close()
        target.close()
    return copied


def _copy_article(source: Store, target: Store, article_id: int, model: str) -> tuple[str, int, int]:
    article = source.articles_by_ids([article_id])[article_id].as_article()
    passages, hashes = source.stored_passages(article_id)
    cached = source.vectors_by_hash(hashes)
    # Every model's cached vectors travel, so that a later change of model finds them too.
    for other in {m for m, _, _ in cached if m != model}:
        target.put_vectors(other, {h: v for m, h, v in cached if m == other})
    own = {h: v for m, h, v in cached if m == model}
    result = target.write_article(PreparedArticle(article, passages, hashes, own, source.attributions_in(article_id)), model)
    return result.status, result.passages, len(cached)
