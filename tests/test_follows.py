"""Follows without Telegram: which new articles alert which chats, once each."""

from __future__ import annotations

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
        assert follows.scan(engine, lambda alert: queued.append(alert) or {"text": alert.article.title}) == 3
        told = sorted((a.chat_id, a.article.title, [q.quote for q in a.quotes]) for a in queued)
        assert told == [(1, "Harbour bridge closes for repairs", []),
                        (2, "Library reopens", ["Volunteers restored 12,000 books"]),
                        (3, "Library reopens", ["Volunteers restored 12,000 books"])]
        assert engine.chats.outbox_states() == {"pending": 3}
        engine.add([Article(title=LIBRARY.title, url=LIBRARY.url, text=LIBRARY.text + "\n\nIt opens at nine.")])
        assert follows.scan(engine, lambda alert: {"text": "again"}) == 0  # an update does not alert again
        follows.store.set_meta("alerts_seq", "0")
        assert follows.scan(engine, lambda alert: {"text": "again"}) == 0  # nor reading them all again
        assert follows.drop_chat(3) == 1 and [f.chat_id for f in follows.all()] == [1, 2]
