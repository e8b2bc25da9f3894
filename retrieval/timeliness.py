"""Whether the citations are as recent as the question asks.

"Which film topped the box office this week?" answered from a story two years old is another
week's answer. Search already prefers coverage near the asking date; when the question names
days near it ("this week", "yesterday", "on Monday") and none of the first citations was
published within WINDOW_DAYS of it, the answer says so before them, with the newest one's date,
so the reader can tell an older story from the news asked about. The citations stay: on the
training packs such answers still show the answer for a quarter of these questions, too many
to decline (bench/README.md, "Answers older than the days asked about").
"""

from __future__ import annotations

import re
from datetime import date

#: Words that ask about the days just before the asking date.
RECENT_DAYS = re.compile(
    r"\b(?:(?<!usa )today|tonight|yesterday|this (?:week|weekend)|last (?:week|weekend|night)"
    r"|on (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b",
    re.IGNORECASE,
)
#: How far back those days reach: "last week" asked on a Sunday means up to 13 days before.
WINDOW_DAYS = 14
#: The citations read: the first page.
FIRST = 3


def asks_about_recent_days(question: str) -> bool:
    return RECENT_DAYS.search(question) is not None


def caveat(question: str, published: list[str | None], asked_on: date | None) -> str:
    """What to tell the reader before citations published on `published` (ISO dates, best
    first): "" unless the question asks about recent days, an asking date is known, and every
    one of the first citations is dated and older than WINDOW_DAYS before it. An undated
    article may be recent: it is not called old."""
    first = published[:FIRST]
    if asked_on is None or not first or not all(first) or not asks_about_recent_days(question):
        return ""
    dates = [date.fromisoformat(p) for p in first]
    if any((asked_on - d).days <= WINDOW_DAYS for d in dates):
        return ""
    newest = max(dates)
    return f"None of these is from the days you ask about: the newest is from {newest.day} {newest:%B %Y}."
