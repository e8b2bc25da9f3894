"""When a question asks about, and whether the citations are from then.

"Which film topped the box office this week?" answered from a story two years old is another
week's answer. Search already prefers coverage near the asking date; when the question names
days near it ("this week", "yesterday", "on Monday") and none of the first citations was
published within WINDOW_DAYS of it, the answer says so before them, with the newest one's date,
so the reader can tell an older story from the news asked about. The citations stay: on the
training packs such answers still show the answer for a quarter of these questions, too many
to decline (bench/README.md, "Answers older than the days asked about").

A question may instead name a period before the asking date: "What did the Fed decide in March
2024?" asked in December 2026 is about March 2024, and coverage near the asking date is then
the wrong preference. `named_period` reads such a period ("in March 2024", "on 5 May 2024",
"last month", "in January"); search then prefers coverage from within it
(searcher.py) when the corpus holds any, and the caveat names it when none of the first
citations is from then. A period the corpus holds nothing from is history ("the first Winter
Olympics in 1924"), told by today's coverage: the asking date stays the preference.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

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

#: The months' names, "January" to "December" (question.py reads them in speaker questions too).
MONTH_NAMES = tuple(calendar.month_name[1:])
_MONTHS = {name.lower(): n for n, name in enumerate(MONTH_NAMES, 1)}
_MONTHS |= {name.lower(): n for n, name in enumerate(calendar.month_abbr) if name} | {"sept": 9}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_YEAR = r"(?P<year>(?:19|20)\d\d)(?![\d-])"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
#: Named periods, most precise first: a day or a month. Not a year: what a year is asked for
#: ("how many babies were born last year?", "sales in 2023") is mostly reported after it ends,
#: and on the training packs preferring coverage from within it lost answers.
_PERIODS = [
    ("day", re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}", re.I)),
    ("day", re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}", re.I)),
    ("month", re.compile(rf"\b{_MONTH},?\s+(?:of\s+)?{_YEAR}", re.I)),
    ("last month", re.compile(r"\blast month\b", re.I)),
    # A month alone, after "in": capitalized, so that "in may" (a verb) is not read as May.
    ("month alone", re.compile(r"\b(?:in|during)\s+(?P<month>" + "|".join(MONTH_NAMES) + r")\b")),
]


@dataclass(frozen=True)
class Period:
    """Days a question asks about, first and last included, and how the reader would say them."""

    start: date
    end: date
    name: str

    def distance(self, day: date) -> int:
        """Days from `day` to the period: 0 within it."""
        return max((self.start - day).days, (day - self.end).days, 0)


def spoken(day: date) -> str:
    """A date as the answer says it: "24 April 2012"."""
    return f"{day.day} {day:%B %Y}"


def _month(year: int, month: int) -> Period:
    last = calendar.monthrange(year, month)[1]
    return Period(date(year, month, 1), date(year, month, last), f"{calendar.month_name[month]} {year}")


def named_period(question: str, asked_on: date | None) -> Period | None:
    """The period the question names, when it ends before the asking date (or there is none):
    a period that holds the asking date ("in December" asked on 7 December) asks for what
    search already prefers.
    A period relative to the asking date ("last month", "in January") needs one. A question that
    also asks about recent days ("the headliner for the show in February was announced this
    week") asks about them."""
    if asks_about_recent_days(question):
        return None
    for kind, pattern in _PERIODS:
        m = pattern.search(question)
        if m is None:
            continue
        try:
            period = _period(kind, m, asked_on)
        except ValueError:  # "February 30, 2024"
            continue
        if period is None:
            return None
        return period if asked_on is None or period.end < asked_on else None
    return None


def _period(kind: str, m: re.Match, asked_on: date | None) -> Period | None:
    if kind == "day":
        day = date(int(m["year"]), _MONTHS[m["month"].lower()], int(m["day"]))
        return Period(day, day, spoken(day))
    if kind == "month":
        return _month(int(m["year"]), _MONTHS[m["month"].lower()])
    if asked_on is None:
        return None
    if kind == "last month":
        before = asked_on.replace(day=1) - timedelta(days=1)
        return _month(before.year, before.month)
    month = _MONTHS[m["month"].lower()]  # a month alone: the latest one by the asking date
    return _month(asked_on.year if month <= asked_on.month else asked_on.year - 1, month)


def asks_about_recent_days(question: str) -> bool:
    return RECENT_DAYS.search(question) is not None


def caveat(question: str, published: list[str | None], asked_on: date | None, period: Period | None = None) -> str:
    """What to tell the reader before citations published on `published` (ISO dates, best
    first): "" unless an asking date is known, every one of the first citations is dated, and
    either the question names an earlier `period` none of them is from (or within WINDOW_DAYS
    after, when it was reported), or it asks about recent days and every one is older than
    WINDOW_DAYS before the asking date. An undated article may be from then: it is not called
    otherwise."""
    first = published[:FIRST]
    if asked_on is None or not first or not all(first):
        return ""
    dates = [date.fromisoformat(p) for p in first]
    if period is not None:
        if any(period.start <= d <= period.end + timedelta(days=WINDOW_DAYS) for d in dates):
            return ""
        closest = min(dates, key=lambda d: (period.distance(d), d))
        return f"None of these is from {period.name}: the closest is from {spoken(closest)}."
    if not asks_about_recent_days(question):
        return ""
    if any((asked_on - d).days <= WINDOW_DAYS for d in dates):
        return ""
    newest = max(dates)
    return f"None of these is from the days you ask about: the newest is from {spoken(newest)}."
