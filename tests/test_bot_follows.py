"""Readers who come back, over the fake Bot API: a follower is told once of a new article that
quotes the person they follow, and never twice (an update, a restart); a chat that blocked the
bot loses its follows; Telegram's 429 is waited out; in a group only admins change follows; a
digest gathers a day's alerts into one message."""

from __future__ import annotations

import asyncio

import pytest

import bot.follows
from retrieval.follows import Follows
from retrieval.store import SqliteStore

from .conftest import article_html
from .test_bot import ADMIN, ALICE, BOB, GROUP, Running, ask, bot_settings, fake  # noqa: F401  (fixtures)
from .test_bot_feeds import eventually

TRAM = ("Tram line approved", [
    "The city council approved the northern tram line on Tuesday after a long debate.",
    "“The tram will carry 30,000 riders a day by next summer,” said Mayor Olga Brennan.",
])


@pytest.fixture(autouse=True)
def quick_scans(monkeypatch):
    monkeypatch.setattr(bot.follows, "SCAN_EVERY_S", 0.3)


def alerts_to(fake, chat: int) -> list[str]:
    """The alerts Telegram accepted for `chat` (not those it refused, 429s included)."""
    return [c.params["text"] for c in fake.sent("sendMessage", chat)
            if c.params["text"].startswith("🔔") and "_message_id" in c.params]


async def test_a_follower_is_alerted_once_of_a_new_statement_and_never_again(fake, bot_settings, pages):  # noqa: F811
    url = pages.add("/tram", article_html(*TRAM))
    async with Running(bot_settings) as app:
        _, reply = await ask(fake, ALICE, ALICE, "/follow Olga Brennan")
        assert "Following new statements by <b>Olga Brennan</b>" in reply.params["text"]
        _, listed = await ask(fake, ALICE, ALICE, "/following")
        assert "Olga Brennan" in listed.params["text"]
        assert listed.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"].startswith("unf:")
        fake.inject("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1, chat_id=ALICE)
        n = len(fake.calls)
        fake.user_sends(ADMIN, ADMIN, f"/add {url}")
        await fake.wait_for("sendMessage", lambda p: "added 1" in p["text"], after=n)
        await eventually(lambda: alerts_to(fake, ALICE), timeout=30)  # after the 429's wait
        [alert] = alerts_to(fake, ALICE)
        assert sum(c.params["text"].startswith("🔔") for c in fake.sent("sendMessage", ALICE)) == 2  # the 429, then it
        assert "Olga Brennan" in alert and "Tram line approved" in alert and "30,000 riders" in alert and url in alert

        pages.add("/tram", article_html(TRAM[0], [*TRAM[1], "The line opens in 2027."]))  # an update
        n = len(fake.calls)
        fake.user_sends(ADMIN, ADMIN, f"/add {url}")
        await fake.wait_for("sendMessage", lambda p: "updated 1" in p["text"], after=n)
        await eventually(lambda: app.bot_data["engine"].store.get_meta("alerts_seq") == str(app.bot_data["engine"].store.seq()))
    # A restart that reads the same articles again (as after a crash before the scan was recorded).
    store = SqliteStore(bot_settings.data_dir / "store.sqlite3")
    store.set_meta("alerts_seq", "0")
    store.close()
    async with Running(bot_settings) as app:
        await eventually(lambda: app.bot_data["engine"].store.get_meta("alerts_seq") != "0")
        assert len(alerts_to(fake, ALICE)) == 1


async def test_a_chat_that_blocked_the_bot_loses_its_follows(fake, bot_settings, pages):  # noqa: F811
    url = pages.add("/tram", article_html(*TRAM))
    async with Running(bot_settings) as app:
        await ask(fake, BOB, BOB, "/follow Brennan")
        registry = Follows(app.bot_data["engine"].store)
        assert [f.target for f in registry.of_chat(BOB)] == ["Brennan"]
        fake.inject("sendMessage", 403, "Forbidden: bot was blocked by the user", chat_id=BOB)
        fake.user_sends(ADMIN, ADMIN, f"/add {url}")
        await eventually(lambda: not registry.of_chat(BOB), timeout=30)
        assert alerts_to(fake, BOB) == []


async def test_in_a_group_only_admins_change_follows_and_members_list_them(fake, bot_settings):  # noqa: F811
    fake.group_admins[GROUP] = {ADMIN}
    async with Running(bot_settings):
        _, refused = await ask(fake, ALICE, GROUP, "/follow harbour bridge repairs")
        assert "only its admins" in refused.params["text"]
        _, done = await ask(fake, ADMIN, GROUP, "/follow harbour bridge repairs")
        assert "new coverage of <b>harbour bridge repairs</b>" in done.params["text"]
        _, listed = await ask(fake, ALICE, GROUP, "/following")
        assert "harbour bridge repairs" in listed.params["text"]
        _, mode = await ask(fake, ALICE, GROUP, "/alerts digest 08:00")
        assert "only its admins" in mode.params["text"]
        _, mode = await ask(fake, ADMIN, GROUP, "/alerts digest 25:00")
        assert "not a time of day" in mode.params["text"]
        await ask(fake, ADMIN, GROUP, "/alerts digest 08:00")
        _, mode = await ask(fake, ALICE, GROUP, "/alerts")
        assert "one digest a day at 08:00 UTC" in mode.params["text"]
        _, gone = await ask(fake, ADMIN, GROUP, "/unfollow harbour bridge repairs")
        assert "Stopped following" in gone.params["text"]


async def test_a_digest_gathers_a_days_alerts_into_one_message(fake, bot_settings, pages):  # noqa: F811
    first = pages.add("/tram", article_html(*TRAM))
    second = pages.add("/budget", article_html("Budget passed", [
        "The council passed next year's budget on Thursday.",
        "“Every district gets a new library,” said Mayor Olga Brennan.",
    ]))
    async with Running(bot_settings) as app:
        store = app.bot_data["engine"].store
        await ask(fake, ALICE, ALICE, "/follow Olga Brennan")
        _, mode = await ask(fake, ALICE, ALICE, "/alerts digest 00:00")
        assert "one digest a day at 00:00 UTC" in mode.params["text"]
        for url in (first, second):
            n = len(fake.calls)
            fake.user_sends(ADMIN, ADMIN, f"/add {url}")
            await fake.wait_for("sendMessage", lambda p: "added 1" in p["text"], after=n)
        await eventually(lambda: store.get_meta("alerts_seq") == str(store.seq()))
        assert alerts_to(fake, ALICE) == []  # held for the digest, not sent as they came
        with store.transaction() as db:  # a day passes: the digest's time of day has come
            db.execute("UPDATE digests SET last_sent = last_sent - 86400 WHERE chat_id = ?", (ALICE,))

        def digests() -> list[str]:
            return [c.params["text"] for c in fake.sent("sendMessage", ALICE)
                    if "Your daily digest" in c.params["text"] and "_message_id" in c.params]

        await eventually(digests, timeout=30)
        [digest] = digests()
        assert "Tram line approved" in digest and "Budget passed" in digest and first in digest and second in digest
        await asyncio.sleep(5 * bot.follows.SCAN_EVERY_S)  # later scans do not send it again
        assert len(digests()) == 1
