"""Questions to ask next (retrieval/suggest.py): offered only where the news answers them, on the
real engine and index."""

from __future__ import annotations

from datetime import date

from .test_answers import HARBOUR, ORCHARD
from .test_people import ASKED_ON, VARGA


def test_the_questions_offered_next_are_answered_by_the_news(engine):
    engine.add([HARBOUR, ORCHARD, *VARGA])
    fact = engine.ask("How many riders will the Valmora tram carry?", asked_on=ASKED_ON)
    # The person quoted in what the reader sees, on the question's first word she spoke about.
    assert fact.next_questions[0] == "What did Yelena Varga say about riders?"
    assert fact.to_json()["next_questions"] == fact.next_questions
    for asked in fact.next_questions:
        assert engine.ask(asked, asked_on=ASKED_ON).quotes, asked
    # Her statements listed: who she is; who she is told: what she said. Never herself again.
    said = engine.ask("What did Varga say?", asked_on=ASKED_ON)
    assert said.next_questions == ["Who is Yelena Varga?"]
    assert engine.ask(said.next_questions[0], asked_on=ASKED_ON).person.name == "Yelena Varga"
    who = engine.ask("Who is Yelena Varga?", asked_on=ASKED_ON)
    assert who.next_questions == ["What did Yelena Varga say?"]
    # Nobody quoted in what was cited: nothing offered, and no key in the JSON.
    plain = engine.ask("How big was the apple harvest?", k=1, asked_on=date(2024, 10, 2))
    assert plain.next_questions == [] and "next_questions" not in plain.to_json()


def test_a_body_or_a_verb_the_rules_took_for_a_speaker_is_not_offered():
    from retrieval.attribution.names import a_person as _a_person

    assert _a_person("Yelena Varga") and _a_person("Gennady Gudkov")
    assert not any(_a_person(s) for s in ("New York City Fire Department", "Punishing Spain", "Varga", "the mayor"))
