"""Whom a subject phrase stands for at a point of one article (`Resolver`): a surname for the
full name met before, "he" or "she" for the person just named as a sentence's subject (a
sentence's subject is read here too). What a phrase names is names.py's."""

from __future__ import annotations

import bisect
import re
from collections import Counter

from ..text import paragraph_spans, split_sentences
from .genders import Genders
from .names import clean_token, is_possessive, person_name, strip_affiliation, strip_titles
from .offices import an_office, name_after_body
from .quotemarks import quote_spans
from .rules import CAP, COMMON_START, INTRO_CLAUSE, INTRO_WITH_PLACE, PLURAL_PRONOUNS, PRONOUNS, SENTENCE_SUBJECT, TITLES


CONNECTIVE = re.compile(r"\b(?:as|when|while|because|though|although|after|before|since|if|which|who|that|and|but)\s+", re.I)
#: An adverb set off before a sentence's subject: "Instead, he said…" is his statement, not one of
#: a person named "Instead".
LEADING_ADVERB = re.compile(
    r"^\s*(?:instead|however|meanwhile|still|also|later|earlier|now|then|yet|indeed|separately|today|yesterday|"
    r"overall|finally|ultimately|additionally|moreover|similarly|likewise|afterwards?|nevertheless|nonetheless|"
    r"in addition|in fact|in turn|at the time|for (?:example|instance|now|(?:his|her|their|its) part))\s*,\s*", re.I)
#: A subject that ends a longer name: "Prevention" of "the Centers for Disease Control and
#: Prevention said", "Human Services" of "the Department of Health and Human Services".
NAME_BEFORE = re.compile(rf"\b([{CAP}][\w.'’-]*)\s+(?:of|for)\s+(?:[{CAP}][\w.'’-]*,?\s+)+and\s+$")


def _office_and_name(subject: str, name: str | None) -> bool:
    """A subject holding an office's title before the full name it gives ("Budget Director Russ
    Vought"; `name` is `person_name(subject)`)."""
    return bool(name) and len(name.split()) >= 2 and an_office(subject.split()[: -len(name.split())])


class Resolver:
    """Resolves speakers within one article: surnames to the full name met before, pronouns to
    the person named as the subject just before (else the last person quoted). It splits the
    article into paragraphs and sentences once, for itself and for `extract`."""

    def __init__(self, text: str) -> None:
        self.text = text
        #: (offset, full-name tokens) of every name met, and the names read off a longer run's end
        self.mentions, self.cut_from_runs = read_mentions(text)
        self.mention_counts = Counter(tuple(full) for _, full in self.mentions)
        self.last_person: str | None = None
        self.genders = Genders(text, [full for _, full in self.mentions])
        self.paragraphs = paragraphs = paragraph_spans(text)
        self.sentences = [s for p in paragraphs for s in split_sentences(text[p.start : p.end], p.start)]
        self.sentence_starts = [s.start for s in self.sentences]
        self.quoted = [(p.start + qs, p.start + qe) for p in paragraphs for qs, qe, _ in quote_spans(text[p.start : p.end])]

    def antecedent(self, at: int, pronoun: str = "he") -> str | None:
        """The person `pronoun` ("he" or "she") at offset `at` most likely stands for: the
        subject of its own sentence when the pronoun comes later in it, else the person who is
        the subject of one of the sentences just before (skipping quoted ones and following a
        chain of pronoun subjects back to a name), passing over a person the article calls by
        the other pronoun. News style names the speaker, then quotes them."""
        i = bisect.bisect_right(self.sentence_starts, at) - 1
        if i < 0:
            return None
        current = self.sentences[i]
        own = acting_subject(self.text[current.start : at]) if at > current.start else None
        if own and own.lower() not in PRONOUNS and (person := self._named(own, current.start)) \
                and self.genders.fits(person, pronoun):
            return person
        for j in range(i - 1, max(i - 4, -1), -1):
            sentence = self.sentences[j]
            if any(qs <= sentence.start < qe for qs, qe in self.quoted):
                continue
            subject = acting_subject(self.text[sentence.start : sentence.end]) or described_subject(
                self.text[sentence.start : sentence.end])
            if subject is None or subject.lower() in PRONOUNS:
                continue
            person = self._named(subject, sentence.start)
            if person is None or self.genders.fits(person, pronoun):
                return person
        return None

    def _named(self, subject: str, at: int) -> str | None:
        """The person a sentence's subject names, for "he" or "she": not a plural the article
        also writes in lower case ("Businesses said …" is no one "he" stands for; the person
        last quoted is, as after any subject that names no one)."""
        name = person_name(subject)
        if name and " " not in name and name.endswith("s") and re.search(rf"\b{re.escape(name.lower())}\b", self.text):
            return None
        return self.full_name(name, at) if name else None

    def full_name(self, name: str, at: int) -> str:
        tokens = name.split()
        if len(tokens) != 1 or (len(name) >= 2 and name.isupper()):
            return name  # an acronym is a body's whole name ("NWS says" is no "Sullivan NWS")
        surname = tokens[0]
        best = None
        for offset, full in self.mentions:
            if full[-1] == surname and full != tokens:
                if offset <= at or best is None:
                    best = full
        while best and len(best) >= 3 and tuple(best[1:]) in self.mention_counts:
            best = best[1:]  # "Economist Tom Porcelli" where the article names "Tom Porcelli" too
        if best and self.mention_counts[tuple(best)] == 1 and (
                (len(best) >= 3 and all(len(t) > 1 for t in best[1:-1])) or tuple(best) in self.cut_from_runs):
            # A run of three names met once, or a name read off the end of a longer run, is more
            # often words run together ("Hang Mike Pence", a live blog's "Christopher Cann Trump
            # told reporters") than the person named again and again with the same surname
            # ("Mike Pence", "Donald Trump").
            usual = max((full for full in self.mention_counts if full[-1] == surname and full != tuple(best)),
                        key=lambda full: self.mention_counts[full], default=None)
            if usual and self.mention_counts[usual] >= 2:
                best = list(usual)
        return " ".join(best) if best else name

    def resolve(self, subject: str, at: int) -> tuple[str, bool]:
        """(speaker, is_person) for a subject phrase found at offset `at`."""
        # "… as he discussed", "Though she called": the subject is what follows the connective.
        tail = CONNECTIVE.split(subject)[-1]
        if tail != subject:
            at += len(subject) - len(tail)
            subject = tail
        if (lead := LEADING_ADVERB.match(subject)):
            at, subject = at + lead.end(), subject[lead.end() :]
        if not subject.strip():
            return "", False
        before = NAME_BEFORE.search(self.text, max(0, at - 80), at)
        named = person_name(subject) if before else None
        if before and before[1].lower().rstrip(".") not in TITLES and not _office_and_name(subject, named):
            # "the Centers for Disease Control and Prevention"; but not "Secretary of Health and …"
            # nor "Office of Management and Budget Director Russ Vought"
            return " ".join(self.text[before.start() : at].split() + subject.split()).lower(), False
        word = subject.strip().lower().removesuffix("’s").removesuffix("'s")  # "He’s claiming"
        if word in PRONOUNS:
            if (person := self.antecedent(at, word)):
                self.last_person = person
                return person, True
            if self.last_person and self.genders.fits(self.last_person, word):
                return self.last_person, True
            return word, False
        if word in PLURAL_PRONOUNS:
            return word, False
        name = named if before else person_name(subject)
        if name is None:
            return " ".join(subject.split()).lower(), False
        if before:  # "Assistant Secretary of Water and Science Tanya Trujillo": an office's last word runs into the name
            name = " ".join(name_after_body(name.split()))
        full = self.full_name(name, at)
        self.last_person = full
        return full, True


def read_mentions(text: str) -> tuple[list[tuple[int, list[str]]], set[tuple[str, ...]]]:
    """The full names an article gives, with their offsets, and those read off the end of a run
    of more than three words. A run of capitalized words is read whole, split at sentence ends
    ("Mironov. But Mukhin"), common words and possessives; a name after a long office is the
    run's last two words and the initials among them ("Health and Human Services Secretary
    Robert F. Kennedy": a window of four words would take "F. Kennedy" for a name)."""
    mentions: list[tuple[int, list[str]]] = []
    cut_from_runs: set[tuple[str, ...]] = set()
    for match in re.finditer(rf"(?:[{CAP}][\w'’.-]+ ){{1,9}}[{CAP}][\w'’-]+", text):
        pieces: list[tuple[int, list[str]]] = [(match.start(), [])]
        for token in re.finditer(r"\S+", match.group()):
            at, word = match.start() + token.start(), token.group()
            bare = word.rstrip(".").lower()
            if bare in COMMON_START:
                pieces.append((at + len(word) + 1, []))
                continue
            pieces[-1][1].append(word)
            if (word.endswith(".") and len(bare) > 2 and bare not in TITLES) or is_possessive(word):
                pieces.append((at + len(word) + 1, []))
        for at, piece in pieces:
            whole = strip_titles(strip_affiliation([clean_token(t) for t in piece]))
            tokens = _last_name_of(whole)
            if len(tokens) >= 2:
                mentions.append((at, tokens))
                if len(whole) > 3:
                    cut_from_runs.add(tuple(tokens))
    return mentions, cut_from_runs


def _last_name_of(tokens: list[str]) -> list[str]:
    """A run's name: the whole of three words or fewer ("Jorge Mario Bergoglio"), else its last
    two words with the initials among them ("Robert F Kennedy")."""
    if len(tokens) <= 3:
        return tokens
    kept: list[str] = []
    words = 0
    for token in reversed(tokens):
        if len(token) > 1:
            if words == 2:
                break
            words += 1
        kept.insert(0, token)
    return kept if len(kept[0]) > 1 else kept[1:]


def sentence_subject(sentence: str) -> str | None:
    """The name or pronoun a sentence opens with ("Silverman, herself a supporter, said…")."""
    sentence = sentence.strip()
    # "During a speech Friday, Trump …"; "Speaking at a rally in Novi, Michigan, Trump …" (a place
    # with its state is tried first, then the plain clause).
    for intro in (INTRO_WITH_PLACE, INTRO_CLAUSE):
        cut = intro.match(sentence).end()
        if intro is INTRO_WITH_PLACE and not cut:
            continue
        m = SENTENCE_SUBJECT.match(sentence[cut:])
        if not m:
            continue
        subject = m["subject"]
        if subject.lower() in ("he", "she") or person_name(subject):
            return subject
    return None


VERBISH = {
    "has", "have", "had", "is", "was", "will", "would", "can", "could", "did", "does", "didn't",
    "doesn't", "isn't", "wasn't", "made", "makes", "took", "takes", "went", "goes", "gave", "gives",
    "wrote", "writes", "thinks", "thought", "knows", "knew", "wants", "also", "then", "later",
    "never", "still", "said", "says", "told", "tells", "spoke", "speaks", "sees", "saw", "got",
}


def acting_subject(sentence: str) -> str | None:
    """A sentence's subject when it is followed by what looks like its verb ("Ivanka Trump
    acknowledged", "Anderson largely agreed"), not a modifier ("Clinton communication director")."""
    subject = sentence_subject(sentence)
    if subject is None:
        return None
    rest = sentence.strip()
    rest = rest[INTRO_CLAUSE.match(rest).end() :]
    rest = re.sub(r"^(?:(?:But|And|However|Meanwhile|Still|Yet|Later|Earlier|On\s+\w+),?\s+)", "", rest)
    after = rest[rest.find(subject) + len(subject) :].split()
    if not after:
        return None
    word = after[0].strip(",").lower()
    if after[0].startswith(",") or rest[rest.find(subject) + len(subject) :].startswith(","):
        return subject  # "Silverman, herself a supporter, said"
    return subject if word in VERBISH or word.endswith(("ed", "ly")) else None


#: A sentence opening with a description in lower-case words before the person's full name and
#: their verb or an aside: "Tennis great Billie Jean King remembered", "Democratic front-runner
#: Hillary Clinton, also campaigning in Wisconsin, said", "Trump spokesman Hope Hicks confirmed".
#: The description may stand before the name as an aside: "Sharon's son, Gilad Sharon, announced".
DESCRIBED_SUBJECT = re.compile(
    rf"^(?:The\s+)?(?:[{CAP}][\w'’.-]*\s+){{0,2}}(?:[a-z][\w'’-]*\s+){{0,2}}(?:[a-z][\w'’-]*\s+|[a-z][\w'’-]*,\s+(?=[^,]+,))"
    rf"(?P<name>[{CAP}][\w'’-]+(?:\s+[{CAP}][\w'’.-]*){{1,3}})(?=,|\s+[a-z]+(?:ed|s)\b|\s+(?:has|had|is|was|will)\b)"
)


#: Words that make the words before a name a clause, not a description: "Growing up in El Paso,
#: Mendoza …", "But in New Hampshire, Sanders …".
_NOT_DESCRIBING = COMMON_START | {"up", "to", "of", "from", "around", "over", "across", "near", "like", "than", "told",
                                  "during", "since", "called", "named"}


def described_subject(sentence: str) -> str | None:
    """The full name a sentence's description opens with (DESCRIBED_SUBJECT), as its subject."""
    sentence = sentence.strip()
    m = DESCRIBED_SUBJECT.match(sentence)
    if not m or not sentence.endswith((".", "!", "?", "”", '"')):
        return None  # a heading ("NYC mayor Zohran Mamdani trolls the Cavs") is no one's turn to speak
    described = sentence[: m.start("name")].split()
    if any(w.lower() in _NOT_DESCRIBING or w.lower().endswith("ing") for w in described[1 if described[0] == "The" else 0 :]):
        return None
    if described[-1].endswith("s") and not described[-1].endswith(("ss", "us", "'s", "’s")):
        return None  # a plural before names lists several ("The zoo's previous pandas Mei Xiang, Tian Tian …")
    return m["name"] if person_name(m["name"]) else None
