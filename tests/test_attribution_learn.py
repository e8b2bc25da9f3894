"""The learned tagger's data side: annotated spans become BIO tags over the model's tokens, and
tags become content spans again (the training itself is measured, not tested)."""

from __future__ import annotations

from tokenizers import Tokenizer

from retrieval.attribution.learn import windows
from retrieval.attribution.tagger import LABELS, content_spans, overlaps
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
    assert overlaps(found[0], content) and not overlaps((0, 5), content)


def test_the_shipped_tagger_loads_offline_and_finds_the_speaker_of_an_obvious_quote():
    from retrieval.attribution import SHIPPED_TAGGER, attributor

    assert (SHIPPED_TAGGER / "model.onnx").stat().st_size < 30_000_000
    found = attributor().tagger.attributions("“We will finish the bridge by spring,” said Mayor Olga Brennan on Monday.")
    assert [(a.speaker, a.kind, a.quote) for a in found] == [("Olga Brennan", "direct", "We will finish the bridge by spring")]


def test_the_tagger_adds_what_the_rules_miss_and_vetoes_reported_speech_it_sees_none_of():
    from retrieval.attribution import attributor, extract
    from retrieval.attribution.tagger import _source_spans

    assert _source_spans([0, 1, 2, 0, 3, 4, 1], [(0, 1), (2, 5), (6, 9), (10, 11), (12, 15), (16, 20), (21, 25)]) == [(2, 9), (21, 25)]
    text = ("Mayor Olga Brennan spoke to residents on Monday.\n\n"
            "Mayor Olga Brennan is convinced that the tram line will carry 30,000 riders a day by next summer.")
    assert [a.quote for a in extract(text)] == ["to residents on Monday"]  # a rule's mistake: no statement
    both = attributor()(text)
    assert [(a.speaker, a.quote) for a in both] == [("Olga Brennan", "that the tram line will carry 30,000 riders a day by next summer")]


def test_windows_pack_whole_paragraphs_and_split_only_a_paragraph_longer_than_a_window():
    from retrieval.attribution.tagger import windows

    assert windows(10, [3, 6]) == [(0, 10)]
    assert windows(600, [100, 200, 300]) == [(0, 200), (200, 100), (300, 254), (427, 173)]
    assert windows(1000, [100])[:3] == [(0, 100), (100, 254), (227, 254)]
    assert windows(0, []) == []


def test_reported_speech_is_not_read_in_a_heading():
    from retrieval.attribution.tagger import _in_heading

    text = ("Maria Lopez here, bringing you the news to know on Thursday.\n\n"
            "Brennan throws tram plan into uncertainty\n\n"
            "Mayor Olga Brennan said on Thursday that she considers the tram deal to be over.")
    heading = text.index("tram plan")
    assert _in_heading(text, heading, heading + len("tram plan into uncertainty"))
    said = text.index("she considers")
    assert not _in_heading(text, said, said + len("she considers the tram deal to be over"))
    assert not _in_heading("Brennan said the deal is over.", 13, 29)  # a short sentence is not a heading
    intro = "Brennan described the plan this way:\n\n“Trams first, cars second.”"
    assert not _in_heading(intro, 10, 35)  # nor one that introduces what follows
