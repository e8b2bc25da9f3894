"""Sentences and passages, with character offsets into the article text.

Offsets matter: an excerpt is cut at sentence boundaries around the sentence that answers, and
the renderer bolds that sentence by its offsets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Words after which a period does not end a sentence.
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "col", "lt", "sgt", "capt",
    "st", "jr", "sr", "inc", "co", "corp", "ltd", "vs", "etc", "no", "nos", "fig", "approx",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "u.s", "u.k", "u.n", "e.g", "i.e", "a.m", "p.m", "d.c", "ph.d", "mt", "ft", "rev", "hon",
}
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+)")
_NEXT_START = re.compile(r"\s+[\"'“‘(\[]?[A-Z0-9\u00c0-\u024f\u0400-\u04ff]")
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Span:
    """A piece of the article text: `text[start:end]`."""

    start: int
    end: int


@dataclass(frozen=True)
class Passage:
    """A run of whole sentences, the unit that is embedded and searched."""

    start: int
    end: int
    sentences: tuple[Span, ...]


#: A "sentence" longer than this (a transcript or a list without punctuation) is cut into
#: pieces of about SENTENCE_PIECE characters at spaces, so that a passage, an excerpt and the
#: work on either stay bounded whatever the text. News sentences are far shorter.
MAX_SENTENCE_CHARS = 2000
SENTENCE_PIECE = 1000


def _bounded(text: str, span: Span, offset: int) -> list[Span]:
    """`span` (offsets into text, plus `offset`) as it is, or cut into pieces when too long."""
    start, end = span.start - offset, span.end - offset
    if end - start <= MAX_SENTENCE_CHARS:
        return [span]
    pieces = []
    while end - start > MAX_SENTENCE_CHARS:
        cut = text.rfind(" ", start + SENTENCE_PIECE // 2, start + SENTENCE_PIECE)
        cut = cut if cut > start else start + SENTENCE_PIECE
        pieces.append(_trimmed(text, start, cut, offset))
        start = cut
    pieces.append(_trimmed(text, start, end, offset))
    return [p for p in pieces if p.end > p.start]


def split_sentences(text: str, offset: int = 0) -> list[Span]:
    """Split one paragraph into sentences; spans are offset by `offset`."""
    spans = [piece for span in _split_sentences(text, offset) for piece in _bounded(text, span, offset)]
    return spans


def _split_sentences(text: str, offset: int) -> list[Span]:
    spans: list[Span] = []
    begin = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end()
        if not _NEXT_START.match(text, end):
            continue
        before = text[begin : match.start()].rsplit(None, 1)
        last_word = before[-1].lower().strip("\"'“‘(") if before else ""
        if match.group().startswith(".") and (
            last_word in _ABBREVIATIONS or (len(last_word) == 1 and last_word.isalpha())
        ):
            continue
        if text[begin:end].strip():
            spans.append(_trimmed(text, begin, end, offset))
        begin = end
    if text[begin:].strip():
        spans.append(_trimmed(text, begin, len(text), offset))
    return spans


def _trimmed(text: str, start: int, end: int, offset: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start + offset, end + offset)


def paragraph_spans(text: str) -> list[Span]:
    """Paragraphs are separated by blank lines in the stored article text."""
    spans = []
    for match in re.finditer(r"[^\n]+(?:\n(?!\n)[^\n]+)*", text):
        if match.group().strip():
            spans.append(Span(match.start(), match.end()))
    return spans


def paragraphs_near(text: str, low: int, high: int) -> list[Span]:
    """The paragraphs of `text` that reach into [low, high] (ends included). Only the text
    between the blank lines around that range is read, not the whole article (no paragraph runs
    across a blank line): the answer path asks this of several passages a question."""
    cut = text.rfind("\n\n", 0, max(low, 0))
    begin = cut + 2 if cut >= 0 else 0
    cut = text.find("\n\n", max(high, 0))
    window = text[begin : cut if cut >= 0 else len(text)]
    return [
        Span(begin + p.start, begin + p.end)
        for p in paragraph_spans(window)
        if begin + p.end >= low and begin + p.start <= high
    ]


def article_sentences(text: str) -> list[list[Span]]:
    """Sentences of each paragraph of an article."""
    return [split_sentences(text[p.start : p.end], p.start) for p in paragraph_spans(text)]


def plural(n: int, word: str) -> str:
    """A count in a message: "1 article", "2,000 articles"."""
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def split_passages(text: str, target_words: int) -> list[Passage]:
    """Group whole sentences into passages of about `target_words` words.

    A passage ends at a paragraph boundary once it holds most of its target, so passages follow
    the article's own structure; a sentence is never cut, and one longer than the target stands
    alone.
    """
    passages: list[Passage] = []
    current: list[Span] = []
    words = 0

    def close() -> None:
        nonlocal current, words
        if current:
            passages.append(Passage(current[0].start, current[-1].end, tuple(current)))
        current, words = [], 0

    for paragraph in article_sentences(text):
        for sentence in paragraph:
            n = word_count(text[sentence.start : sentence.end])
            if current and words + n > target_words:
                close()
            current.append(sentence)
            words += n
        if words >= 0.6 * target_words:
            close()
    close()
    return passages


class SentenceAt:
    """The sentence of a text that holds an offset, for reading a name's mentions one by one: the
    paragraphs are split once, when first asked, and only the mention's paragraph into sentences."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._paragraphs: list[Span] | None = None

    def __call__(self, offset: int) -> Span | None:
        if self._paragraphs is None:
            self._paragraphs = paragraph_spans(self.text)
        para = next((p for p in self._paragraphs if p.start <= offset < p.end), None)
        if para is None:
            return None
        return next((s for s in split_sentences(self.text[para.start : para.end], para.start) if s.start <= offset < s.end), para)

