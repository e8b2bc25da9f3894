"""The quality benchmark's arithmetic on a tiny pack made here (the real packs never run in tests)."""

from __future__ import annotations

import gzip
import json

import pytest

from click.testing import CliRunner

from retrieval.evaluation import answers as quality
from newsbot.cli import cli


def write_pack(path, articles: list[dict], questions: list[dict]) -> None:
    """A RealTime QA pack of these articles and questions, as ../shared/eval holds them."""
    path.mkdir()
    with gzip.open(path / "articles.jsonl.gz", "wt") as fh:
        fh.write("\n".join(json.dumps(a) for a in articles))
    (path / "questions.jsonl").write_text("\n".join(json.dumps(q) for q in questions))


def make_pack(path):
    articles = [
        {"url": "https://t.example/1", "title": "Valmora port reopens", "published": "2025-01-02",
         "text": "The port of Valmora reopened on Monday.\nHarbour master Ines Quarterman said 42 boats returned."},
        {"url": "https://t.example/2", "title": "Cider harvest breaks record", "published": "2025-01-03",
         "text": "Orchards picked a record apple harvest.\nThe cooperative said prices would fall."},
    ]
    questions = [
        {"id": "1", "date": "2025-01-05", "question": "How many boats returned to Valmora?", "answers": ["42"], "distractors": ["17", "record", "zzz"]},
        {"id": "2", "date": "2025-01-05", "question": "Who is the harbour master of Valmora?", "answers": ["Quarterman"], "distractors": ["Orchards", "qqq", "www"]},
    ]
    write_pack(path, articles, questions)


def write_said_pack(pack, texts: dict[str, str]) -> None:
    """A PolNeAR pack whose every sentence "SOURCE said CONTENT." is one annotated attribution."""
    pack.mkdir()
    (pack / "articles.jsonl").write_text("\n".join(json.dumps({"id": i, "title": "", "text": t}) for i, t in texts.items()))
    rows = []
    for aid, text in texts.items():
        for sentence in text.split(". "):
            speaker, _, content = sentence.partition(" said ")
            content = content.rstrip(".")
            start = text.index(content)
            rows.append({"article": aid, "source": speaker, "content": content,
                         "source_spans": [[text.index(speaker), text.index(speaker) + len(speaker)]],
                         "content_spans": [[start, start + len(content)]]})
    (pack / "attributions.jsonl").write_text("\n".join(json.dumps(r) for r in rows))


def test_hit_counts_case_insensitive_share():
    assert quality.hit(["Apple", "pear"], "an apple a day") == 0.5
    assert quality.hit([], "x") == 0.0


def test_tiny_pack_scores_and_caches(tmp_path, settings, monkeypatch):
    monkeypatch.setenv("NEWSBOT_EVAL_CACHE", str(tmp_path / "cache"))
    make_pack(tmp_path / "pack")
    rows = quality.evaluate(tmp_path / "pack", [1, 2], baselines=True, settings=settings, notice=lambda m: None)
    assert [r.name for r in rows] == ["newsbot (hybrid)", *quality.LEVELS, *list(quality.VARIANTS)[1:]]
    hybrid, article, passage = rows[:3]
    for k in (1, 2):  # the excerpt is cut from the passage, the passage from the article
        assert hybrid.answer_hit[k] <= passage.answer_hit[k] <= article.answer_hit[k]
        assert hybrid.distractor_hit[k] <= passage.distractor_hit[k] <= article.distractor_hit[k]
    assert hybrid.answer_hit[1] == 1.0 and hybrid.answer_hit[2] == 1.0
    # distractors: "record" shows up only if the cider article is cited among the top 2
    assert 0.0 <= hybrid.distractor_hit[1] <= hybrid.distractor_hit[2] <= 1 / 3
    assert "| newsbot (hybrid) | 1.000 | 1.000 |" in quality.table(rows, [1, 2])
    ungated = rows[3]  # the same engine without its answerability gate: what the gate costs
    assert ungated.name == "newsbot without the answerability gate" and ungated.answer_hit[1] >= hybrid.answer_hit[1]
    notices = []
    quality.evaluate(tmp_path / "pack", [1], baselines=False, settings=settings, notice=notices.append)
    assert any("skipped 2" in n for n in notices)  # the second run embeds nothing


def test_missing_pack_exits_2(tmp_path):
    result = CliRunner().invoke(cli, ["eval", str(tmp_path / "nope")], obj={})
    assert result.exit_code == 2
    assert "no evaluation pack at" in result.output


def test_unanswerable_questions_are_those_whose_answer_no_article_holds(tmp_path, settings, monkeypatch):
    monkeypatch.setenv("NEWSBOT_EVAL_CACHE", str(tmp_path / "cache"))
    make_pack(tmp_path / "pack")
    other = tmp_path / "other"
    other.mkdir()
    (other / "articles.jsonl.gz").write_bytes(b"")
    asked = [
        {"id": "a", "date": "2022-06-01", "question": "How many boats returned to Valmora?", "answers": ["42"]},
        {"id": "b", "date": "2022-06-01", "question": "Which comet did the observatory in Brandvik name?", "answers": ["Holmfrid"]},
    ]
    (other / "questions.jsonl").write_text("\n".join(json.dumps(q) for q in asked))
    found = quality.unanswerable(tmp_path / "pack", other)
    assert [q["id"] for q in found] == ["b"]  # "42" is in the pack's articles
    quality.evaluate(tmp_path / "pack", [1], baselines=False, settings=settings, notice=lambda m: None)
    share, n = quality.no_answer_share(tmp_path / "pack", found, settings=settings)
    assert (share, n) == (1.0, 1)  # nothing in the pack is about it: no citation


def test_a_candidate_selector_is_trained_and_measured_beside_newsbot(tmp_path, settings, monkeypatch):
    import json as json_

    from retrieval.selector.train import collect, fit

    monkeypatch.setenv("NEWSBOT_EVAL_CACHE", str(tmp_path / "cache"))
    make_pack(tmp_path / "pack")
    groups = collect(tmp_path / "pack", notice=lambda m: None, settings=settings)
    assert groups and all(len(x) == len(y) and y.any() for x, y in groups)  # articles holding the answer
    path = tmp_path / "selector.json"
    path.write_text(json_.dumps(fit(groups).to_json()))
    rows = quality.evaluate(tmp_path / "pack", [1], baselines=False, settings=settings, notice=lambda m: None, selector=path)
    assert rows[-1].name == "newsbot, sentence chosen over the whole article (selector.json)"
    assert rows[-1].answer_hit[1] == 1.0  # the one-sentence answers are found over the whole article too


def test_training_refuses_the_reported_pack(tmp_path, capsys):
    from retrieval.selector.train import main

    assert main([str(tmp_path / "realtimeqa-2025")]) == 2
    assert "never train on it" in capsys.readouterr().err


def test_train_selector_runs_as_the_command_line_runs_it(tmp_path, monkeypatch, capsys):
    """With the default settings, as `newsbot train-selector PACK --out FILE` calls it."""
    from retrieval.selector import load
    from retrieval.selector.train import main

    monkeypatch.setenv("NEWSBOT_EVAL_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("NEWSBOT_ATTRIBUTION_TAGGER", "false")
    make_pack(tmp_path / "pack")
    assert main([str(tmp_path / "pack"), "--out", str(tmp_path / "selector.json")]) == 0
    assert load(tmp_path / "selector.json").model.weights.shape == (15,)
    assert "weights (standardized features):" in capsys.readouterr().out


def test_the_order_is_trained_on_packs_and_never_on_the_reported_one(tmp_path, settings, monkeypatch, capsys):
    """`train-order` reads each question's first citations in search's order, a row each, the
    ones showing the answer positive; it refuses the reported pack."""
    from dataclasses import replace

    from retrieval.ordering import FEATURES
    from retrieval.ordering.train import collect, main, train

    monkeypatch.setenv("NEWSBOT_EVAL_CACHE", str(tmp_path / "cache"))
    make_pack(tmp_path / "pack")
    groups, asked = collect(tmp_path / "pack", notice=lambda m: None, settings=settings)
    assert asked == 2
    assert groups and all(g.rows.shape == (len(g.answers), len(FEATURES)) for g in groups)
    assert all(g.rows[:, FEATURES.index("rank")].tolist() == list(range(len(g.answers))) for g in groups)
    assert any(g.answers[0] for g in groups)  # the one-sentence answers are shown first
    order = train(groups * 2 + [replace(g, answers=[not a for a in g.answers]) for g in groups])
    assert order.model.weights.shape == (len(FEATURES),)
    assert main([str(tmp_path / "realtimeqa-2025")]) == 2
    assert "never train on it" in capsys.readouterr().err


def test_the_gate_is_never_trained_on_the_reported_packs(tmp_path, capsys):
    from retrieval.answerability.train import main

    assert main([str(tmp_path / "realtimeqa-2026"), "--unanswerable", str(tmp_path / "realtimeqa-2022")]) == 2
    assert "never train on them" in capsys.readouterr().err


def test_eval_quotes_measures_the_last_articles_of_a_pack_as_a_pack_of_their_own(tmp_path, capsys):
    """`--last N` is how the tagger's held-out training articles are measured (learn.py --holdout)."""
    from retrieval.evaluation import attribution

    pack = tmp_path / "polnear"
    write_said_pack(pack, {
        "a1": "Mayor Olga Brennan said the tram line would open in May. Brennan said the fares would stay low.",
        "a2": "Governor Piet Alvarado said the bridge would close for a week. Alvarado said the ferry would run instead.",
    })

    assert attribution.main([str(pack), "--extract-only", "--last", "1"]) == 0
    out = capsys.readouterr().out
    rules = next(line for line in out.splitlines() if line.startswith("| rules |"))
    # only the second article's two statements count, both reported speech, both found
    assert rules.endswith("| 1.000 | 1.000 | 1.000 | 0.000 / 0.000 | 1.000 / 1.000 | 2 | 2 |"), out
    assert "1 speakers named" in out
    with pytest.raises(SystemExit) as refused:  # --last needs --extract-only
        attribution.main([str(pack), "--last", "1"])
    assert refused.value.code == 2 and "--last needs --extract-only" in capsys.readouterr().err


def test_a_description_ending_in_a_name_counts_for_that_person_in_the_quotes_measure(tmp_path):
    """"Trump spokesman Hope Hicks said ..." is Hicks speaking: the measure's gold counts it for
    her, so a quote returned for Hicks there is not scored as a wrong speaker. A group ("most
    presidents, including ...") or an organisation led by "The" names no one."""
    from retrieval.evaluation import attribution

    assert attribution.described_name("Trump spokesman Hope Hicks") == "Hope Hicks"
    assert attribution.described_name("the union's president, Mary Kay Henry,") == "Mary Kay Henry"
    assert attribution.described_name("Clinton herself") == "Clinton"
    for nobody in ("most presidents, including President Obama,", "The Wisconsin Republican", "an anti-Trump PAC", "the mayor"):
        assert attribution.described_name(nobody) is None

    pack = tmp_path / "polnear"
    text = ("Hope Hicks said the rally would go ahead. Hicks said tickets were gone. "
            "Trump spokesman Hope Hicks said the venue was changed. The mayor said the roads would close.")
    write_said_pack(pack, {"a1": text})
    _, gold, speakers = attribution.load(pack)
    assert speakers == ["hicks"]  # the description does not make a speaker, the two names do
    assert sorted(g.content for g in gold if g.person == "hicks") == [
        "the rally would go ahead", "the venue was changed", "tickets were gone"]
    assert all(g.person == "hicks" for g in gold)  # "The mayor" is no one's


def test_a_pronoun_after_a_described_source_counts_for_the_person_described(tmp_path):
    """The gold gives "she" to the nearest named source before it; a description ending in a
    name is that source when it is the nearest, not the person named before it."""
    from retrieval.evaluation import attribution

    pack = tmp_path / "polnear"
    text = ("Olga Brennan said the tram would open. Brennan said fares would stay low. "
            "Trump spokesman Hope Hicks said the venue was changed. She said tickets were gone.")
    write_said_pack(pack, {"a1": text})
    _, gold, _ = attribution.load(pack)
    assert {g.content: g.person for g in gold}["tickets were gone"] == "hicks"


def test_the_quotes_measure_asks_for_a_surname_as_newsbot_quotes_does(tmp_path, capsys):
    """Paul Ryan's statements are not returned for the speaker "paul" (Rand Paul): the measure
    chooses among the pack's speakers with `speakers_meant`, as the store's lookup does."""
    from retrieval.evaluation import attribution

    pack = tmp_path / "polnear"
    write_said_pack(pack, {
        "a1": "Rand Paul said the audit would go ahead. Paul said the vote was close.",
        "a2": "Paul Ryan said the budget would pass. Ryan said the House would stay late.",
    })
    assert attribution.main([str(pack), "--extract-only"]) == 0
    out = capsys.readouterr().out
    rules = next(line for line in out.splitlines() if line.startswith("| rules |"))
    assert rules.endswith("| 1.000 | 1.000 | 1.000 | 0.000 / 0.000 | 1.000 / 1.000 | 4 | 4 |"), out


def test_support_is_the_best_share_of_the_question_an_answering_sentence_holds(tmp_path):
    """bench/support.py's bands: a sentence that answers shares the question's words; one that
    names the answer in passing does not; an article published after the asking date is not read."""
    from bench.support import supports

    articles = [
        {"url": "u1", "title": "Valmora port reopens", "published": "2025-01-02",
         "text": "The port of Valmora reopened on Monday.\nHarbour master Ines Quarterman said 42 boats returned to the harbour."},
        {"url": "u2", "title": "Cider harvest", "published": "2025-01-03",
         "text": "Orchards picked 42 tonnes of apples."},
        {"url": "u3", "title": "Brandvik comet named", "published": "2025-02-01",
         "text": "The observatory in Brandvik named the comet Holmfrid."},
    ]
    questions = [
        {"id": "1", "date": "2025-01-05", "question": "How many boats returned to Valmora harbour?", "answers": ["42"]},
        {"id": "2", "date": "2025-01-05", "question": "How many pears did the Lindqvist farm sell?", "answers": ["42"]},
        {"id": "3", "date": "2025-01-05", "question": "Which comet did the observatory in Brandvik name?", "answers": ["Holmfrid"]},
    ]
    write_pack(tmp_path / "pack", articles, questions)
    boats, pears, comet = supports(tmp_path / "pack", questions)
    assert boats > 0.5  # "boats", "returned", "harbour" and, from the title, "Valmora"
    assert pears is not None and pears < 1 / 3  # the answer, but not what was asked
    assert comet is None  # published after the asking date


def test_the_gate_keeps_every_question_it_was_trained_to_answer_when_each_is_scored_alone():
    """The bar is the least sure answered question's probability as the answer path computes it
    (one row at a time), so rounding never declines one of them."""
    import numpy as np

    from retrieval.answerability.features import FEATURES
    from retrieval.answerability.train import train

    rng = np.random.default_rng(7)
    for _ in range(5):
        hits = [rng.normal(0.6, 0.3, len(FEATURES)) for _ in range(150)]
        unanswerable = [rng.normal(0.4, 0.3, len(FEATURES)) for _ in range(150)]
        gate = train(hits, unanswerable)
        assert all(gate.probability(row) >= gate.threshold for row in hits)
        assert any(gate.probability(row) < gate.threshold for row in unanswerable)
