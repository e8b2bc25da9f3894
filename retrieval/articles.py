"""The article: what every input format is turned into before it is stored."""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, fields, replace
from datetime import date, datetime

from .errors import BadInput
from .furniture import without_furniture

_TAG = re.compile(r"<[^>]{0,2000}>")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BLANKS = re.compile(r"\n\s*\n+")
# Characters that carry no text: control characters except newline and tab.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass
class Article:
    """One news article, cleaned: plain-text paragraphs separated by blank lines."""

    title: str
    text: str
    url: str = ""
    published: date | None = None
    author: str = ""
    outlet: str = ""
    key: str = ""  # public id; derived from the url when not given

    def __post_init__(self) -> None:
        self.title = clean_inline(self.title)
        self.text = clean_text(self.text)
        self.author = clean_inline(self.author)
        self.outlet = clean_inline(self.outlet)
        self.url = self.url.strip()
        if not self.title:
            raise BadInput("the article has no title")
        if len(self.text) < 20:
            raise BadInput("the article has no text")
        if not self.key:
            self.key = article_key(self.url or self.content_hash)

    @classmethod
    def stored(cls, **values) -> "Article":
        """An article read back from a store, its fields as they were written (cleaned by the rules
        of the newsbot that wrote them): neither cleaned nor checked again, so that the passages'
        offsets still point into its text, and one that today's rules would empty is still read."""
        article = cls.__new__(cls)
        for f in fields(cls):
            setattr(article, f.name, values.get(f.name, f.default))
        return article

    @property
    def content_hash(self) -> str:
        """Hash of the normalized body: the same text under another URL is a duplicate."""
        norm = re.sub(r"\W+", " ", self.text.casefold()).strip()
        return hashlib.sha1(norm.encode()).hexdigest()



def part_of(article: Article, number: int, text: str) -> Article:
    """Part `number` (from 1) of an article too long to be one: part 1 keeps the article's own
    link and id, so an article that fits is unchanged; later parts are `URL#part-N`, titled
    "Title (part N)", so adding the same source again updates each part in place."""
    if number == 1:
        return replace(article, text=text)
    identity = article.url or article.key
    return replace(
        article,
        title=f"{article.title} (part {number})",
        text=text,
        url=f"{article.url}#part-{number}" if article.url else "",
        key=article_key(f"{identity}#part-{number}"),
    )


def cut_text(text: str, limit: int) -> Iterator[str]:
    """`text` in pieces of at most `limit` characters, cut at a paragraph break where one is in
    the second half of the piece, else at a space, else anywhere."""
    start = 0
    while len(text) - start > limit:
        end = start + limit
        cut = text.rfind("\n\n", start + limit // 2, end)
        if cut < 0:
            cut = text.rfind(" ", start + limit // 2, end)
        if cut < 0:
            cut = end
        yield text[start:cut]
        start = cut
    if text[start:].strip():
        yield text[start:]


def within_limit(article: Article, limit: int) -> Iterator[Article]:
    """The size policy every input kind meets before any work on it: an article whose text is
    longer than `limit` characters (NEWSBOT_MAX_ARTICLE_CHARS) is split into parts of at most
    that size, each stored, searched and cited as an article of its own. What one article costs
    to split, embed and index is then bounded, whatever the input."""
    if len(article.text) <= limit:
        yield article
        return
    for number, piece in enumerate(cut_text(article.text, limit), start=1):
        try:
            yield part_of(article, number, piece)
        except BadInput:  # a last scrap of a few characters: nothing to cite
            continue


def article_key(source: str) -> str:
    """A short stable public id for an article, from its URL (or content when it has none)."""
    return hashlib.sha1(source.encode()).hexdigest()[:12]


def clean_inline(value: str | None) -> str:
    """A one-line field: tags stripped, entities decoded, whitespace collapsed."""
    if not value:
        return ""
    value = html.unescape(_TAG.sub(" ", str(value)))
    value = _CONTROL.sub("", unicodedata.normalize("NFC", value))
    return _SPACES.sub(" ", value.replace("\n", " ")).strip()


#: The version of clean_text, raised whenever it changes what an article's text keeps: a store
#: records the version its articles were cleaned by, and `newsbot reindex` cleans older ones
#: again (upkeep.clean_again). Stores that record none count as version 1.
CLEANING_VERSION = "5"


def clean_text(value: str | None) -> str:
    """Article body as plain paragraphs: HTML tags and entities never reach the index, nor the
    page's furniture (time stamps, links to other stories, photo credits, promotions, datelines,
    sign-offs: furniture.py)."""
    if not value:
        return ""
    value = unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    value = html.unescape(_TAG.sub(" ", value))
    value = _CONTROL.sub("", value)
    # A single newline separates paragraphs in most bulk feeds; a blank line in Markdown.
    parts = re.split(r"\n", value)
    paragraphs = [p for p in (_SPACES.sub(" ", p).strip() for p in parts) if p]
    return "\n\n".join(without_furniture(paragraphs))


def parse_date(value: object) -> date | None:
    """Dates as feeds write them: ISO dates or datetimes, 'April 24, 2012', or nothing."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%Y/%m/%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", text)
    if match:
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return None
    raise BadInput(f"unreadable date {text[:40]!r}")
