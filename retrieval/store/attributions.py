"""The store's attributions (who said what): written with each article, read by name."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ..attribution.names import name_key
from ..attribution.rules import Attribution


def insert_attributions(db: Any, article_id: int, found: list, passages: list, keyed: bool = True) -> None:
    """Store an article's attributions, each with the passage it sits in, and the words their
    speakers are looked up by (`keyed`; not in a migration that runs before the keys' table is
    made: that table's own migration keys every speaker then)."""
    for a in found:
        passage_id = next((pid for pid, start, end in passages if start <= a.start < end), None)
        db.execute(
            "INSERT INTO attributions (article_id, passage_id, speaker, is_person, quote, cue, kind, start, \"end\") "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (article_id, passage_id, a.speaker, int(a.is_person), a.quote, a.cue, a.kind, a.start, a.end),
        )
    if keyed:
        insert_speaker_keys(db, {a.speaker for a in found if a.is_person})


def insert_speaker_keys(db: Any, speakers: Iterable[str]) -> None:
    """Each speaker under the words a name is matched by (`name_key`: "yelena", "lukyanova"), so
    that "what did Lukyanova say?" reads an index rather than every attribution. A speaker no
    longer attributed keeps its rows: a look-up joins the attributions, so they find nothing."""
    rows = [(key, speaker) for speaker in speakers for key in set(name_key(speaker))]
    if rows:
        db.executemany("INSERT INTO speaker_keys (key, speaker) VALUES (?, ?) ON CONFLICT DO NOTHING", rows)


class AttributionQueries:
    """Part of `Store` (see base.py): the queries on attributions."""

    query: Callable[..., list[Any]]
    transaction: Callable[[], Any]
    all_article_ids: Callable[[], list[int]]
    set_meta: Callable[[str, str], None]

    def attributions_in(self, article_id: int) -> list[Attribution]:
        """An article's attributions as stored (copied as they are by `newsbot migrate`)."""
        return [
            Attribution(r["speaker"], bool(r["is_person"]), r["quote"], r["cue"], r["kind"], r["start"], r["end"])
            for r in self.query("SELECT * FROM attributions WHERE article_id = ? ORDER BY id", (article_id,))
        ]

    def refresh_attributions(self, extract, rules: str | None = None) -> int:
        """Find every article's attributions again (after the rules changed) and record which
        `rules` found them; returns how many. Articles are read a few hundred at a time and each
        is rewritten in its own short transaction, with the finding done outside it, so a bot
        answering meanwhile waits at most one article's write."""
        total = 0
        ids = self.all_article_ids()
        for i in range(0, len(ids), 200):
            chunk = ids[i : i + 200]
            rows = self.query(f"SELECT id, text FROM articles WHERE id IN ({','.join('?' * len(chunk))})", chunk)
            for article_id, text in rows:
                found = extract(text)
                with self.transaction() as db:
                    spans = db.execute('SELECT id, start, "end" FROM passages WHERE article_id = ?', (article_id,)).fetchall()
                    db.execute("DELETE FROM attributions WHERE article_id = ?", (article_id,))
                    insert_attributions(db, article_id, found, spans)
                total += len(found)
        if rules is not None:
            self.set_meta("attribution_rules", rules)
        return total

    def speakers_named(self, word: str) -> list[str]:
        """The people attributed statements whose name holds `word` (a word of `name_key`; the
        caller checks the whole name)."""
        return [r[0] for r in self.query(
            "SELECT k.speaker FROM speaker_keys k WHERE k.key = ? AND EXISTS "
            "(SELECT 1 FROM attributions t WHERE t.speaker = k.speaker AND t.is_person = 1)", (word.lower(),)
        )]

    def statements_by(self, speakers: list[str], limit: int, after: Any = None, *, until: str | None = None,
                      since: str | None = None, dated: bool | None = None, oldest_first: bool = False,
                      articles: list[int] | None = None) -> list[Any]:
        """A page of the statements of `speakers`, with their article, newest coverage first (oldest
        first when `oldest_first`; within a day, as newest first orders it), those after the row
        `after` (the last of the page before: a page starts where that one ended, rather than
        sorting and skipping every row before it again): those published from `since` to `until`
        (ISO dates; undated ones too unless `since` is given), only the dated ones or only the
        undated ones when `dated` says so, only in `articles` when given (a few hundred ids)."""
        where, params = [f"t.speaker IN ({','.join('?' * len(speakers))})"], [*speakers]
        if until:
            where.append("(a.published IS NULL OR a.published <= ?)")
            params.append(until)
        if since:
            where.append("a.published >= ?")
            params.append(since)
        if dated is not None:
            where.append(f"a.published IS {'NOT ' if dated else ''}NULL")
        if articles is not None:
            where.append(f"t.article_id IN ({','.join('?' * len(articles))})" if articles else "0 = 1")
            params += articles
        if after is not None:
            day, article_id, start, row_id = after["published"] or "", after["article_id"], after["start"], after["id"]
            where.append(f"(COALESCE(a.published, '') {'>' if oldest_first else '<'} ? OR (COALESCE(a.published, '') = ? AND "
                         "(a.id < ? OR (a.id = ? AND (t.start > ? OR (t.start = ? AND t.id > ?))))))")
            params += [day, day, article_id, article_id, start, start, row_id]
        direction = "ASC" if oldest_first else "DESC"
        return self.query(
            "SELECT t.*, a.key AS article_key, a.url, a.title, a.published, a.outlet FROM attributions t "
            f"JOIN articles a ON a.id = t.article_id WHERE t.is_person = 1 AND {' AND '.join(where)} "
            f"ORDER BY COALESCE(a.published, '') {direction}, a.id DESC, t.start, t.id LIMIT ?",
            [*params, limit],
        )

    def speaker_counts(self, word: str) -> dict[str, int]:
        """Statements by speaker, of the people whose name holds `word` (a word of `name_key`; the
        caller checks the whole name), without their articles."""
        return {r[0]: r[1] for r in self.query(
            "SELECT speaker, COUNT(*) FROM attributions WHERE is_person = 1 AND speaker IN "
            "(SELECT speaker FROM speaker_keys WHERE key = ?) GROUP BY speaker", (word.lower(),)
        )}

    def speakers_in(self, article_ids: list[int]) -> list[str]:
        """The people quoted in these articles, once a statement; asked 500 articles at a time (a
        name in thousands of articles would pass the databases' limits on parameters)."""
        out: list[str] = []
        for i in range(0, len(article_ids), 500):
            chunk = article_ids[i : i + 500]
            out += [r[0] for r in self.query(
                f"SELECT speaker FROM attributions WHERE is_person = 1 AND article_id IN ({','.join('?' * len(chunk))})", chunk
            )]
        return out
