"""What readers asked that the news did not answer (retrieval/gaps.py), with the real encoder and
on each storage backend."""

from __future__ import annotations

import json
import time

from retrieval.engine import Engine
from retrieval.gaps import gaps, group
from retrieval.store.chats import UNANSWERED_KEEP_S

from .test_cli import run

ASKED = [
    "What did the mayor say about the tram strike?",
    "mayor's comments on the tram strike",
    "How long will the tram strike last?",
    "Who won the 2018 FIFA World Cup final in Moscow?",
    "who won the world cup final 2018",
    "Who won the 2022 World Cup final?",
    "Who is the new CEO of Boeing?",
    "who was named Boeing's chief executive",
    "Who is the new CEO of Airbus?",
    "What is the inflation rate in the UK?",
    "What is the inflation rate in the US?",
]


def test_rephrasings_count_together_and_other_names_apart(engine):
    now = time.time()
    found = group([(q, now - i) for i, q in enumerate(ASKED)], engine.encoder, limit=20)
    assert [(g.count, g.question, g.also) for g in found] == [
        (2, "What did the mayor say about the tram strike?", ["mayor's comments on the tram strike"]),
        (2, "Who won the 2018 FIFA World Cup final in Moscow?", ["who won the world cup final 2018"]),
        (2, "Who is the new CEO of Boeing?", ["who was named Boeing's chief executive"]),
        (1, "How long will the tram strike last?", []),  # the same story, another question
        (1, "Who won the 2022 World Cup final?", []),  # the same question of another year
        (1, "Who is the new CEO of Airbus?", []),
        (1, "What is the inflation rate in the UK?", []),
        (1, "What is the inflation rate in the US?", []),
    ]
    assert group([], engine.encoder) == []


def test_the_period_read_and_what_is_kept_on_each_backend(backend_settings):
    with Engine(backend_settings) as engine:
        chats = engine.chats
        now = time.time()
        with engine.store.transaction() as db:
            db.execute("INSERT INTO unanswered (question, at) VALUES (?, ?)", ("asked ten days ago", now - 10 * 86_400))
            db.execute("INSERT INTO unanswered (question, at) VALUES (?, ?)", ("asked long ago", now - UNANSWERED_KEEP_S - 60))
        chats.add_unanswered("Who runs the Oslo tram?")
        chats.add_feedback("chat", 7, "How many delegates attended?", ["a"], helpful=False)
        chats.add_feedback("chat", 7, "What did Lukyanova say?", ["a"], helpful=True)
        week = gaps(chats, engine.encoder, days=7)
        assert [g.question for g in week.unanswered] == ["Who runs the Oslo tram?"]
        assert [g.question for g in week.unhelpful] == ["How many delegates attended?"]
        assert [g.question for g in gaps(chats, engine.encoder, days=30).unanswered] == ["Who runs the Oslo tram?", "asked ten days ago"]
        for i in range(100):  # rows past the keeping period go as new ones come
            chats.add_unanswered(f"question {i}")
        kept = [r[0] for r in engine.store.query("SELECT question FROM unanswered")]
        assert "asked long ago" not in kept and "asked ten days ago" in kept and len(kept) == 102


def test_the_command_line_lists_the_gaps(tmp_path, settings):
    with Engine(settings) as engine:
        engine.chats.add_unanswered("best sourdough bread recipe?")
        engine.chats.add_unanswered("what is the best recipe for sourdough bread?")
    result = run(settings.data_dir, "gaps", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["days"] == 7 and data["unhelpful"] == []
    assert [(g["count"], g["question"], g["also"]) for g in data["unanswered"]] == [
        (2, "what is the best recipe for sourdough bread?", ["best sourdough bread recipe?"])
    ]
    text = run(settings.data_dir, "gaps").stdout
    assert "2x what is the best recipe for sourdough bread?  (also: best sourdough bread recipe?)" in text
    assert run(settings.data_dir, "gaps", "--days", "0").exit_code == 2
