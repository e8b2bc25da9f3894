"""The learned attribution tagger at work (learn.py trains it): source and content spans tagged in
an article's text, assembled into attributions whose speakers the article's own resolver names,
beside the rules' attributions."""

from __future__ import annotations

import bisect
import os
import re
import threading
from pathlib import Path

import numpy as np

from .export import GRAPH
from .resolver import Resolver
from .rules import Attribution

#: The shipped model's version (model/MODEL.md): stores whose attributions another version
#: found find them again, as after a change of the rules.
TAGGER_VERSION = "2026-12-02"
# The decoding below was chosen on the last 84 articles of polnear-train, held out of the shipped
# model's training (never on polnear-dev): the most precise choice that keeps recall there at
# 0.80, the floor issue 22 asks for (model/MODEL.md has the table).
#: Characters a source may stand from its content, within its paragraph.
REACH = 120
#: A tagged content is kept when its tokens' tags are this probable on average; reported speech,
#: where the tagger errs more, needs more.
MIN_CONFIDENCE = {"direct": 0.6, "reported": 0.7}
#: The tags, one per token: an attribution's source and content, begun (B) or continued (I).
LABELS = ("O", "B-SRC", "I-SRC", "B-CON", "I-CON")
#: Tokens a window holds (two more for [CLS] and [SEP]), and where the next one starts within a
#: paragraph longer than a window (in training, within any text).
WINDOW, STRIDE = 254, 127


def tagged_spans(pred: list[int], offsets: list[tuple[int, int]], begin: int) -> list[tuple[int, int]]:
    """Character spans of the BIO runs that open with tag `begin` (its I tag is begin + 1; a run
    that opens with I counts as begun)."""
    spans: list[list[int]] = []
    current: list[int] | None = None
    for label, (a, b) in zip(pred, offsets):
        if label == begin or (label == begin + 1 and current is None):
            if current:
                spans.append(current)
            current = [a, b]
        elif label == begin + 1 and current is not None:
            current[1] = b
        else:
            if current:
                spans.append(current)
            current = None
    if current:
        spans.append(current)
    return [(a, b) for a, b in spans]


def content_spans(pred: list[int], offsets: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Tagged contents longer than ten characters."""
    return [s for s in tagged_spans(pred, offsets, LABELS.index("B-CON")) if s[1] - s[0] > 10]


def overlaps(x: tuple[int, int], y: tuple[int, int]) -> bool:
    """Two spans are the same statement when they overlap by at least half of the shorter."""
    return min(x[1], y[1]) - max(x[0], y[0]) >= 0.5 * min(x[1] - x[0], y[1] - y[0])


def _source_spans(pred: list[int], offsets: list[tuple[int, int]]) -> list[tuple[int, int]]:
    return tagged_spans(pred, offsets, LABELS.index("B-SRC"))


#: A tag per token, the tokens' character offsets, and each tag's probability.
Tags = tuple[list[int], list[tuple[int, int]], list[float]]


def windows(tokens: int, breaks: list[int]) -> list[tuple[int, int]]:
    """(first token, length) of the windows the text is read in: consecutive paragraphs
    (`breaks`: the token each one after the first starts at) packed into WINDOW tokens; a
    paragraph longer than that is read in windows overlapping by half, as in training.

    Why paragraphs: the tagger reads each token once rather than twice (half the cost of
    overlapping windows at ingest), and an attribution rarely crosses a paragraph break, so no
    token loses the context it needs."""
    bounds = [0, *sorted(b for b in set(breaks) if 0 < b < tokens), tokens]
    out: list[tuple[int, int]] = []
    first = 0
    for start, end in zip(bounds, bounds[1:]):
        if end - first <= WINDOW:
            continue  # the paragraph joins the window
        if start > first:
            out.append((first, start - first))
            first = start
        while end - first > WINDOW:  # a paragraph longer than a window
            out.append((first, WINDOW))
            first += STRIDE
    if tokens > first:
        out.append((first, tokens - first))
    return out


class Tagger:
    """A tagger folder (export.py writes it): the ONNX graph and its tokenizer, run by ONNX
    Runtime. Loaded on first use: a process that never reads an article never pays for it."""

    #: Windows of an article tagged in one run of the graph.
    BATCH = 8

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._session = None
        self._tokenizer = None
        self._lock = threading.Lock()

    def _load(self) -> None:
        with self._lock:
            if self._session is not None:
                return
            import onnxruntime as ort
            from tokenizers import Tokenizer

            tokenizer = Tokenizer.from_file(str(self.directory / "tokenizer.json"))
            tokenizer.no_truncation()
            tokenizer.no_padding()
            options = ort.SessionOptions()
            options.intra_op_num_threads = os.cpu_count() or 1
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            options.log_severity_level = 3
            self._tokenizer = tokenizer
            self._session = ort.InferenceSession(str(self.directory / GRAPH), options, providers=["CPUExecutionProvider"])

    def tags(self, text: str) -> Tags:
        """A tag per token of the text, each from the window where the token is most central,
        with its probability. Windows are whole paragraphs packed together (`windows`), so each
        token is read once and with its paragraph around it."""
        self._load()
        enc = self._tokenizer.encode(text, add_special_tokens=False)
        cls, sep = self._tokenizer.token_to_id("[CLS]"), self._tokenizer.token_to_id("[SEP]")
        starts = [a for a, _ in enc.offsets]
        breaks = [bisect.bisect_left(starts, m.end()) for m in re.finditer(r"\n\s*\n", text)]
        spans = sorted(windows(len(enc.ids), breaks), key=lambda w: w[1])  # similar lengths batched: little padding
        labels = np.zeros(len(enc.ids), dtype=np.int64)
        probs = np.zeros(len(enc.ids), dtype=np.float32)
        centrality = np.full(len(enc.ids), -np.inf)
        for at in range(0, len(spans), self.BATCH):
            batch = spans[at : at + self.BATCH]
            width = max(n for _, n in batch) + 2
            ids = np.zeros((len(batch), width), dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, (first, n) in enumerate(batch):
                window = [cls, *enc.ids[first : first + n], sep]
                ids[row, : len(window)], mask[row, : len(window)] = window, 1
            logits = self._session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
            for row, (first, n) in enumerate(batch):
                z = logits[row, 1 : n + 1]
                p = np.exp(z - z.max(-1, keepdims=True))
                p /= p.sum(-1, keepdims=True)
                centre = -np.abs(np.arange(n) - n / 2)
                better = centre > centrality[first : first + n]
                span = slice(first, first + n)
                labels[span] = np.where(better, p.argmax(-1), labels[span])
                probs[span] = np.where(better, p.max(-1), probs[span])
                centrality[span] = np.where(better, centre, centrality[span])
        return labels.tolist(), list(enc.offsets), probs.tolist()

    def attributions(self, text: str, resolver: Resolver | None = None, tags: Tags | None = None) -> list[Attribution]:
        """Each tagged content with the nearest tagged source (within REACH, in its paragraph),
        the speaker resolved; a content the model is unsure of is left out. `tags`:
        the text's, when the caller has them already."""
        resolver = resolver or Resolver(text)
        pred, offsets, probs = tags or self.tags(text)
        token_starts = [a for a, _ in offsets]

        def confidence(span: tuple[int, int]) -> float:
            inside = probs[bisect.bisect_left(token_starts, span[0]) : bisect.bisect_left(token_starts, span[1])]
            return sum(inside) / len(inside) if inside else 1.0

        sources = _source_spans(pred, offsets)
        starts = [s[0] for s in sources]
        out = []
        for start, end in content_spans(pred, offsets):
            quoted = (start > 0 and text[start - 1] in "“\"") or text[start] in "“\""
            kind = "direct" if quoted else "reported"
            if confidence((start, end)) < MIN_CONFIDENCE[kind] or (kind == "reported" and _in_heading(text, start, end)):
                continue
            i = bisect.bisect_left(starts, start)
            near = [s for s in sources[max(0, i - 1) : i + 1] if min(abs(s[0] - end), abs(start - s[1])) <= REACH
                    and "\n\n" not in text[min(s[0], start) : max(s[1], end)]]
            if not near:
                continue
            source = min(near, key=lambda s: min(abs(s[0] - end), abs(start - s[1])))
            speaker, is_person = resolver.resolve(text[source[0] : source[1]], source[0])
            if not speaker:
                continue
            out.append(Attribution(speaker, is_person, text[start:end].strip(" “”\",;:"), "said", kind, start, end))
        return out


#: A paragraph of at most this many words without a sentence's closing mark is a heading.
HEADING_WORDS = 15


def _in_heading(text: str, start: int, end: int) -> bool:
    """Reported speech tagged in a heading ("Trump throws Iran peace process into uncertainty"
    over a live blog's entry) is the heading's wording, not someone's statement; a heading that
    names its speaker with a colon is the rules' (SPEAKER_LABEL)."""
    para_start = text.rfind("\n\n", 0, start) + 1
    para_end = text.find("\n\n", end)
    paragraph = text[para_start : para_end if para_end >= 0 else len(text)].strip()
    return len(paragraph.split()) <= HEADING_WORDS and not paragraph.endswith((".", "!", "?", ":", ";", "”", "\"", "’", "'", ")"))


def content_share(tags: Tags, starts: list[int], start: int, end: int) -> float:
    """The share of the tokens of text[start:end] the tagger tags as an attribution's content
    (`starts`: the tokens' first characters)."""
    i, j = bisect.bisect_left(starts, start), bisect.bisect_left(starts, end)
    return sum(label in CONTENT for label in tags[0][i:j]) / max(1, j - i)


CONTENT = (LABELS.index("B-CON"), LABELS.index("I-CON"))
#: A rule's reported speech that the tagger tags as content for less than this share of its
#: tokens is left out: reported speech is where the rules err, and where both disagree the rule is
#: wrong more often than not (on the held-out training articles, see model/MODEL.md).
VETO_SHARE = 0.1


def combined(text: str, rules: list[Attribution], tagger: Tagger) -> list[Attribution]:
    """The rules' attributions (but the reported speech the tagger sees none of), and the
    tagger's where no rule found one over the same text."""
    tags = tagger.tags(text)
    starts = [a for a, _ in tags[1]]
    kept = [r for r in rules if r.kind == "direct" or content_share(tags, starts, r.start, r.end) >= VETO_SHARE]
    learned = [a for a in tagger.attributions(text, tags=tags) if not any(overlaps((a.start, a.end), (r.start, r.end)) for r in rules)]
    return sorted(kept + learned, key=lambda a: a.start)
