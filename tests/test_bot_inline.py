"""Asking from any chat (inline mode) and passing an answer on, over the fake Bot API: the
results are valid `answerInlineQuery` results (checked against the Bot API spec when it is in
../shared/telegram/, and against Telegram's limits on ids and messages)."""

from __future__ import annotations

import asyncio
from datetime import date

from bench.telegram_rules import parse_html
from retrieval.articles import Article

from .test_bot import ALICE, app, ask, bot_settings, fake  # noqa: F401  (fixtures)
from .conftest import SEED_URL


async def test_an_inline_question_gets_cited_results_and_an_empty_one_the_newest_headlines(fake, app):  # noqa: F811
    n = len(fake.calls)
    fake.user_inline_query(ALICE, "Where was the founding conference held?")
    call = await fake.wait_for("answerInlineQuery", after=n)
    results = call.params["results"]
    assert results and int(call.params["cache_time"]) == 30
    first = results[0]
    assert first["type"] == "article" and first["url"] == SEED_URL and "Gudkov" in first["title"]
    content = first["input_message_content"]
    assert content["parse_mode"] == "HTML" and SEED_URL in content["message_text"]
    assert "<blockquote>" in content["message_text"] and parse_html(content["message_text"])
    # The sentence holding a place is shown whole, though a matching sentence stands before it.
    assert "Museum of Contemporary History of Russia." in parse_html(content["message_text"])
    meta, sentence = first["description"].split(": ", 1)
    assert meta == "The Moscow Times · 24 Apr 2012" and sentence[:60] in parse_html(content["message_text"])

    n = len(fake.calls)
    fake.user_inline_query(ALICE, "what did Lukyanova say?")
    quotes = (await fake.wait_for("answerInlineQuery", after=n)).params["results"]
    assert quotes[0]["id"] == "quotes" and "Lukyanova" in quotes[0]["title"]

    n = len(fake.calls)
    fake.user_inline_query(ALICE, "")
    headlines = (await fake.wait_for("answerInlineQuery", after=n)).params["results"]
    assert [r["url"] for r in headlines] == [SEED_URL]


async def test_an_inline_question_about_a_storys_development_offers_the_whole_timeline(fake, app):  # noqa: F811
    from .test_answers import TRAM_STRIKE

    app.bot_data["engine"].add(TRAM_STRIKE)
    n = len(fake.calls)
    fake.user_inline_query(ALICE, "timeline of the Valmora tram strike")
    results = (await fake.wait_for("answerInlineQuery", after=n)).params["results"]
    whole = results[0]
    assert whole["id"] == "story" and whole["title"] == "How the story developed, oldest first (4 articles)"
    assert whole["description"].startswith("4 Mar 2024 – 22 Mar 2024: Tram drivers call a strike")
    text = parse_html(whole["input_message_content"]["message_text"])
    assert text.index("4 Mar 2024") < text.index("11 Mar 2024") < text.index("22 Mar 2024")
    assert [r["url"] for r in results[1:]] == [a.url for a in TRAM_STRIKE]  # then each article, oldest first


async def test_an_inline_question_who_someone_is_offers_who_they_are_first(fake, app):  # noqa: F811
    n = len(fake.calls)
    fake.user_inline_query(ALICE, "who is Gudkov?")
    results = (await fake.wait_for("answerInlineQuery", after=n)).params["results"]
    assert results[0]["id"] == "person" and results[0]["title"] == "Gennady Gudkov: A Just Russia party heavyweight"
    assert parse_html(results[0]["input_message_content"]["message_text"]).startswith("Gennady Gudkov: A Just Russia party heavyweight")
    assert results[1]["url"] == SEED_URL


async def test_an_inline_question_what_something_is_offers_what_it_is_first(fake, app):  # noqa: F811
    from .test_things import TRANSIT

    await asyncio.to_thread(app.bot_data["engine"].add, TRANSIT)
    n = len(fake.calls)
    fake.user_inline_query(ALICE, "what is the VTA?")
    results = (await fake.wait_for("answerInlineQuery", after=n)).params["results"]
    assert results[0]["id"] == "subject" and results[0]["title"] == "VTA: Valmora Transit Authority"
    assert results[0]["description"].startswith("Where the news introduces it: Transit board meets")
    assert results[1]["url"] == TRANSIT[1].url


async def test_every_answer_has_a_share_button_that_asks_the_same_inline(fake, app):  # noqa: F811
    _, call = await ask(fake, ALICE, ALICE, "How many delegates attended?")
    buttons = [b for row in call.params["reply_markup"]["inline_keyboard"] for b in row]
    share = [b for b in buttons if b["text"] == "Share"]
    assert share == [{"text": "Share", "switch_inline_query": "How many delegates attended?"}]


async def test_an_inline_question_is_asked_on_todays_date_as_a_chats_is(fake, app):  # noqa: F811
    """Nothing dated after the asking date is cited, inline as in a chat (an article dated
    ahead, an embargoed story, waits for its day)."""
    keeper = "The Tarnow lighthouse keeper retired after forty years, the harbour board said."
    await asyncio.to_thread(app.bot_data["engine"].add, [
        Article(title="Tarnow lighthouse keeper retires", url="https://example.org/keeper", published=date(2020, 5, 1), text=keeper),
        Article(title="Tarnow lighthouse keeper honoured", url="https://example.org/ahead", published=date(2099, 5, 1),
                text="The harbour board honoured the Tarnow lighthouse keeper, who retired after forty years at the light."),
    ])
    n = len(fake.calls)
    fake.user_inline_query(ALICE, "When did the Tarnow lighthouse keeper retire?")
    urls = [r.get("url") for r in (await fake.wait_for("answerInlineQuery", after=n)).params["results"]]
    assert "https://example.org/keeper" in urls and "https://example.org/ahead" not in urls
    _, call = await ask(fake, ALICE, ALICE, "When did the Tarnow lighthouse keeper retire?")
    assert "https://example.org/keeper" in call.params["text"] and "https://example.org/ahead" not in call.params["text"]


async def test_an_unanswered_inline_question_is_not_kept_for_gaps(fake, app):  # noqa: F811
    """Inline queries arrive a letter at a time: none is kept for the newsroom's /gaps."""
    n = len(fake.calls)
    fake.user_inline_query(ALICE, "what is the best recipe for sourdough bread?")
    assert (await fake.wait_for("answerInlineQuery", after=n)).params["results"] == []
    assert app.bot_data["engine"].chats.asked_since(0, 10)[0] == []
