"""The corpus keeping itself current through the bot, over the fake Bot API: admins follow a
feed (synced apart, then answerable), and the newsroom's channel posts become articles."""

from __future__ import annotations

import asyncio

import pytest

from retrieval.feeds import FollowedSources

from .conftest import article_html
from .test_bot import ADMIN, ALICE, Running, ask, bot_settings, fake  # noqa: F401  (fixtures)
from .test_feeds import STORIES, rss

CHANNEL, OTHER_CHANNEL = -100555, -100556


@pytest.fixture
def feed_settings(bot_settings):  # noqa: F811
    return bot_settings.model_copy(update={"sync_host_delay_s": 0.0, "channels": "@LiskNews"})


async def eventually(check, timeout: float = 60.0):
    deadline = asyncio.get_running_loop().time() + timeout
    while not (result := check()):
        assert asyncio.get_running_loop().time() < deadline, "it never happened"
        await asyncio.sleep(0.1)
    return result


async def test_an_admin_follows_a_feed_it_syncs_apart_and_its_articles_answer(fake, feed_settings, pages):  # noqa: F811
    for path, (title, body) in STORIES.items():
        pages.add(path, article_html(title, body))
    paths = list(STORIES)
    pages.add("/feed.xml", rss([(p, STORIES[p][0], "Tue, 05 Mar 2024 09:00:00 GMT") for p in paths[1:]]),
              content_type="application/rss+xml")
    async with Running(feed_settings) as app:
        engine = app.bot_data["engine"]
        _, refused = await ask(fake, ALICE, ALICE, f"/follow_source {pages.base}/feed.xml")
        assert refused.params["text"] == "Sorry, only the bot's admins can do that."
        _, bad = await ask(fake, ADMIN, ADMIN, f"/follow_source {pages.base}/feed.xml every-now-and-then")
        assert "not an interval" in bad.params["text"]
        _, reply = await ask(fake, ADMIN, ADMIN, f"/follow_source {pages.base}/feed.xml 30m")
        assert "Following #1" in reply.params["text"] and "every 30m" in reply.params["text"]
        registry = FollowedSources(engine.store)
        await eventually(lambda: registry.find("1").last_success)
        await eventually(lambda: engine.store.find_article(pages.base + paths[2]))  # the bot caught up
        _, status = await ask(fake, ADMIN, ADMIN, "/sources_followed")
        assert "(rss, every 30m)" in status.params["text"] and "2 added" in status.params["text"]
        _, answer = await ask(fake, ALICE, ALICE, "How many books did volunteers restore at the library?")
        assert "12,000" in answer.params["text"] and pages.base + paths[2] in answer.params["text"]
        _, gone = await ask(fake, ADMIN, ADMIN, "/unfollow_source 1")
        assert "Stopped following #1" in gone.params["text"] and registry.all() == []


async def test_the_newsrooms_channel_posts_become_articles_and_edits_update_them(fake, feed_settings, pages):  # noqa: F811
    fake.add_chat(CHANNEL, "channel", "Lisk News", username="LiskNews")
    fake.add_chat(OTHER_CHANNEL, "channel", "Elsewhere", username="elsewhere")
    title, body = STORIES["/news/2024/03/07/library-reopens"]
    page = pages.add("/news/2024/03/07/library-reopens", article_html(title, body))
    async with Running(feed_settings) as app:
        engine = app.bot_data["engine"]
        text = "Bridge reopens\nThe Lisk bridge reopened to traffic on Sunday after repairs costing 12 million."
        update = fake.channel_posts(CHANNEL, text)
        post = update["channel_post"]
        link = f"https://t.me/LiskNews/{post['message_id']}"
        article = await eventually(lambda: engine.store.find_article(link))
        assert article.title == "Bridge reopens" and article.outlet == "Lisk News"

        fake.channel_posts(CHANNEL, text.replace("12 million", "14 million"), edit=post)
        await eventually(lambda: "14 million" in engine.store.find_article(link).text)
        assert engine.stats()["articles"] == 2  # the seed article and the post, updated in place

        fake.channel_posts(CHANNEL, f"Our library is open again: {page}")  # a post that only links to the site
        await eventually(lambda: engine.store.find_article(page))

        fake.channel_posts(OTHER_CHANNEL, "Not ours\nA post in a channel newsbot does not follow, long enough to add.")
        await asyncio.sleep(1.0)
        assert engine.stats()["articles"] == 3
