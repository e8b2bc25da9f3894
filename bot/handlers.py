"""Readers' handlers: questions in private chats and groups, follow-ups, buttons, and the
/start, /help, /about and /new commands."""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections import defaultdict, deque

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, MessageEntity, Update
from telegram.constants import ChatAction, ChatType
from telegram.error import TimedOut
from telegram.ext import ContextTypes

from retrieval.answers import Answer
from retrieval.engine import Engine, FollowUp
from retrieval.text import plural

from .conversation import Conversations, chat_key
from .delivery import PACED
from .outbox import Outbox
from .render import esc, fit, render_answer, render_citations, render_quotes, shorten
from .settings import BotSettings

log = logging.getLogger(__name__)

PAGE = 3


# --- typed access to what build_application put in bot_data ----------------------------------
def engine_of(context: ContextTypes.DEFAULT_TYPE) -> Engine:
    return context.bot_data["engine"]


def settings_of(context: ContextTypes.DEFAULT_TYPE) -> BotSettings:
    return context.bot_data["settings"]


def conversations_of(context: ContextTypes.DEFAULT_TYPE) -> Conversations:
    return context.bot_data["conversations"]


def outbox_of(context: ContextTypes.DEFAULT_TYPE) -> Outbox:
    return context.bot_data["outbox"]


def thread_of(message: Message) -> int | None:
    """The forum topic a message belongs to (None outside forum topics)."""
    return message.message_thread_id if message.is_topic_message else None


def key_of(message: Message) -> str:
    return chat_key(message.chat_id, thread_of(message))


class FloodGuard:
    """At most `limit` questions per user per `window` seconds; one polite notice per window."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit, self.window = limit, window
        self.asked: dict[int, deque[float]] = defaultdict(deque)
        self.warned: dict[int, float] = {}

    def check(self, user_id: int) -> str:
        """'ok', 'warn' (tell the user once) or 'drop' (already told)."""
        now = time.monotonic()
        times = self.asked[user_id]
        while times and now - times[0] > self.window:
            times.popleft()
        if len(times) < self.limit:
            times.append(now)
            return "ok"
        if now - self.warned.get(user_id, -1e9) > self.window:
            self.warned[user_id] = now
            return "warn"
        return "drop"


def answer_keyboard(answer: Answer) -> InlineKeyboardMarkup | None:
    if answer.no_answer:
        return None
    rows = []
    if answer.more:
        rows.append([InlineKeyboardButton("More sources", callback_data="more")])
    rows.append([
        InlineKeyboardButton("👍 Helpful", callback_data="fb:1"),
        InlineKeyboardButton("👎 Not helpful", callback_data="fb:0"),
    ])
    # Questions to ask next that the news answers (retrieval/suggest.py): the remembered answer
    # keeps their text, the button only its place (callback data is 64 bytes at most).
    rows += [[InlineKeyboardButton(f"❓ {shorten(q, 60)}", callback_data=f"ask:{i}")] for i, q in enumerate(answer.next_questions)]
    # Passes the answer on: opens the reader's choice of chat with `@bot question` typed in.
    rows.append([InlineKeyboardButton("Share", switch_inline_query=answer.question[:256])])
    return InlineKeyboardMarkup(rows)


async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE, question: str,
                 follow_up: FollowUp | None, by_button: bool = False) -> None:
    """Answer `question` in the chat (and topic) it came from, and remember the answer; one asked
    by a button is sent under the question, which the chat does not show."""
    message = update.effective_message
    user = update.effective_user
    verdict = context.bot_data["flood"].check(user.id if user else message.chat_id)
    if verdict != "ok":
        if verdict == "warn":
            await message.reply_text(esc(settings_of(context).flood_message))
        return
    outbox = outbox_of(context)
    if outbox.has_room():  # "typing…" is a courtesy: never when messages are being held back
        outbox.courtesy(context.bot.send_chat_action(
            message.chat_id, ChatAction.TYPING, message_thread_id=thread_of(message), rate_limit_args=PACED,
        ))
    asked_on = message.date.date() if message.date else None
    result = await asyncio.to_thread(
        functools.partial(engine_of(context).ask, question, asked_on=asked_on, follow_up=follow_up)
    )
    remember = None
    if not result.no_answer:
        remember = conversations_of(context).entry(key_of(message), result.question, follow_up, result.citations, result.more,
                                                   result.next_questions)
    elif not result.notice:  # the news did not answer it: for the newsroom's /gaps (retrieval/gaps.py)
        await asyncio.to_thread(engine_of(context).chats.add_unanswered, question)
    group = message.chat.type != ChatType.PRIVATE
    await outbox.put(  # the sender delivers it within Telegram's limits; this slot is free
        message.chat_id, group, render_answer(result), reply_to=message.message_id if group else None,
        thread_id=thread_of(message), markup=answer_keyboard(result), question=question, remember=remember,
        by_button=by_button,
    )


# --- private chats ---------------------------------------------------------------------------
async def private_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any text in a private chat is a question; soon after an answer it may be a follow-up."""
    message = update.effective_message
    follow_up = conversations_of(context).follow_up_latest(key_of(message))
    await answer(update, context, message.text, follow_up)


# --- groups ----------------------------------------------------------------------------------
def is_reply_to_bot(message: Message, bot_id: int) -> bool:
    """A real reply to one of the bot's messages. In forum topics every message carries
    reply_to_message = the topic's creation message; that is not a reply to the bot."""
    replied = message.reply_to_message
    return bool(
        replied
        and replied.from_user
        and replied.from_user.id == bot_id
        and not replied.forum_topic_created
    )


def strip_mention(message: Message, username: str, bot_id: int) -> str | None:
    """The text without the bot's mention, or None when the bot is not mentioned."""
    text = message.text or ""
    found = False
    for entity, value in sorted(
        message.parse_entities([MessageEntity.MENTION, MessageEntity.TEXT_MENTION]).items(),
        key=lambda item: -item[0].offset,
    ):
        if (entity.type == MessageEntity.MENTION and value.lower() == f"@{username.lower()}") or (
            entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot_id
        ):
            found = True
            text = text.replace(value, " ")
    return " ".join(text.split()) if found else None


async def ask_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/ask QUESTION (also /ask@bot); in reply to the bot's answer it is a follow-up."""
    message = update.effective_message
    question = " ".join(context.args or [])
    if not question:
        await message.reply_text("Usage: /ask your question, e.g. /ask what did Lukyanova say?")
        return
    follow_up = None
    if is_reply_to_bot(message, context.bot.id):
        follow_up = conversations_of(context).follow_up_to(key_of(message), message.reply_to_message.message_id)
    await answer(update, context, question, follow_up)


async def group_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In groups: answer a mention of the bot or a reply to one of its answers; ignore the rest."""
    message = update.effective_message
    bot = context.bot
    replying = is_reply_to_bot(message, bot.id)
    question = strip_mention(message, bot.username, bot.id)
    if question is None and not replying:
        return
    question = question if question is not None else message.text
    if not question:
        await message.reply_text("Ask me a question after the mention, or use /ask your question.")
        return
    follow_up = None
    if replying:
        follow_up = conversations_of(context).follow_up_to(key_of(message), message.reply_to_message.message_id)
    await answer(update, context, question, follow_up)


# --- buttons ---------------------------------------------------------------------------------
async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """"More sources", a question to ask next, and feedback. Always answers the callback; unknown
    or stale data does nothing."""
    query = update.callback_query
    message = query.message
    if not isinstance(message, Message):
        await query.answer()
        return
    key = key_of(message)
    conversations = conversations_of(context)
    if query.data == "more":
        popped = conversations.pop_more(key, message.message_id)
        if not popped or not popped[1]:
            await query.answer("No more sources for this answer.")
            return
        entry, more = popped
        page, rest = more[:PAGE], more[PAGE:]
        await query.answer()
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("More sources", callback_data="more")]]) if rest else None
        sent = await message.reply_text(render_citations(page), reply_markup=markup, do_quote=False)
        if rest:  # the new message's own button takes over the rest
            questions = entry["questions"]
            conversations.remember(key, sent.message_id, questions[-1], FollowUp(questions[:-1]), page, rest)
        return
    if query.data and query.data.startswith("ask:"):
        entry = conversations.answer_entry(key, message.message_id)
        asked = (entry or {}).get("next", [])
        index = int(query.data[4:]) if query.data[4:].isdigit() else len(asked)
        if index >= len(asked):
            await query.answer("This answer is too old: ask again.")
            return
        await query.answer()
        await answer(update, context, asked[index], FollowUp(entry["questions"], entry["article_keys"]), by_button=True)
        return
    if query.data in ("fb:1", "fb:0"):
        entry = conversations.answer_entry(key, message.message_id)
        if entry is None:
            await query.answer("This answer is too old for feedback.")
            return
        engine_of(context).chats.add_feedback(
            key, query.from_user.id if query.from_user else None, entry["questions"][-1],
            entry["article_keys"], query.data == "fb:1",
        )
        await query.answer("Thanks for the feedback!")
        return
    await query.answer()


# --- commands --------------------------------------------------------------------------------
async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greeting with example questions."""
    examples = "\n".join(f"• {esc(q)}" for q in engine_of(context).example_questions())
    private = update.effective_chat.type == ChatType.PRIVATE
    how = "Just send me a question." if private else "Ask with /ask your question, or mention me."
    await update.effective_message.reply_text(
        "Hello! I answer questions about the news this newsroom has covered, with cited "
        f"excerpts and links to the sources. {how}\n\nFor example:\n{examples}"
    )


HELP = (
    "<b>How to ask</b>\n"
    "In a private chat, send any question. In groups, use /ask your question, mention me, or "
    "reply to one of my answers to follow up.\n\n"
    "Each answer cites the articles it comes from: the title links to the sentence that answers "
    "on the source's page, and that sentence is in bold. \"More sources\" shows further citations.\n\n"
    "Ask \"how did the strike unfold?\" to see a story's articles oldest first, or \"what's the latest on the "
    "strike?\" for the newest. \"Who is Lukyanova?\" shows how the news introduces someone, "
    "\"what is FEMA?\" what the news says something is.\n\n"
    "/who NAME: who a person is, what they said, and who is quoted beside them\n"
    "/about: what I know\n/new: forget this conversation\n/help: this message"
)
ADMIN_HELP = (
    "\n\n<b>Admins</b>\n/add URL (or a document with caption /add, or /add in reply to a text or a "
    "forwarded post)\n/remove URL_OR_ID\n/sources [page]\n/reindex\n/gaps [days]: what readers asked that "
    "the news did not answer"
)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """How to use the bot."""
    user = update.effective_user
    admin = user is not None and user.id in settings_of(context).admin_user_ids
    await update.effective_message.reply_text(HELP + (ADMIN_HELP if admin else ""))


async def about(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """What the bot knows: articles, outlets, date range."""
    engine = engine_of(context)
    stats = engine.stats()
    outlets = engine.outlets()[:5]
    span = (
        f"from {stats['first_published']} to {stats['last_published']}"
        if stats["first_published"] else "undated"
    )
    await update.effective_message.reply_text(
        f"I know <b>{plural(stats['articles'], 'article')}</b> ({plural(stats['passages'], 'passage')}), {span}.\n"
        f"Outlets: {esc(', '.join(outlets)) or 'none named'}."
    )


async def new(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Forget the conversation in this chat (and topic)."""
    conversations_of(context).forget(key_of(update.effective_message))
    await update.effective_message.reply_text("Conversation forgotten. Ask me something new.")


async def who(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/who NAME: what the news says the person is (people.py), their latest statements, how
    many articles mention them, and the people most often quoted beside them."""
    message = update.effective_message
    name = " ".join(context.args or [])
    if not name:
        await message.reply_text("Usage: /who NAME, e.g. /who Lukyanova")
        return
    engine = engine_of(context)
    profile = await asyncio.to_thread(engine.profile, name)
    if not profile.articles:
        await message.reply_text(f"{esc(name)} is not mentioned in the covered news.")
        return
    person = (await asyncio.to_thread(engine.ask, f"who is {name}?", asked_on=message.date.date())).person
    described = f" ({esc(shorten(person.description, 200))})" if person and person.description else ""
    header = (
        f"<b>{esc(profile.name)}</b>{described}: mentioned in {profile.articles} "
        f"article{'s' if profile.articles != 1 else ''}."
    )
    if profile.beside:
        header += f"\nOften quoted beside: {esc(', '.join(profile.beside))}."
    blocks = render_quotes(profile.quotes, "<b>Latest statements</b>") or ["No statements attributed to them."]
    await message.reply_text(fit(blocks, header))


async def error_handler(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log first, then tell the user something short and true; internals never reach a chat.
    A reply that timed out may well have been delivered: nothing more is sent after it."""
    if isinstance(context.error, TimedOut):
        log.warning("Telegram did not confirm a reply in time; it may have arrived, so it is not repeated")
        return
    log.error("Error while handling an update", exc_info=context.error)
    if isinstance(update, Update) and update.effective_message:
        try:
            await update.effective_message.reply_text(
                "Sorry, something went wrong on my side while answering. Please try again."
            )
        except Exception:  # the failure may be the connection itself
            log.warning("could not tell the user about the error")
