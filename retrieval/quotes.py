"""Who said what: attributions found in an article's text, by rules.

Direct quotes ("…," Lukyanova said; Lukyanova said: "…"; a quote that runs on into the next
paragraphs) and reported speech (Lukyanova told The Moscow Times that …; …, said a senior
official; according to Mukhin, …), each with its speaker, cue, kind and character offsets. The
speaker is resolved to the person it stands for within the article: a surname to the full name
mentioned before it, "he"/"she" to the last person quoted, titles (Mr., Sen., Prime Minister)
ignored.

Nothing here is keyed to any data set: the rules are those of English news style.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from .text import paragraph_spans, split_sentences

#: Raised whenever the rules below change what they find: a store whose attributions were found
#: by other rules finds them again on open (see Engine._check_attribution_rules).
RULES_VERSION = "2026-11-25.2"

CUES = (
    "said|says|say|told|tells|added|adds|noted|notes|wrote|writes|stated|states|explained|argued|argues|"
    "claimed|claims|warned|warns|asked|asks|replied|insisted|insists|recalled|acknowledged|announced|"
    "suggested|suggests|continued|tweeted|declared|urged|predicted|believes|believed|contended|"
    "emphasized|stressed|observed|remarked|conceded|admitted|complained|responded|maintained|"
    "agreed|quoted|reported|reports|asserted|alleged|testified|cautioned|countered|"
    "confirmed|denied|estimated|joked|mused|pointed out|went on|"
    "criticized|criticised|accused|defended|praised|promised|pledged|vowed|blamed|dismissed|"
    "proposed|endorsed|described|cited|predicts|hinted|signaled|signalled|indicated|"
    "scoffed|quipped|snapped|shouted|exclaimed|wondered|boasted|bragged|lamented|recounted|sighed|"
    "chanted|yelled|concluded|reiterated|thundered|tweets|posted|wrote on|told reporters|"
    "called for|calls for|called on|calls on|called|calls|"
    # Stance verbs that news uses to report what someone holds or demands (PolNeAR counts them
    # as attributions; chosen by their frequency in polnear-train's annotated cues).
    "declined|refused|expressed|sought|spoke|offered|revealed|issued|attacked|rejected|questioned|"
    "opposed|blasted|denounced|mocked|echoed|mentioned|discussed|backed|supported|wants|wanted|"
    "hopes|hoped|fears|feared|worried|thinks|expects|expected|plans|planned|demanded|demands|"
    "unveiled|touted|slammed|ripped|decried|lambasted|assailed|hailed|applauded|welcomed|apologized|"
    "pointed to|released|voted|talked|signed|raised|assured|referred|considered|ordered|pushed|"
    "made it clear|made clear|made the case|highlighted|emphasised|challenged|pressed|"
    "proposes|urges|charges|accuses|criticizes|praises|promises|vows|pledges|rejects|denies|"
    "defends|blames|backs|supports|opposes|acknowledges|admits|concedes|"
    "articulated|identified|painted|portrayed|characterized|labeled|labelled|dubbed|branded|framed|"
    "asserts|seeks|grilled|examined|recognized|recognizes|doubted|disputed"
)
# What someone is doing with words right now: "Donald Trump is demanding …", "He’s claiming …".
_PROGRESSIVE = (
    "telling|saying|claiming|arguing|demanding|questioning|promoting|proposing|calling for|calling on|"
    "urging|pushing|insisting|warning|suggesting|predicting|promising|vowing|accusing|criticizing|"
    "attacking|blasting|defending|touting|pitching|asking|raising questions about|pressing|slamming|hoping"
)
_CUE = (
    rf"(?:(?:(?:has|have|had|would|will|also|later|then|previously|once|often|long|never|not|already|since|[a-z]+ly)\s+)*(?:{CUES})"
    rf"|(?:(?:is|was|are|were)\s+(?:also\s+|again\s+|once\s+again\s+|now\s+|still\s+)?|(?<=[’']s\s))(?:{_PROGRESSIVE}))"
)
# Words that may stand between a name and its cue: "Gudkov said Tuesday", "he told reporters".
_ADVERB = r"(?:\s+(?:also|later|then|previously|once|again|earlier|further|now|still|often|even|never|already|just|[a-z]+ly))?"
_TIME = r"(?:\s+(?:on\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|today|yesterday|last\s+week|this\s+week|in\s+a\s+statement|in\s+an\s+interview|in\s+a\s+tweet|on\s+Twitter)(?:\s+(?:night|morning|afternoon|evening))?)?"

# "Sen. David Perdue (R-Ga.)", "Lt. Gov. Ralph Northam (D)": a party (and state) after a name.
_AFFILIATION = r"(?:\s+\([A-Z][\w.]{0,3}(?:-[A-Z][\w. ]{1,12})?\))?"

PRONOUNS = {"he": "m", "she": "f", "him": "m", "her": "f"}
PLURAL_PRONOUNS = {"they", "we", "i", "you", "it", "who", "which"}
TITLES = {
    "mr", "mrs", "ms", "miss", "dr", "prof", "professor", "sen", "senator", "rep", "representative",
    "gov", "governor", "president", "vice", "prime", "minister", "secretary", "judge", "justice",
    "chairman", "chairwoman", "chair", "director", "general", "gen", "col", "colonel", "lt", "sgt",
    "capt", "captain", "chief", "mayor", "speaker", "leader", "attorney", "king", "queen", "prince",
    "princess", "pope", "rev", "reverend", "sir", "lord", "lady", "former", "deputy", "ambassador",
    "commissioner", "councillor", "councilman", "councilwoman", "officer", "spokesman",
    "spokeswoman", "spokesperson", "founder", "ceo", "candidate", "nominee", "adviser", "advisor",
    "analyst", "lawyer", "editor", "manager", "coach", "head", "state", "foreign", "defense",
    "defence", "interior", "finance", "house", "senate", "white", "federal", "u.s", "us",
    "democratic", "republican", "gop", "party", "presidential",
}
# Capitalized at the start of a sentence without being names.
_COMMON_START = {
    "the", "a", "an", "another", "some", "many", "several", "one", "other", "two", "three", "most",
    "both", "his", "her", "their", "its", "our", "this", "that", "these", "those", "but", "and",
    "however", "meanwhile", "still", "yet", "so", "also", "then", "now", "later", "in", "on", "at",
    "for", "with", "as", "after", "before", "when", "while", "if", "although", "though", "because",
    "according", "political", "senior", "top", "local", "critics", "officials", "experts",
    "analysts", "supporters", "aides", "sources", "observers", "residents", "witnesses", "police",
}
_OPEN = "“\"‘"
_QUOTE_TOKEN = re.compile(r"“|”|''|``|\"")
_NAME_TOKEN = re.compile(r"^(?:[A-Z][\w'’.-]*|[A-Z]\.|Mc\w+|O'\w+)$")
_WORD = re.compile(r"\S+")


@dataclass
class Attribution:
    speaker: str  # the person (full name as the article gives it) or a description
    is_person: bool
    quote: str
    cue: str
    kind: str  # "direct" | "reported"
    start: int  # offsets of the quote (content) in the article text
    end: int
    speaker_start: int = -1
    speaker_end: int = -1


# --- names ---------------------------------------------------------------------------------
def _clean_token(token: str) -> str:
    return token.strip(",.;:!?()[]\"“”‘’'").removesuffix("’s").removesuffix("'s")


def name_runs(phrase: str) -> list[list[str]]:
    """Runs of capitalized words: candidate names ("Political analyst Alexei Mukhin" gives
    ["Political"], ["Alexei", "Mukhin"])."""
    runs: list[list[str]] = []
    current: list[str] = []
    for raw in phrase.split():
        token = _clean_token(raw)
        if token and _NAME_TOKEN.match(token) and not token.isdigit():
            current.append(token)
            if raw.endswith((",", ";", ":")):
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


_HONORIFICS = {"mr", "mrs", "ms", "miss", "dr"}

#: Words that may follow a name in a subject without making it a description.
_TRAILING = {"herself", "himself", "themselves", "itself", "also", "too", "alone", "jr", "sr", "again", "later", "then"}


def person_name(subject: str) -> str | None:
    """The person a subject phrase names, or None for a description ("a senior official")."""
    first_segment = re.split(r",|\bwho\b|\bwhich\b", subject, maxsplit=1)[0]
    # "Sen. Bernie Sanders of Vermont": the person comes before "of", not the place after it;
    # but "Secretary of State John Kerry" has only a title before it.
    before_place = re.split(r"\s(?:of|from|at|for)\s", first_segment, maxsplit=1)[0]
    head = [w for w in before_place.split() if w.lower().strip(".") not in _TRAILING]
    if head and head[-1][:1].islower():
        return None  # "The Vermont senator", "One California delegate", "the Obama administration"
    for segment in dict.fromkeys((before_place, first_segment)):
        runs = name_runs(segment)
        words = segment.split()
        if runs and words and _clean_token(words[0]) == runs[0][0] and runs[0][0].lower() in _COMMON_START:
            runs[0] = runs[0][1:]
        runs = [r for r in runs if r]
        if not runs:
            continue
        tokens = strip_titles(runs[-1])
        if tokens and not all(t.lower().rstrip(".") in TITLES for t in tokens):
            return " ".join(tokens)
        if len(runs[-1]) >= 2 and runs[-1][-2].lower().rstrip(".") in _HONORIFICS:
            return runs[-1][-1]  # "Mr. King", "Ms. Chief": a surname that is also a title word
    return None


def name_key(name: str) -> list[str]:
    """Tokens a name is matched by: lower-case, titles and possessives dropped."""
    tokens = [t for t in (_clean_token(t).lower() for t in name.split()) if t]
    # The last word is the surname even when it is also a title word ("Larry King").
    return [t for t in tokens[:-1] if t.rstrip(".") not in TITLES] + tokens[-1:]


def speaker_matches(query: str, speaker: str) -> bool:
    """'Lukyanova', 'Yelena Lukyanova' and 'Mrs. Lukyanova' all match 'Yelena Lukyanova'."""
    wanted, have = name_key(query), set(name_key(speaker))
    return bool(wanted) and all(w in have for w in wanted)


_CONNECTIVE = re.compile(r"\b(?:as|when|while|because|though|although|after|before|since|if|which|who|that|and|but)\s+", re.I)


class Resolver:
    """Resolves speakers within one article: surnames to the full name met before, pronouns to
    the person named as the subject just before (else the last person quoted). It splits the
    article into paragraphs and sentences once, for itself and for `extract`."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.mentions: list[tuple[int, list[str]]] = []  # (offset, full-name tokens)
        for match in re.finditer(r"(?:[A-Z][\w'’.-]+ ){1,3}[A-Z][\w'’-]+", text):
            raw = match.group().split()
            # A run cut by a sentence end ("Mironov. But Mukhin") or led by a common word is
            # not one name: keep what follows the last such break.
            cut = 0
            for i, token in enumerate(raw[:-1]):
                bare = token.rstrip(".").lower()
                if (token.endswith(".") and len(bare) > 2 and bare not in TITLES) or bare in _COMMON_START:
                    cut = i + 1
            tokens = strip_titles([_clean_token(t) for t in raw[cut:]])
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
        own = _acting_subject(self.text[current.start : at]) if at > current.start else None
        if own and own.lower() not in PRONOUNS:
            return self._named(own, current.start)
        for j in range(i - 1, max(i - 4, -1), -1):
            sentence = self.sentences[j]
            if any(qs <= sentence.start < qe for qs, qe in self.quoted):
                continue
            subject = _acting_subject(self.text[sentence.start : sentence.end])
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
        tail = _CONNECTIVE.split(subject)[-1]
        if tail != subject:
            at += len(subject) - len(tail)
            subject = tail
        if not subject.strip():
            return "", False
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
        name = person_name(subject)
        if name is None:
            return " ".join(subject.split()).lower(), False
        full = self.full_name(name, at)
        self.last_person = full
        return full, True


# --- quote spans ---------------------------------------------------------------------------
def quote_spans(paragraph: str) -> list[tuple[int, int, bool]]:
    """(start, end, closed) of each quotation in a paragraph, marks included. An opening mark
    with no closing one runs to the paragraph's end (news style for multi-paragraph quotes)."""
    spans = []
    open_at: int | None = None
    open_mark = ""
    for match in _QUOTE_TOKEN.finditer(paragraph):
        mark = match.group()
        if open_at is None:
            if mark in ("”",):
                continue  # a stray closing mark
            if mark == "''" and not (match.start() == 0 or paragraph[match.start() - 1] in " (\n"):
                continue
            if mark == '"' and match.end() < len(paragraph) and paragraph[match.end()].isspace() and match.start() > 0:
                continue
            open_at, open_mark = match.start(), mark
        else:
            closes = {"“": ("”", '"'), '"': ('"', "”"), "''": ("''", "”", '"'), "``": ("''",)}[open_mark]
            if mark in closes:
                spans.append((open_at, match.end(), True))
                open_at = None
    if open_at is not None:
        spans.append((open_at, len(paragraph), False))
    return spans


def _inner(paragraph: str, start: int, end: int) -> tuple[int, int]:
    """The quote without its marks and the comma before the closing mark."""
    s, e = start, end
    while s < e and paragraph[s] in "“\"'`‘ ":
        s += 1
    while e > s and paragraph[e - 1] in "”\"'’ ":
        e -= 1
    while e > s and paragraph[e - 1] in ",":
        e -= 1
    return s, e


# After a quote: ', Gudkov said', ' said the official, who', ' he told reporters'.
_AFTER_NAME_CUE = re.compile(
    rf"^[\s,]*(?P<subject>(?:[\w'’.-]+\s+){{0,6}}?[\w'’.-]+?){_AFFILIATION}(?:,[^“”\"]{{1,120}}?,)?{_ADVERB}\s+(?P<cue>{_CUE}){_TIME}\b",
)
_ABBREV = r"(?:\b(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Col|Sgt|Capt|Prof|Rev|St|Jr|Sr)\.|\b[A-Z]\.)"
_AFTER_CUE_NAME = re.compile(
    rf"^[\s,]*(?P<cue>{_CUE})\s+(?P<subject>(?:{_ABBREV}|[^,.;:!?“”\"]){{1,80}}?)(?=\s*(?:[,.;:!?]|$|\s+(?:who|which|in|at|on|of|for|from|with|during|after|before|to)\b))"
)
# Before a quote: 'Lukyanova said: ', 'Another commenter said, ', 'he told the paper'.
_BEFORE = re.compile(
    rf"(?P<subject>(?:^|(?<=[\s(]))(?:[\w'’.-]+\s+){{0,6}}?[\w'’.-]+){_AFFILIATION}(?:,[^,]{{1,80}},)?{_ADVERB}\s+(?P<cue>{_CUE})(?:\s+[^“\"]{{0,80}}?)?{_TIME}\s*[:,]?\s*$"
)


# "…, telling the crowd, “…”": the speaker is the sentence's subject.
_PARTICIPLE = (
    r"(?:saying|telling|adding|writing|noting|asking|declaring|arguing|insisting|explaining|tweeting|warning|replying|"
    r"calling|painting|accusing|claiming|urging|promising|vowing|criticizing|praising|blaming|describing|citing|"
    r"comparing|suggesting|predicting|pledging|demanding|charging|questioning|dismissing|defending)"
)
_PARTICIPLE_BEFORE = re.compile(rf"[,;]\s+(?:and\s+|then\s+|before\s+|upon\s+|by\s+)?(?P<cue>{_PARTICIPLE})(?:\s+[^“\",.]{{1,40}})?\s*[:,]?\s*$")
_SENTENCE_SUBJECT = re.compile(
    r"^(?:(?:But|And|However|Meanwhile|Still|Yet|Later|Earlier|On\s+\w+),?\s+)?(?P<subject>(?:he|she|(?:[A-Z][\w'’.-]*\s+){0,4}[A-Z][\w'’-]*))(?=[\s,])"
)


# "footage of Hillary Clinton asking, “…”": a name right before the participle.
_NAME_PARTICIPLE_BEFORE = re.compile(
    rf"(?P<subject>(?:[A-Z][\w'’.-]*\s+){{0,3}}[A-Z][\w'’-]+){_AFFILIATION}\s+(?P<cue>{_PARTICIPLE})(?:\s+[^“\",.]{{1,60}})?\s*[:,]\s*$"
)


def sentence_subject(sentence: str) -> str | None:
    """The name or pronoun a sentence opens with ("Silverman, herself a supporter, said…")."""
    sentence = sentence.strip()
    # "During a speech Friday, Trump …"; "Speaking at a rally in Novi, Michigan, Trump …" (a place
    # with its state is tried first, then the plain clause).
    for intro in (_INTRO_WITH_PLACE, _INTRO_CLAUSE):
        cut = intro.match(sentence).end()
        if intro is _INTRO_WITH_PLACE and not cut:
            continue
        m = _SENTENCE_SUBJECT.match(sentence[cut:])
        if not m:
            continue
        subject = m["subject"]
        if subject.lower() in ("he", "she") or person_name(subject):
            return subject
    return None


_VERBISH = {
    "has", "have", "had", "is", "was", "will", "would", "can", "could", "did", "does", "didn't",
    "doesn't", "isn't", "wasn't", "made", "makes", "took", "takes", "went", "goes", "gave", "gives",
    "wrote", "writes", "thinks", "thought", "knows", "knew", "wants", "also", "then", "later",
    "never", "still", "said", "says", "told", "tells", "spoke", "speaks", "sees", "saw", "got",
}


def _acting_subject(sentence: str) -> str | None:
    """A sentence's subject when it is followed by what looks like its verb ("Ivanka Trump
    acknowledged", "Anderson largely agreed"), not a modifier ("Clinton communication director")."""
    subject = sentence_subject(sentence)
    if subject is None:
        return None
    rest = sentence.strip()
    rest = rest[_INTRO_CLAUSE.match(rest).end() :]
    rest = re.sub(r"^(?:(?:But|And|However|Meanwhile|Still|Yet|Later|Earlier|On\s+\w+),?\s+)", "", rest)
    after = rest[rest.find(subject) + len(subject) :].split()
    if not after:
        return None
    word = after[0].strip(",").lower()
    if after[0].startswith(",") or rest[rest.find(subject) + len(subject) :].startswith(","):
        return subject  # "Silverman, herself a supporter, said"
    return subject if word in _VERBISH or word.endswith(("ed", "ly")) else None


# 'Said Comey, "…"': the cue first, before the quote.
_BEFORE_INVERTED = re.compile(r"(?:^\s*|[.!?]\s+)(?P<cue>Said|Says|Added|Adds|Wrote|Writes|Asked|Explained|Noted)\s+(?P<subject>[^,:“\"]{1,60})[,:]\s*$")


# A cue right before a short quote makes it a quote; "called" there names ("an article called “The Left Turn”").
_CUE_RIGHT_BEFORE = re.compile(rf"\b(?<!called )(?<!calls )(?:{_CUE})(?<!called)(?<!calls)\s*[:,]?\s*$")


def _subject_ok(subject: str) -> bool:
    words = subject.split()
    if not 1 <= len(words) <= 7:
        return False
    lower = subject.lower()
    if any(w in ("is", "was", "are", "were", "be", "been", "the", "a", "an") for w in words[-1:]):
        return False
    if words[-1].lower().strip(".,") in _TIME_WORDS:
        return False
    return not re.search(r"[“”\"]", lower)


_TIME_WORDS = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today",
    "yesterday", "tonight", "week", "month", "year", "night", "morning", "afternoon", "evening",
    "statement", "interview", "earlier", "later", "recently", "then", "again",
}


_SENTENCE_END = re.compile(r"[.!?][”\"'’]*\s+")


def _sentence_start(paragraph: str, at: int) -> int:
    """Offset of the last sentence end before `at` in a paragraph ('… smart.” Trump was …'
    ends at the closing mark), or -1 when the sentence opens the paragraph."""
    last = -1
    for m in _SENTENCE_END.finditer(paragraph, 0, at):
        last = m.end() - 1
    return last


def extract(text: str) -> list[Attribution]:
    """Every attribution found in an article's text (paragraphs separated by blank lines)."""
    resolver = Resolver(text)
    found: list[Attribution] = []
    last_direct: tuple[str, bool, int] | None = None  # speaker, is_person, paragraph index
    covered: list[tuple[int, int]] = []
    paragraphs = resolver.paragraphs
    for p_index, para in enumerate(paragraphs):
        ptext = text[para.start : para.end]
        spans = quote_spans(ptext)
        prev_speaker: tuple[str, bool, str] | None = None
        for q_index, (qs, qe, closed) in enumerate(spans):
            inner_s, inner_e = _inner(ptext, qs, qe)
            words = len(ptext[inner_s:inner_e].split())
            speaker = None
            after = ptext[qe : qe + 160]
            stray = len(after) - len(after.lstrip("'’”\""))  # a closing mark left over after a nested quote
            after = after[stray:]
            qe_after = qe + stray
            next_quote = spans[q_index + 1][0] - qe if q_index + 1 < len(spans) else None
            if next_quote is not None:
                after = after[:next_quote]
            sentence_start = _sentence_start(ptext, qs)
            before = ptext[max(sentence_start + 1, 0) : qs]
            before_match = _BEFORE.search(before)
            if before_match and not _subject_ok(before_match["subject"]):
                before_match = None
            after_pronoun = re.match(r"^[\s,]*(?:he|she)\s", after)
            label = _SPEAKER_LABEL.match(ptext[inner_s:inner_e]) if qs == 0 else None
            if label and _labelled_person(label["name"], resolver, para.start + inner_s):
                # A transcript quoted whole: '"PENCE: Well, look, …' is Pence's turn.
                name = label["name"].title() if label["name"].isupper() else label["name"]
                speaker = (*resolver.resolve(name, para.start + inner_s), ":")
                inner_s += label.start("content")
            elif before_match and after_pronoun and person_name(before_match["subject"]):
                # 'Feinstein said "…," she said': the name before wins over the pronoun after.
                m = before_match
                speaker = (*resolver.resolve(m["subject"], para.start + sentence_start + 1 + m.start("subject")), m["cue"])
            elif closed and (m := _AFTER_CUE_NAME.match(after)) and _subject_ok(m["subject"]):
                speaker = (*resolver.resolve(m["subject"], para.start + qe_after + m.start("subject")), m["cue"])
            elif closed and (m := _AFTER_NAME_CUE.match(after)) and _subject_ok(m["subject"]):
                speaker = (*resolver.resolve(m["subject"], para.start + qe_after + m.start("subject")), m["cue"])
            elif (m := before_match):
                speaker = (*resolver.resolve(m["subject"], para.start + sentence_start + 1 + m.start("subject")), m["cue"])
            elif (m := _BEFORE_INVERTED.search(before)) and _subject_ok(m["subject"]):
                speaker = (*resolver.resolve(m["subject"], para.start + sentence_start + 1 + m.start("subject")), m["cue"])
            elif (m := _NAME_PARTICIPLE_BEFORE.search(before)) and person_name(m["subject"]):
                speaker = (*resolver.resolve(m["subject"], para.start + sentence_start + 1 + m.start("subject")), m["cue"])
            elif (m := _PARTICIPLE_BEFORE.search(before)) and (subject := sentence_subject(before)):
                speaker = (*resolver.resolve(subject, para.start + sentence_start + 1), m["cue"])
            elif prev_speaker and words >= 4:
                speaker = prev_speaker  # "…," he said, "…" or a further quote in his paragraph
            elif (
                qs == 0 and p_index > 0 and words >= 4
                and (m := _BEFORE.search(prev_text := text[paragraphs[p_index - 1].start : paragraphs[p_index - 1].end]))
                and prev_text.rstrip().endswith(":") and _subject_ok(m["subject"])
            ):
                # "He said:" closing one paragraph, the quote opening the next.
                speaker = (*resolver.resolve(m["subject"], paragraphs[p_index - 1].start + m.start("subject")), m["cue"])
            elif qs == 0 and last_direct and p_index - last_direct[2] <= 2 and words >= 4:
                speaker = (last_direct[0], last_direct[1], "said")  # a quote paragraph that follows his
            if speaker is None:
                continue
            if words < 4 and speaker is not prev_speaker:
                # A phrase in quotation marks inside a sentence is part of that sentence's
                # reported speech, not a quote of its own.
                if before.strip() and not _CUE_RIGHT_BEFORE.search(before):
                    continue
            prev_speaker = speaker
            last_direct = (speaker[0], speaker[1], p_index)
            if speaker[1]:
                resolver.last_person = speaker[0]
            found.append(Attribution(speaker[0], speaker[1], ptext[inner_s:inner_e], speaker[2].lower(), "direct",
                                     para.start + inner_s, para.start + inner_e))
            covered.append((para.start + qs, para.start + qe))
        found += _reported(text, para.start, ptext, resolver, covered)
    found.sort(key=lambda a: a.start)
    return found


# --- reported speech -----------------------------------------------------------------------
_LEAD = r"(?:(?:But|And|However|Meanwhile|Still|Yet|So|Also|Now|Later|Earlier|In\s+a\s+statement|On\s+\w+),?\s+)?"
# An introductory clause before the subject: "In an interview Monday, Sanders said …".
_INTRO = r"(?:(?:In|At|On|During|After|Before|While|Although|Though|Alarmed|Asked|Speaking|Writing|Since|As|With|Despite|Earlier|Later)\b[^,“\"]{2,120},\s+)?"
_INTRO_CLAUSE = re.compile(_INTRO)
_INTRO_WITH_PLACE = re.compile(_INTRO.replace(r"{2,120},\s+)?", r"{2,120},\s+[A-Z][\w.]+(?:\s+[A-Z][\w.]+)?,\s+)?"))
_TELL = r"(?:(?:has|have|had|also|later)\s+)*(?:told|tells|asked|asks|informed|assured|reminded)"
_OBJECT = r"\s+(?:(?:(?:the|a|an)\s+)?(?:[A-Z][\w'’.&-]*\s*){1,5}|reporters|journalists|supporters|lawmakers|voters|the\s+\w+|an?\s+\w+(?:\s+\w+)?|him|her|them|us|me|CNN|NBC)"
_REPORTED_FRONT = re.compile(
    rf"^{_LEAD}{_INTRO}(?P<subject>(?:[\w'’.-]+\s+){{0,6}}?[\w'’.-]+){_AFFILIATION}(?P<appos>,[^,]{{2,140}}(?:,[^,]{{2,100}}){{0,3}},)?{_ADVERB}\s+"
    rf"(?:(?P<tell>{_TELL}){_OBJECT}|(?P<cue>{_CUE})){_TIME}(?:\s+that)?[\s,:]+(?P<content>\S.*)$",
    re.S,
)
_REPORTED_BACK = re.compile(
    rf"^(?P<content>.{{20,}}?),\s+(?:(?P<cue1>{_CUE})\s+(?P<subject1>[^,]{{1,80}}?)|(?P<subject2>(?:[\w'’.-]+\s+){{0,5}}?[\w'’.-]+)\s+(?P<cue2>{_CUE}))(?:,.*|\s+(?:in|on|at|during|who|after|before|following|when|as|to|of)\b.*)?[.!?]?$",
    re.S,
)
_ACCORDING = re.compile(r"^(?:(?P<content1>.{20,}?),\s+according\s+to\s+(?P<subject1>[^,.]{2,80})|According\s+to\s+(?P<subject2>[^,]{2,80}),\s+(?P<content2>.{20,}))[.!?]?$", re.S)
# "And that, Mr. Manafort said, was in the works."
_PARENTHETICAL = re.compile(
    rf"^(?P<content>.{{3,}}?),\s+(?P<subject>(?:he|she|(?:[A-Z][\w'’.-]*\s+){{0,4}}[A-Z][\w'’-]*))\s+(?P<cue>{_CUE}){_TIME},\s+(?P<rest>\S.{{10,}})$",
    re.S,
)
# Reported speech inside a longer sentence, after a clause of its own: "When he bought the
# mine, Mr. Clarke said he expected …", "… shortly after Trump said he finally believes …".
# Only verbs that take a clause, and only a person's name or he/she as the subject.
_CLAUSE_CUE = (
    r"said|says|told\s+(?:reporters|[A-Z][\w'’.&-]*(?:\s+[A-Z][\w'’.&-]*){0,3})|tells\s+reporters|argued|argues|"
    r"wrote|writes|insisted|insists|claimed|claims|noted|warned|warns|acknowledged|explained|believes|"
    r"predicted|suggested|contended|stressed|maintained|conceded|admitted|asserted|added|thinks|thought|"
    r"blasted|attacked|accused|criticized|praised|rejected|questioned|called\s+for|called\s+on|called|"
    r"made\s+it\s+clear|made\s+clear|promised|vowed|pledged|urged|demanded|denied|defended|proposed"
)
_REPORTED_INNER = re.compile(
    rf"(?:^|[,;—–]\s+|\b(?:after|before|when|because|since|while|although|though|as|and|but|which|that|what)\s+)"
    rf"(?P<subject>[Hh]e|[Ss]he|(?:(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen)\.\s+)?(?:[A-Z][\w'’-]*\.?\s+){{0,3}}[A-Z][\w'’-]+)"
    rf"{_AFFILIATION}(?:,\s+\d{{1,3}},)?{_ADVERB}\s+(?:has\s+|had\s+|have\s+)?(?P<cue>{_CLAUSE_CUE}){_TIME}(?:\s+that)?\s+(?P<content>[^“\"\s].{{15,}})$",
    re.S,
)
# A second verb of the sentence's subject: "McConnell embraced the mogul and said this week that …".
_COORDINATED = re.compile(
    rf",?\s+(?:and|but)\s+(?:also\s+|later\s+|then\s+)?(?P<cue>said|says|told\s+[\w'’.]+(?:\s+[A-Z][\w'’.]+)*|added|argued|insisted|warned|noted|acknowledged|predicted)"
    rf"{_TIME}(?:\s+that)?\s+(?P<content>[^“\"\s].{{15,}})$",
    re.S,
)
_PARTICIPLE_REPORTED = re.compile(rf",\s+(?P<cue>{_PARTICIPLE})(?:\s+(?:reporters|him|her|them|the\s+\w+))?(?:\s+that)?\s+(?P<content>[^“\"].{{15,}})$", re.S)


# A transcript's turn or a headline's claim: "PENCE: Well, look, …", "Pence: Flowers Won’t Be at Debate".
_SPEAKER_LABEL = re.compile(r"^[\s“\"]*(?P<name>(?:[A-Z][\w'’.-]*\s+){0,2}[A-Z][\w'’-]+):\s+(?P<content>\S.{15,})$", re.S)


def _labelled_person(label: str, resolver: "Resolver", at: int) -> bool:
    """A label is a person when it is a full name, or a surname the article gives in full."""
    if label.isupper():  # a transcript's "PENCE:" is a person named in the article's own text
        return len(label) >= 3 and re.search(rf"\b{re.escape(label.title())}\b", resolver.text) is not None
    name = person_name(label)
    return bool(name) and len(resolver.full_name(name, at).split()) >= 2


def _reported(text: str, base: int, ptext: str, resolver: Resolver, covered: list[tuple[int, int]]) -> list[Attribution]:
    out = []
    first = bisect.bisect_left(resolver.sentence_starts, base)
    last = bisect.bisect_left(resolver.sentence_starts, base + len(ptext))
    for sentence in resolver.sentences[first:last]:  # this paragraph's, split once by the resolver
        if any(cs <= sentence.start < ce for cs, ce in covered):
            continue
        # A direct quote later in the sentence is already found: read only what comes before it
        # ("She said fathers would not be eligible, and when pressed, replied, “…”").
        end = min([cs for cs, ce in covered if sentence.start < cs < sentence.end] + [sentence.end])
        s_text = text[sentence.start : end]
        attribution = None
        if s_text.lstrip().startswith(tuple(_OPEN)):
            # '"Boots on the ground" would be appropriate, Carson said': only the trailing form.
            m = _REPORTED_BACK.match(s_text)
            subject = m and (m["subject1"] or m["subject2"])
            if not m or not _subject_ok(subject):
                continue
            attribution = (subject, m.start("subject1" if m["subject1"] else "subject2"), m["cue1"] or m["cue2"], 0, m.end("content"))
        if (
            attribution is None and not text[base : sentence.start].strip(" “\"")
            and (m := _SPEAKER_LABEL.match(s_text)) and _labelled_person(m["name"], resolver, sentence.start)
        ):
            name = m["name"].title() if m["name"].isupper() else m["name"]
            attribution = (name, m.start("name"), ":", m.start("content"), len(s_text.rstrip(" .")))
        m = None if attribution else _REPORTED_FRONT.match(s_text)
        if attribution:
            pass
        elif m and _subject_ok(m["subject"]) and not m["subject"].lower().startswith(("if ", "when ")):
            subject, cue, content_at = m["subject"], m["tell"] or m["cue"], m.start("content")
            attribution = (subject, m.start("subject"), cue, content_at, len(s_text.rstrip(" .")))
        elif (m := _ACCORDING.match(s_text)):
            subject = m["subject1"] or m["subject2"]
            content = "content1" if m["content1"] else "content2"
            attribution = (subject, m.start("subject1" if m["subject1"] else "subject2"), "according to",
                           m.start(content), m.end(content))
        elif (m := _PARENTHETICAL.match(s_text)) and _subject_ok(m["subject"]):
            attribution = (m["subject"], m.start("subject"), m["cue"], 0, len(s_text.rstrip(" .")))
        elif (m := _PARTICIPLE_REPORTED.search(s_text)) and (subject := sentence_subject(s_text)):
            attribution = (subject, 0, m["cue"], m.start("content"), len(s_text.rstrip(" .")))
        elif (m := _COORDINATED.search(s_text)) and (subject := _acting_subject(s_text)):
            attribution = (subject, s_text.find(subject), m["cue"].split()[0], m.start("content"), len(s_text.rstrip(" .")))
        elif (m := _REPORTED_BACK.match(s_text)):
            subject = m["subject1"] or m["subject2"]
            cue = m["cue1"] or m["cue2"]
            if _subject_ok(subject):
                attribution = (subject, m.start("subject1" if m["subject1"] else "subject2"), cue, 0, m.end("content"))
        elif (m := _REPORTED_INNER.search(s_text)) and (m["subject"].lower() in PRONOUNS or person_name(m["subject"])):
            attribution = (m["subject"], m.start("subject"), m["cue"].split()[0], m.start("content"), len(s_text.rstrip(" .")))
        if attribution is None:
            continue
        subject, subject_at, cue, c_start, c_end = attribution
        content = s_text[c_start:c_end].strip(" ,.")
        if len(content.split()) < 4:
            continue
        speaker, is_person = resolver.resolve(subject, sentence.start + subject_at)
        c_start = sentence.start + c_start + (len(s_text[c_start:c_end]) - len(s_text[c_start:c_end].lstrip(" ,")))
        out.append(Attribution(speaker, is_person, content, cue.lower(), "reported", c_start, c_start + len(content),
                               sentence.start + subject_at, sentence.start + subject_at + len(subject)))
    return out


# --- answering from attributions ------------------------------------------------------------
@dataclass
class Quote:
    """An attribution as `ask --json` and `newsbot quotes --json` show it."""

    speaker: str
    quote: str
    cue: str
    kind: str
    url: str
    title: str
    published: str | None
    article_id: str
    passage_id: int | None = None


def _about(text: str, topic_terms: list[str]) -> bool:
    words = set(re.findall(r"\w+", text.lower()))
    return any(t in words or any(w.startswith(t[:5]) for w in words if len(t) > 5) for t in topic_terms)


def find_quotes(store, name: str, about: str | None = None) -> list[Quote]:
    """Quotes of the person `name` stands for (any of the names they go by), newest first."""
    from .keyword import query_terms

    keys = name_key(name)
    if not keys:
        return []
    topic = query_terms(about) if about else []
    out = []
    for row in store.attributions_of([max(keys, key=len)]):
        if not speaker_matches(name, row["speaker"]):
            continue
        if topic and not _about(row["quote"], topic):
            continue
        out.append(Quote(row["speaker"], row["quote"], row["cue"], row["kind"], row["url"], row["title"],
                         row["published"], row["article_key"], row["passage_id"]))
    return out


_SPEAKER_QUESTION = re.compile(
    r"^\s*(?:and\s+|so\s+)?(?:what|which\s+\w+)\s+(?:else\s+)?(?:did|does|has|have|had|do)\s+(?P<who>.+?)\s+"
    r"(?:(?:ever|also|really|actually)\s+)?(?:say|said|tell|told|claim|claimed|write|wrote|think|thought|argue|argued)"
    r"(?:\s+(?:about|on|regarding|of)\s+(?P<topic>.+?))?\s*\??\s*$",
    re.I,
)
_COMMENTS = re.compile(
    r"^\s*(?:what\s+(?:are|were)\s+)?(?P<who>[\w .'’-]+?)['’]s?\s+(?:comments?|remarks?|statements?|quotes?|views?)"
    r"(?:\s+(?:on|about|regarding)\s+(?P<topic>.+?))?\s*\??\s*$",
    re.I,
)


def speaker_question(question: str) -> tuple[str, str | None] | None:
    """(who, topic) when the question asks what someone said; None otherwise."""
    for pattern in (_SPEAKER_QUESTION, _COMMENTS):
        m = pattern.match(question)
        if m:
            who = m["who"].strip(" ,")
            topic = (m["topic"] or "").strip(" ?") or None
            if len(who.split()) <= 5:
                return who, topic
    return None
