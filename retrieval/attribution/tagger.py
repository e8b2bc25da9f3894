"""The learned attribution tagger at work (learn.py trains it): source and content spans tagged in
an article's text, assembled into attributions whose speakers the article's own resolver names,
beside the rules' attributions."""

from __future__ import annotations

import bisect
import os
import threading
from pathlib import Path

import numpy as np

from .export import GRAPH
from .learn import LABELS, STRIDE, WINDOW, content_spans, overlaps, tagged_spans
from .names import Resolver
from .rules import Attribution

#: The shipped model's version (model/MODEL.md): stores whose attributions another version
#: found find them again, as after a change of the rules.
TAGGER_VERSION = "2026-12-02"
#: Characters a source may stand from its content, within its paragraph (chosen on the last 84
#: articles of polnear-train, held out of training: precision 0.843 -> 0.876 at recall 0.79).
REACH = 120
SAME_PARAGRAPH = True
#: A tagged content is kept when its tokens' tags are this probable on average: on the held-out
#: articles, the lowest floor that brings precision to 0.88 (0.887 at recall 0.782; 0.876 / 0.791
#: without it).
MIN_CONFIDENCE = {"direct": 0.6, "reported": 0.6}
#: ...and its source's tokens at least this probable on average.
MIN_SOURCE_CONFIDENCE = 0.0


def _source_spans(pred: list[int], offsets: list[tuple[int, int]]) -> list[tuple[int, int]]:
    return tagged_spans(pred, offsets, LABELS.index("B-SRC"))


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

    def tags(self, text: str) -> tuple[list[int], list[tuple[int, int]], list[float]]:
        """A tag per token of the text, each from the window where the token is most central,
        with its probability. Windows overlap by half, so every token but the first and last
        quarter-window's has paragraph context on both sides."""
        self._load()
        enc = self._tokenizer.encode(text, add_special_tokens=False)
        cls, sep = self._tokenizer.token_to_id("[CLS]"), self._tokenizer.token_to_id("[SEP]")
        firsts = list(range(0, max(1, len(enc.ids) - WINDOW + STRIDE), STRIDE)) or [0]
        labels = np.zeros(len(enc.ids), dtype=np.int64)
        probs = np.zeros(len(enc.ids), dtype=np.float32)
        centrality = np.full(len(enc.ids), -np.inf)
        for at in range(0, len(firsts), self.BATCH):
            batch = firsts[at : at + self.BATCH]
            width = max(min(WINDOW, len(enc.ids) - first) for first in batch) + 2
            ids = np.zeros((len(batch), width), dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, first in enumerate(batch):
                window = [cls, *enc.ids[first : first + WINDOW], sep]
                ids[row, : len(window)], mask[row, : len(window)] = window, 1
            logits = self._session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
            for row, first in enumerate(batch):
                n = min(WINDOW, len(enc.ids) - first)
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

    def attributions(self, text: str, resolver: Resolver | None = None) -> list[Attribution]:
        """Each tagged content with the nearest tagged source (within REACH, in its paragraph),
        the speaker resolved; a content or source the model is unsure of is left out."""
        resolver = resolver or Resolver(text)
        pred, offsets, probs = self.tags(text)
        token_starts = [a for a, _ in offsets]

        def confidence(span: tuple[int, int]) -> float:
            inside = probs[bisect.bisect_left(token_starts, span[0]) : bisect.bisect_left(token_starts, span[1])]
            return sum(inside) / len(inside) if inside else 1.0

        sources = [s for s in _source_spans(pred, offsets) if confidence(s) >= MIN_SOURCE_CONFIDENCE]
        starts = [s[0] for s in sources]
        out = []
        for start, end in content_spans(pred, offsets):
            quoted = (start > 0 and text[start - 1] in "“\"") or text[start] in "“\""
            kind = "direct" if quoted else "reported"
            if confidence((start, end)) < MIN_CONFIDENCE[kind]:
                continue
            i = bisect.bisect_left(starts, start)
            near = [s for s in sources[max(0, i - 1) : i + 1] if min(abs(s[0] - end), abs(start - s[1])) <= REACH
                    and not (SAME_PARAGRAPH and "\n\n" in text[min(s[0], start) : max(s[1], end)])]
            if not near:
                continue
            source = min(near, key=lambda s: min(abs(s[0] - end), abs(start - s[1])))
            speaker, is_person = resolver.resolve(text[source[0] : source[1]], source[0])
            if not speaker:
                continue
            out.append(Attribution(speaker, is_person, text[start:end].strip(" “”\""), "said", kind, start, end))
        return out


def combined(text: str, rules: list[Attribution], tagger: Tagger) -> list[Attribution]:
    """The rules' attributions, and the tagger's where no rule found one over the same text."""
    learned = [a for a in tagger.attributions(text) if not any(overlaps((a.start, a.end), (r.start, r.end)) for r in rules)]
    return sorted(rules + learned, key=lambda a: a.start)
