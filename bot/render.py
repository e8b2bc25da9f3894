"""Answers as Telegram HTML: pure functions, tested without Telegram.

Everything taken from articles or users is escaped; every message fits Telegram's 4096-character
limit, counted as Telegram counts it, in UTF-16 code units of the text after entity parsing.
"""

from __future__ import annotations

import html
import re
from datetime import date

from retrieval import people, timeline
from retrieval.answers import Answer, Citation, Described, Suggestion
from retrieval.text_fragment import link_to_text

MAX_UNITS = 4096
MAX_TITLE = 200


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def visible_text(markup: str) -> str:
    """What Telegram counts: the text with tags removed and entities decoded."""
    return html.unescape(re.sub(r"<[^>]*>", "", markup))


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def format_date(value: str | None) -> str:
    if not value:
        return ""
    try:
        return date.fromisoformat(value).strftime("%-d %b %Y")
    except ValueError:
        return value


def link_html(title: str, url: str) -> str:
    title = esc(shorten(title, MAX_TITLE))
    if url.startswith(("http://", "https://")):
        return f'<a href="{esc(url)}">{title}</a>'
    return f"<b>{title}</b>"


def headline(title: str, url: str, published: object | None) -> str:
    """An article as one line: its title linked to the source, and its date (a `date` or an ISO
    string) when known. No-answer suggestions, digests and inline headlines all read so."""
    when = format_date(published.isoformat() if hasattr(published, "isoformat") else published) if published else ""
    return link_html(title, url) + (f" ({esc(when)})" if when else "")


def render_citation(c: Citation, excerpt_limit: int | None = None, dated: bool = False) -> str:
    """Title as a link to the answering sentence on the source's page (text_fragment.py),
    outlet and date, and the excerpt in a blockquote with that sentence in bold. `dated`: an
    entry of a story's articles by date, led by its date instead of its rank."""
    excerpt = c.excerpt
    start, end = c.highlights[0] if c.highlights else (0, 0)
    url = link_to_text(c.url, excerpt[start:end])
    if excerpt_limit is not None and len(excerpt) > excerpt_limit:
        excerpt = shorten(excerpt, excerpt_limit)
        start, end = min(start, len(excerpt)), min(end, len(excerpt))
    when = format_date(c.published)
    meta = " · ".join(x for x in (esc(shorten(c.outlet, 80)), "" if dated else when) if x)
    quote = esc(excerpt[:start]) + "<b>" + esc(excerpt[start:end]) + "</b>" + esc(excerpt[end:])
    quote = quote.replace("<b></b>", "")
    lead = f"<b>{esc(when or 'Undated')}</b> · " if dated else f"{c.rank}. "
    head = lead + link_html(c.title, url) + (f"\n<i>{meta}</i>" if meta else "")
    return f"{head}\n<blockquote>{quote}</blockquote>"


def fit(blocks: list[str], header: str = "", limit: int = MAX_UNITS, sep: str = "\n\n") -> str:
    """Join blocks under `header`, dropping trailing blocks that would overflow the limit."""
    out = header
    for block in blocks:
        candidate = (out + sep + block) if out else block
        if utf16_len(visible_text(candidate)) > limit:
            break
        out = candidate
    return out


def render_quote(q) -> str:
    """One statement: the quote (in quotation marks when direct), its cue, and its source."""
    text = esc(shorten(q.quote, 600))
    if q.kind == "direct":
        text = f"“{text}”"
    when = f", {format_date(q.published)}" if q.published else ""
    return f"<blockquote>{text}</blockquote>\n<i>{esc(q.cue)}</i> · {link_html(q.title, link_to_text(q.url, q.quote))}{esc(when)}"


def render_quotes(quotes: list, header: str | None = None) -> list[str]:
    if not quotes:
        return []
    speaker = quotes[0].speaker
    return [header or f"<b>What {esc(speaker)} said</b>", *[render_quote(q) for q in quotes]]


def render_answer(answer: Answer) -> str:
    """The whole reply: the person's statements when asked what someone said, then the
    citations; or a plain no-answer with the closest headlines."""
    if answer.notice:
        return esc(answer.notice)
    if answer.quotes:
        sources = [render_citation(c) for c in answer.citations]
        return fit(render_quotes(answer.quotes) + (["<b>Sources</b>", *sources] if sources else []))
    if answer.no_answer:
        return render_no_answer(answer.suggestions)
    if answer.by_date:
        return render_citations(answer.citations, f"<b>{esc(timeline.HEADINGS[answer.by_date])}</b>", dated=True)
    if answer.introduced:
        return render_citations(answer.citations, render_introduced(*answer.introduced))
    return render_citations(answer.citations, f"<i>{esc(answer.caveat)}</i>" if answer.caveat else "")


def render_introduced(described: Described, them: str = "them") -> str:
    """Who or what was asked about: "<b>Scott Bessent</b>: Treasury Secretary (source 1)." over
    the citations that introduce them (`them`: "it" for a thing)."""
    name = f"<b>{esc(shorten(described.name, 100))}</b>"
    if not described.description:
        return esc(people.INTRODUCED).format(name) + ":"
    return f"{name}: {esc(shorten(described.description, 200))} (source {described.rank}).\n<i>{esc(people.INTRODUCED.format(them))}:</i>"


def headed(question: str, text: str) -> str:
    """An answer under the question it answers, for one asked by a button (the chat shows no
    question then); the answer alone when both would not fit in one message."""
    head = f"<i>{esc(shorten(question, 300))}</i>\n\n"
    return head + text if utf16_len(visible_text(head + text)) <= MAX_UNITS else text


def render_citations(citations: list[Citation], header: str = "", dated: bool = False) -> str:
    """The citations under `header` (the caveat in italics when they are older than the days
    asked about, or a story's heading); `dated`: a story's articles by date, each led by its date."""
    blocks = [render_citation(c, dated=dated) for c in citations]
    text = fit(blocks, header)
    if text == header and citations:  # one citation alone too long (a hostile title): shorten it
        text = fit([render_citation(citations[0], excerpt_limit=200, dated=dated)], header)
    return text if text != header else "No sources to show."


def render_no_answer(suggestions: list[Suggestion]) -> str:
    header = "I found nothing in the covered news that answers this."
    if not suggestions:
        return header
    lines = [
        f"• {headline(s.title, s.url, s.published)}"
        for s in suggestions
    ]
    return fit(lines, header + "\nThe closest headlines:")
