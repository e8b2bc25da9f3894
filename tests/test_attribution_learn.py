"""The learned tagger's data side: annotated spans become BIO tags over the model's tokens, and
tags become content spans again (the training itself is measured, not tested)."""

from __future__ import annotations

from tokenizers import Tokenizer

from retrieval.attribution.learn import LABELS, content_spans, matched, windows
from retrieval.embeddings import resolve_model_path
from retrieval.settings import DEFAULT_MODEL

TEXT = 'Mayor Olga Brennan said the new tram line would carry 30,000 riders a day by next summer.'


def test_spans_become_tags_and_tags_become_spans_again():
    tokenizer = Tokenizer.from_file(str(resolve_model_path(DEFAULT_MODEL) / "tokenizer.json"))
    tokenizer.no_truncation()
    source, content = (6, 18), (24, len(TEXT) - 1)
    rows = [{"source_spans": [list(source)], "content_spans": [list(content)]}]
    [(ids, labels, offsets, first)] = list(windows(tokenizer, TEXT, rows))
    assert first == 0 and labels[0] == labels[-1] == -100 and len(ids) == len(offsets) + 2
    tags = [LABELS[t] for t in labels[1:-1]]
    assert tags[:3] == ["O", "B-SRC", "I-SRC"] and tags.count("B-CON") == 1 and tags[-1] == "O"
    found = content_spans(labels[1:-1], offsets)
    assert found == [(24, content[1])]
    assert matched(found, [content]) == 1 and matched([(0, 5)], [content]) == 0
