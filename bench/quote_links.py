"""Links to the answering sentence (retrieval/text_fragment.py): how often the link of a
citation lands on the sentence the excerpt shows in bold, on a RealTime QA pack.

Usage: python bench/quote_links.py ../shared/eval/realtimeqa-2026 [more packs]

Each question is asked as `newsbot eval` asks it (on its date, first three citations, the pack's
evaluation cache). A browser's search for the link's text directive is replayed over the stored
article text (`text_fragment.landing`): it lands on the sentence when what it marks is the bold
sentence, or most of it (the directive names whole words; a sentence cut short in the excerpt
is named up to its last whole word). It misses when the first words of the sentence stand
earlier in the article too (its first match is marked), or when the words are not found. The
live page may differ from the stored text; this measures the links, not the outlets' pages.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path


def flat(text: str) -> str:
    return " ".join(text.replace("…", " ").split()).lower()


def measure(pack: Path) -> list[str]:
    from retrieval.evaluation.answers import load_questions, pack_engine
    from retrieval.text_fragment import landing, link_to_text

    questions = load_questions(pack)
    linked = landed = plain = 0
    extra: list[int] = []
    with pack_engine(pack, notice=lambda m: None) as (engine, _):
        for q in questions:
            answer = engine.ask(q["question"], k=3, asked_on=date.fromisoformat(q["date"]))
            rows = engine.store.passages_by_ids(c.passage_id for c in answer.citations)
            articles = engine.store.articles_by_ids(r.article_id for r in rows.values())
            for c in answer.citations:
                start, end = c.highlights[0]
                bold = c.excerpt[start:end]
                link = link_to_text(c.url, bold)
                if link == c.url:
                    plain += 1
                    continue
                linked += 1
                extra.append(len(link) - len(c.url))
                spot = landing(articles[rows[c.passage_id].article_id].text, link)
                marked = flat(articles[rows[c.passage_id].article_id].text[spot[0] : spot[1]]) if spot else ""
                landed += bool(marked) and marked in flat(bold) and len(marked) >= 0.8 * len(flat(bold)) - 10
    extra.sort()
    return [pack.name, f"{len(questions):,}", f"{linked + plain:,}", f"{linked:,}",
            f"{landed / linked:.3f}" if linked else "-", f"{extra[len(extra) // 2]}" if extra else "-"]


def main() -> None:
    from bench.tables import pack_args, pack_table

    packs = pack_args(__doc__)

    pack_table(["pack", "questions", "citations (first three)", "linked to their sentence",
                "landing on the bold sentence", "characters added (median)"], measure, packs)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
