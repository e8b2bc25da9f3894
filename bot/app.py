"""Wiring: the Application, its handlers (in one commented list; order matters), command menus,
and how it runs (long polling or webhook)."""

from __future__ import annotations

import asyncio
import logging

from telegram import BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats, BotCommandScopeChat, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    InlineQueryHandler,
    CommandHandler,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)

from retrieval.engine import Engine

from . import admin, feeds, follows, handlers, inline
from .conversation import Conversations
from .delivery import RetryingRateLimiter, SendGate, TelegramRequest, claim_update
from .handlers import FloodGuard
from .outbox import Outbox
from .settings import BotSettings

log = logging.getLogger(__name__)

READER_COMMANDS = [
    BotCommand("start", "Greeting and example questions"),
    BotCommand("help", "How to ask"),
    BotCommand("who", "What a person said"),
    BotCommand("follow", "Be told of a person's new statements or a story's new coverage"),
    BotCommand("following", "What this chat follows"),
    BotCommand("unfollow", "Stop following"),
    BotCommand("digest", "Today's alerts past the daily limit"),
    BotCommand("alerts", "Alerts as they come, or one digest a day"),
    BotCommand("about", "What I know"),
    BotCommand("new", "Forget this conversation"),
]
GROUP_COMMANDS = [BotCommand("ask", "Ask a question about the news"), *READER_COMMANDS[1:]]
ADMIN_COMMANDS = [
    *READER_COMMANDS,
    BotCommand("add", "Add an article (link, document, or reply)"),
    BotCommand("remove", "Remove an article"),
    BotCommand("sources", "List the articles"),
    BotCommand("reindex", "Rebuild the indexes"),
    BotCommand("gaps", "What readers asked that the news did not answer"),
    BotCommand("follow_source", "Follow a feed, sitemap or section page"),
    BotCommand("sources_followed", "The followed sources and how they sync"),
    BotCommand("unfollow_source", "Stop following a source"),
]


async def post_init(application: Application) -> None:
    """Start the outbox's sender; set the command menus per scope (menus are UI only; admin
    rights are checked in the handlers)."""
    outbox: Outbox = application.bot_data["outbox"]
    application.bot_data["sender"] = asyncio.create_task(outbox.run(application.bot), name="outbox")
    bot = application.bot
    await bot.set_my_commands(READER_COMMANDS, scope=BotCommandScopeAllPrivateChats())
    await bot.set_my_commands(GROUP_COMMANDS, scope=BotCommandScopeAllGroupChats())
    settings: BotSettings = application.bot_data["settings"]
    for admin_id in sorted(settings.admin_user_ids):
        try:
            await bot.set_my_commands(ADMIN_COMMANDS, scope=BotCommandScopeChat(admin_id))
        except Exception as exc:  # an admin who never opened the bot: their chat does not exist yet
            log.warning("could not set the admin menu for %s: %s", admin_id, exc)


async def post_stop(application: Application) -> None:
    """Let the sender finish what it is sending; what is still queued waits in the store."""
    application.bot_data["outbox"].stop()
    sender = application.bot_data.pop("sender", None)
    if sender is not None:
        await sender


def build_application(settings: BotSettings, engine: Engine, rate_limiter: AIORateLimiter | None = None) -> Application:
    """The bot, ready to run. Tests point `TELEGRAM_API_BASE_URL` at their fake server."""
    if settings.telegram_bot_token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    gate = SendGate(settings.messages_per_second)
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token.get_secret_value())
        .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)))
        # PTB's defaults for the two connection pools, with every 4xx read as a refusal; the
        # pool is larger than the sends in flight, so nothing waits for a connection past the gate.
        .request(TelegramRequest(connection_pool_size=256, read_timeout=settings.telegram_read_timeout_s, gate=gate))
        .get_updates_request(TelegramRequest(read_timeout=settings.telegram_read_timeout_s))
        .rate_limiter(rate_limiter or RetryingRateLimiter(max_retries=3))
        .concurrent_updates(8)  # one slow question must not hold up the others
        .post_init(post_init)
        .post_stop(post_stop)
    )
    if settings.telegram_api_base_url:
        base = settings.telegram_api_base_url
        builder = builder.base_url(base).base_file_url(base.replace("/bot", "/file/bot", 1))
    application = builder.build()
    conversations = Conversations(engine.chats, settings.context_ttl_s)
    outbox = Outbox(engine.chats, settings.answer_deadline_s, settings.messages_per_second, gate)
    outbox.on_sent = lambda entry, message_id: conversations.remember_entry(message_id, entry)
    outbox.on_refused = lambda chat_id: follows.drop_follows(engine, chat_id)
    application.bot_data.update(
        engine=engine,
        settings=settings,
        conversations=conversations,
        outbox=outbox,
        flood=FloodGuard(settings.flood_max, settings.flood_window_s),
    )
    # Before every other handler: each update is handled once, even if delivered twice.
    application.add_handler(TypeHandler(Update, claim_update), group=-1)
    text = filters.TEXT & ~filters.COMMAND
    add_caption = filters.Document.ALL & filters.CaptionRegex(r"^/add(@\w+)?(\s|$)")
    application.add_handlers([
        # Commands first: they are what privacy mode lets through in groups.
        CommandHandler("start", handlers.start),
        CommandHandler("help", handlers.help_command),
        CommandHandler("about", handlers.about),
        CommandHandler("new", handlers.new),
        CommandHandler("ask", handlers.ask_command),
        CommandHandler("who", handlers.who),
        CommandHandler("follow", follows.follow),
        CommandHandler("following", follows.following),
        CommandHandler("unfollow", follows.unfollow),
        CommandHandler("digest", follows.digest),
        CommandHandler("alerts", follows.alerts_mode),
        CommandHandler("add", admin.add),
        CommandHandler("remove", admin.remove),
        CommandHandler("sources", admin.sources),
        CommandHandler("reindex", admin.reindex),
        CommandHandler("gaps", admin.gaps),
        CommandHandler("follow_source", feeds.follow_source),
        CommandHandler("sources_followed", feeds.sources_followed),
        CommandHandler("unfollow_source", feeds.unfollow_source),
        MessageHandler(add_caption, admin.upload_with_caption),
        # The newsroom's channel: its posts and their edits become articles.
        MessageHandler(filters.UpdateType.CHANNEL_POSTS, feeds.channel_post),
        # Readers: any text in private; in groups only mentions and replies to the bot.
        MessageHandler(filters.ChatType.PRIVATE & text, handlers.private_text),
        MessageHandler(filters.ChatType.GROUPS & text, handlers.group_text),
        CallbackQueryHandler(follows.stop_button, pattern=r"^unf:"),
        CallbackQueryHandler(handlers.button),
        # `@bot question` from any chat.
        InlineQueryHandler(inline.inline_query),
    ])
    application.add_error_handler(handlers.error_handler)
    feeds.start_following(application, engine)
    application.job_queue.run_repeating(follows.scan, interval=follows.SCAN_EVERY_S, first=follows.SCAN_EVERY_S, name="alerts")
    return application


def run(settings: BotSettings, webhook_url: str | None = None, listen: str = "127.0.0.1:8443",
        secret_token: str | None = None) -> None:
    """Run until interrupted: long polling, or a webhook when `webhook_url` is given."""
    from urllib.parse import urlsplit

    with Engine(settings) as engine:
        engine.warm_up()  # the model and the gazetteer, before the first question
        engine.refresh_attributions_in_background()  # after an upgrade of the who-said-what rules
        application = build_application(settings, engine)
        if webhook_url:
            host, _, port = listen.rpartition(":")
            application.run_webhook(
                listen=host or "0.0.0.0",
                port=int(port),
                url_path=urlsplit(webhook_url).path.lstrip("/"),
                webhook_url=webhook_url,
                secret_token=secret_token,
                allowed_updates=Update.ALL_TYPES,
            )
        else:
            application.run_polling(allowed_updates=Update.ALL_TYPES)
