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


def test_learned_attributions_join_the_rules_only_where_the_rules_found_nothing():
    from retrieval.attribution import extract
    from retrieval.attribution.rules import Attribution
    from retrieval.attribution.tagger import _source_spans, combined

    assert _source_spans([0, 1, 2, 0, 3, 4, 1], [(0, 1), (2, 5), (6, 9), (10, 11), (12, 15), (16, 20), (21, 25)]) == [(2, 9), (21, 25)]
    text = ('“We will not leave the party,” Gudkov said.\n\n'
            "The council, officials believe, will approve the budget of the northern district next week.")
    rules = extract(text)
    assert [a.speaker for a in rules] == ["Gudkov"]

    class Learned:  # what a trained tagger would return: one the rules found, one they missed
        def attributions(self, text):
            return [Attribution("Gudkov", True, "We will not leave the party", "said", "direct", 1, 28),
                    Attribution("officials", False, "will approve the budget", "believe", "reported", 63, 87)]

    both = combined(text, rules, Learned())
    assert [a.speaker for a in both] == ["Gudkov", "officials"] and both[0] is rules[0]
