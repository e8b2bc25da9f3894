"""Readers who come back, in Telegram: /follow a person or a story, /following (with buttons to
stop), /unfollow, /alerts (as they come, or one digest a day), /digest; and the alerts, queued in the outbox (so Telegram's limits, retry_after, a
restart and several replicas are handled as for answers) by a job that reads each batch of new
articles (retrieval/follows.py). In a group a follow belongs to the group: its admins add and
remove follows, every member may list them. A chat that blocked the bot loses its follows."""

from __future__ import annotations

import asyncio
import logging
import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatMemberStatus
from telegram.ext import ContextTypes

from retrieval.errors import NewsbotError
from retrieval.follows import Alert, Follows

from .handlers import engine_of
from .render import esc, fit, headline, render_quote

log = logging.getLogger(__name__)

#: How often new articles are read for alerts.
SCAN_EVERY_S = 10.0
_NAME = re.compile(r"^(?:[A-Z\u00c0-\u024f\u0400-\u042f][\w'’.-]*\s?){1,4}$")


def kind_of(words: str) -> tuple[str, str]:
    """("person", name) for a name ("Lukyanova", "Olga Brennan"), ("story", words) otherwise;
    "story ..." says so explicitly."""
    words = " ".join(words.split())
    if words.lower().startswith("story "):
        return "story", words[6:].strip()
    return ("person", words) if _NAME.match(words) else ("story", words)


async def _may_change(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """In private chats the reader; in a group its admins (anyone may list)."""
    chat, user = update.effective_chat, update.effective_user
    if chat.type == "private":
        return True
    if user is None or (update.effective_message and update.effective_message.sender_chat):
        return False
    member = await context.bot.get_chat_member(chat.id, user.id)
    return member.status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)


async def follow(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/follow NAME (their new statements) or /follow WORDS (new coverage of a story)."""
    message = update.effective_message
    if not context.args:
        await message.reply_text("Usage: /follow NAME (new statements by that person) or /follow WORDS (new coverage of "
                                 "a story), e.g. /follow Lukyanova, /follow story harbour bridge repairs")
        return
    if not await _may_change(update, context):
        await message.reply_text("In a group, only its admins can change what it follows; /following lists it.")
        return
    kind, target = kind_of(" ".join(context.args))
    try:
        done, new = await asyncio.to_thread(Follows(engine_of(context).store).add, message.chat_id, kind, target)
    except NewsbotError as exc:
        await message.reply_text(esc(str(exc)))
        return
    what = "new statements by" if kind == "person" else "new coverage of"
    verb = "Following" if new else "Already following"
    await message.reply_text(f"{verb} {what} <b>{esc(done.target)}</b>. /following lists what this chat follows.")


def _following_markup(follows) -> InlineKeyboardMarkup | None:
    rows = [[InlineKeyboardButton(f"Stop: {f.target[:40]}", callback_data=f"unf:{f.id}")] for f in follows[:20]]
    return InlineKeyboardMarkup(rows) if rows else None


async def following(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/following: what this chat follows, with a button to stop each."""
    follows = await asyncio.to_thread(Follows(engine_of(context).store).of_chat, update.effective_message.chat_id)
    if not follows:
        await update.effective_message.reply_text("This chat follows nobody and no story yet: /follow NAME or /follow WORDS.")
        return
    lines = [f"{f.id}. {'👤' if f.kind == 'person' else '📰'} {esc(f.target)}" for f in follows]
    await update.effective_message.reply_text(fit(lines, "<b>Following</b>"), reply_markup=_following_markup(follows))


async def unfollow(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/unfollow NUMBER_OR_NAME."""
    message = update.effective_message
    if not context.args:
        await message.reply_text("Usage: /unfollow NUMBER_OR_NAME (see /following)")
        return
    if not await _may_change(update, context):
        await message.reply_text("In a group, only its admins can change what it follows.")
        return
    try:
        gone = await asyncio.to_thread(Follows(engine_of(context).store).remove, message.chat_id, " ".join(context.args))
    except NewsbotError as exc:
        await message.reply_text(esc(str(exc)))
        return
    await message.reply_text(f"Stopped following <b>{esc(gone.target)}</b>.")


async def stop_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A "Stop: …" button of /following."""
    query = update.callback_query
    message = query.message
    if not isinstance(message, Message) or not await _may_change(update, context):
        await query.answer("Only the group's admins can change what it follows.")
        return
    try:
        gone = await asyncio.to_thread(Follows(engine_of(context).store).remove, message.chat_id, query.data.removeprefix("unf:"))
    except NewsbotError:
        await query.answer("Already stopped.")
        return
    await query.answer(f"Stopped following {gone.target[:150]}.")


async def alerts_mode(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/alerts digest HH:MM (one message a day, UTC) or /alerts now (each as it comes)."""
    message = update.effective_message
    args = context.args or []
    registry = Follows(engine_of(context).store)
    if not args:
        at = await asyncio.to_thread(registry.digest_of, message.chat_id)
        await message.reply_text((f"Alerts come as one digest a day at {at} UTC." if at else "Alerts come as they happen.")
                                 + " Change it with /alerts digest HH:MM or /alerts now.")
        return
    if not await _may_change(update, context):
        await message.reply_text("In a group, only its admins can change how it is alerted.")
        return
    try:
        if args[0] == "digest" and len(args) == 2:
            await asyncio.to_thread(registry.set_digest, message.chat_id, args[1])
            await message.reply_text(f"Alerts will come as one digest a day at {esc(args[1])} UTC.")
        elif args[0] == "now":
            await asyncio.to_thread(registry.set_digest, message.chat_id, None)
            await message.reply_text("Alerts will come as they happen.")
        else:
            await message.reply_text("Usage: /alerts digest HH:MM (UTC) or /alerts now")
    except NewsbotError as exc:
        await message.reply_text(esc(str(exc)))


def render_digest(articles) -> dict:
    lines = [f"• {headline(a.title, a.url, a.published)}" for a in articles]
    return {"text": fit(lines, "<b>🔔 Your daily digest</b>"), "reply_to": None, "thread_id": None, "markup": None,
            "question": "", "remember": None, "alert": True}


async def digest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/digest: the day's new articles for this chat's follows that were past its daily limit."""
    held = await asyncio.to_thread(Follows(engine_of(context).store).held, update.effective_message.chat_id)
    if not held:
        await update.effective_message.reply_text("Nothing held back today: every alert was sent.")
        return
    lines = [f"• {headline(a.title, a.url, a.published)}" for a in held]
    await update.effective_message.reply_text(fit(lines, "<b>Also new today</b>"))


def render_alerts(alerts: list[Alert]) -> dict:
    """The outbox payload of a chat's alerts for one batch of new articles: each article's title
    and link and, for a person, their new statements in the same style as answers."""
    blocks = []
    for alert in alerts:
        a = alert.article
        what = "New from" if alert.follow.kind == "person" else "New on"
        blocks.append(f"🔔 {what} <b>{esc(alert.follow.target)}</b>: {headline(a.title, a.url, a.published)}")
        blocks += [render_quote(q) for q in alert.quotes[:5]]
    return {"text": fit(blocks), "reply_to": None, "thread_id": None, "markup": None, "question": "", "remember": None,
            "alert": True}


async def scan(context: ContextTypes.DEFAULT_TYPE) -> int:
    """The JobQueue's repeating job: catch up with what other processes wrote, then queue the
    alerts for the new articles."""
    engine = engine_of(context)

    def work() -> int:
        engine.catch_up()
        registry = Follows(engine.store)
        return registry.scan(engine, render_alerts) + registry.send_digests(render_digest)

    queued = await asyncio.to_thread(work)
    if queued:
        log.info("queued %d alerts", queued)
    return queued


def drop_follows(engine, chat_id: int) -> None:
    """The outbox's hook for a chat that refused a message for good (blocked the bot, gone)."""
    dropped = Follows(engine.store).drop_chat(chat_id)
    if dropped:
        log.info("chat %s refused the bot: its %d follows were dropped", chat_id, dropped)
