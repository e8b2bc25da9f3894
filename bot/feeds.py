"""The corpus keeping itself current, in Telegram: admins follow feeds, sitemaps and section
pages (/follow_source, /sources_followed, /unfollow_source); a job polls them on their intervals,
each pass run apart (`newsbot sync --due`, like an ingest, at a lower priority so readers are
answered meanwhile); and posts in the newsroom's channel (NEWSBOT_CHANNELS, the bot an admin
there) are added as articles with their t.me link, an edit updating the article in place."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time

from telegram import Message, MessageEntity, Update
from telegram.ext import ContextTypes

from retrieval.errors import BadInput, NewsbotError
from retrieval.feeds import FollowedSources, follow_configured, interval_text, parse_interval
from retrieval.feeds.documents import canonical
from retrieval.feeds.registry import status_line

from .admin import ingest_apart, ingest_message, newsbot_apart, refuse_unless_admin, text_article
from .handlers import engine_of, settings_of
from .render import esc, fit

log = logging.getLogger(__name__)

#: How often the bot looks for sources whose interval has passed.
CHECK_EVERY_S = 60.0
#: A channel post with fewer words than this besides its one link is that link's article.
LINK_ONLY_WORDS = 25


async def follow_source(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/follow_source URL [15m]: follow a feed, sitemap or section page; synced at once."""
    if await refuse_unless_admin(update, context):
        return
    message = update.effective_message
    args = context.args or []
    if not args:
        await message.reply_text("Usage: /follow_source URL [every: 15m, 2h, 1d] (an RSS or Atom feed, a sitemap or a section page)")
        return
    try:
        every = parse_interval(args[1] if len(args) > 1 else settings_of(context).sync_every)
        url = canonical(args[0])
        if not url:
            raise BadInput(f"not an http(s) link: {args[0]}")
    except BadInput as exc:
        await message.reply_text(esc(str(exc)))
        return
    engine = engine_of(context)
    source, new = await asyncio.to_thread(FollowedSources(engine.store).add, url, every)
    await message.reply_text(
        f"{'Following' if new else 'Already following; now polled'} #{source.id} {esc(source.url)} every "
        f"{interval_text(source.every_s)}. Syncing now; /sources_followed shows how it went."
    )
    context.application.create_task(sync_due(context), name="sync")


async def sources_followed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/sources_followed: each followed source with its last sync, last success, articles added
    and last error."""
    if await refuse_unless_admin(update, context):
        return
    followed = await asyncio.to_thread(FollowedSources(engine_of(context).store).all)
    if not followed:
        await update.effective_message.reply_text("No followed sources. Follow one with /follow_source URL.")
        return
    await update.effective_message.reply_text(fit([esc(status_line(s)) for s in followed], "<b>Followed sources</b>"))


async def unfollow_source(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/unfollow_source NUMBER_OR_URL: stop following; the articles it added stay."""
    if await refuse_unless_admin(update, context):
        return
    if not context.args:
        await update.effective_message.reply_text("Usage: /unfollow_source NUMBER_OR_URL (see /sources_followed)")
        return
    ref = context.args[0]
    try:
        source = await asyncio.to_thread(FollowedSources(engine_of(context).store).remove, canonical(ref) or ref)
    except NewsbotError as exc:
        await update.effective_message.reply_text(esc(str(exc)))
        return
    await update.effective_message.reply_text(f"Stopped following #{source.id} {esc(source.url)}; its articles stay.")


async def sync_due(context: ContextTypes.DEFAULT_TYPE) -> list[dict]:
    """One pass over the due sources, apart; one pass at a time (a pass still running when the
    next check comes is left to finish)."""
    data = context.bot_data
    if data.get("syncing"):
        return []
    engine = engine_of(context)
    if not await asyncio.to_thread(FollowedSources(engine.store).due, time.time()):
        return []
    data["syncing"] = True
    try:
        reports = json.loads(await newsbot_apart(engine, "sync", "--due", "--json"))
    except (NewsbotError, ValueError) as exc:
        log.error("sync failed: %s", exc)
        return []
    finally:
        data["syncing"] = False
    for report in reports:
        log.info("sync %s: %s", report["url"], report["status"])
    return reports


async def check_sources(context: ContextTypes.DEFAULT_TYPE) -> None:
    """The JobQueue's repeating job."""
    await sync_due(context)


def start_following(application, engine) -> None:
    """At start: follow what NEWSBOT_SOURCES lists, say how to follow a source when none is,
    and poll on every source's interval from now on (the first check at once)."""
    added = follow_configured(engine)
    if added:
        log.info("following %s (NEWSBOT_SOURCES)", ", ".join(added))
    if not FollowedSources(engine.store).all():
        log.warning("No followed sources: the corpus grows only by /add. Follow the newsroom's feed with "
                    "/follow_source URL, `newsbot sources add URL` or NEWSBOT_SOURCES in .env.")
    application.job_queue.run_repeating(check_sources, interval=CHECK_EVERY_S, first=0.0, name="sources")


def _is_followed_channel(message: Message, channels: frozenset[str]) -> bool:
    chat = message.chat
    return str(chat.id) in channels or (chat.username or "").lower() in channels


def _only_link(message: Message) -> str | None:
    """The link of a post that is little more than one link to an article."""
    entities = message.parse_entities([MessageEntity.URL, MessageEntity.TEXT_LINK])
    links = {e.url if e.type == MessageEntity.TEXT_LINK else text for e, text in entities.items()}
    if len(links) != 1:
        return None
    text = message.text or message.caption or ""
    for piece in entities.values():
        text = text.replace(piece, " ")
    return next(iter(links)) if len(re.findall(r"\w+", text)) < LINK_ONLY_WORDS else None


async def channel_post(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A post (or an edited post) in a followed channel becomes an article, or adds the page it
    links to; anything else in a channel is ignored."""
    message = update.channel_post or update.edited_channel_post
    if message is None or not _is_followed_channel(message, settings_of(context).channel_refs):
        return
    engine = engine_of(context)
    link = _only_link(message)
    try:
        if link and canonical(link):
            report = await ingest_apart(engine, [canonical(link)])
        else:
            report = await ingest_message(engine, text_article(message))
    except (BadInput, NewsbotError) as exc:
        log.warning("channel post %s not added: %s", message.message_id, exc)
        return
    log.info("channel post %s: %s", message.message_id, report.summary())
