"""A link to the sentence itself: the source's URL with a text fragment (`#:~:text=start,end`),
so that a reader who taps a citation lands on its answering sentence, highlighted, on the
outlet's page, instead of at the top of a long article.

Browsers that support text fragments (Chrome, Edge, Safari, Firefox) scroll to the first match
and mark it; the others ignore the directive and open the page as usual, so the link is never
worse than the plain one. The directive names the sentence's first and last few words rather
than all of it: matching is then robust to what the stored text lost or changed inside the
sentence (an inline link, a stripped footnote mark), and the link stays short. The words are
matched whole, case and whitespace aside.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote, urlsplit

#: Words of a sentence named at its start and at its end; a sentence of at most their sum is
#: named whole. More at the start: the first match of the start is the one marked, and a
#: sentence's first words ("The 2026 Winter Olympic") recur in its article more than its last.
START_WORDS = 6
END_WORDS = 4
#: Punctuation trimmed from the ends of what is named: quotation marks and brackets may be
#: typeset otherwise on the page, and a sentence's final stop is not part of its words.
_EDGE = "\"'“”‘’«»()[]{}.,;:!?…—–-*"
#: Hosts whose links open in an app that does not read text fragments (a channel post).
NO_FRAGMENT_HOSTS = {"t.me", "telegram.me", "telegram.dog"}


def _encoded(words: list[str]) -> str:
    """Words percent-encoded for the directive, where "-", "," and "&" are syntax."""
    return quote(" ".join(words), safe="").replace("-", "%2D")


def link_to_text(url: str, sentence: str) -> str:
    """`url` pointing at `sentence` on its page; `url` unchanged when it is not a web page's
    (a file, a channel post) or there is nothing to point at."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or (parts.hostname or "") in NO_FRAGMENT_HOSTS:
        return url
    cut = sentence.rstrip().endswith("…")
    words = sentence.replace("…", " ").split()
    if cut and len(words) > 1:
        words.pop()  # the sentence was shortened there: its last word may be a piece of one
    while words and not words[0].strip(_EDGE):
        words.pop(0)
    while words and not words[-1].strip(_EDGE):
        words.pop()
    if not words:
        return url
    words[0] = words[0].lstrip(_EDGE)
    words[-1] = words[-1].rstrip(_EDGE)
    if len(words) <= START_WORDS + END_WORDS:
        directive = _encoded(words)
    else:
        directive = _encoded(words[:START_WORDS]) + "," + _encoded(words[-END_WORDS:])
    return url + (":~:text=" if "#" in url else "#:~:text=") + directive


def landing(text: str, link: str) -> tuple[int, int] | None:
    """Where a browser's search for `link`'s text directive lands in `text`: the first whole-word
    match of its start, then the first match of its end after it, case and runs of whitespace
    aside (the directive's prefix and suffix forms are not made here, so not read). None when
    the link has no directive or it is not found. The tests and bench/quote_links.py check the
    links with it against the stored article text."""
    if ":~:text=" not in link:
        return None
    parts = [unquote(p) for p in link.split(":~:text=", 1)[1].split(",")]

    def pattern(words: str) -> re.Pattern[str]:
        return re.compile(r"(?<!\w)" + r"\s+".join(re.escape(w) for w in words.split()) + r"(?!\w)", re.I)

    start = pattern(parts[0]).search(text)
    if start is None:
        return None
    if len(parts) == 1:
        return start.start(), start.end()
    end = pattern(parts[-1]).search(text, start.end())
    return (start.start(), end.end()) if end else None
