"""Names in an article: which phrase names a person, how a name is matched, and whom a
surname or "he"/"she" stands for at a point of the article (`Resolver`)."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable

from ..text import paragraph_spans, split_sentences
from .offices import after_office, an_office, name_after_body, role_before
from .quotemarks import quote_spans
from .rules import (
    CAP, COMMON_START, INTRO_CLAUSE, INTRO_WITH_PLACE, NAME_TOKEN, PLURAL_PRONOUNS, PRONOUNS, SENTENCE_SUBJECT, TITLES,
)

# --- names ---------------------------------------------------------------------------------
def clean_token(token: str) -> str:
    return token.strip(",.;:!?()[]\"“”‘’'").removesuffix("’s").removesuffix("'s")


#: Words that end an outlet's or an office's name before a person's: "Fox News Sean Hannity",
#: "Chief of Staff Katie Walsh".
AFFILIATION_ENDS = {"news", "channel", "network", "times", "post", "journal", "magazine", "radio", "tv", "staff",
                    "press", "tribune", "herald", "gazette", "daily", "media", "online", "report", "today"}


def is_possessive(raw: str) -> bool:
    return raw.rstrip(",.;:!?").endswith(("’s", "'s", "s’", "s'"))


def strip_affiliation(tokens: list[str]) -> list[str]:
    """'Fox News Sean Hannity' -> ['Sean', 'Hannity'], 'CNN Dana Bash' -> ['Dana', 'Bash']: what
    follows the last outlet word or acronym, when two names are left."""
    cut = 0
    for i, token in enumerate(tokens[:-2]):
        if token.lower() in AFFILIATION_ENDS or (len(token) >= 2 and token.isupper() and token.isalpha()):
            cut = i + 1
    return tokens[cut:]


def name_runs(phrase: str) -> list[list[str]]:
    """Runs of capitalized words: candidate names ("Political analyst Alexei Mukhin" gives
    ["Political"], ["Alexei", "Mukhin"]; "NBC’s Chuck Todd" gives ["NBC"], ["Chuck", "Todd"])."""
    runs: list[list[str]] = []
    current: list[str] = []
    for raw in phrase.split():
        token = clean_token(raw)
        if token and NAME_TOKEN.match(token) and not token.isdigit():
            current.append(token)
            if raw.endswith((",", ";", ":")) or is_possessive(raw):
                runs.append(current)
                current = []
        else:
            if current:
                runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def strip_titles(tokens: list[str]) -> list[str]:
    """'French Prime Minister Manuel Valls' -> ['Manuel', 'Valls']; 'Mr. Obama' -> ['Obama']."""
    last_title = -1
    for i, token in enumerate(tokens[:-1]):
        if token.lower().rstrip(".") in TITLES:
            last_title = i
    rest = tokens[last_title + 1 :]
    return [t for t in rest if t.lower().rstrip(".") not in ("jr", "sr", "iii", "ii")] or rest


HONORIFICS = {"mr", "mrs", "ms", "miss", "dr"}

#: Words that may follow a name in a subject without making it a description.
TRAILING = {"herself", "himself", "themselves", "itself", "also", "too", "alone", "jr", "sr", "again", "later", "then"}


#: A party and state after a legislator's name: "Sen. Chris Murphy (D-Conn.)", "Bill Schuette (R)".
PARTY_TAG = re.compile(r"\s*\((?:[RDI]|[RDI]-[^()]{1,20})\)")


#: Plural nouns that open a body's name before "of" ("Friends of the Earth", "Knights of
#: Columbus", "Veterans of Foreign Wars"), where a single word is otherwise a surname ("Brooks of
#: the Heritage Foundation").
_MEMBERS = {"friends", "knights", "daughters", "sons", "veterans", "citizens", "mothers", "fathers", "parents",
            "doctors", "nurses", "physicians", "workers", "engineers", "scientists", "teachers", "students"}

#: Capitalized words that open a subject and name nobody.
_NOT_NAMES = set(PRONOUNS) | PLURAL_PRONOUNS | {"there", "here", "this", "that", "these", "those"}

#: Words of a body's name that the attribution rules may take for a person's ("New York City Fire
#: Department said"): such a speaker is not offered as a person (the questions to ask next, the
#: people quoted beside someone), though what it said can be asked for.
BODIES = {"department", "ministry", "office", "agency", "police", "service", "council", "committee", "court", "fire",
          "news", "press", "union", "university", "company", "government", "administration", "house", "party",
          "association", "organization", "organisation", "center", "centre", "bureau", "commission", "board",
          "institute", "foundation", "group", "team", "club", "network", "times", "post", "journal", "society", "bank",
          "federation", "coalition", "alliance", "league"}
#: The last word before "of" that makes what follows a body's name, not a place after a person's.
_BODY_FIRST = BODIES | _MEMBERS

#: Last words of a body's name that are hardly ever a surname: "the Justice Department said" is
#: the department, not a person named "Department" ("Justice" read as a title), nor is "the
#: Department of Human Services says" a "Department" a full name before it stands for. BODIES
#: less the words that may end a person's or a product's name ("Margaret Court", "Emily Post",
#: "Edward House"), and with a company's suffixes.
_BODY_HEADS = (BODIES - {"service", "court", "fire", "news", "press", "union", "house", "center", "centre", "board",
                         "group", "team", "club", "network", "times", "post", "journal", "bank", "league"}) | {"inc", "corp", "llc"}


#: A body named for its purpose ("the Committee to Protect Journalists", "Campaign to End
#: Loneliness"): its "to" is read as a body's "of", so the words after it name no one.
_PURPOSE = re.compile(
    r"\b(" + "|".join(sorted(_BODY_FIRST | {"campaign", "fund", "project", "movement", "initiative", "partnership"}))
    + r")\s+to\s+(?=[A-Z])", re.IGNORECASE)


def person_name(subject: str) -> str | None:
    """The person a subject phrase names, or None for a description ("a senior official")."""
    subject = _PURPOSE.sub(r"\1 of ", PARTY_TAG.sub("", subject))
    # "Trump in April", "Biden in his remarks", "Trump on Monday": the person comes before "in".
    first_segment = re.split(r",|\bwho\b|\bwhich\b|\s(?:in|on|during)\s", subject, maxsplit=1)[0]
    # "Sen. Bernie Sanders of Vermont": the person comes before "of", not the place after it;
    # but "Secretary of State John Kerry" has only a title before it.
    before_place = re.split(r"\s(?:of|from|at|for)\s", first_segment, maxsplit=1)[0]
    head = [w for w in before_place.split() if w.lower().strip(".") not in TRAILING]
    if head and head[-1][:1].islower():
        return None  # "The Vermont senator", "One California delegate", "the Obama administration"
    # After anything but a title ("People for the Ethical Treatment of Animals", "the Union of
    # Concerned Scientists", "Office of Management and Budget Director Russ Vought") the words
    # after "of" or "for" name a person only after an office; a body before them is no one.
    office_needed = before_place != first_segment and not all(
        w.lower().strip(".,") in TITLES or w.lower() in ("the", "a", "an") for w in before_place.split())
    body_first = before_place != first_segment and any(w.lower().strip(".,") in _BODY_FIRST for w in before_place.split()[-1:])
    for segment in dict.fromkeys((first_segment,) if body_first else (before_place, first_segment)):
        runs = name_runs(segment)
        words = segment.split()
        if runs and words and clean_token(words[0]) == runs[0][0] and runs[0][0].lower() in COMMON_START:
            runs[0] = runs[0][1:]
        runs = [r for r in runs if r]
        if not runs:
            continue
        if runs[-1][-1].lower().rstrip(".") in _BODY_HEADS:
            return None  # "the Justice Department", "the Department of Human Services", "the Labour Party"
        named = strip_affiliation(runs[-1])
        tokens = after_office(strip_titles(named))
        if segment is not before_place:
            if office_needed and not (len(tokens) >= 2 and (
                    an_office(runs[-1][: len(runs[-1]) - len(tokens)]) or role_before(segment, len(runs[-1])))):
                return None  # no office held before the name: "… for a Responsible Federal Budget"
            tokens = name_after_body(tokens)
        if len(tokens) >= 2 and len(tokens[-1]) >= 2 and tokens[-1].isupper() and tokens[-1].isalpha():
            return None  # "Trump PAC", "Clinton HQ": an organisation
        if len(tokens) == 1 and tokens[0].lower() in _NOT_NAMES:
            return None  # "What I would say…", "There said": a capitalized pronoun, no one's name
        if tokens and not all(t.lower().rstrip(".") in TITLES for t in tokens):
            return " ".join(tokens)
        if len(runs[-1]) >= 2 and runs[-1][-2].lower().rstrip(".") in HONORIFICS:
            return runs[-1][-1]  # "Mr. King", "Ms. Chief": a surname that is also a title word
    return None


def name_key(name: str) -> list[str]:
    """Tokens a name is matched by: lower-case, titles and possessives dropped."""
    tokens = [t for t in (clean_token(t).lower() for t in name.split()) if t]
    # The last word is the surname even when it is also a title word ("Larry King").
    return [t for t in tokens[:-1] if t.rstrip(".") not in TITLES] + tokens[-1:]


def speaker_matches(query: str, speaker: str) -> bool:
    """'Lukyanova', 'Yelena Lukyanova' and 'Mrs. Lukyanova' all match 'Yelena Lukyanova'."""
    wanted, have = name_key(query), set(name_key(speaker))
    return bool(wanted) and all(w in have for w in wanted)


def speakers_meant(query: str, speakers: Iterable[str]) -> set[str]:
    """Which of `speakers` (those `speaker_matches` the query) a name asks for. One word that is
    some speaker's surname means them alone: "Paul" is Rand Paul, not Paul Ryan or Paul Manafort,
    whose first name it is. A word that is nobody's surname ("Bernie", "Hillary") keeps
    the first-name matches. The lookup (`find_quotes`) and its measure (`newsbot eval-quotes`)
    both choose here."""
    matching = {s for s in speakers if speaker_matches(query, s)}
    wanted = name_key(query)
    if len(wanted) != 1:
        return matching
    by_surname = {s for s in matching if name_key(s)[-1:] == wanted}
    return by_surname or matching


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
        self.mentions: list[tuple[int, list[str]]] = []  # (offset, full-name tokens)
        for match in re.finditer(rf"(?:[{CAP}][\w'’.-]+ ){{1,3}}[{CAP}][\w'’-]+", text):
            raw = match.group().split()
            # A run cut by a sentence end ("Mironov. But Mukhin") or led by a common word is
            # not one name: keep what follows the last such break.
            cut = 0
            for i, token in enumerate(raw[:-1]):
                bare = token.rstrip(".").lower()
                if (token.endswith(".") and len(bare) > 2 and bare not in TITLES) or bare in COMMON_START or is_possessive(token):
                    cut = i + 1
            tokens = strip_titles(strip_affiliation([clean_token(t) for t in raw[cut:]]))
            if len(tokens) >= 2:
                self.mentions.append((match.start(), tokens))
        self.last_person: str | None = None
        self.paragraphs = paragraphs = paragraph_spans(text)
        self.sentences = [s for p in paragraphs for s in split_sentences(text[p.start : p.end], p.start)]
        self.sentence_starts = [s.start for s in self.sentences]
        self.quoted = [(p.start + qs, p.start + qe) for p in paragraphs for qs, qe, _ in quote_spans(text[p.start : p.end])]

    def antecedent(self, at: int) -> str | None:
        """The person "he" or "she" at offset `at` most likely stands for: the subject of its
        own sentence when the pronoun comes later in it, else the person who is the subject of
        one of the sentences just before (skipping quoted ones and following a chain of
        pronoun subjects back to a name). News style names the speaker, then quotes them."""
        i = bisect.bisect_right(self.sentence_starts, at) - 1
        if i < 0:
            return None
        current = self.sentences[i]
        own = acting_subject(self.text[current.start : at]) if at > current.start else None
        if own and own.lower() not in PRONOUNS:
            return self._named(own, current.start)
        for j in range(i - 1, max(i - 4, -1), -1):
            sentence = self.sentences[j]
            if any(qs <= sentence.start < qe for qs, qe in self.quoted):
                continue
            subject = acting_subject(self.text[sentence.start : sentence.end])
            if subject is None or subject.lower() in PRONOUNS:
                continue
            return self._named(subject, sentence.start)
        return None

    def _named(self, subject: str, at: int) -> str | None:
        name = person_name(subject)
        return self.full_name(name, at) if name else None

    def full_name(self, name: str, at: int) -> str:
        tokens = name.split()
        if len(tokens) != 1:
            return name
        surname = tokens[0]
        best = None
        for offset, full in self.mentions:
            if full[-1] == surname and full != tokens:
                if offset <= at or best is None:
                    best = full
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
            if (person := self.antecedent(at)):
                self.last_person = person
                return person, True
            if self.last_person:
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


def a_person(speaker: str) -> bool:
    """A stored speaker that is a person's full name: two to four capitalized words, none a
    body's and none a verb's form ("Punishing Spain")."""
    words = speaker.split()
    return (2 <= len(words) <= 4 and all(w[:1].isupper() for w in words) and not words[0].lower().endswith("ing")
            and not {w.lower() for w in words} & BODIES)
