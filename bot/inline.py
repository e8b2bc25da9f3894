"""Asking from any chat: `@bot question` shows the top citations as inline results (the title,
the date and the answering sentence as the description); choosing one posts the cited excerpt,
with its link, in the same HTML as answers. An empty query shows the newest headlines.

Results are cached by Telegram for CACHE_S seconds and shared between users: an inline answer
has no conversation behind it, so it is the same for everyone who types the same words. An inline
query carries no date, so it is asked on today's (UTC), as a chat's question is asked on its
message's: the same preference for recent coverage, nothing dated later cited."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

from telegram import InlineQueryResultArticle, InputTextMessageContent, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from retrieval import people, timeline
from retrieval.answers import Answer, Citation

from .handlers import engine_of
from .render import format_date, headline, render_answer, render_citation

#: Seconds Telegram may answer the same query from its cache.
CACHE_S = 30
#: Headlines offered for an empty query.
HEADLINES = 10


def _citation_result(c: Citation) -> InlineQueryResultArticle:
    start, end = c.highlights[0] if c.highlights else (0, len(c.excerpt))
    sentence = c.excerpt[start:end] or c.excerpt
    meta = " · ".join(x for x in (c.outlet, format_date(c.published)) if x)
    return InlineQueryResultArticle(
        id=f"c{c.passage_id}",
        title=c.title[:200],
        description=(f"{meta}: " if meta else "") + sentence[:300],
        input_message_content=InputTextMessageContent(render_citation(c), parse_mode=ParseMode.HTML),
        url=c.url if c.url.startswith(("http://", "https://")) else None,
    )


def results_for(answer: Answer) -> list[InlineQueryResultArticle]:
    """The answer's citations as results; a question for someone's words first offers the list
    of their statements, and one for a story's articles by date all of them in that order (the
    whole answer, as the bot would send it)."""
    results = []
    if answer.by_date and answer.citations:
        first, last = answer.citations[0], answer.citations[-1]
        span = " – ".join(dict.fromkeys(format_date(c.published) for c in (first, last) if c.published))
        results.append(InlineQueryResultArticle(
            id="story", title=f"{timeline.HEADINGS[answer.by_date]} ({len(answer.citations)} articles)",
            description=(f"{span}: " if span else "") + first.title[:300],
            input_message_content=InputTextMessageContent(render_answer(answer), parse_mode=ParseMode.HTML),
        ))
    if answer.introduced and answer.introduced[0].description and answer.citations:
        described, them = answer.introduced
        results.append(InlineQueryResultArticle(
            id="person" if answer.person else "subject", title=f"{described.name}: {described.description}"[:200],
            description=people.INTRODUCED.format(them) + ": " + answer.citations[0].title[:200],
            input_message_content=InputTextMessageContent(render_answer(answer), parse_mode=ParseMode.HTML),
        ))
    if answer.quotes:
        results.append(InlineQueryResultArticle(
            id="quotes", title=f"What {answer.quotes[0].speaker[:100]} said",
            description=answer.quotes[0].quote[:300],
            input_message_content=InputTextMessageContent(render_answer(answer), parse_mode=ParseMode.HTML),
        ))
    if not answer.no_answer:
        results += [_citation_result(c) for c in answer.citations]
    return results


async def inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.inline_query
    engine = engine_of(context)
    text = query.query.strip()
    if text:
        answer = await asyncio.to_thread(engine.ask, text, asked_on=datetime.now(timezone.utc).date())
        results = results_for(answer)
    else:
        rows = await asyncio.to_thread(engine.list_articles, HEADLINES)
        results = [
            InlineQueryResultArticle(
                id=f"a{r.key}"[:64], title=r.title[:200], description=" · ".join(x for x in (r.outlet, format_date(str(r.published or ""))) if x),
                input_message_content=InputTextMessageContent(
                    headline(r.title, r.url, r.published), parse_mode=ParseMode.HTML),
                url=r.url if r.url.startswith(("http://", "https://")) else None,
            )
            for r in rows
        ]
    await query.answer(results, cache_time=CACHE_S, is_personal=False)
