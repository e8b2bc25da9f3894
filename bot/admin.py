"""Admins' handlers: /add (a link, an uploaded document, or a text or forwarded post replied to),
/remove, /sources, /reindex and /gaps. Only the user ids in ADMIN_USER_IDS may use them.

Links, files and messages are ingested in a separate process (`newsbot add --json`): parsing, splitting,
finding attributions and embedding hundreds of articles would otherwise hold the GIL the
readers' answers need (bench/load.py measures answers while an ingest runs).
The child runs at a lower CPU priority, and the bot's engine picks the new articles up from the
store's log, as it does for any other writer."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from telegram import Message, MessageOriginChannel, Update
from telegram.ext import ContextTypes

from retrieval.articles import Article
from retrieval.errors import BadInput, NewsbotError
from retrieval.gaps import DEFAULT_DAYS, MAX_DAYS, Gap, Gaps, gaps as find_gaps
from retrieval.ingest import Outcome, Report
from retrieval.sources import SUFFIXES, is_url
from retrieval.text import plural

from .handlers import engine_of, settings_of
from .render import esc, fit, format_date, shorten

SOURCES_PAGE = 10
#: The ingest process runs at this niceness, so that it uses what CPU answering leaves.
INGEST_NICENESS = 15
log = logging.getLogger(__name__)


async def newsbot_apart(engine, *args: str) -> str:
    """The last line `newsbot ARGS` prints, run in a child process on the same store and
    settings at a lower CPU priority; then the engine catches up with what it wrote."""
    env = {**os.environ, **engine.settings.environment()}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "newsbot", *args,
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    try:  # below the bot's priority: answering readers comes first
        os.setpriority(os.PRIO_PROCESS, process.pid, INGEST_NICENESS)
    except (AttributeError, OSError):  # not on this platform, or the child is already gone
        pass
    out, err = await process.communicate()
    await asyncio.to_thread(engine.catch_up)
    lines = out.decode().strip().splitlines()
    if not lines:
        log.error("newsbot %s failed (%s): %s", args[0], process.returncode, err.decode()[-2000:])
        raise NewsbotError(f"{args[0]} failed; nothing was reported back (see the bot's log)")
    return lines[-1]


async def ingest_apart(engine, sources: list[str], labels: dict[str, str] | None = None) -> Report:
    """`newsbot add --json SOURCES` apart (newsbot_apart). `labels` renames sources in the
    report (a temporary file's upload name)."""
    last = await newsbot_apart(engine, "add", "--json", *sources)
    try:
        report = Report.from_json(json.loads(last))
    except (ValueError, KeyError, TypeError):
        log.error("ingest process printed no report: %s", last[-2000:])
        raise NewsbotError("adding failed; nothing was reported back (see the bot's log)") from None
    for outcome in report.outcomes:
        for source, label in (labels or {}).items():
            outcome.source = outcome.source.replace(source, label)
    return report


async def ingest_message(engine, article: Article) -> Report:
    """A message's article, ingested apart like a link or a file: written to a JSONL file the
    child process reads (and then removed)."""
    record = {"title": article.title, "text": article.text, "url": article.url, "outlet": article.outlet,
              "published": article.published.isoformat() if article.published else None}
    with tempfile.TemporaryDirectory(prefix="newsbot-message-") as folder:
        path = Path(folder) / "message.jsonl"
        path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
        return await ingest_apart(engine, [str(path)], labels={str(path): "message"})


def is_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """A configured admin writing as themselves: not an anonymous group admin or a channel."""
    message = update.effective_message
    if message is not None and message.sender_chat is not None:
        return False
    user = update.effective_user
    return user is not None and user.id in settings_of(context).admin_user_ids


async def refuse_unless_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    if is_admin(update, context):
        return False
    await update.effective_message.reply_text("Sorry, only the bot's admins can do that.")
    return True


def render_report(report: Report) -> str:
    """The same summary as the command line, plus what was added and why anything failed."""
    lines = [esc(report.summary())]
    for o in report.outcomes[:20]:
        if o.status in ("added", "updated"):
            when = f", {o.published}" if o.published else ""
            lines.append(f"✓ {o.status}: <b>{esc(o.title)}</b>{esc(when)}, {plural(o.passages, 'passage')}")
        else:
            lines.append(f"✗ {o.status}: {esc(o.source)}: {esc(o.reason)}")
    if report.total > 20:
        lines.append(f"… and {report.total - 20:,} more")
    return fit(lines)


def post_link(message: Message) -> str:
    """A channel post's t.me link: by the channel's username, or (a private channel) by its id."""
    if message.chat.username:
        return f"https://t.me/{message.chat.username}/{message.message_id}"
    return f"https://t.me/c/{str(message.chat.id).removeprefix('-100')}/{message.message_id}"


def text_article(message: Message) -> Article:
    """An article from a text message or a forwarded channel post (which keeps its t.me link)."""
    text = message.text or message.caption or ""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    if not lines:
        raise BadInput("that message has no text to add")
    url, outlet = "", ""
    origin = message.forward_origin
    if isinstance(origin, MessageOriginChannel):
        outlet = origin.chat.title or ""
        if origin.chat.username:
            url = f"https://t.me/{origin.chat.username}/{origin.message_id}"
    elif message.chat.type == "channel":
        url = post_link(message)
        outlet = message.chat.title or ""
    body = "\n".join(lines[1:]) if len(lines) > 1 else lines[0]
    published = (origin.date if origin else message.date)
    return Article(title=lines[0][:200], text=body, url=url, outlet=outlet,
                   published=published.date() if published else None)


async def add(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/add URL, /add in reply to a document, text or forwarded post, or a document captioned /add."""
    if await refuse_unless_admin(update, context):
        return
    message = update.effective_message
    engine = engine_of(context)
    args = context.args or []
    target = message.reply_to_message
    if message.document is not None:
        target = message
    if args:
        bad = [a for a in args if not is_url(a)]
        if bad:
            await message.reply_text(f"Not a link: {esc(bad[0])}. Usage: /add https://…")
            return
        await message.reply_text("Fetching…")
        report = await ingest_apart(engine, list(args))
    elif target is not None and target.document is not None:
        report = await add_document(target, context)
        if report is None:
            return
    elif target is not None and (target.text or target.caption):
        try:
            article = text_article(target)
        except BadInput as exc:
            await message.reply_text(render_report(Report([Outcome("message", "failed", reason=str(exc))])))
            return
        report = await ingest_message(engine, article)
    else:
        await message.reply_text(
            "Usage: /add URL, or send a document (.md, .txt, .html, .jsonl, .jsonl.gz) with the "
            "caption /add, or reply /add to a message or forwarded post."
        )
        return
    await message.reply_text(render_report(report))


async def add_document(message: Message, context: ContextTypes.DEFAULT_TYPE) -> Report | None:
    settings = settings_of(context)
    document = message.document
    name = document.file_name or "upload"
    if not name.lower().endswith(SUFFIXES):
        await message.reply_text(f"Unsupported file type. Send one of: {', '.join(SUFFIXES)}")
        return None
    if document.file_size and document.file_size > settings.max_upload_bytes:
        await message.reply_text(
            f"That file is too large ({document.file_size:,} bytes); the limit is {settings.max_upload_bytes:,}."
        )
        return None
    file = await context.bot.get_file(document.file_id)
    suffix = next(s for s in sorted(SUFFIXES, key=len, reverse=True) if name.lower().endswith(s))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{suffix}"
        await file.download_to_drive(path)
        return await ingest_apart(engine_of(context), [str(path)], labels={str(path): name})


async def upload_with_caption(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A document whose caption is /add (CommandHandler only looks at message text)."""
    context.args = []
    await add(update, context)


async def remove(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/remove URL_OR_ID."""
    if await refuse_unless_admin(update, context):
        return
    if not context.args:
        await update.effective_message.reply_text("Usage: /remove URL_OR_ID")
        return
    try:
        article = await asyncio.to_thread(engine_of(context).remove, context.args[0])
    except NewsbotError as exc:
        await update.effective_message.reply_text(esc(str(exc)))
        return
    await update.effective_message.reply_text(f"Removed <b>{esc(article.title)}</b> ({esc(article.key)}).")


async def sources(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/sources [page]: the articles, newest first."""
    if await refuse_unless_admin(update, context):
        return
    try:
        page = max(1, int(context.args[0])) if context.args else 1
    except ValueError:
        page = 1
    engine = engine_of(context)
    rows = engine.list_articles(limit=SOURCES_PAGE, offset=(page - 1) * SOURCES_PAGE)
    total = engine.stats()["articles"]
    if not rows:
        await update.effective_message.reply_text(f"No articles on page {page} ({total} in all).")
        return
    lines = [
        f"<code>{esc(r.key)}</code> {esc(str(r.published or ''))} {esc(r.title)}" for r in rows
    ]
    pages = (total + SOURCES_PAGE - 1) // SOURCES_PAGE
    await update.effective_message.reply_text(fit(lines, f"<b>Articles</b>, page {page} of {pages}:"))


async def reindex(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/reindex: rebuild the indexes from the store (splitting the articles again first when
    the passage size changed)."""
    if await refuse_unless_admin(update, context):
        return
    await update.effective_message.reply_text("Reindexing…")
    stats = await asyncio.to_thread(engine_of(context).reindex)
    await update.effective_message.reply_text(
        f"Reindexed {stats['articles']} articles, {stats['passages']} passages."
    )


def render_gaps(found: Gaps) -> str:
    """Both lists of /gaps, a line a group, each question escaped; lines past Telegram's limit
    are left out."""
    def lines(listed: list[Gap]) -> list[str]:
        out = []
        for g in listed:
            when = format_date(datetime.fromtimestamp(g.last_at, timezone.utc).date().isoformat())
            also = f"\n    <i>also: {esc('; '.join(shorten(w, 120) for w in g.also))}</i>" if g.also else ""
            out.append(f"• {g.count}× {esc(shorten(g.question, 300))} ({esc(when)}){also}")
        return out or ["none"]

    return fit([
        f"<b>Asked in the last {found.days:g} days, nothing cited</b> (most asked first, rephrasings together):",
        *lines(found.unanswered), "", "<b>Answers marked 👎</b>:", *lines(found.unhelpful),
    ], sep="\n")


async def gaps(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/gaps [days]: what readers asked that the covered news did not answer, grouped by
    meaning, and the answers they marked not helpful (retrieval/gaps.py)."""
    if await refuse_unless_admin(update, context):
        return
    try:
        days = float(context.args[0]) if context.args else DEFAULT_DAYS
    except ValueError:
        days = 0
    if not 0 < days <= MAX_DAYS:
        await update.effective_message.reply_text(f"Usage: /gaps [days], at most {MAX_DAYS} (default {DEFAULT_DAYS}).")
        return
    engine = engine_of(context)
    found = await asyncio.to_thread(find_gaps, engine.chats, engine.encoder, days)
    await update.effective_message.reply_text(render_gaps(found))
