"""Page furniture: what a page's extractor leaves in an article's text that is not the story.
It is dropped when the article is cleaned (articles.clean_text), before the text is split,
embedded or shown, so that an excerpt's 400 characters go to the story and a passage's vector
to its words:

- the time stamps of the header, each a paragraph of its own before the story begins ("Updated
  Jan. 3, 2026, 12:39 p.m. ET", "Aug. 28, 2025 Updated Aug. 29, 2025, 4:47 p.m. ET"): the
  citation shows the article's date already;
- the stamp before each update of a live blog ("9:12 pm ET April 1, 2026 Share this update"),
  wherever it stands; the update's own words stay;
- a paragraph that only links to another story ("More: The one thing missing from …",
  "READ MORE:", "RELATED:");
- the label before an outlet's machine-written summary ("AI-assisted summary"); the summary's
  sentences stay;
- a credit line ("Contributing: Reuters", "Jenna Miller contributed to this story.");
- a photo's credit, left in a caption or between captions ("Thomas Coex/AFP/Getty Images",
  "(Image credit: Evan Vucci/AP)"), and a gallery's "Hide Caption 3 of 266"; the caption's own
  words stay;
- the outlet's name standing as a dateline ("CNN —", "CNN Business —", a paragraph's opening
  "(CNN)"): the citation names the outlet; the place stays ("Seoul, South Korea CNN —" becomes
  "Seoul, South Korea —"), as an agency's ("LIMA, Peru (AP) —") does;
- a live blog's sign-off, the reporter's name after a dash ending an update's paragraph ("… at
  checkpoints. – Chris Coates") or standing after it: the byline of a page, not the story; a
  quotation's attribution ("“…” — Mahatma Gandhi") stays;
- a sign-up promotion ("From the stage to the screen: Sign up for USA TODAY's Entertainment
  newsletter.", "Support local journalism. Subscribe today."), with the short question or
  exclamation that leads into it ("What's true? What's false?"); a short paragraph that opens
  with one goes whole, its blurb with it.

Only the header's stamps go: further down, a paragraph holding a date and a time belongs to a
timeline ("6:31 p.m., Jan. 27, 1967"), which is the news. In the RealTime QA packs: a header
stamp in 2,422 of realtimeqa-2026's 2,921 articles and 1,570 live-blog stamps in 44 of them;
3,238 links to other stories in 1,359 of realtimeqa-2024's 8,653 articles; a summary's label in
161 of realtimeqa-2025's 5,306; a credit line in 864 of them, photo credits in 355 and
promotions in 796 (bench/README.md).
"""

from __future__ import annotations

import re

from .text import split_sentences

_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
_DATE = rf"{_MONTH} \d{{1,2}},? \d{{4}}"
_TIME = r"\d{1,2}:\d{2} ?[ap]\.?m\.?(?: [A-Z]{2,4})?"
_STAMP = rf"(?:(?:Updated|Published):? )?{_DATE}(?:,? (?:at )?{_TIME})?"
#: A header paragraph that is only a stamp, with a time or the word "Updated" / "Published".
HEADER_STAMP = re.compile(rf"(?=.*(?:\d:\d\d|Updated|Published)){_STAMP}(?: {_STAMP})?", re.I)
#: A live blog's stamp, before the update's headline.
LIVE_STAMP = re.compile(rf"^{_TIME},? {_DATE} Share this update\s*", re.I)
#: A paragraph that only links to another story: a label, a colon, a headline; or the label alone.
LINK = re.compile(r"(?:more|read more|related|also read|read|see also)\s*:\s*\S.*|read more", re.I)
#: Links and credits are short: a longer paragraph that opens so is the story.
LINE_MAX_CHARS = 250
#: A paragraph that only credits other reporters or agencies.
CREDIT = re.compile(r"contributing:\s*\S.*|[A-Z][^.!?]{0,150}\bcontributed (?:to )?this (?:report|story)\.?", re.I)
#: The label before an outlet's machine-written summary.
LABEL = re.compile(r"^AI-assisted summary\b:?\s*", re.I)
#: The outlet's name as a dateline: a paragraph of its own, after the place's name or not (the
#: place stays, as an agency's dateline shows it: "Seoul, South Korea —"), or opening one.
DATELINE = re.compile(r"(?:(?P<place>[A-Z][\w.’'-]*(?:,? [A-Z][\w.’'-]*){0,3}) )?\(?CNN(?: [A-Z][a-z]+)?\)?\s*[—–-]+")
DATELINE_LEAD = re.compile(r"^\(CNN(?: [A-Z][a-z]+)?\)\s*(?:[—–-]+\s*)?(?=[A-Z“\"‘])")
#: A live blog's sign-off: a dash and a name of two or three words ending a paragraph, after a
#: sentence's full stop (after a closing quotation mark it is the quotation's attribution).
_SIGNER = r"[–—-] [A-Z][a-z]+(?: [A-Z]\.)?(?: (?:[A-Z][\w'’-]+|de|van|von|del|la)){1,2}"
SIGN_OFF = re.compile(rf"(?<=[.!?]) {_SIGNER}$")
#: The same sign-off as a paragraph of its own, after a paragraph that is not a quotation.
SIGN_OFF_LINE = re.compile(_SIGNER)
#: The story has begun at its first paragraph of this many words: the header is what comes before.
STORY_WORDS = 20

#: Who a photo is by: a name of up to four words ("Patricia de Melo Moreira", "T. Narayan").
_NAME_WORD = r"(?:[A-Z][\w'’-]*|[A-Z]\.)"
_PHOTOGRAPHER = rf"{_NAME_WORD}(?: (?:{_NAME_WORD}|de|da|di|del|dos|van|von|der|la|le|bin|al|el)){{0,3}}"
#: Whom it is through: an agency or collection between the slashes ("Hulton Archive").
_THROUGH = r"[A-Z][\w'’&.-]*(?: [\w'’&.-]+){0,3}"
#: What a credit ends in: a photo agency, or a collection "via Getty Images".
_AGENCY = (r"(?:Getty Images|Reuters|AFP|AP|Shutterstock|Bloomberg|EPA(?:-EFE)?|iStockphoto|iStock|Alamy|Imagn Images|"
           r"USA TODAY(?: NETWORK| Network| Sports)?|Invision|Sipa USA|NurPhoto|Pool|Xinhua|ZUMA Press(?: Wire)?|AAP|"
           rf"PA Images|PA Wire|PA Photos|SOPA Images|LightRocket|Redux|CNN|NASA|Handout|{_THROUGH} via Getty Images)")
#: A photo's credit: names joined by slashes, ending in an agency, standing where a caption ends:
#: before the next capital or the paragraph's end ("Ipsos/Reuters poll" is the story's; so is
#: "Fox News/AP VoteCast"). At most six names between the first and the agency (the packs' longest
#: credit has five): unbounded, a long paragraph of slashes takes minutes.
PHOTO_CREDIT = re.compile(
    rf"(?:Photographer: )?(?<![\w/&-])(?P<name>{_PHOTOGRAPHER})(?:/{_THROUGH}){{0,6}}?/{_AGENCY}(?:/FILE)?"
    rf"(?![\w/])(?! VoteCast)(?=\s*$|\s+[A-Z“\"‘(]|[.,;)”\"])")
#: A gallery's control between its captions.
HIDE_CAPTION = re.compile(r"\s*\bHide Caption \d+ of \d+\b")
#: A caption's credit in brackets: "(Image credit: …)", "(Photo by …)".
CREDIT_ASIDE = re.compile(r"\s*\((?:Image credit|Photo credit|Photo by|Photo|Credit|Image)\s*:?\s+[^()]{1,150}\)")
#: Where a caption ends: a credit that starts elsewhere takes only the name just before it.
_CAPTION_END = re.compile(r"(?:^|[.!?\"”’)]\s*|(?:credit|photographer):\s*|photo by\s+)$", re.I)

_SIGN_UP = r"(?:sign(?:ing)? up|subscrib(?:e|ing))"
#: A sentence asking the reader to sign up or subscribe: for a newsletter, an inbox, the outlet's
#: journalism; to "sign up here"; or a bare "Subscribe today." ("Organizers predicted 5,000 buses
#: would sign up" is news, and stays).
PROMOTION = re.compile(
    rf"\b{_SIGN_UP}\b.*\b(?:newsletters?|inbox|subscriber|journalism|digital access|e-newspaper|print edition|text alerts)\b"
    rf"|\b(?:newsletters?|inbox)\b.*\b{_SIGN_UP}\b|\bnewsletters?\b.*\binbox\b|\b{_SIGN_UP}\b(?: \w+){{0,3}} here\b"
    rf"|\bbecome an? (?:digital )?subscriber\b|\bsupport (?:\w+ ){{0,2}}journalism\b|\bappeared in .{{0,80}}\bnewsletter\b"
    rf"|^\W*{_SIGN_UP}(?: \S+){{0,4}}$", re.I)
#: A short question or exclamation leading into a promotion ("Join our Watch Party!").
LEAD_IN = re.compile(r"[^.]{1,60}[?!:]")
LEAD_IN_WORDS = 8
#: A paragraph of up to this many words that opens with a promotion goes whole: what follows
#: is its blurb ("Explore the universe with news on fascinating discoveries…").
PROMOTION_WORDS = 40


def without_furniture(paragraphs: list[str]) -> list[str]:
    """The article's paragraphs (cleaned, non-empty, in order) without its page furniture."""
    out = []
    story = False
    for p in paragraphs:
        if len(p) <= LINE_MAX_CHARS and (LINK.fullmatch(p) or CREDIT.fullmatch(p)):
            continue
        p = without_promotions(without_photo_credits(LABEL.sub("", LIVE_STAMP.sub("", p, count=1), count=1)))
        p = SIGN_OFF.sub("", p, count=1)
        p = DATELINE_LEAD.sub("", p, count=1)
        if dateline := DATELINE.fullmatch(p):
            p = f"{dateline['place']} —" if dateline["place"] else ""
        if not p or (not story and HEADER_STAMP.fullmatch(p)):
            continue
        if SIGN_OFF_LINE.fullmatch(p) and out and out[-1][-1] in ".!?":
            continue
        story = story or len(p.split()) >= STORY_WORDS
        out.append(p)
    return out


def without_photo_credits(paragraph: str) -> str:
    """The paragraph without its photos' credits; a caption's words stay."""
    if "Hide Caption" in paragraph:
        paragraph = HIDE_CAPTION.sub("", paragraph).strip()
    if "/" not in paragraph and "(" not in paragraph:
        return paragraph

    def credit(m: re.Match) -> str:
        if _CAPTION_END.search(m.string, max(0, m.start() - 20), m.start()):  # the caption's end, just before
            return ""
        # Mid-sentence, the caption's own capitalized words run into the name: take its last
        # two words (three with an initial: "Timothy A. Clary"), keep the rest.
        words = m.group("name").split()
        last = 3 if len(words) >= 3 and re.fullmatch(r"[A-Z]\.", words[-2]) else 2
        return " ".join(words[:-last]) + " " if len(words) > last else ""

    out = PHOTO_CREDIT.sub(credit, CREDIT_ASIDE.sub("", paragraph))
    return re.sub(r" {2,}", " ", out).strip() if out != paragraph else paragraph


def without_promotions(paragraph: str) -> str:
    """The paragraph without its sign-up promotions and their lead-ins; empty when a short one
    opens with a promotion."""
    lowered = paragraph.lower()
    if not any(w in lowered for w in ("sign", "subscri", "newsletter", "journalism")):
        return paragraph
    sentences = [paragraph[s.start : s.end] for s in split_sentences(paragraph)]
    drop: set[int] = set()
    for i, sentence in enumerate(sentences):
        if not PROMOTION.search(sentence):
            continue
        drop.add(i)
        j = i - 1
        while j >= 0 and j not in drop and len(sentences[j].split()) <= LEAD_IN_WORDS and LEAD_IN.fullmatch(sentences[j]):
            drop.add(j)
            j -= 1
    if not drop:
        return paragraph
    if 0 in drop and len(paragraph.split()) <= PROMOTION_WORDS:
        return ""
    return " ".join(s for i, s in enumerate(sentences) if i not in drop)
