"""The rules of English news style that attributions are found by: cue verbs, the patterns
around a quotation or a reported clause, and the words that are not names. Nothing here is keyed
to any data set."""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Raised whenever the rules below change what they find: a store whose attributions were found
#: by other rules finds them again on open (upkeep.check_attribution_rules).
RULES_VERSION = "2026-12-08.8"

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
    "called for|calls for|called on|calls on|called(?!\\s+off\\b)|calls(?!\\s+off\\b)|"
    # Stance verbs that news uses to report what someone holds or demands (PolNeAR counts them
    # as attributions; chosen by their frequency in polnear-train's annotated cues).
    "declined|refused|expressed|sought|spoke|offered|revealed|issued|attacked|rejected|questioned|"
    "opposed|blasted|denounced|mocked|echoed|mentioned|discussed|backed|supported|wants|wanted|"
    "hopes|hoped|fears|feared|worried|thinks|expects|expected|plans|planned|demanded|demands|"
    "unveiled|touted|slammed|ripped|decried|lambasted|assailed|hailed|applauded|welcomed|apologized|"
    "pointed to|released|voted|talked|signed(?!\\s+(?:off|up)\\b)|raised|assured|referred|considered|ordered|pushed|"
    "made it clear|made clear|made the case|highlighted|emphasised|challenged|pressed|"
    "proposes|urges|charges|accuses|criticizes|praises|promises|vows|pledges|rejects|denies|"
    "defends|blames|backs|supports|opposes|acknowledges|admits|concedes|"
    "articulated|identified|painted|portrayed|characterized|labeled|labelled|dubbed|branded|framed|"
    "asserts|seeks|grilled|examined|recognized|recognizes|doubted|disputed|"
    # an answer's verbs, and the plural's forms of the commonest ("Sanders and Clinton argue")
    "answered|retorted|shot back|argue|insist|suggest|believe|contend|predict|acknowledge"
)
# What someone is doing with words right now: "Donald Trump is demanding …", "He’s claiming …".
PROGRESSIVE = (
    "telling|saying|claiming|arguing|demanding|questioning|promoting|proposing|calling for|calling on|"
    "urging|pushing|insisting|warning|suggesting|predicting|promising|vowing|accusing|criticizing|"
    "attacking|blasting|defending|touting|pitching|asking|raising questions about|pressing|slamming|hoping"
)
CUE = (
    rf"(?:(?:(?:has|have|had|would|will|also|later|then|previously|once|often|long|never|not|already|since|[a-z]+ly)\s+)*(?:{CUES})"
    rf"|(?:(?:is|was|are|were)\s+(?:also\s+|again\s+|once\s+again\s+|now\s+|still\s+)?|(?<=[’']s\s))(?:{PROGRESSIVE}))"
)
# Words that may stand between a name and its cue: "Gudkov said Tuesday", "he told reporters".
ADVERB = r"(?:\s+(?:also|later|then|previously|once|again|earlier|further|now|still|often|even|never|already|just|[a-z]+ly))?"
TIME = r"(?:\s+(?:on\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|today|yesterday|last\s+week|this\s+week|in\s+a\s+statement|in\s+an\s+interview|in\s+a\s+tweet|on\s+Twitter)(?:\s+(?:night|morning|afternoon|evening))?)?"

# "Sen. David Perdue (R-Ga.)", "Lt. Gov. Ralph Northam (D)": a party (and state) after a name.
AFFILIATION = r"(?:\s+\([A-Z][\w.]{0,3}(?:-[A-Z][\w. ]{1,12})?\))?"

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
    "democratic", "republican", "gop", "party", "presidential", "archbishop", "cardinal", "rabbi", "imam",
    "chancellor", "assistant", "acting", "superintendent", "lieutenant", "sergeant", "detective",
    "prosecutor", "sheriff", "administrator", "father", "congressman", "congresswoman", "economist",
    "supervisor", "alderman", "whip", "host", "co-host", "trustee", "secretary-general", "director-general",
    "admiral", "bishop",
}
# Capitalized at the start of a sentence without being names.
COMMON_START = {
    "the", "a", "an", "another", "some", "many", "several", "one", "other", "two", "three", "most",
    "both", "his", "her", "their", "its", "our", "this", "that", "these", "those", "but", "and",
    "however", "meanwhile", "still", "yet", "so", "also", "then", "now", "later", "in", "on", "at",
    "for", "with", "as", "after", "before", "when", "while", "if", "although", "though", "because",
    "according", "political", "senior", "top", "local", "critics", "officials", "experts",
    "analysts", "supporters", "aides", "sources", "observers", "residents", "witnesses", "police",
    "what", "how", "why", "whether", "either", "neither", "instead", "indeed", "only", "even", "just",
    "others", "people", "everyone", "everybody", "someone", "somebody", "nobody", "anyone", "maybe",
    # sentence adverbs: "Increasingly Putin is seen as …", "Currently, officials say …"
    "previously", "separately", "additionally", "currently", "recently", "initially", "originally",
    "eventually", "ultimately", "finally", "notably", "similarly", "locally", "nationally", "globally",
    "historically", "generally", "typically", "usually", "specifically", "consequently", "subsequently",
    "apparently", "reportedly", "unfortunately", "fortunately", "interestingly", "increasingly", "clearly",
    "obviously", "ironically", "surprisingly", "importantly", "frankly", "personally", "publicly",
    "privately", "certainly", "perhaps",
    # prepositions and auxiliaries: "By Sanders", "Is Lindsey Vonn …?" ("from" is Al From's name)
    "by", "via", "see", "until", "about", "through", "without", "within", "under", "into", "upon",
    "unlike", "despite", "toward", "towards", "amid", "among", "between", "beyond", "inside", "outside",
    "is", "are", "was", "were", "does", "did", "should", "could", "would", "has", "have", "had",
    # participles: "Joining Trump on stage, …"
    "joining", "speaking", "including", "following", "responding", "appearing", "campaigning",
    "testifying", "reacting", "commenting", "addressing",
    # a cue before its speaker: "Says Knightley, “You now get sushi brought to you.”"
    "says", "said", "adds", "added", "asks", "asked", "explains", "explained", "notes", "noted", "recalls", "recalled",
}
#: A capital that may open a name: Latin-1's and Latin Extended-A's as well as ASCII's ("Özil",
#: "Ødegaard", "Łukasz"), for a name of a language with such letters is a name in English news too.
CAP = "A-ZÀ-ÖØ-Þ" + "".join(c for c in map(chr, range(0x100, 0x180)) if c.isupper())
OPEN = "“\"‘"
QUOTE_TOKEN = re.compile(r"“|”|''|``|\"")
NAME_TOKEN = re.compile(rf"^(?:[{CAP}][\w'’.-]*|[{CAP}]\.|Mc\w+|O'\w+)$")
WORD = re.compile(r"\S+")


@dataclass
class Attribution:
    speaker: str  # the person (full name as the article gives it) or a description
    is_person: bool
    quote: str
    cue: str
    kind: str  # "direct" | "reported"
    start: int  # offsets of the quote (content) in the article text
    end: int


# After a quote: ', Gudkov said', ' said the official, who', ' he told reporters'.
AFTER_NAME_CUE = re.compile(
    rf"^[\s,]*(?P<subject>(?:[\w'’.-]+\s+){{0,9}}?[\w'’.-]+?){AFFILIATION}(?:,[^“”\"]{{1,120}}?,)?{ADVERB}\s+(?P<cue>{CUE}){TIME}\b",
)
ABBREV = r"(?:\b(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Col|Sgt|Capt|Prof|Rev|St|Jr|Sr)\.|\b[A-Z]\.)"
AFTER_CUE_NAME = re.compile(
    rf"^[\s,]*(?P<cue>{CUE})\s+(?P<subject>(?:{ABBREV}|[^,.;:!?“”\"]){{1,80}}?)(?=\s*(?:[,.;:!?]|$|\s+(?:who|which|in|at|on|of|for|from|with|during|after|before|to)\b))"
)
# Before a quote: 'Lukyanova said: ', 'Another commenter said, ', 'he told the paper'.
BEFORE = re.compile(
    rf"(?P<subject>(?:^|(?<=[\s(]))(?:[\w'’.-]+\s+){{0,6}}?[\w'’.-]+){AFFILIATION}(?:,[^,]{{1,80}},)?{ADVERB}\s+(?P<cue>{CUE})(?:\s+[^“\"]{{0,80}}?)?{TIME}\s*[:,]?\s*$"
)


# "…, telling the crowd, “…”": the speaker is the sentence's subject.
PARTICIPLE = (
    r"(?:saying|telling|adding|writing|noting|asking|declaring|arguing|insisting|explaining|tweeting|warning|replying|"
    r"calling|painting|accusing|claiming|urging|promising|vowing|criticizing|praising|blaming|describing|citing|"
    r"comparing|suggesting|predicting|pledging|demanding|charging|questioning|dismissing|defending)"
)
PARTICIPLE_BEFORE = re.compile(rf"[,;]\s+(?:and\s+|then\s+|before\s+|upon\s+|by\s+)?(?P<cue>{PARTICIPLE})(?:\s+[^“\",.]{{1,40}})?\s*[:,]?\s*$")
SENTENCE_SUBJECT = re.compile(
    rf"^(?:(?:But|And|However|Meanwhile|Still|Yet|Later|Earlier|On\s+\w+),?\s+)?(?P<subject>(?:he|she|(?:[{CAP}][\w'’.-]*\s+){{0,4}}[{CAP}][\w'’-]*))(?=[\s,])"
)


# "footage of Hillary Clinton asking, “…”": a name right before the participle.
NAME_PARTICIPLE_BEFORE = re.compile(
    rf"(?P<subject>(?:[{CAP}][\w'’.-]*\s+){{0,3}}[{CAP}][\w'’-]+){AFFILIATION}\s+(?P<cue>{PARTICIPLE})(?:\s+[^“\",.]{{1,60}})?\s*[:,]\s*$"
)

# 'Said Comey, "…"': the cue first, before the quote.
BEFORE_INVERTED = re.compile(r"(?:^\s*|[.!?]\s+)(?P<cue>Said|Says|Added|Adds|Wrote|Writes|Asked|Explained|Noted)\s+(?P<subject>[^,:“\"]{1,60})[,:]\s*$")


# A cue right before a short quote makes it a quote; "called" there names ("an article called “The Left Turn”").
CUE_RIGHT_BEFORE = re.compile(rf"\b(?<!called )(?<!calls )(?:{CUE})(?<!called)(?<!calls)\s*[:,]?\s*$")

TIME_WORDS = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today",
    "yesterday", "tonight", "week", "month", "year", "night", "morning", "afternoon", "evening",
    "statement", "interview", "earlier", "later", "recently", "then", "again",
}


SENTENCE_END = re.compile(r"[.!?][”\"'’]*\s+")

# --- reported speech -----------------------------------------------------------------------
LEAD = (r"(?:(?:But|And|However|Meanwhile|Still|Yet|So|Also|Now|Later|Earlier|In\s+a\s+statement|On\s+\w+),?\s+"
        r"|(?:Currently|Previously|Separately|Additionally|Instead|Indeed|Finally|Similarly|Recently|Ultimately|Overall|"
        r"Locally|Nationally|Historically|Typically|Generally|Initially|Originally|Eventually),\s+)?")
# An introductory clause before the subject: "In an interview Monday, Sanders said …".
INTRO = r"(?:(?:In|At|On|During|After|Before|While|Although|Though|Alarmed|Asked|Speaking|Writing|Since|As|With|Despite|Earlier|Later)\b[^,“\"]{2,120},\s+)?"
INTRO_CLAUSE = re.compile(INTRO)
INTRO_WITH_PLACE = re.compile(INTRO.replace(r"{2,120},\s+)?", r"{2,120},\s+[A-Z][\w.]+(?:\s+[A-Z][\w.]+)?,\s+)?"))
TELL = r"(?:(?:has|have|had|also|later)\s+)*(?:told|tells|asked|asks|informed|assured|reminded)"
OBJECT = rf"\s+(?:(?:(?:the|a|an)\s+)?(?:[{CAP}][\w'’.&-]*\s*){{1,5}}|reporters|journalists|supporters|lawmakers|voters|the\s+\w+|an?\s+\w+(?:\s+\w+)?|him|her|them|us|me|CNN|NBC)"
REPORTED_FRONT = re.compile(
    rf"^{LEAD}{INTRO}(?P<subject>(?:[\w'’.-]+\s+){{0,9}}?[\w'’.-]+){AFFILIATION}(?P<appos>,[^,]{{2,140}}(?:,[^,]{{2,100}}){{0,3}},)?{ADVERB}\s+"
    rf"(?:(?P<tell>{TELL}){OBJECT}|(?P<cue>{CUE})){TIME}(?:\s+that)?[\s,:]+(?P<content>\S.*)$",
    re.S,
)
REPORTED_BACK = re.compile(
    rf"^(?P<content>.{{20,}}?),\s+(?:(?P<cue1>{CUE})\s+(?P<subject1>[^,]{{1,80}}?)|(?P<subject2>(?:[\w'’.-]+\s+){{0,9}}?[\w'’.-]+)\s+(?P<cue2>{CUE}))(?:,.*|\s+(?:in|on|at|during|who|after|before|following|when|as|to|of)\b.*)?[.!?]?$",
    re.S,
)
ACCORDING = re.compile(r"^(?:(?P<content1>.{20,}?),\s+according\s+to\s+(?P<subject1>[^,.]{2,80})|According\s+to\s+(?P<subject2>[^,]{2,80}),\s+(?P<content2>.{20,}))[.!?]?$", re.S)
# "And that, Mr. Manafort said, was in the works."
PARENTHETICAL = re.compile(
    rf"^(?P<content>.{{3,}}?),\s+(?P<subject>(?:he|she|(?:[{CAP}][\w'’.-]*\s+){{0,4}}[{CAP}][\w'’-]*))\s+(?P<cue>{CUE}){TIME},\s+(?P<rest>\S.{{10,}})$",
    re.S,
)
# Reported speech inside a longer sentence, after a clause of its own: "When he bought the
# mine, Mr. Clarke said he expected …", "… shortly after Trump said he finally believes …".
# Only verbs that take a clause, and only a person's name or he/she as the subject.
CLAUSE_CUE = (
    rf"said|says|told\s+(?:reporters|[{CAP}][\w'’.&-]*(?:\s+[{CAP}][\w'’.&-]*){{0,3}})|tells\s+reporters|argued|argues|"
    r"wrote|writes|insisted|insists|claimed|claims|noted|warned|warns|acknowledged|explained|believes|"
    r"predicted|suggested|contended|stressed|maintained|conceded|admitted|asserted|added|thinks|thought|"
    r"blasted|attacked|accused|criticized|praised|rejected|questioned|called\s+for|called\s+on|called|"
    r"made\s+it\s+clear|made\s+clear|promised|vowed|pledged|urged|demanded|denied|defended|proposed"
)
REPORTED_INNER = re.compile(
    rf"(?:^|[,;—–]\s+|\b(?:after|before|when|because|since|while|although|though|as|and|but|which|that|what)\s+)"
    rf"(?P<subject>[Hh]e|[Ss]he|(?:(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen)\.\s+)?(?:[{CAP}][\w'’-]*\.?\s+){{0,3}}[{CAP}][\w'’-]+)"
    rf"{AFFILIATION}(?:,\s+\d{{1,3}},)?{ADVERB}\s+(?:has\s+|had\s+|have\s+)?(?P<cue>{CLAUSE_CUE}){TIME}(?:\s+that)?\s+(?P<content>[^“\"\s].{{15,}})$",
    re.S,
)
# A second verb of the sentence's subject: "McConnell embraced the mogul and said this week that …".
COORDINATED = re.compile(
    rf",?\s+(?:and|but)\s+(?:also\s+|later\s+|then\s+)?(?P<cue>said|says|told\s+[\w'’.]+(?:\s+[{CAP}][\w'’.]+)*|added|argued|insisted|warned|noted|acknowledged|predicted)"
    rf"{TIME}(?:\s+that)?\s+(?P<content>[^“\"\s].{{15,}})$",
    re.S,
)
PARTICIPLE_REPORTED = re.compile(rf",\s+(?P<cue>{PARTICIPLE})(?:\s+(?:reporters|him|her|them|the\s+\w+))?(?:\s+that)?\s+(?P<content>[^“\"].{{15,}})$", re.S)


# A transcript's turn or a headline's claim: "PENCE: Well, look, …", "Pence: Flowers Won’t Be at Debate".
SPEAKER_LABEL = re.compile(rf"^[\s“\"]*(?P<name>(?:[{CAP}][\w'’.-]*\s+){{0,2}}[{CAP}][\w'’-]+):\s+(?P<content>\S.{{15,}})$", re.S)
