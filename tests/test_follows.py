"""Follows without Telegram: which new articles alert which chats, once each."""

from __future__ import annotations

import json

from retrieval.articles import Article
from retrieval.engine import Engine
from retrieval.follows import Follows

BRIDGE = Article(title="Harbour bridge closes for repairs", url="https://news.example/bridge", text=(
    "The harbour bridge will close for eight weeks of repairs starting in April, the port authority said.\n\n"
    "Engineers found corrosion in the suspension cables of the harbour bridge during an inspection in January."))
LIBRARY = Article(title="Library reopens", url="https://news.example/library", text=(
    "The central library reopened on Thursday.\n\n“Volunteers restored 12,000 books,” said librarian Tomas Quell."))


def test_new_articles_alert_the_chats_that_follow_their_story_or_speaker_once(settings):
    with Engine(settings) as engine:
        follows = Follows(engine.store)
        follows.add(1, "story", "harbour bridge repairs")
        follows.add(2, "person", "Tomas Quell")
        follows.add(3, "person", "Quell")
        assert follows.add(3, "person", "Quell")[1] is False
        engine.add([BRIDGE, LIBRARY])
        queued: list = []
        assert follows.scan(engine, lambda alerts: queued.extend(alerts) or {"text": alerts[0].article.title}) == 3
        told = sorted((a.chat_id, a.article.title, [q.quote for q in a.quotes]) for a in queued)
        assert told == [(1, "Harbour bridge closes for repairs", []),
                        (2, "Library reopens", ["Volunteers restored 12,000 books"]),
                        (3, "Library reopens", ["Volunteers restored 12,000 books"])]
        assert engine.chats.outbox_states() == {"pending": 3}  # one message per chat for the batch
        engine.add([Article(title=LIBRARY.title, url=LIBRARY.url, text=LIBRARY.text + "\n\nIt opens at nine.")])
        assert follows.scan(engine, lambda alerts: {"text": "again"}) == 0  # an update does not alert again
        follows.store.set_meta("alerts_seq", "0")
        assert follows.scan(engine, lambda alerts: {"text": "again"}) == 0  # nor reading them all again
        assert follows.drop_chat(3) == 1 and [f.chat_id for f in follows.all()] == [1, 2]


def test_a_story_with_older_coverage_is_told_of_each_new_report_worded_its_own_way(backend_settings):
    """The new articles are read against the story themselves: six earlier reports on the bridge
    would outrank the new ones in a search of the whole store, and a headline that names the
    story alerts though its text is worded otherwise (cosine 0.47, under the bar of 0.5)."""
    earlier = [Article(title=f"Harbour bridge repairs: {what}", url=f"https://news.example/bridge-{n}", text=(
        f"The harbour bridge repairs went on this week as {what}. The harbour bridge is closed to all traffic."))
        for n, what in enumerate(["engineers found corrosion in its cables", "crews lifted the first deck panel",
                                  "the port authority hired more welders", "divers checked the piers",
                                  "the cables were replaced", "painters started on the towers"])]
    reopening = Article(title="The harbour bridge will open again in June", url="https://news.example/june", text=(
        "The harbour bridge, shut since April, will reopen three weeks late, the port authority said."))
    headline = Article(title="Harbour bridge cables replaced", url="https://news.example/cables", text=(
        "Engineers spent a fortnight on the work: each of the 48 strands was swapped, one at a time."))
    with Engine(backend_settings) as engine:
        follows = Follows(engine.store)
        follows.add(1, "story", "harbour bridge")
        engine.add(earlier)
        assert follows.scan(engine, lambda alerts: {"text": "earlier"}) == 6
        engine.add([reopening, headline, LIBRARY])
        queued: list = []
        assert follows.scan(engine, lambda alerts: queued.extend(alerts) or {"text": "new"}) == 2
        assert sorted(a.article.title for a in queued) == [headline.title, reopening.title]


def test_past_the_daily_limit_alerts_are_held_for_the_digest_with_one_line_for_them(settings, monkeypatch):
    import retrieval.follows

    monkeypatch.setattr(retrieval.follows, "ALERTS_PER_DAY", 1)
    with Engine(settings) as engine:
        follows = Follows(engine.store)
        follows.add(7, "person", "Quell")
        engine.add([Article(title=f"Library news {n}", url=f"https://news.example/library-{n}", text=(
            f"The library opened branch number {n} on Thursday.\n\n“We restored {n},000 books,” said librarian Tomas Quell."))
            for n in range(1, 4)])
        assert follows.scan(engine, lambda alerts: {"text": " | ".join(a.article.title for a in alerts)}) == 3
        queued = [json.loads(r[0])["text"] for r in engine.store.query("SELECT payload FROM outbox ORDER BY id")]
        assert len(queued) == 2 and queued[0].startswith("Library news") and queued[1] == retrieval.follows.MORE_TODAY
        assert " | " not in queued[0]  # one article: the day's limit
        assert len(follows.held(7)) == 2


def test_a_chat_in_digest_mode_gets_the_days_alerts_in_one_message_once(settings):
    with Engine(settings) as engine:
        follows = Follows(engine.store)
        follows.add(8, "person", "Quell")
        follows.set_digest(8, "08:00")
        engine.add([LIBRARY, Article(title="Library extends hours", url="https://news.example/hours", text=(
            "The library will stay open until ten.\n\n“Readers asked for it,” said librarian Tomas Quell."))])
        assert follows.scan(engine, lambda alerts: {"text": "not sent"}) == 2
        assert engine.chats.outbox_states() == {}  # held for the digest
        day = 86_400 * 21_000  # a day after now
        render = lambda rows: {"text": " | ".join(sorted(r.title for r in rows))}  # noqa: E731
        assert follows.send_digests(render, now=day + 7 * 3600) == 1  # before 08:00: yesterday's digest is due
        assert follows.send_digests(render, now=day + 7 * 3600 + 60) == 0  # once
        assert follows.send_digests(render, now=day + 8 * 3600 + 60) == 0  # nothing new since
        [payload] = [json.loads(r[0]) for r in engine.store.query("SELECT payload FROM outbox")]
        assert payload["text"] == "Library extends hours | Library reopens"


def test_a_batch_of_new_articles_is_one_message_per_chat(settings):
    with Engine(settings) as engine:
        follows = Follows(engine.store)
        follows.add(5, "person", "Quell")
        engine.add([LIBRARY, Article(title="Library extends hours", url="https://news.example/hours", text=(
            "The library will stay open until ten.\n\n“Readers asked for it,” said librarian Tomas Quell."))])
        assert follows.scan(engine, lambda alerts: {"text": " | ".join(sorted(a.article.title for a in alerts))}) == 2
        [payload] = [json.loads(r[0]) for r in engine.store.query("SELECT payload FROM outbox")]
        assert payload["text"] == "Library extends hours | Library reopens"


def test_a_followed_persons_alerts_read_the_new_articles_statements_alone(settings, monkeypatch):
    """Each scan reads what the person said in the articles it scans, however much they said before."""
    with Engine(settings) as engine:
        engine.add([Article(title=f"Library day {n}", url=f"https://news.example/library/{n}",
                            text=f"“Shelf {n} is restored,” said librarian Tomas Quell.") for n in range(12)])
        follows = Follows(engine.store)
        follows.add(2, "person", "Quell")
        reads: list[int] = []
        statements_by = engine.store.statements_by
        monkeypatch.setattr(engine.store, "statements_by", lambda *a, **k: reads.append(len(rows := statements_by(*a, **k))) or rows)
        engine.add([Article(title="Library night", url="https://news.example/library/night",
                            text="“The reading room opens at night,” said librarian Tomas Quell.")])
        queued: list = []
        assert follows.scan(engine, lambda alerts: queued.extend(alerts) or {"text": "alert"}) == 1
        assert [q.quote for q in queued[0].quotes] == ["The reading room opens at night"] and sum(reads) == 1
