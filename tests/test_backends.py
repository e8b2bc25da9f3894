"""The storage contract: the embedded backend (SQLite, FAISS, tantivy) and PostgreSQL (pgvector,
and a tantivy copy per replica) behave the same for everything the engine and the bot ask of them. Each test
runs on both (`backend_settings`), against a real PostgreSQL server."""

from __future__ import annotations

import time
from datetime import date

import pytest

from retrieval.articles import CLEANING_VERSION, Article
from retrieval.engine import Engine, FollowUp
from retrieval.feeds import FollowedSources
from retrieval.ingest import ingest
from retrieval.settings import DEFAULT_CORPUS_DIR, EngineSettings

from .test_ingest import record, snapshot, write_jsonl

TRAM = Article(
    title="Northbridge tram line opens after four years",
    text="The Northbridge tram line opened to passengers on Saturday after four years of construction.\n\n"
    "Mayor Olga Brennan said the line would carry 30,000 riders a day by next summer.\n\n"
    '"This is the biggest change to the city in a generation," Brennan said.',
    url="https://news.example/tram",
    published=date(2024, 3, 5),
)


def test_seed_corpus_answers_and_the_indexes_agree(backend_settings):
    with Engine(backend_settings) as engine:
        stats = snapshot(engine)
        assert stats["articles"] == 1 and stats["passages"] == stats["vectors"] == stats["keyword_docs"] > 0
        answer = engine.ask("what did Lukyanova say?")
        assert not answer.no_answer and "Lukyanova said" in answer.citations[0].excerpt
        assert any("Either the party will reform" in q.quote for q in answer.quotes)
        delegates = engine.ask("how many delegates attended the congress?")
        assert "150 delegates" in delegates.citations[0].excerpt
        assert engine.ask("what is the recipe for banana bread?").no_answer


def test_add_update_duplicate_remove(backend_settings, tmp_path):
    with Engine(backend_settings) as engine:
        before = snapshot(engine)
        [added] = engine.add([TRAM])
        assert added.status == "added"
        answer = engine.ask("how many riders will the Northbridge tram carry?")
        assert "30,000 riders" in answer.citations[0].excerpt and answer.citations[0].url == TRAM.url
        assert [q.speaker for q in engine.quotes("Brennan")] == ["Olga Brennan", "Olga Brennan"]

        changed = Article(title=TRAM.title, text=TRAM.text.replace("30,000", "45,000"), url=TRAM.url,
                          published=TRAM.published)
        assert engine.add([changed])[0].status == "updated"
        assert engine.add([changed])[0].status == "unchanged"
        copy = Article(title="Elsewhere", text=changed.text, url="https://other.example/copy")
        assert engine.add([copy])[0].status == "duplicate"
        answer = engine.ask("how many riders will the Northbridge tram carry?")
        assert "45,000 riders" in answer.citations[0].excerpt
        assert "30,000" not in " ".join(c.excerpt for c in answer.citations + answer.more)

        removed = engine.remove(TRAM.url)
        assert removed.url == TRAM.url
        assert snapshot(engine) == before
        assert all(c.url != TRAM.url for c in engine.ask("Northbridge tram riders").citations)
        assert engine.quotes("Brennan") == []


def test_bulk_ingest_and_reopen(backend_settings, tmp_path):
    source = write_jsonl(tmp_path / "batch.jsonl", [record(n) for n in range(1, 30)])
    with Engine(backend_settings) as engine:
        report = ingest(engine, [str(source)])
        assert (report.count("added"), report.failed) == (29, [])
        counts = snapshot(engine)
    with Engine(backend_settings) as engine:  # a restart, or another replica
        assert snapshot(engine) == counts
        answer = engine.ask("What budget did the council of town 17 approve?")
        assert answer.citations[0].url == "https://news.example/17"
        assert engine.ask("council budget", asked_on=date(2024, 1, 3)).citations[0].published <= "2024-01-03"


def test_two_engines_on_one_store_see_each_others_writes(backend_settings):
    """Two processes (replicas, or `newsbot add` beside the bot): what one adds the other finds
    without a restart, and a conversation saved by one is read by the other."""
    with Engine(backend_settings) as first, Engine(backend_settings) as second:
        first.add([TRAM])
        answer = second.ask("how many riders will the Northbridge tram carry?")
        assert answer.citations and answer.citations[0].url == TRAM.url
        first.chats.save_conversation("chat:1", {"questions": ["what did Brennan say?"]})
        assert second.chats.load_conversation("chat:1", 60) == {"questions": ["what did Brennan say?"]}
        follow = second.ask("and what did she say about the city?", follow_up=FollowUp(["what did Brennan say?"], []))
        assert any("biggest change" in q.quote for q in follow.quotes)


def test_each_replica_keeps_a_keyword_copy_that_follows_the_database(database_url, tmp_path, monkeypatch):
    """On PostgreSQL each replica's keyword index is its own tantivy copy, replaying the
    database's log: what one replica adds or removes the other finds at its very next question;
    a process that only writes (`newsbot add`) never builds a copy; a replica that was away longer
    than the log reaches rebuilds its copy from the database."""
    import retrieval.indexes.database as database

    def replica(name: str) -> EngineSettings:
        return EngineSettings(data_dir=tmp_path / name, corpus_dir=DEFAULT_CORPUS_DIR, database_url=database_url)

    question = "how many riders will the Northbridge tram carry?"
    with Engine(replica("one")) as first, Engine(replica("two")) as second:
        assert all(c.url != TRAM.url for c in second.ask(question).citations)
        first.add([TRAM])
        assert not (tmp_path / "one" / "keyword" / "keyword.json").exists()  # only wrote: no copy built
        answer = second.ask(question)  # no wait, no restart
        assert answer.citations[0].url == TRAM.url and "30,000 riders" in answer.citations[0].excerpt
        tram = {pid for pid, _, _ in second.store.passages_of([second.store.find_article(TRAM.url).id])}
        assert {pid for pid, _ in second.indexes.search_keyword(["northbridge"], 5)} == tram
        first.remove(TRAM.url)
        second.ask(question)
        assert not {pid for pid, _ in second.indexes.search_keyword(["northbridge"], 5)} & tram
        away = second.indexes.keyword.seq
    monkeypatch.setattr(database, "LOG_KEEP", 1)
    with Engine(replica("one")) as first:  # replica two is stopped meanwhile
        first.add([TRAM, Article(title="Harbour bridge repairs", text="The harbour bridge closes for repairs in May.",
                                 url="https://news.example/bridge")])
        first.persist()
        assert first.store.log_start() > away + 1  # what two would replay is gone
    notices: list[str] = []
    with Engine(replica("two"), notice=notices.append) as second:
        answer = second.ask(question)
        assert answer.citations[0].url == TRAM.url
        assert any("rebuilding it" in n for n in notices)
        passages = second.store.counts()["passages"]
        assert second.indexes.counts() == (passages, passages)


def test_conversations_feedback_and_update_claims(backend_settings):
    with Engine(backend_settings) as engine:
        store = engine.chats
        assert store.load_conversation("chat:9", 60) is None
        store.save_conversation("chat:9", {"questions": ["a"], "article_keys": ["k"]})
        assert store.load_conversation("chat:9", 60) == {"questions": ["a"], "article_keys": ["k"]}
        time.sleep(0.05)
        assert store.load_conversation("chat:9", 0.01) is None  # idle past its time to live
        store.save_conversation("chat:9", None)
        assert store.load_conversation("chat:9", 60) is None

        assert store.claim_update(1234) is True
        assert store.claim_update(1234) is False  # a redelivery, here or on another replica
        store.add_feedback("chat:9", 77, "who?", ["k1", "k2"], helpful=False)
        [row] = store.feedback()
        assert (row["user_id"], row["question"], row["helpful"]) == (77, "who?", 0)


def test_the_outbox_keeps_each_chats_order_and_one_sender_per_chat(backend_settings):
    """A chat's messages are claimed oldest first, and none while another sender holds one of
    them (a second replica, on PostgreSQL); a sender that died mid-send is recovered from."""
    with Engine(backend_settings, index_corpus=False) as engine:
        store = engine.chats
        ids = [store.outbox_put(7, True, {"text": f"m{n}"}) for n in range(3)]
        other = store.outbox_put(8, False, {"text": "private"})
        assert store.outbox_waiting().keys() == {7, 8}
        first = store.outbox_claim(7, "replica-a", limit=2)
        assert [row[0] for row in first] == ids[:2] and first[0][1] == {"text": "m0"}
        assert store.outbox_claim(7, "replica-b", limit=5) == []  # the chat is being sent to
        assert store.outbox_waiting().keys() == {8}
        store.outbox_finish([ids[0]], "sent", 555)
        store.outbox_finish([ids[1]], "pending")  # did not fit: goes next time, still in order
        assert [row[0] for row in store.outbox_claim(7, "replica-b", limit=5)] == ids[1:]
        assert store.outbox_claim(8, "replica-b", limit=1)[0][0] == other
        assert store.outbox_recover(lease_s=3600) == 0
        assert store.outbox_recover(lease_s=-1) == 3  # claimed and never finished: not sent again
        assert store.outbox_states() == {"sent": 1, "unknown": 3}


def test_reindex_keeps_answers_without_embedding_again(backend_settings):
    with Engine(backend_settings) as engine:
        engine.add([TRAM])
        calls = []
        encode = engine.encoder.encode
        engine.encoder.encode = lambda texts: calls.append(len(texts)) or encode(texts)
        stats = engine.reindex()
        assert calls == [] and stats["vectors"] == stats["passages"]
        assert "30,000 riders" in engine.ask("how many riders will the Northbridge tram carry?").citations[0].excerpt


def test_a_new_passage_size_applies_to_the_stored_articles_on_reindex(backend_settings):
    """Stores record the size their articles were split at; opened with another size they say
    so and change nothing; reindex splits every article again and the indexes agree."""
    with Engine(backend_settings) as engine:
        engine.add([TRAM])
        before = snapshot(engine)
        assert engine.store.passage_words() == backend_settings.passage_words
    notices: list[str] = []
    smaller = backend_settings.model_copy(update={"passage_words": 20})
    with Engine(smaller, notice=notices.append) as engine:
        assert any(f"about {backend_settings.passage_words} words" in n and "newsbot reindex" in n for n in notices)
        assert snapshot(engine) == before  # told, not changed
        stats = engine.reindex()
        assert stats["passages"] > before["passages"]
        assert stats["passages"] == stats["vectors"] == stats["keyword_docs"]
        assert engine.store.passage_words() == 20
        tram = engine.store.find_article(TRAM.url)
        assert len(list(engine.store.passages_of([tram.id]))) == 3  # one a paragraph, at 20 words
        answer = engine.ask("how many riders will the Northbridge tram carry?")
        assert "30,000 riders" in answer.citations[0].excerpt
        assert [q.speaker for q in engine.quotes("Brennan")] == ["Olga Brennan", "Olga Brennan"]
    notices.clear()
    with Engine(smaller, notice=notices.append) as engine:
        assert not any("newsbot reindex" in n for n in notices)
        assert snapshot(engine)["passages"] == stats["passages"]
        # Readers and writers go on during a split: an article changed or removed after the
        # split read it is left as that write left it.
        [read] = engine.preparer.prepare([TRAM])
        changed = Article(title=TRAM.title, text=TRAM.text.replace("30,000", "45,000"), url=TRAM.url,
                          published=TRAM.published)
        engine.add([changed])
        engine.store.write_article(read, smaller.embedding_id, resplit=True)
        assert "45,000" in engine.store.find_article(TRAM.url).text
        engine.remove(TRAM.url)
        engine.store.write_article(read, smaller.embedding_id, resplit=True)
        assert engine.store.find_article(TRAM.url) is None


def test_articles_an_older_newsbot_cleaned_are_cleaned_again_on_reindex(backend_settings, monkeypatch):
    """The upgrade path for a change to what cleaning keeps: a store whose articles still hold
    their pages' furniture says so on open and changes nothing; reindex cleans them again (only
    the changed ones are written), and the store and the indexes agree."""
    import retrieval.articles as articles

    with_stamp = "\n".join(["Updated Jan. 3, 2026, 12:39 p.m. ET", *TRAM.text.split("\n\n"),
                            "More:Northbridge bus routes to change in March"])
    with monkeypatch.context() as older:  # the cleaning of a newsbot that kept the furniture
        older.setattr(articles, "without_furniture", lambda paragraphs: paragraphs)
        old = Article(title=TRAM.title, text=with_stamp, url=TRAM.url, published=TRAM.published)
    assert old.text.startswith("Updated Jan. 3, 2026")
    with Engine(backend_settings) as engine:
        engine.add([old, Article(title="Harbour reopens", url="https://news.example/harbour",
                                 text="The harbour of Valmora reopened on Monday after the storm, the port authority said.")])
        engine.store.set_meta("cleaning", "1")
        before = snapshot(engine)
    notices: list[str] = []
    with Engine(backend_settings, notice=notices.append) as engine:
        assert any("cleaned by an older newsbot" in n and "newsbot reindex" in n for n in notices)
        assert engine.store.find_article(TRAM.url).text.startswith("Updated Jan. 3")  # told, not changed
        written = []
        write = engine.store.write_article
        engine.store.write_article = lambda prepared, *a, **k: written.append(prepared.article.url) or write(prepared, *a, **k)
        stats = engine.reindex()
        assert written == [TRAM.url]  # the harbour story had nothing to clean
        text = engine.store.find_article(TRAM.url).text
        assert text == TRAM.text
        assert stats["articles"] == before["articles"]
        assert stats["passages"] == stats["vectors"] == stats["keyword_docs"]
        excerpt = engine.ask("how many riders will the Northbridge tram carry?").citations[0].excerpt
        assert "30,000 riders" in excerpt and "12:39" not in excerpt and "More:" not in excerpt
    notices.clear()
    with Engine(backend_settings, notice=notices.append):
        assert not any("older newsbot" in n for n in notices)


def test_an_article_todays_cleaning_would_empty_is_kept_as_stored_through_reindex(backend_settings, monkeypatch):
    """A stored article that today's rules would leave without text (an older newsbot kept a
    page of nothing but promotions) is read back as stored: cleaning again leaves it, and
    splitting it again at another size neither cleans nor refuses it."""
    import retrieval.articles as articles

    promotions = "Sign up for our Harbour newsletter here.\nSupport local journalism. Subscribe today."
    with monkeypatch.context() as older:
        older.setattr(articles, "without_furniture", lambda paragraphs: paragraphs)
        old = Article(title="Harbour newsletter", text=promotions, url="https://news.example/promo")
    with Engine(backend_settings) as engine:
        engine.add([old, TRAM])
        engine.store.set_meta("cleaning", "1")
        engine.store.set_passage_words(engine.settings.passage_words + 40)  # split at another size
        articles_before = engine.stats()["articles"]
    with Engine(backend_settings, notice=lambda m: None) as engine:
        stats = engine.reindex()
        assert engine.store.find_article(old.url).text == old.text
        assert stats["articles"] == articles_before and stats["passages"] == stats["vectors"] == stats["keyword_docs"]


def test_an_article_written_while_the_store_is_cleaned_again_keeps_that_write(backend_settings, monkeypatch):
    """Cleaning again reads, prepares, then writes: a feed's or an admin's write in between is
    newer, and is not replaced by the older text cleaned."""
    import retrieval.articles as articles

    with monkeypatch.context() as older:
        older.setattr(articles, "without_furniture", lambda paragraphs: paragraphs)
        old = Article(title=TRAM.title, text="Updated Jan. 3, 2026, 12:39 p.m. ET\n" + TRAM.text, url=TRAM.url,
                      published=TRAM.published)
    newer = Article(title=TRAM.title, text=TRAM.text.replace("30,000", "45,000"), url=TRAM.url, published=TRAM.published)
    with Engine(backend_settings) as engine:
        engine.add([old])
        engine.store.set_meta("cleaning", "1")
        prepare = engine.preparer.prepare

        def prepare_while_a_feed_writes(batch):
            prepared = prepare(batch)
            engine.preparer.prepare = prepare  # the feed's write prepares as usual
            engine.add([newer])
            return prepared

        engine.preparer.prepare = prepare_while_a_feed_writes
        assert engine.clean_again() == 0
        assert engine.store.find_article(TRAM.url).text == newer.text
        stats = engine.stats()
        assert stats["passages"] == stats["vectors"] == stats["keyword_docs"]


def test_a_store_from_before_the_size_was_recorded_counts_as_120_words(backend_settings):
    """The upgrade path: a store written by an earlier newsbot (no recorded size) was split at
    120 words, so opened at today's default it is told to split again."""
    with Engine(backend_settings.model_copy(update={"passage_words": 120})) as engine:
        with engine.store.transaction() as db:
            db.execute("DELETE FROM meta WHERE key = 'passage_words'")
        assert engine.store.passage_words() == 120
    notices: list[str] = []
    with Engine(backend_settings, notice=notices.append):
        assert backend_settings.passage_words != 120
        assert any("about 120 words" in n and "newsbot reindex" in n for n in notices)


def test_migrate_moves_an_embedded_corpus_without_embedding_again(settings, database_url, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from retrieval.onnx_encoder import OnnxEncoder

    from newsbot.cli import cli

    with Engine(settings) as embedded:
        embedded.add([TRAM])
        embedded.chats.save_conversation("chat:5", {"questions": ["what did Brennan say?"], "article_keys": []})
        embedded.chats.add_feedback("chat:5", 5, "what did Brennan say?", [TRAM.key], helpful=True)
        embedded.chats.add_unanswered("who painted the tram depot?")
        followed = FollowedSources(embedded.store)
        feed, _ = followed.add("https://example.org/feed.xml", 900)
        followed.record(feed.id, [("https://example.org/tram", "", True)])
        expected = embedded.ask("how many riders will the Northbridge tram carry?")
        counts = snapshot(embedded)
    args = ["migrate", "--from", str(settings.data_dir), "--to", database_url]
    result = CliRunner().invoke(cli, args, obj={})
    assert result.exit_code == 0, result.output
    assert "copied 2 articles (0 already there)" in result.output
    again = CliRunner().invoke(cli, args, obj={})  # an interrupted run is finished by running it again
    assert "copied 0 articles (2 already there)" in again.output

    moved = EngineSettings(data_dir=tmp_path / "replica", corpus_dir=settings.corpus_dir, database_url=database_url)
    embedded_texts = []
    encode = OnnxEncoder.encode
    monkeypatch.setattr(OnnxEncoder, "encode", lambda self, texts: embedded_texts.extend(texts) or encode(self, texts))
    notices: list[str] = []
    with Engine(moved, notice=notices.append) as engine:
        assert embedded_texts == [] and snapshot(engine) == counts
        # The passage size the articles were split at comes along: no call to split them again.
        assert engine.store.passage_words() == settings.passage_words
        assert engine.store.cleaning() == CLEANING_VERSION  # and so does the cleaning they went through
        assert not any("newsbot reindex" in n for n in notices)
        answer = engine.ask("how many riders will the Northbridge tram carry?")
        assert [(c.url, c.excerpt) for c in answer.citations] == [(c.url, c.excerpt) for c in expected.citations]
        assert engine.chats.load_conversation("chat:5", 1e9)["questions"] == ["what did Brennan say?"]
        assert engine.chats.feedback()[0]["question"] == "what did Brennan say?"
        assert engine.chats.asked_since(0, 10)[0] == [("who painted the tram depot?", pytest.approx(time.time(), abs=600))]
        engine.chats.add_unanswered("who built the tram depot?")  # ids go on after the copied ones
        assert [q.speaker for q in engine.quotes("Brennan")] == ["Olga Brennan", "Olga Brennan"]
        followed = FollowedSources(engine.store)
        assert [s.url for s in followed.all()] == ["https://example.org/feed.xml"]
        assert followed.seen(feed.id, ["https://example.org/tram"])["https://example.org/tram"].done
        assert followed.add("https://example.org/other.xml", 900)[0].id == feed.id + 1  # ids go on after the copied ones


def test_postgres_connection_lost_under_a_replica_is_opened_again(database_url, tmp_path):
    """A database restart or failover drops every connection: the next question still works."""
    import psycopg

    settings = EngineSettings(data_dir=tmp_path / "data", corpus_dir=DEFAULT_CORPUS_DIR, database_url=database_url)
    with Engine(settings) as engine:
        with psycopg.connect(database_url, autocommit=True) as admin:
            killed = admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).fetchall()
        assert killed
        assert "150 delegates" in engine.ask("how many delegates attended the congress?").citations[0].excerpt
        assert engine.add([TRAM])[0].status == "added"


def test_both_kinds_of_indexes_keep_one_contract(backend_settings):
    """The engine sees its indexes only through `Indexes` (files beside SQLite, or inside
    PostgreSQL): the same counts, searches, checks and rebuilds from either."""
    with Engine(backend_settings) as engine:
        engine.add([TRAM])
        indexes = engine.indexes
        passages = engine.store.counts()["passages"]
        assert indexes.counts() == (passages, passages)
        tram = engine.store.find_article(TRAM.url)
        ours = {pid for pid, _, _ in engine.store.passages_of([tram.id])}
        hits = indexes.search_keyword(["northbridge", "riders"], 5)
        assert hits and hits[0][0] in ours and hits[0][1] > 0
        assert indexes.search_keyword([], 5) == []
        [(nearest, cosine)] = indexes.search_dense(engine.encoder.encode_one("The Northbridge tram line opened"), 1)
        assert nearest in ours and 0.5 < cosine <= 1.0001
        assert all(f.status == "ok" for f in indexes.examine(repair=False))
        indexes.rebuild()
        assert indexes.counts() == (passages, passages)
        assert indexes.search_keyword(["northbridge"], 5)[0][0] in ours
        engine.remove(TRAM.url)
        assert indexes.counts() == (passages - len(ours), passages - len(ours))
        assert not {pid for pid, _ in indexes.search_keyword(["northbridge"], 5)} & ours


def test_a_database_that_counted_its_migrations_is_read_by_name(database_url):
    """A PostgreSQL store from before migrations were named (meta 'schema' = 2) gets its
    migrations recorded by name once, and is marked so that older newsbots refuse it."""
    import psycopg

    from retrieval.store.postgres import NAMED_MIGRATIONS_MARK, PostgresStore
    from retrieval.store.schema import LEGACY

    PostgresStore(database_url).close()
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("DROP TABLE migrations")
        conn.execute("DROP TABLE source_entries")
        conn.execute("DROP TABLE followed_sources")
        conn.execute("DROP TABLE follows")
        conn.execute("DROP TABLE alerts_sent")
        conn.execute("DROP TABLE digests")
        conn.execute("DROP TABLE paragraphs")
        conn.execute("DROP TABLE unanswered")
        conn.execute("DROP TABLE speaker_keys")
        conn.execute("DROP INDEX attributions_by_speaker")
        conn.execute("CREATE INDEX attributions_speaker ON attributions (lower(speaker))")
        conn.execute("ALTER TABLE outbox DROP COLUMN alert")
        conn.execute("UPDATE meta SET value = '2' WHERE key = 'schema'")
    store = PostgresStore(database_url)
    try:
        applied = sorted(r[0] for r in store.query("SELECT name FROM migrations"))
        assert applied == sorted([*LEGACY["postgres"][2], "followed-sources", "outbox-alerts", "follows", "keyword-per-replica", "paragraph-keys", "unanswered",
                                  "speaker-keys"])  # the later ones applied
        assert store.get_meta("schema") == NAMED_MIGRATIONS_MARK
    finally:
        store.close()
