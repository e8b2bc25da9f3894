"""Quotation marks in a paragraph: where each quotation opens and closes, and its content."""

from __future__ import annotations

from .rules import QUOTE_TOKEN, SENTENCE_END

def quote_spans(paragraph: str) -> list[tuple[int, int, bool]]:
    """(start, end, closed) of each quotation in a paragraph, marks included. An opening mark
    with no closing one runs to the paragraph's end (news style for multi-paragraph quotes)."""
    spans = []
    open_at: int | None = None
    open_mark = ""
    for match in QUOTE_TOKEN.finditer(paragraph):
        mark = match.group()
        if open_at is None:
            if mark in ("”",):
                continue  # a stray closing mark
            if mark == "''" and not (match.start() == 0 or paragraph[match.start() - 1] in " (\n"):
                continue
            if mark == '"' and match.end() < len(paragraph) and paragraph[match.end()].isspace() and match.start() > 0:
                continue
            open_at, open_mark = match.start(), mark
        else:
            closes = {"“": ("”", '"'), '"': ('"', "”"), "''": ("''", "”", '"'), "``": ("''",)}[open_mark]
            if mark in closes:
                spans.append((open_at, match.end(), True))
                open_at = None
    if open_at is not None:
        spans.append((open_at, len(paragraph), False))
    return spans


def quote_content(paragraph: str, start: int, end: int) -> tuple[int, int]:
    """The quote without its marks and the comma before the closing mark."""
    s, e = start, end
    while s < e and paragraph[s] in "“\"'`‘ ":
        s += 1
    while e > s and paragraph[e - 1] in "”\"'’ ":
        e -= 1
    while e > s and paragraph[e - 1] in ",":
        e -= 1
    return s, e


def last_sentence_end(paragraph: str, at: int) -> int:
    """Offset of the last sentence end before `at` in a paragraph ('… smart.” Trump was …'
    ends at the closing mark), or -1 when the sentence opens the paragraph."""
    last = -1
    for m in SENTENCE_END.finditer(paragraph, 0, at):
        last = m.end() - 1
    return last
