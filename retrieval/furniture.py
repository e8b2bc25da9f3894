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
- a credit line ("Contributing: Reuters", "Jenna Miller contributed to this story.").

Only the header's stamps go: further down, a paragraph holding a date and a time belongs to a
timeline ("6:31 p.m., Jan. 27, 1967"), which is the news. In the RealTime QA packs: a header
stamp in 2,422 of realtimeqa-2026's 2,921 articles and 1,570 live-blog stamps in 44 of them;
3,238 links to other stories in 1,359 of realtimeqa-2024's 8,653 articles; a summary's label in
161 of realtimeqa-2025's 5,306; a credit line in 864 of them (bench/README.md).
"""

from __future__ import annotations

import re

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
#: The story has begun at its first paragraph of this many words: the header is what comes before.
STORY_WORDS = 20


def without_furniture(paragraphs: list[str]) -> list[str]:
    """The article's paragraphs (cleaned, non-empty, in order) without its page furniture."""
    out = []
    story = False
    for p in paragraphs:
        if len(p) <= LINE_MAX_CHARS and (LINK.fullmatch(p) or CREDIT.fullmatch(p)):
            continue
        p = LABEL.sub("", LIVE_STAMP.sub("", p, count=1), count=1)
        if not p or (not story and HEADER_STAMP.fullmatch(p)):
            continue
        story = story or len(p.split()) >= STORY_WORDS
        out.append(p)
    return out
