"""End to end: the real PTB Application over HTTP against the fake Bot API server."""

from __future__ import annotations

import asyncio
import re
import socket

import aiohttp
import pytest

from bot.app import build_application
from bot.delivery import RetryingRateLimiter
from bot.settings import BotSettings
from retrieval.engine import Engine
from retrieval.settings import DEFAULT_CORPUS_DIR

from .conftest import SEED_URL, article_html
from bench.fake_telegram import BOT_USERNAME, FakeTelegram

ALICE, BOB, ADMIN = 101, 102, 900
GROUP, FORUM = -1001, -1002


@pytest.fixture
async def fake():
    server = FakeTelegram()
    await server.start()
    server.add_chat(ALICE)
    server.add_chat(BOB)
    server.add_chat(ADMIN)
    server.add_chat(GROUP, "supergroup", "Readers")
    server.add_chat(FORUM, "supergroup", "Forum", forum=True)
    yield server
    await server.stop()
    assert server.internal_errors == []


@pytest.fixture
def bot_settings(tmp_path, fake):
    return BotSettings(
        data_dir=tmp_path / "data", corpus_dir=DEFAULT_CORPUS_DIR, allow_private_urls=True,
        TELEGRAM_BOT_TOKEN=fake.token, TELEGRAM_API_BASE_URL=f"{fake.url}/bot", ADMIN_USER_IDS=str(ADMIN),
    )


class Running:
    def __init__(self, settings: BotSettings) -> None:
        self.settings = settings

    async def __aenter__(self):
        self.engine = Engine(self.settings)
        limiter = RetryingRateLimiter(overall_max_rate=0, group_max_rate=0, max_retries=3, backoff_s=0.05)
        self.app = build_application(self.settings, self.engine, rate_limiter=limiter)
        await self.app.initialize()
        await self.app.post_init(self.app)
        await self.app.start()
        await self.app.updater.start_polling(poll_interval=0.0, timeout=1)
        return self.app

    async def __aexit__(self, *exc):
        await self.app.updater.stop()
        await self.app.stop()
        await self.app.post_stop(self.app)  # as run_polling does
        await self.app.shutdown()
        self.engine.close()


@pytest.fixture
async def app(bot_settings):
    async with Running(bot_settings) as application:
        yield application


async def remembered(app, chat: int, message_id: int, timeout: float = 10.0) -> None:
    """Wait until the answer sent as `message_id` is remembered: the outbox does it once
    Telegram has confirmed the message (a reader's tap on its buttons comes later still)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while app.bot_data["conversations"].answer_entry(f"{chat}:0", message_id) is None:
        assert asyncio.get_running_loop().time() < deadline, "the answer was never remembered"
        await asyncio.sleep(0.02)


async def settled(app, timeout: float = 10.0) -> None:
    """Wait until the outbox has recorded how every send ended."""
    deadline = asyncio.get_running_loop().time() + timeout
    while {"pending", "sending"} & set(app.bot_data["engine"].chats.outbox_states()):
        assert asyncio.get_running_loop().time() < deadline, "the outbox never settled"
        await asyncio.sleep(0.02)


def button_data(markup: dict) -> list[str]:
    """Each button's callback data, or "share" for the button that opens an inline query."""
    return [b["callback_data"] if "callback_data" in b else "share" for row in markup["inline_keyboard"] for b in row]


async def ask(fake, user, chat, text, **kw):
    n = len(fake.calls)
    update = fake.user_sends(user, chat, text, **kw)
    call = await fake.wait_for("sendMessage", lambda p: int(p["chat_id"]) == chat, after=n)
    return update, call


async def test_startup_registers_command_menus(fake, app):
    scopes = [c.params["scope"]["type"] for c in fake.sent("setMyCommands")]
    assert scopes == ["all_private_chats", "all_group_chats", "chat"]
    assert fake.sent("setMyCommands")[2].params["scope"]["chat_id"] == ADMIN


async def test_private_question_is_answered_with_cited_bold_excerpt(fake, app):
    n = len(fake.calls)
    _, call = await ask(fake, ALICE, ALICE, "what did Lukyanova say?")
    p = call.params
    assert p["parse_mode"] == "HTML" and p["link_preview_options"] == {"is_disabled": True}
    # The title links to the bold sentence on the outlet's page (a text fragment of its first and last words).
    fragment = "#:~:text=Either%20the%20party%20will%20reform%2C%20or,hard%20times%2C%E2%80%9D%20Lukyanova%20said"
    assert f'<a href="{SEED_URL}{fragment}">Gudkov Calls for Leftist Groups to Join Forces</a>' in p["text"]
    assert "<b>“Either the party will reform, or it will face hard times,” Lukyanova said.</b>" in p["text"]
    assert "<blockquote>" in p["text"] and "The Moscow Times" in p["text"]
    assert "reply_parameters" not in p  # no quoting in private chats
    assert any(c.method == "sendChatAction" and c.params["action"] == "typing" for c in fake.calls[n:])
    buttons = button_data(p["reply_markup"])
    assert "fb:1" in buttons and "fb:0" in buttons


async def test_an_answer_older_than_the_week_asked_about_says_so_first(fake, app):
    _, call = await ask(fake, ALICE, ALICE, "Where was the founding conference held this week?")
    text = call.params["text"]
    assert text.startswith("<i>None of these is from the days you ask about: the newest is from 24 April 2012.</i>\n\n1. ")
    assert "Museum of Contemporary History" in text


async def test_how_a_story_developed_is_told_oldest_first(fake, app):
    from .test_answers import TRAM_STRIKE

    app.bot_data["engine"].add(TRAM_STRIKE)
    _, call = await ask(fake, ALICE, ALICE, "How did the Valmora tram strike unfold?")
    text = call.params["text"]
    assert text.startswith("<b>How the story developed, oldest first</b>\n\n<b>4 Mar 2024</b> · <a href=")
    assert re.findall(r"<b>(\d+ Mar 2024)</b> · <a", text) == ["4 Mar 2024", "11 Mar 2024", "15 Mar 2024", "22 Mar 2024"]
    assert "more" not in button_data(call.params["reply_markup"])  # the whole story is in the message


async def test_who_someone_is_is_told_by_where_the_news_introduces_them(fake, app):
    _, call = await ask(fake, ALICE, ALICE, "who is Lukyanova?")
    text = call.params["text"]
    assert text.startswith("<b>Yelena Lukyanova</b>: a lawyer and a member of the Communist Party who helped found the alliance"
                           " (source 1).\n<i>Where the news introduces them:</i>\n\n1. <a href=")
    assert "<b>Yelena Lukyanova, a lawyer and a member of the Communist Party" in text  # that sentence picked out
    # And after that, "what did she say?" is about her (asked once the answer is remembered, as
    # a reader who has read it asks: before Telegram confirms it, nothing is remembered yet).
    await remembered(app, ALICE, fake.message_of(call)["message_id"])
    _, said = await ask(fake, ALICE, ALICE, "what did she say?")
    assert said.params["text"].startswith("<b>What Yelena Lukyanova said</b>")


async def test_what_something_is_is_told_by_where_the_news_says_it(fake, app):
    from .test_things import TRANSIT

    await asyncio.to_thread(app.bot_data["engine"].add, TRANSIT)
    _, call = await ask(fake, ALICE, ALICE, "what does VTA stand for?")
    text = call.params["text"]
    assert text.startswith("<b>VTA</b>: Valmora Transit Authority (source 1).\n<i>Where the news introduces it:</i>\n\n1. <a href=")
    assert "<b>The board of the Valmora Transit Authority (VTA) met on Tuesday" in text  # that sentence picked out


async def test_a_button_asks_the_question_offered_next_and_answers_it_under_that_question(fake, app):
    _, call = await ask(fake, ALICE, ALICE, "how many delegates attended?")
    answer = fake.message_of(call)
    assert "ask:0" in button_data(call.params["reply_markup"])
    labels = [b["text"] for row in call.params["reply_markup"]["inline_keyboard"] for b in row]
    assert "❓ What did Gennady Gudkov say?" in labels
    await remembered(app, ALICE, answer["message_id"])
    n = len(fake.calls)
    fake.user_clicks(ALICE, answer, "ask:0")
    said = await fake.wait_for("sendMessage", after=n)
    assert said.params["text"].startswith("<i>What did Gennady Gudkov say?</i>\n\n<b>What Gennady Gudkov said</b>")
    # A button of an answer nobody remembers any more does nothing but say so.
    n = len(fake.calls)
    fake.user_clicks(ALICE, {**answer, "message_id": 99999}, "ask:0")
    stale = await fake.wait_for("answerCallbackQuery", after=n)
    assert "too old" in stale.params["text"]


async def test_no_answer_says_so(fake, app):
    _, call = await ask(fake, ALICE, ALICE, "what is the best recipe for sourdough bread?")
    assert call.params["text"].startswith("I found nothing in the covered news that answers this.")
    assert "<blockquote>" not in call.params["text"]


async def test_admins_see_what_readers_asked_that_the_news_did_not_answer(fake, app):
    for user, question in ((ALICE, "what is the best recipe for sourdough bread?"),
                           (BOB, "best sourdough bread recipe?"),
                           (BOB, "When does the <b>tram</b> strike in Oslo end?")):
        _, call = await ask(fake, user, user, question)
        assert call.params["text"].startswith("I found nothing")
    await ask(fake, ALICE, ALICE, "how many delegates attended?")  # answered: not a gap
    await ask(fake, ALICE, ALICE, "Что сказала Лукьянова о партии?")  # not searched (another language): not a gap
    _, refused = await ask(fake, ALICE, ALICE, "/gaps")
    assert refused.params["text"] == "Sorry, only the bot's admins can do that."
    _, bad = await ask(fake, ADMIN, ADMIN, "/gaps 365")
    assert bad.params["text"].startswith("Usage: /gaps [days]")
    _, call = await ask(fake, ADMIN, ADMIN, "/gaps")
    lines = call.params["text"].split("\n")
    assert lines[0].startswith("<b>Asked in the last 7 days, nothing cited</b>")
    # The two wordings of one question count together, the newest first; questions are escaped.
    assert lines[1].startswith("• 2× best sourdough bread recipe? (")
    assert lines[2] == "    <i>also: what is the best recipe for sourdough bread?</i>"
    assert lines[3].startswith("• 1× When does the &lt;b&gt;tram&lt;/b&gt; strike in Oslo end? (")
    assert "delegates" not in call.params["text"]
    assert lines[-2:] == ["<b>Answers marked 👎</b>:", "none"]


async def test_more_sources_and_feedback(fake, app):
    await asyncio.to_thread(
        app.bot_data["engine"].add,
        [_article(i) for i in range(8)],
    )
    _, call = await ask(fake, ALICE, ALICE, "What did the harbour pilot say about the storm in Tarnow?")
    answer = fake.message_of(call)
    await remembered(app, ALICE, answer["message_id"])
    buttons = button_data(call.params["reply_markup"])
    assert buttons[0] == "more"
    n = len(fake.calls)
    fake.user_clicks(ALICE, answer, "more")
    await fake.wait_for("answerCallbackQuery", after=n)
    more = await fake.wait_for("sendMessage", after=n)
    assert more.params["text"].startswith("4. ")
    n = len(fake.calls)
    fake.user_clicks(ALICE, answer, "fb:0")
    ack = await fake.wait_for("answerCallbackQuery", after=n)
    assert ack.params["text"] == "Thanks for the feedback!"
    feedback = app.bot_data["engine"].chats.feedback()
    assert feedback[0]["helpful"] == 0 and "harbour pilot" in feedback[0]["question"]
    n = len(fake.calls)
    fake.user_clicks(BOB, {**answer, "message_id": 99999}, "fb:1")  # a made-up answer
    stale = await fake.wait_for("answerCallbackQuery", after=n)
    assert "too old" in stale.params["text"] and len(app.bot_data["engine"].chats.feedback()) == 1
    _, gaps = await ask(fake, ADMIN, ADMIN, "/gaps 1")
    marked = gaps.params["text"].split("<b>Answers marked 👎</b>:\n", 1)[1]
    assert marked.startswith("• 1× What did the harbour pilot say about the storm in Tarnow? (")


def _article(i: int):
    from retrieval.articles import Article

    return Article(
        title=f"Storm report {i} from Tarnow harbour",
        url=f"https://example.org/tarnow/{i}",
        text=f"The storm hit Tarnow harbour on day {i}. Harbour pilot Edvin Salo{i} said the waves reached "
        f"{i + 3} metres and that the pilots had never seen such a storm in Tarnow.",
    )


async def test_group_ask_mention_and_reply_follow_up(fake, app):
    assert fake.user_sends(BOB, GROUP, "hello everyone, nice weather") is None  # privacy mode
    ignored = fake.user_sends(BOB, GROUP, "/ask@OtherBot what did Lukyanova say?")
    update, call = await ask(fake, BOB, GROUP, f"/ask@{BOT_USERNAME} what did Lukyanova say?")
    assert call.params["reply_parameters"]["message_id"] == update["message"]["message_id"]
    assert "Either the party will reform" in call.params["text"]
    answer = fake.message_of(call)
    await remembered(app, GROUP, answer["message_id"])
    update, follow = await ask(fake, ALICE, GROUP, "which article did she quote?", reply_to=answer)
    assert "The Left Turn" in follow.params["text"]
    _, mention = await ask(fake, ALICE, GROUP, f"@{BOT_USERNAME} how many delegates attended?")
    assert "<b>" in mention.params["text"] and "150 delegates" in mention.params["text"]
    assert ignored is not None
    answers = [c for c in fake.sent(chat_id=GROUP) if "Gudkov" in c.params["text"]]
    assert len(answers) == 3  # /ask@OtherBot got nothing
    n = len(fake.calls)
    fake.user_sends(BOB, GROUP, "/ask")
    hint = await fake.wait_for("sendMessage", after=n)
    assert hint.params["text"].startswith("Usage: /ask")


async def test_forum_topic_answer_stays_in_topic_and_root_is_not_a_reply(fake, app):
    fake.bot_admin_in.add(FORUM)  # an admin bot receives every message, as with privacy off
    topic = fake.add_topic(FORUM, "Politics", by_bot=True)
    chatter = fake.user_sends(BOB, FORUM, "just chatting here", topic=topic)
    update, call = await ask(fake, BOB, FORUM, f"@{BOT_USERNAME} what did Lukyanova say?", topic=topic)
    assert int(call.params["message_thread_id"]) == topic["message_thread_id"]
    await asyncio.sleep(0.3)
    assert len(fake.sent(chat_id=FORUM)) == 1  # the chatter (a "reply" to the bot's topic root) was ignored
    assert chatter is not None


async def test_non_admin_add_is_refused(fake, app, pages):
    url = pages.add("/a", article_html("Ferry strike ends", ["Ferry workers ended their strike on Friday after a deal. " * 3]))
    before = app.bot_data["engine"].stats()["articles"]
    _, call = await ask(fake, ALICE, ALICE, f"/add {url}")
    assert call.params["text"] == "Sorry, only the bot's admins can do that."
    assert app.bot_data["engine"].stats()["articles"] == before


async def test_admin_adds_url_document_and_removes(fake, app, pages):
    url = pages.add("/ferry", article_html("Ferry strike ends", [
        "Ferry workers ended their strike on Friday after a pay deal was reached with the operator.",
        "Union leader Tomas Reyl said members accepted a raise of 6 percent.",
    ]))
    n = len(fake.calls)
    fake.user_sends(ADMIN, ADMIN, f"/add {url}")
    report = await fake.wait_for("sendMessage", lambda p: "added 1" in p["text"], after=n)
    assert "Ferry strike ends" in report.params["text"] and "passages" in report.params["text"]
    _, answer = await ask(fake, ALICE, ALICE, "What raise did the ferry union accept?")
    assert "6 percent" in answer.params["text"]

    doc = b'{"url": "https://example.org/zoo", "title": "Zoo welcomes twin pandas", "text": "The city zoo welcomed twin panda cubs on Monday, keeper Lina Ostrova said."}\n{broken\n'
    n = len(fake.calls)
    fake.user_uploads(ADMIN, ADMIN, "batch.jsonl", doc, caption="/add")
    report = await fake.wait_for("sendMessage", lambda p: "added 1" in p["text"], after=n)
    assert "failed 1" in report.params["text"] and "batch.jsonl:2: not valid JSON" in report.params["text"]
    assert app.bot_data["engine"].store.find_article("https://example.org/zoo") is not None

    n = len(fake.calls)
    fake.user_sends(ADMIN, ADMIN, "/remove https://example.org/zoo")
    removed = await fake.wait_for("sendMessage", after=n)
    assert "Removed <b>Zoo welcomes twin pandas</b>" in removed.params["text"]
    assert app.bot_data["engine"].store.find_article("https://example.org/zoo") is None

    n = len(fake.calls)
    fake.user_sends(ADMIN, ADMIN, "/sources")
    listing = await fake.wait_for("sendMessage", after=n)
    assert "Ferry strike ends" in listing.params["text"] and "Gudkov" in listing.params["text"]


async def test_admin_adds_forwarded_channel_post(fake, app):
    post = fake._store(fake.chats[ADMIN], fake.user(ADMIN),
                       text="Bridge reopens\nThe Lisk bridge reopened to traffic on Sunday after repairs costing 12 million."
                            "\nSubscribe to @lisknews for more!",
                       forward_origin={"type": "channel", "date": 1700000000,
                                       "chat": {"id": -100777, "type": "channel", "title": "Lisk News", "username": "lisknews"},
                                       "message_id": 55})
    n = len(fake.calls)
    fake.user_sends(ADMIN, ADMIN, "/add", reply_to=post)
    await fake.wait_for("sendMessage", lambda p: "added 1" in p["text"], after=n)
    article = app.bot_data["engine"].store.find_article("https://t.me/lisknews/55")
    assert article is not None and article.title == "Bridge reopens" and article.outlet == "Lisk News"
    assert "12 million" in article.text and "Subscribe" not in article.text  # the channel's promotion is not the story


async def test_context_survives_restart(fake, bot_settings):
    async with Running(bot_settings):
        _, first = await ask(fake, ALICE, ALICE, "what did Lukyanova say?")
    async with Running(bot_settings):
        _, follow = await ask(fake, ALICE, ALICE, "which article did she quote?")
        assert "The Left Turn" in follow.params["text"]
        _, _ = await ask(fake, ALICE, ALICE, "/new")
    assert first


async def test_rate_limit_429_is_retried(fake, app):
    fake.inject("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    _, refused = await ask(fake, ALICE, ALICE, "what did Lukyanova say?")
    started = asyncio.get_running_loop().time()
    retried = await fake.wait_for("sendMessage", lambda p: p is not refused.params, after=fake.calls.index(refused) + 1)
    assert asyncio.get_running_loop().time() - started >= 0.9  # waited for retry_after
    assert retried.params["text"] == refused.params["text"]
    assert len(fake.sent(chat_id=ALICE)) == 2  # refused once with 429, then delivered once


async def test_webhook_mode_with_secret(fake, bot_settings):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    engine = Engine(bot_settings)
    application = build_application(bot_settings, engine, rate_limiter=RetryingRateLimiter(overall_max_rate=0, group_max_rate=0))
    async with application:
        await application.post_init(application)  # as run_webhook does
        await application.start()
        await application.updater.start_webhook(listen="127.0.0.1", port=port, url_path="tg",
                                                webhook_url=f"http://127.0.0.1:{port}/tg", secret_token="s3cret")
        try:
            _, call = await ask(fake, ALICE, ALICE, "what did Lukyanova say?")
            assert "Either the party will reform" in call.params["text"]
            async with aiohttp.ClientSession() as session:
                async with session.post(f"http://127.0.0.1:{port}/tg", json={"update_id": 1}) as forged:
                    assert forged.status == 403
            # Telegram redelivers an update (it got no answer in time): it is handled once.
            update = fake.updates[-1]
            n = len(fake.calls)
            await fake._deliver(update)
            await asyncio.sleep(0.5)
            assert [c for c in fake.calls[n:] if c.method == "sendMessage"] == []
        finally:
            await application.updater.stop()
            await application.stop()
            await application.post_stop(application)
    engine.close()


async def test_start_help_about_new(fake, app):
    _, start = await ask(fake, ALICE, ALICE, "/start")
    assert "Just send me a question." in start.params["text"]
    assert "What happened: Gudkov Calls for Leftist Groups to Join Forces?" in start.params["text"]
    _, about = await ask(fake, ALICE, ALICE, "/about")
    assert "I know <b>1 article</b> (" in about.params["text"] and "The Moscow Times" in about.params["text"]
    _, plain_help = await ask(fake, ALICE, ALICE, "/help")
    _, admin_help = await ask(fake, ADMIN, ADMIN, "/help")
    assert "/reindex" not in plain_help.params["text"] and "/reindex" in admin_help.params["text"]
    _, new = await ask(fake, ALICE, ALICE, "/new")
    assert new.params["text"].startswith("Conversation forgotten.")


async def test_flooding_user_is_slowed_down_politely(fake, bot_settings):
    settings = bot_settings.model_copy(update={"flood_max": 2, "flood_window_s": 60})
    async with Running(settings):
        for _ in range(2):
            _, call = await ask(fake, BOB, BOB, "what did Lukyanova say?")
            assert "Lukyanova" in call.params["text"]
        _, warned = await ask(fake, BOB, BOB, "what did Lukyanova say?")
        assert warned.params["text"] == settings.flood_message
        n = len(fake.calls)
        fake.user_sends(BOB, BOB, "what did Lukyanova say?")
        _, other = await ask(fake, ALICE, ALICE, "what did Lukyanova say?")  # others are not slowed
        assert "Lukyanova" in other.params["text"]
        assert all(fake.calls.index(c) < n for c in fake.sent(chat_id=BOB))  # told once only, then silence


async def test_newsbot_run_command_polls_and_answers(fake, bot_settings, tmp_path):
    """The command `make run` starts, as a real process, against the fake server."""
    import os
    import signal
    import sys

    env = {**os.environ, "TELEGRAM_BOT_TOKEN": fake.token, "TELEGRAM_API_BASE_URL": f"{fake.url}/bot",
           "NEWSBOT_DATA_DIR": str(tmp_path / "run-data"), "HF_HUB_OFFLINE": "1"}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "newsbot", "run", cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    try:
        await fake.wait_for("getUpdates", timeout=60)
        _, call = await ask(fake, ALICE, ALICE, "what did Lukyanova say?")
        assert "Either the party will reform" in call.params["text"]
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0, stderr.decode()[-2000:]
    assert fake.token not in stderr.decode()  # the token never reaches the logs


async def test_what_did_she_say_lists_her_statements_and_who(fake, app):
    _, call = await ask(fake, ALICE, ALICE, "what did Lukyanova say?")
    text = call.params["text"]
    assert text.startswith("<b>What Yelena Lukyanova said</b>")
    assert "“Either the party will reform, or it will face hard times”" in text
    assert "several regional branches of A Just Russia" in text and "The Left Turn" in text
    _, who = await ask(fake, BOB, BOB, "/who Lukyanova")
    assert who.params["text"].startswith("<b>Yelena Lukyanova</b> (a lawyer and a member of the Communist Party who helped "
                                         "found the alliance): mentioned in 1 article.")
    assert "Often quoted beside: " in who.params["text"] and "Gennady Gudkov" in who.params["text"]
    _, nobody = await ask(fake, BOB, BOB, "/who Smithers")
    assert nobody.params["text"] == "Smithers is not mentioned in the covered news."


async def test_server_errors_are_retried_and_polling_survives(fake, app):
    fake.inject("getUpdates", 502, "Bad Gateway")
    fake.inject("sendMessage", 502, "Bad Gateway")
    _, failed = await ask(fake, ALICE, ALICE, "what did Lukyanova say?")
    delivered = await fake.wait_for("sendMessage", lambda p: p is not failed.params, after=fake.calls.index(failed) + 1)
    assert delivered.params["text"] == failed.params["text"]
    await asyncio.sleep(0.3)
    assert len(fake.sent(chat_id=ALICE)) == 2  # one refused by the server, one delivered: no duplicate
    _, again = await ask(fake, ALICE, ALICE, "how many delegates attended?")  # still running
    assert "150 delegates" in again.params["text"]


@pytest.mark.parametrize("code, description", [(400, "Bad Request: chat not found"), (413, "Request Entity Too Large")])
async def test_refusals_are_not_retried(fake, app, code, description):
    """A 4xx fails the same way every time: the answer is tried once and dropped; the chat's
    next answer goes out as usual."""
    fake.inject("sendMessage", code, description)
    n = len(fake.calls)
    fake.user_sends(ALICE, ALICE, "what did Lukyanova say?")
    await fake.wait_for("sendMessage", lambda p: int(p["chat_id"]) == ALICE, after=n)
    await asyncio.sleep(1.5)  # what a retry with back-off would have sent by now
    assert len(fake.sent(chat_id=ALICE)) == 1
    _, again = await ask(fake, ALICE, ALICE, "how many delegates attended?")
    assert "150 delegates" in again.params["text"]
    assert len(fake.sent(chat_id=ALICE)) == 2
    await settled(app)
    assert app.bot_data["engine"].chats.outbox_states() == {"dropped": 1, "sent": 1}


async def test_dropped_and_late_connections_lose_nothing_and_send_nothing_twice(fake, bot_settings):
    """getUpdates and sendMessage whose connection is cut before Telegram handled them, or whose
    answer comes after the read timeout: the question is answered once, and the bot keeps going."""
    settings = bot_settings.model_copy(update={"telegram_read_timeout_s": 0.5})
    async with Running(settings):
        fake.inject_network("getUpdates", "drop")
        fake.inject_network("getUpdates", "late", 2.0)  # its updates are sent again: not confirmed
        fake.inject_network("sendMessage", "drop")  # never reached Telegram: sent again
        update, answer = await ask(fake, ALICE, ALICE, "what did Lukyanova say?")
        assert len(fake.dropped) >= 2 and "Lukyanova" in answer.params["text"]
        fake.inject_network("sendMessage", "late", 1.5)  # reached Telegram: must not be repeated
        _, late = await ask(fake, BOB, BOB, "how many delegates attended?")
        await asyncio.sleep(2.0)
        _, after = await ask(fake, ALICE, ALICE, "how many delegates attended?")  # still running
    assert "150 delegates" in late.params["text"] and "150 delegates" in after.params["text"]
    assert len(fake.sent(chat_id=BOB)) == 1
    assert [c.params["text"] for c in fake.sent(chat_id=ALICE)].count(answer.params["text"]) == 1
    handled = [u for u in fake.updates if u["update_id"] == update["update_id"]]
    assert len(handled) == 1 and fake.confirmed > update["update_id"]


async def test_anonymous_admin_and_channel_cannot_add(fake, app):
    before = app.bot_data["engine"].stats()["articles"]
    group = fake.chats[GROUP].to_json()
    n = len(fake.calls)
    fake.user_sends(1087968824, GROUP, f"/add@{BOT_USERNAME} https://example.org/x", sender_chat=group)
    refusal = await fake.wait_for("sendMessage", after=n)
    assert refusal.params["text"] == "Sorry, only the bot's admins can do that."
    n = len(fake.calls)  # even an admin's account, when posting on behalf of a chat
    fake.user_sends(ADMIN, GROUP, f"/add@{BOT_USERNAME} https://example.org/x", sender_chat=group)
    refusal = await fake.wait_for("sendMessage", after=n)
    assert refusal.params["text"] == "Sorry, only the bot's admins can do that."
    assert app.bot_data["engine"].stats()["articles"] == before


async def test_a_group_held_back_by_telegram_does_not_delay_private_answers(fake, app):
    """429 with retry_after on one group delays only that group: a private question asked
    meanwhile is answered at once, and the group's answer follows once the wait is over."""
    fake.inject("sendMessage", 429, "Too Many Requests: retry after 3", retry_after=3, chat_id=GROUP)
    n = len(fake.calls)
    fake.user_sends(BOB, GROUP, "/ask what did Lukyanova say?")
    await fake.wait_for("sendMessage", lambda p: int(p["chat_id"]) == GROUP, after=n)  # refused: 429
    asked = asyncio.get_running_loop().time()
    _, private = await ask(fake, ALICE, ALICE, "how many delegates attended?")
    assert "150 delegates" in private.params["text"]
    assert asyncio.get_running_loop().time() - asked < 2.0
    delivered = await fake.wait_for("sendMessage", lambda p: int(p["chat_id"]) == GROUP and "_message_id" in p, after=n)
    assert "Lukyanova" in delivered.params["text"] and int(delivered.params["reply_parameters"]["message_id"]) > 0
    assert asyncio.get_running_loop().time() - asked >= 2.5  # waited out retry_after
    assert len([c for c in fake.sent(chat_id=GROUP) if "_message_id" in c.params]) == 1


async def test_the_outbox_survives_a_restart_in_order_and_never_repeats(fake, bot_settings):
    """Answers queued by a process that stopped are sent by the next one, in order, once; a
    message whose sender died mid-send is not sent again, and does not block its chat."""
    from retrieval.store import ChatState, SqliteStore

    bot_settings.data_dir.mkdir(parents=True)
    db = SqliteStore(bot_settings.data_dir / "store.sqlite3")
    store = ChatState(db)
    abandoned = store.outbox_put(ALICE, False, {"text": "maybe delivered", "reply_to": None, "thread_id": None,
                                                "markup": None, "question": "q0", "remember": None})
    with db.transaction() as conn:  # claimed two minutes ago by a sender that died
        conn.execute("UPDATE outbox SET state = 'sending', owner = 'gone', claimed_at = claimed_at WHERE id = ?", (abandoned,))
        conn.execute("UPDATE outbox SET claimed_at = ? WHERE id = ?", (0.0, abandoned))
    for number in (1, 2, 3):
        store.outbox_put(ALICE, False, {"text": f"answer {number}", "reply_to": None, "thread_id": None,
                                        "markup": None, "question": f"q{number}", "remember": None})
    db.close()
    async with Running(bot_settings) as application:
        for number in (1, 2, 3):
            await fake.wait_for("sendMessage", lambda p, n=number: p["text"] == f"answer {number}")
        await settled(application)
        states = application.bot_data["engine"].chats.outbox_states()
    texts = [c.params["text"] for c in fake.sent(chat_id=ALICE)]
    assert texts == ["answer 1", "answer 2", "answer 3"]  # in order, once each, about a second apart
    times = [c.params["_at"] for c in fake.sent(chat_id=ALICE)]
    assert all(b - a >= 0.9 for a, b in zip(times, times[1:]))  # a private chat: one a second
    assert states == {"sent": 3, "unknown": 1}
    async with Running(bot_settings):  # and a further restart sends nothing again
        await asyncio.sleep(1.0)
    assert [c.params["text"] for c in fake.sent(chat_id=ALICE)] == texts


def test_a_busy_group_gets_its_answers_merged_and_stale_ones_as_apologies(tmp_path):
    import time

    from bot.outbox import Outbox
    from retrieval.store import ChatState, SqliteStore

    store = SqliteStore(tmp_path / "store.sqlite3")
    outbox = Outbox(ChatState(store), deadline_s=120.0)
    now = time.time()
    claimed = [
        (1, {"text": "Answer <b>one</b>", "question": "first question?", "reply_to": 11, "thread_id": None, "markup": None, "remember": None}, now - 300),
        (2, {"text": "Answer two", "question": "second <question>?", "reply_to": 12, "thread_id": None, "markup": None, "remember": None}, now - 5),
        (3, {"text": "x" * 4000, "question": "third?", "reply_to": 13, "thread_id": None, "markup": None, "remember": None}, now - 1),
    ]
    ids, payload = outbox.compose(claimed)
    assert ids == [1, 2]  # the third does not fit beside them: it goes next time
    text = payload["text"]
    assert text.startswith("I was asked 2 questions at once here")
    assert "Sorry, I could not answer “first question?” in time" in text and "Answer <b>one</b>" not in text
    assert "<b>↪ second &lt;question&gt;?</b>\nAnswer two" in text
    assert payload["reply_to"] == 12 and payload["markup"] is None
    from bot.render import MAX_UNITS, utf16_len, visible_text

    long = [(10 + n, {"text": "y" * 1340, "question": f"question {n}?", "reply_to": 20 + n, "thread_id": None,
                      "markup": None, "remember": None}, now) for n in range(5)]
    ids, payload = outbox.compose(long)
    assert ids == [10, 11] and utf16_len(visible_text(payload["text"])) <= MAX_UNITS  # the header counts too
    late = {"text": "Answer", "question": "late question?", "reply_to": 14, "thread_id": None,
            "markup": {"inline_keyboard": []}, "remember": {"key": "1:0"}}
    ids, alone = outbox.compose([(4, late, now - 500)])
    assert ids == [4] and alone["text"].startswith("Sorry, I could not answer “late question?” in time")
    assert alone["markup"] is None and alone["remember"] is None
    asked = {"text": "Answer three", "question": "What did <Gudkov> say?", "reply_to": None, "thread_id": None,
             "markup": None, "remember": None, "by_button": True}  # a button's question: the chat does not show it
    ids, alone = outbox.compose([(5, asked, now)])
    assert alone["text"] == "<i>What did &lt;Gudkov&gt; say?</i>\n\nAnswer three"
    ids, payload = outbox.compose([(6, claimed[1][1], now), (7, asked, now)])
    assert ids == [6, 7] and payload["text"].count("Gudkov") == 1  # merged: under its question once
    assert "<b>↪ What did &lt;Gudkov&gt; say?</b>\nAnswer three" in payload["text"]
    store.close()


def test_each_chat_is_paced_at_telegrams_limits():
    from bot.outbox import GROUP_PER_MINUTE, ChatPace

    group = ChatPace(is_group=True)
    for n in range(GROUP_PER_MINUTE):
        group.record(100.0 + n)
    assert group.ready_at(120.0) == 160.0  # the 21st waits until the first leaves the minute
    assert group.ready_at(161.0) <= 161.0  # due now
    private = ChatPace(is_group=False)
    private.record(100.0)
    assert private.ready_at(100.2) == 101.0 and private.ready_at(101.5) <= 101.5
    private.not_before = 130.0  # a 429's retry_after for this chat
    assert private.ready_at(101.5) == 130.0


async def test_a_question_in_another_language_is_told_so_in_it(fake, app):
    _, call = await ask(fake, ALICE, ALICE, "что сказал Гудков?")
    assert call.params["text"].startswith("Я отвечаю только на вопросы на английском языке")


async def test_messages_leave_evenly_spaced_through_the_send_gate(fake):
    """The overall pace is kept at the HTTP send: a burst of messages reaches the server spaced
    by the gate's interval, and requests that post nothing (a chat action) do not wait."""
    from telegram import Bot

    from bot.delivery import SendGate, TelegramRequest

    gate = SendGate(limit=20, window_s=1.0)  # one message every 50 ms
    bot = Bot(fake.token, base_url=f"{fake.url}/bot", request=TelegramRequest(connection_pool_size=64, gate=gate))
    async with bot:
        await asyncio.gather(*(bot.send_chat_action(ALICE, "typing") for _ in range(10)))
        assert gate._next == 0.0  # a chat action took no turn
        await asyncio.gather(*(bot.send_message(ALICE, f"burst {n}") for n in range(21)))
    arrivals = sorted(call.params["_at"] for call in fake.sent(chat_id=ALICE))
    assert len(arrivals) == 21
    assert arrivals[-1] - arrivals[0] >= 0.9  # 20 intervals of 50 ms, less the server's jitter
    assert max(sum(1 for t in arrivals if start <= t < start + 0.5) for start in arrivals) <= 11


async def test_the_send_gate_lets_answers_pass_waiting_alerts():
    from bot.delivery import ALERT, SEND_PRIORITY, SendGate

    gate = SendGate(limit=10, window_s=0.5)
    order: list[str] = []

    async def send(name: str, priority: int | None = None) -> None:
        if priority is not None:
            SEND_PRIORITY.set(priority)
        await gate.wait()
        order.append(name)

    alerts = [asyncio.create_task(send(f"alert {n}", ALERT)) for n in range(5)]
    await asyncio.sleep(0)  # the first alert passes at once, the others wait their turn
    assert gate.backlog == 4
    await send("answer")
    await asyncio.gather(*alerts)
    assert order[0] == "alert 0" and order[1] == "answer" and order[2:] == [f"alert {n}" for n in range(1, 5)]
