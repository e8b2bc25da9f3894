"""The learned attribution tagger at work (learn.py trains it): source and content spans tagged in
an article's text, assembled into attributions whose speakers the article's own resolver names,
beside the rules' attributions."""

from __future__ import annotations

import bisect
from pathlib import Path

from .learn import LABELS, WINDOW, content_spans, overlaps, tagged_spans
from .names import Resolver
from .rules import Attribution

#: Characters a source may stand from its content, within its paragraph (chosen on the last 84
#: articles of polnear-train, held out of training: precision 0.843 -> 0.876 at recall 0.79).
REACH = 120
SAME_PARAGRAPH = True
#: A tagged content is kept when its tokens' tags are this probable on average: on the held-out
#: articles, the lowest floor that brings precision to 0.88 (0.887 at recall 0.782; 0.876 / 0.791
#: without it).
MIN_CONFIDENCE = 0.6


def _source_spans(pred: list[int], offsets: list[tuple[int, int]]) -> list[tuple[int, int]]:
    return tagged_spans(pred, offsets, LABELS.index("B-SRC"))


class Tagger:
    """A trained tagger on disk: the encoder, its head (head.pt) and the tokenizer."""

    def __init__(self, directory: Path) -> None:
        import torch
        from tokenizers import Tokenizer
        from transformers import AutoModel

        from ..embeddings import offline

        offline()
        self.torch = torch
        self.tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self.tokenizer.no_truncation()
        self.tokenizer.no_padding()
        self.encoder = AutoModel.from_pretrained(str(directory)).eval()
        self.head = torch.nn.Linear(self.encoder.config.hidden_size, len(LABELS))
        self.head.load_state_dict(torch.load(directory / "head.pt"))

    def tags(self, text: str) -> tuple[list[int], list[tuple[int, int]], list[float]]:
        """A tag per token of the text, each from the window where the token is most central,
        with its probability."""
        enc = self.tokenizer.encode(text, add_special_tokens=False)
        cls, sep = self.tokenizer.token_to_id("[CLS]"), self.tokenizer.token_to_id("[SEP]")
        best: dict[int, tuple[float, int, float]] = {}
        stride = WINDOW // 2
        with self.torch.no_grad():
            for first in range(0, max(1, len(enc.ids)), stride):
                ids = enc.ids[first : first + WINDOW]
                logits = self.head(self.encoder(input_ids=self.torch.tensor([[cls, *ids, sep]])).last_hidden_state)[0, 1:-1]
                probs, labels = self.torch.softmax(logits, -1).max(-1)
                for i, (label, p) in enumerate(zip(labels.tolist(), probs.tolist())):
                    centre = -abs(i - len(ids) / 2)
                    if first + i not in best or centre > best[first + i][0]:
                        best[first + i] = (centre, label, p)
                if first + WINDOW >= len(enc.ids):
                    break
        order = sorted(best)
        return [best[i][1] for i in order], [enc.offsets[i] for i in order], [best[i][2] for i in order]

    def attributions(self, text: str, resolver: Resolver | None = None) -> list[Attribution]:
        """Each tagged content with the nearest tagged source (within REACH), the speaker resolved."""
        resolver = resolver or Resolver(text)
        pred, offsets, probs = self.tags(text)
        sources = _source_spans(pred, offsets)
        starts = [s[0] for s in sources]
        token_starts = [a for a, _ in offsets]
        out = []
        for start, end in content_spans(pred, offsets):
            inside = probs[bisect.bisect_left(token_starts, start) : bisect.bisect_left(token_starts, end)]
            if inside and sum(inside) / len(inside) < MIN_CONFIDENCE:
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
            quoted = text[max(0, start - 1) : start] in "“\"" or text[start : start + 1] in "“\""
            out.append(Attribution(speaker, is_person, text[start:end].strip(" “”\""), "said",
                                   "direct" if quoted else "reported", start, end))
        return out


def combined(text: str, rules: list[Attribution], tagger: Tagger) -> list[Attribution]:
    """The rules' attributions, and the tagger's where no rule found one over the same text."""
    learned = [a for a in tagger.attributions(text) if not any(overlaps((a.start, a.end), (r.start, r.end)) for r in rules)]
    return sorted(rules + learned, key=lambda a: a.start)
