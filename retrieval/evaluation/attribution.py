"""Who said what, measured on PolNeAR: precision, recall and F1 of `newsbot quotes <surname>`.

Usage: newsbot eval-quotes PACK_DIR [--extract-only [--tagger DIR] [--last N]]

For every speaker named (not a pronoun or a description) in at least two annotated
attributions, the quotes newsbot returns for the speaker's surname are compared with the
annotated attributions whose source resolves to that person (a pronoun source resolves to the
nearest named source before it in the article, "where the text allows"; a description that ends
in the person's name, "Trump spokesman Hope Hicks", is that person). What is returned for a
surname is chosen among the pack's speakers as the store's lookup chooses (`speakers_meant`: "paul"
is Rand Paul, not Paul Ryan). A returned quote matches an annotated one from the same article when their texts overlap by at least half of the
shorter (word tokens). Micro-averaged over speakers; also split by direct quotes and reported
speech (an annotated content in quotation marks is direct).

`--extract-only` runs the extractors on the pack's texts without building an index, side by side:
the rules alone, the rules with the learned tagger (what newsbot runs) and the tagger alone;
`--last N` measures the pack's last N articles by id only (the ones `python -m
retrieval.attribution.learn --holdout N` trains without). The default ingests the pack with the
real pipeline and asks the store.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from . import cache_dir

PRONOUNS = {"he", "she", "him", "her", "his", "they", "them", "their", "it", "its", "we", "i", "you",
            "who", "which", "that", "this", "these", "those", "one", "us", "me", "our", "my"}
TITLE_WORDS = {"mr", "mrs", "ms", "dr", "sen", "rep", "gov", "president", "senator", "secretary", "gen"}
_WORD = re.compile(r"\w+")


class PackMissing(Exception):
    pass


def words(text: str) -> Counter:
    return Counter(w.lower() for w in _WORD.findall(text))


def overlaps(a: str, b: str) -> bool:
    """Texts overlap by at least half of the shorter, in word tokens."""
    wa, wb = words(a), words(b)
    shorter = min(sum(wa.values()), sum(wb.values()))
    return shorter > 0 and sum((wa & wb).values()) >= shorter / 2


def name_tokens(source: str) -> list[str]:
    """The capitalized words of a source's first phrase, titles dropped: "Deborah Ellis,
    chairwoman of ..." and "Sen. Jeff Merkley of Oregon" give the person's names; "the mayor"
    gives []."""
    first = re.split(r",|\bwho\b|\bwhich\b|\bof\b|\bat\b|\bfrom\b|\bfor\b|\(", source)[0]
    tokens = [t.strip("“\"'’.").removesuffix("’s").removesuffix("'s") for t in first.split()]
    return [t for t in tokens if t[:1].isupper() and t.lower() not in TITLE_WORDS | {"jr", "sr", "ii", "iii"} and t.isalpha()]


NAME_PARTICLES = {"de", "del", "da", "di", "van", "von", "der", "den", "bin", "al", "la", "le", "st", "y"}


def is_named(source: str) -> bool:
    """A person's name, not a pronoun or a description: its first phrase is capitalized words
    (and name particles) only, so "Police officials" and "Top advisers" are descriptions."""
    first = source.split()[0] if source.split() else ""
    if source.lower() in PRONOUNS or first.lower() in ("the", "a", "an", "another", "some", "many"):
        return False
    phrase = re.split(r",|\bwho\b|\bwhich\b|\bof\b|\bat\b|\bfrom\b|\bfor\b|\(", source)[0]
    lowercase = [w for w in phrase.split() if w[:1].islower() and w.lower() not in NAME_PARTICLES]
    return bool(name_tokens(source)) and first[:1].isupper() and not lowercase


def surname(source: str, text: str = "") -> str:
    """The person's key: the last name, found in the article when the source gives only one
    name ("Bernie" in an article about "Bernie Sanders" is Sanders)."""
    tokens = name_tokens(source)
    if not tokens:
        return ""
    ends_a_name = re.search(rf"[A-Z][\w'’-]*\.? {re.escape(tokens[0])}\b", text) if text else None
    if len(tokens) == 1 and text and not ends_a_name:
        runs = Counter(
            m.group().split()[-1] for m in re.finditer(r"[A-Z][\w'’-]+(?: [A-Z][\w'’-]+){1,2}", text)
            if tokens[0] in m.group().split()
        )
        if runs:
            return runs.most_common(1)[0][0].lower()
    return tokens[-1].lower()


#: A description ending in a person's name: "Trump spokesman Hope Hicks", "the union's president,
#: Mary Kay Henry,", "Clinton herself".
_DESCRIBED = re.compile(r"(?:^|[\s,])(?P<name>[A-Z][a-z][\w'’-]*(?: [A-Z]\.)?(?: [A-Z][\w'’-]+){1,2})(?: (?:himself|herself))?$"
                        r"|^(?P<alone>[A-Z][\w'’-]+) (?:himself|herself)$")
_SEVERAL = re.compile(r"\b(?:including|and|or|with|like|such as)\b")


def described_name(source: str) -> str | None:
    """The person a descriptive source names at its end ("pizza magnate Herman Cain" -> "Herman
    Cain"); None for a group ("most presidents, including President Obama"), an organisation
    led by "The", or a description without a name."""
    s = source.strip().rstrip(",").strip()
    m = None if _SEVERAL.search(s) else _DESCRIBED.search(s)
    if not m:
        return None
    name = m["name"] or m["alone"]
    return None if name.split()[0].lower() in TITLE_WORDS | {"the"} else name


def is_direct(content: str) -> bool:
    return content.strip()[:1] in "“\"'`‘"


@dataclass
class Gold:
    article: str
    person: str  # surname key
    content: str
    direct: bool


def read_pack(pack: Path) -> tuple[dict[str, dict], list[dict]]:
    """A PolNeAR pack as it is stored: its articles by id, and its annotated attributions (each
    with its article's id, source, content and their spans). The one reader of the format: the
    measure here and the tagger's training (learn.py) read the same files."""
    if not (pack / "articles.jsonl").is_file() or not (pack / "attributions.jsonl").is_file():
        raise PackMissing(f"no PolNeAR pack at {pack}: it needs articles.jsonl and attributions.jsonl")
    articles = {a["id"]: a for a in map(json.loads, (pack / "articles.jsonl").read_text().splitlines())}
    rows = [json.loads(line) for line in (pack / "attributions.jsonl").read_text().splitlines() if line.strip()]
    return articles, rows


def load(pack: Path, last: int | None = None, only: set[str] | None = None) -> tuple[dict[str, dict], list[Gold], list[str]]:
    """The pack's articles, its annotated attributions of named speakers, and the speakers
    measured; `last`: only the last so many articles by id, `only`: only these articles, as if
    they were the whole pack."""
    articles, rows = read_pack(pack)
    if last or only:
        kept = sorted(articles)[-last:] if last else sorted(only or ())
        articles = {i: articles[i] for i in kept}
        rows = [r for r in rows if r["article"] in articles]
    rows.sort(key=lambda r: (r["article"], r["source_spans"][0][0] if r["source_spans"] else 0))
    gold, named_counts = [], Counter()
    last_named: dict[str, str] = {}
    for r in rows:
        source = r["source"].strip()
        if is_named(source):
            key = surname(source, articles[r["article"]]["text"])
            last_named[r["article"]] = key
            named_counts[key] += 1
        elif source.lower() in ("he", "she", "him", "her") and r["article"] in last_named:
            key = last_named[r["article"]]
        elif (name := described_name(source)):
            # The person's, but not what makes them a speaker measured (named twice, as before).
            key = surname(name, articles[r["article"]]["text"])
            last_named[r["article"]] = key
        else:
            continue
        gold.append(Gold(r["article"], key, r["content"], is_direct(r["content"])))
    canon = first_names(articles.values())
    for g in gold:
        g.person = canon.get(g.person, g.person)
    counts = Counter()
    for key, n in named_counts.items():
        counts[canon.get(key, key)] += n
    speakers = sorted(k for k, n in counts.items() if n >= 2 and k)
    return articles, gold, speakers


def first_names(articles) -> dict[str, str]:
    """Keys that are first names in this pack ("hillary" -> "clinton"): a word seen far more
    often before another capitalized name than at the end of one."""
    first, last, pairs = Counter(), Counter(), defaultdict(Counter)
    for a in articles:
        for m in re.finditer(r"\b([A-Z][a-z]+) ([A-Z][a-z]+)\b", a["text"]):
            first[m[1].lower()] += 1
            last[m[2].lower()] += 1
            pairs[m[1].lower()][m[2].lower()] += 1
    return {
        word: pairs[word].most_common(1)[0][0]
        for word in first
        if first[word] >= 3 and first[word] > 3 * last[word] and pairs[word].most_common(1)[0][1] >= 0.5 * first[word]
    }


def score(returned: dict[str, list[tuple[str, str, str]]], gold: list[Gold], speakers: list[str]) -> dict:
    """`returned[surname]`: (article id, quote text, kind) items."""
    by_person: dict[str, list[Gold]] = defaultdict(list)
    for g in gold:
        by_person[g.person].append(g)
    totals = {kind: Counter() for kind in ("all", "direct", "reported")}
    for person in speakers:
        mine = returned.get(person, [])
        theirs = by_person[person]
        for article, quote, kind in mine:
            ok = any(g.article == article and overlaps(quote, g.content) for g in theirs)
            for bucket in ("all", kind):
                totals[bucket]["returned"] += 1
                totals[bucket]["correct"] += ok
        for g in theirs:
            found = any(article == g.article and overlaps(quote, g.content) for article, quote, _ in mine)
            for bucket in ("all", "direct" if g.direct else "reported"):
                totals[bucket]["gold"] += 1
                totals[bucket]["found"] += found
    out = {}
    for bucket, t in totals.items():
        p = t["correct"] / t["returned"] if t["returned"] else 0.0
        r = t["found"] / t["gold"] if t["gold"] else 0.0
        out[bucket] = {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
                       "returned": t["returned"], "gold": t["gold"], "correct": t["correct"], "found": t["found"]}
    out["speakers"] = len(speakers)
    return out


def returned_by_extractor(articles: dict[str, dict], speakers: list[str], find) -> dict[str, list]:
    """What `find` (text -> attributions: the rules, the tagger, or both) attributes to each
    speaker, chosen among the pack's speakers as `newsbot quotes` chooses among the store's."""
    from ..articles import Article
    from ..attribution import speaker_matches, speakers_meant

    found: dict[str, list] = defaultdict(list)
    for aid, a in articles.items():
        text = Article(title=a["title"] or "untitled", text=a["text"]).text
        for q in find(text):
            if not q.is_person:
                continue
            for person in speakers:
                if speaker_matches(person, q.speaker):
                    found[person].append((q.speaker, (aid, q.quote, q.kind)))
    out: dict[str, list] = defaultdict(list)
    for person, items in found.items():
        meant = speakers_meant(person, {speaker for speaker, _ in items})
        out[person] = [item for speaker, item in items if speaker in meant]
    return out


def finders(tagger_dir: Path | None) -> dict:
    """The variants `--extract-only` measures side by side: the rules alone, the rules with the
    tagger where they found nothing (what newsbot runs), and the tagger alone. The tagger is the
    shipped one unless `tagger_dir` names another (export.py's folder)."""
    from ..attribution import SHIPPED_TAGGER, Attributor, extract
    from ..attribution.tagger import Tagger

    folder = tagger_dir or SHIPPED_TAGGER
    variants = {"rules": extract}
    if (folder / "model.onnx").is_file():
        tagger = Tagger(folder)
        variants["rules + tagger"] = Attributor(tagger)
        variants["tagger alone"] = lambda text: tagger.attributions(text)
    return variants


def compare(pack: Path, tagger_dir: Path | None = None, last: int | None = None) -> str:
    """The `--extract-only` table: the rules, the rules with the tagger, the tagger alone."""
    articles, gold, speakers = load(pack, last)
    return table({name: score(returned_by_extractor(articles, speakers, find), gold, speakers)
                  for name, find in finders(tagger_dir).items()})


def returned_by_engine(pack: Path, articles: dict[str, dict], speakers: list[str], notice=print) -> dict[str, list]:
    from ..engine import Engine
    from ..ingest import ingest_items
    from ..settings import EngineSettings
    from ..sources import Item, article_from_record
    from ..upkeep import refresh_attributions

    settings = EngineSettings()
    stat = (pack / "articles.jsonl").stat()
    key = hashlib.sha1(json.dumps([str(pack.resolve()), stat.st_size, settings.model, settings.passage_words]).encode()).hexdigest()[:10]
    settings = settings.model_copy(update={"data_dir": cache_dir() / f"{pack.name}-{key}", "corpus_dir": pack / "none"})
    out: dict[str, list] = defaultdict(list)
    with Engine(settings, notice=notice) as engine:
        items = [Item(aid, article_from_record({**a, "url": f"polnear:{aid}", "id": aid, "title": a["title"] or aid}, settings))
                 for aid, a in articles.items()]
        notice(f"index: {ingest_items(engine, items).summary()}")
        # The store may hold attributions found by older rules: measure the current ones.
        notice(f"attributions: {refresh_attributions(engine.store, engine.attributor, force=True)}")
        for person in speakers:
            for q in engine.quotes(person):
                out[person].append((q.article_id, q.quote, q.kind))
    return out


def table(results: dict[str, dict]) -> str:
    """One row per variant: all attributions, then direct quotes and reported speech apart."""
    lines = ["| who said what | precision | recall | F1 | direct P / R | reported P / R | returned | annotated |",
             "|---|---|---|---|---|---|---|---|"]
    for name, r in results.items():
        a, d, rep = r["all"], r["direct"], r["reported"]
        lines.append(f"| {name} | {a['precision']:.3f} | {a['recall']:.3f} | {a['f1']:.3f} | "
                     f"{d['precision']:.3f} / {d['recall']:.3f} | {rep['precision']:.3f} / {rep['recall']:.3f} | "
                     f"{a['returned']} | {a['gold']} |")
    speakers = next(iter(results.values()))["speakers"]
    return "\n".join(lines) + f"\n\n{speakers} speakers named in at least two attributions."


def main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pack", type=Path)
    parser.add_argument("--extract-only", action="store_true",
                        help="the rules, the rules with the tagger and the tagger alone, side by side, on the texts (no index)")
    parser.add_argument("--tagger", type=Path, help="with --extract-only: another tagger folder (python -m retrieval.attribution.export)")
    parser.add_argument("--last", type=int, help="with --extract-only: the pack's last N articles by id only")
    args = parser.parse_args(argv)
    if args.last and not args.extract_only:
        parser.error("--last needs --extract-only")
    try:
        if args.extract_only:
            print(compare(args.pack, args.tagger, args.last))
            return 0
        articles, gold, speakers = load(args.pack)
    except PackMissing as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    returned = returned_by_engine(args.pack, articles, speakers, notice=lambda m: print(m, file=sys.stderr))
    print(table({"newsbot quotes": score(returned, gold, speakers)}))
    return 0
