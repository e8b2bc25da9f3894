"""Readers who come back: a chat follows a person (new statements attributed to them) or a story
(new articles close in meaning to its words, or whose headline names them: story_matches),
and is told when new articles move it.

The store keeps the follows, the point in the store's write sequence up to which new articles
were read for alerts (meta 'alerts_seq'), and which article each chat was told of
(`alerts_sent`, by the article's public id, which an update keeps): an alert is claimed by inserting that row, in the same transaction as the
message that carries it is queued, so a restart loses nothing and sends nothing twice, and on
PostgreSQL one replica alone queues a given alert. An article is never the subject of two
alerts to one chat, so an update to it does not alert again.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .attribution import Quote, iter_quotes
from .errors import BadInput, NotFound
from .question import Question, query_terms
from .store import ArticleRow, Store

#: A story's new coverage alerts when the article's best passage is at least this close in
#: meaning to the story's words (answers cite from 0.30; an alert is a message nobody asked for),
#: or its headline names every one of them (story_matches).
STORY_RELEVANCE = 0.5
#: Alerts one chat is sent in a day at most; past them, one line points to /digest.
ALERTS_PER_DAY = 10
DAY_S = 86_400.0
#: The line that stands for the alerts held back, and its outbox payload (bot/outbox.py's form).
MORE_TODAY = "…and more new articles for what this chat follows today: /digest lists them."
MORE_PAYLOAD = {"reply_to": None, "thread_id": None, "markup": None, "question": "", "remember": None, "alert": True}
#: New articles read for alerts at a time.
SCAN_BATCH = 200
KINDS = ("person", "story")


@dataclass(frozen=True)
class Follow:
    id: int
    chat_id: int
    kind: str  # person | story
    target: str  # the person's name, or the story's words


@dataclass
class Alert:
    """What one chat is told of one new article."""

    chat_id: int
    follow: Follow
    article: ArticleRow
    quotes: list[Quote] = field(default_factory=list)


class Follows:
    def __init__(self, store: Store) -> None:
        self.store = store

    def add(self, chat_id: int, kind: str, target: str) -> tuple[Follow, bool]:
        """Follow `target`; returns the follow and whether it is new. Alerts start with the
        articles added from now on."""
        target = " ".join(target.split())
        if kind not in KINDS or not target:
            raise BadInput("follow a person (/follow NAME) or a story (/follow story WORDS)")
        if len(target) > 200:
            raise BadInput("that is too long to follow: a name or a few words")
        with self.store.transaction() as db:
            cur = db.execute("INSERT INTO follows (chat_id, kind, target, created_at) VALUES (?, ?, ?, ?) "
                             "ON CONFLICT DO NOTHING", (chat_id, kind, target, time.time()))
            new = cur.rowcount == 1
        rows = self.store.query("SELECT id, chat_id, kind, target FROM follows WHERE chat_id = ? AND kind = ? AND target = ?",
                                (chat_id, kind, target))
        if self.store.get_meta("alerts_seq") is None:  # the first follow: alerts start from here
            self.store.set_meta("alerts_seq", str(self.store.seq()))
        return Follow(*rows[0]), new

    def of_chat(self, chat_id: int) -> list[Follow]:
        return [Follow(*r) for r in self.store.query(
            "SELECT id, chat_id, kind, target FROM follows WHERE chat_id = ? ORDER BY id", (chat_id,))]

    def remove(self, chat_id: int, ref: str) -> Follow:
        """Stop a follow of this chat: by its number or its name or words."""
        ref = " ".join(ref.split())
        for follow in self.of_chat(chat_id):
            if ref == str(follow.id) or ref.lower() == follow.target.lower():
                with self.store.transaction() as db:
                    db.execute("DELETE FROM follows WHERE id = ?", (follow.id,))
                return follow
        raise NotFound(f"this chat does not follow {ref}")

    def drop_chat(self, chat_id: int) -> int:
        """A chat that blocked the bot or is gone: its follows go."""
        with self.store.transaction() as db:
            return db.execute("DELETE FROM follows WHERE chat_id = ?", (chat_id,)).rowcount

    def all(self) -> list[Follow]:
        return [Follow(*r) for r in self.store.query("SELECT id, chat_id, kind, target FROM follows ORDER BY id")]

    # --- alerts ---------------------------------------------------------------------------
    def scan(self, engine, render: Callable[[list[Alert]], dict]) -> int:
        """Read the articles written since the last scan for what the follows ask about, and
        queue one message per chat for this batch (`render` makes the outbox payload of a
        chat's alerts). Returns the alerts recorded by this process, sent or held."""
        since = int(self.store.get_meta("alerts_seq") or self.store.seq())
        top = self.store.seq()
        if top <= since:
            return 0
        follows = self.all()
        recorded = 0
        if follows:
            new = {r[0]: r[1] for r in self.store.query(
                "SELECT id, key FROM articles WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?", (since, top, SCAN_BATCH))}
            if len(new) == SCAN_BATCH:  # the rest on the next scan
                top = int(self.store.query("SELECT MAX(seq) FROM (SELECT seq FROM articles WHERE seq > ? ORDER BY seq LIMIT ?) t",
                                           (since, SCAN_BATCH))[0][0])
            by_chat: dict[int, list[Alert]] = {}
            for alert in self._alerts(engine, follows, {key: article_id for article_id, key in new.items()}):
                by_chat.setdefault(alert.chat_id, []).append(alert)
            for chat_id, alerts in by_chat.items():
                recorded += self._claim(chat_id, alerts, render)
        self.store.set_meta("alerts_seq", str(top))
        return recorded

    def _alerts(self, engine, follows: list[Follow], keys: dict[str, int]) -> list[Alert]:
        """One alert per (chat, article): a person's statements in the new articles, or a story's
        new coverage. Each distinct name or story is searched once, whatever its followers."""
        if not keys:
            return []
        targets = {(f.kind, f.target) for f in follows}
        found: dict[tuple[str, str], dict[str, list[Quote]]] = {}
        for person in sorted(t for kind, t in targets if kind == "person"):
            hits: dict[str, list[Quote]] = {}
            for q in iter_quotes(self.store, person, articles=list(keys.values())):  # the new articles' only
                hits.setdefault(q.article_id, []).append(q)
            found[("person", person)] = hits
        key_of = {article_id: key for key, article_id in keys.items()}
        stories = sorted(t for kind, t in targets if kind == "story")
        for story, ids in story_matches(engine, stories, list(keys.values())).items():
            found[("story", story)] = {key_of[article_id]: [] for article_id in ids}
        rows = {r.key: r for r in self.store.articles_by_ids({keys[k] for hits in found.values() for k in hits}).values()}
        alerts: dict[tuple[int, str], Alert] = {}
        for follow in follows:
            for key, quotes in found[(follow.kind, follow.target)].items():
                if key in rows and (follow.chat_id, key) not in alerts:
                    alerts[(follow.chat_id, key)] = Alert(follow.chat_id, follow, rows[key], quotes)
        return list(alerts.values())

    def _claim(self, chat_id: int, alerts: list[Alert], render: Callable[[list[Alert]], dict]) -> int:
        """Record the chat's alerts of this batch and queue the message that carries them, in
        one transaction; an article this chat was told of already (by this process or another
        replica) is left out. Past ALERTS_PER_DAY in a day an alert is held for /digest, and the
        first one held queues MORE_TODAY; a chat in digest mode has all of them held for its
        digest. Returns the alerts recorded."""
        now = time.time()
        with self.store.transaction() as db:
            digest = db.execute("SELECT 1 FROM digests WHERE chat_id = ?", (chat_id,)).fetchone() is not None
            sent = db.execute("SELECT COUNT(*) FROM alerts_sent WHERE chat_id = ? AND at > ? AND held = 0",
                              (chat_id, now - DAY_S)).fetchone()[0]
            fresh: list[Alert] = []
            recorded, first_held = 0, False
            for alert in alerts:
                held = digest or sent + len(fresh) >= ALERTS_PER_DAY
                if db.execute("INSERT INTO alerts_sent (chat_id, article_key, at, held) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                              (chat_id, alert.article.key, now, int(held))).rowcount != 1:
                    continue
                recorded += 1
                if not held:
                    fresh.append(alert)
                elif not digest:
                    first_held = first_held or db.execute(
                        "SELECT COUNT(*) FROM alerts_sent WHERE chat_id = ? AND at > ? AND held = 1", (chat_id, now - DAY_S)
                    ).fetchone()[0] == 1
            payloads = ([render(fresh)] if fresh else []) + ([{**MORE_PAYLOAD, "text": MORE_TODAY}] if first_held else [])
            for payload in payloads:
                db.execute("INSERT INTO outbox (chat_id, is_group, payload, created_at, alert) VALUES (?, ?, ?, ?, 1)",
                           (chat_id, int(chat_id < 0), json.dumps(payload), now))
            return recorded

    # --- daily digests ------------------------------------------------------------------------
    def set_digest(self, chat_id: int, at: str | None) -> None:
        """Alerts to this chat gathered into one message a day at `at` ("HH:MM", UTC), or sent
        as they come (None)."""
        with self.store.transaction() as db:
            if at is None:
                db.execute("DELETE FROM digests WHERE chat_id = ?", (chat_id,))
                return
            try:
                hours, minutes = (int(x) for x in at.split(":"))
                if not (0 <= hours < 24 and 0 <= minutes < 60):
                    raise ValueError
            except ValueError:
                raise BadInput(f"not a time of day: {at} (say 08:00, in UTC)") from None
            db.execute("INSERT INTO digests (chat_id, at_minute, last_sent) VALUES (?, ?, ?) ON CONFLICT (chat_id) "
                       "DO UPDATE SET at_minute = excluded.at_minute", (chat_id, hours * 60 + minutes, time.time()))

    def digest_of(self, chat_id: int) -> str | None:
        rows = self.store.query("SELECT at_minute FROM digests WHERE chat_id = ?", (chat_id,))
        return f"{rows[0][0] // 60:02d}:{rows[0][0] % 60:02d}" if rows else None

    def send_digests(self, render: Callable[[list[ArticleRow]], dict], now: float | None = None) -> int:
        """Queue the digest of every chat whose time of day has come since its last one: the
        articles held for it since then, in one message (none when there are none). Claimed by
        moving `last_sent` on, in the same transaction, so one replica sends each digest once."""
        now = time.time() if now is None else now
        midnight = now - now % DAY_S
        queued = 0
        for chat_id, at_minute, last in self.store.query("SELECT chat_id, at_minute, last_sent FROM digests"):
            due = midnight + at_minute * 60
            due = due if due <= now else due - DAY_S
            if last >= due:
                continue
            keys = [r[0] for r in self.store.query(
                "SELECT article_key FROM alerts_sent WHERE chat_id = ? AND held = 1 AND at > ? ORDER BY at DESC", (chat_id, last))]
            rows = [r for r in (self.store.find_article(k) for k in keys[:30]) if r is not None]
            with self.store.transaction() as db:
                if db.execute("UPDATE digests SET last_sent = ? WHERE chat_id = ? AND last_sent = ?", (now, chat_id, last)).rowcount != 1:
                    continue  # another replica sent it
                if rows:
                    db.execute("INSERT INTO outbox (chat_id, is_group, payload, created_at, alert) VALUES (?, ?, ?, ?, 1)",
                               (chat_id, int(chat_id < 0), json.dumps(render(rows)), now))
                    queued += 1
        return queued

    def held(self, chat_id: int) -> list[ArticleRow]:
        """The articles of the last day this chat was not alerted of (past its daily limit), newest first."""
        keys = [r[0] for r in self.store.query(
            "SELECT article_key FROM alerts_sent WHERE chat_id = ? AND held = 1 AND at > ? ORDER BY at DESC",
            (chat_id, time.time() - DAY_S))]
        rows = [self.store.find_article(k) for k in keys[:30]]
        return [r for r in rows if r is not None]


def story_matches(engine, stories: list[str], article_ids: list[int], headlines: bool = True) -> dict[str, set[int]]:
    """The articles among `article_ids` on each story: those whose best passage is within
    STORY_RELEVANCE of the story's words (their cosine, as a question's citation is scored), and
    those whose headline names every one of its words and whose best passage is relevant at all
    (the answers' floor, `min_relevance`): a report on the story worded another way ("Iran pulls
    plug on internet as protests surge" for "Iran") is often below the first bar.

    The new articles are read themselves rather than searched for among the whole store: a
    story worth following has older coverage, which outranks a new report in a search of
    everything. All stories are encoded at once and read against the batch's passage vectors in
    one product (bench/story_alerts.py measures both)."""
    found: dict[str, set[int]] = {story: set() for story in stories}
    if not stories or not article_ids:
        return found
    queries = engine.encoder.encode([Question.parse(story).search_text for story in stories])
    ids, vectors, _ = engine.store.passage_vectors(engine.settings.embedding_id, article_ids)
    if not len(ids):
        return found
    article_of = {pid: aid for pid, (aid, _) in engine.store.article_of_passages(ids.tolist()).items()}
    owners = np.array([article_of[int(pid)] for pid in ids])
    order = np.unique(owners)
    cosine = np.asarray(queries, dtype=np.float32) @ vectors.T
    best = np.full((len(stories), len(order)), -1.0, dtype=np.float32)  # story x article: best passage
    np.maximum.at(best, (slice(None), np.searchsorted(order, owners)), cosine)
    titles = {aid: set(query_terms(title)) for aid, title in engine.store.query(
        f"SELECT id, title FROM articles WHERE id IN ({','.join('?' * len(order))})", order.tolist())} if headlines else {}
    for row, story in zip(best, stories):
        terms = set(query_terms(story))
        found[story] = {int(aid) for aid, score in zip(order, row) if score >= STORY_RELEVANCE or (
            headlines and terms and terms <= titles.get(int(aid), set()) and score >= engine.settings.min_relevance)}
    return found
