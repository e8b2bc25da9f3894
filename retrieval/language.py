"""Questions newsbot cannot read: the embedding model and the keyword index are English, so a
question in another language finds at best a name it shares with an article, and at worst
nothing, inconsistently. Such a question is told so, in its own language where one is known.

The language is guessed cheaply: by script (Cyrillic, Greek, Arabic, Hebrew, CJK, ...), and for
Latin-script questions by the function words of a few languages common in newsrooms.
"""

from __future__ import annotations

import re
import unicodedata

#: What a question in another language is answered, by language.
NOTICES = {
    "en": "I can only answer questions in English. Please ask again in English.",
    "ru": "Я отвечаю только на вопросы на английском языке. Пожалуйста, задайте вопрос по-английски.",
    "uk": "Я відповідаю лише на запитання англійською мовою. Будь ласка, поставте запитання англійською.",
    "es": "Solo puedo responder preguntas en inglés. Por favor, pregunta de nuevo en inglés.",
    "fr": "Je ne peux répondre qu'aux questions posées en anglais. Merci de reformuler en anglais.",
    "de": "Ich kann nur Fragen auf Englisch beantworten. Bitte stelle deine Frage auf Englisch.",
}

#: Words that are common in questions in these languages and are not English words.
_FUNCTION_WORDS = {
    "es": {"qué", "que", "quién", "quien", "dónde", "donde", "cuándo", "cuando", "cómo", "dijo", "sobre",
           "los", "las", "del", "por", "para", "una", "hay", "fue", "es", "el", "la", "cuál", "cuántos"},
    "fr": {"qu", "quoi", "qui", "où", "quand", "comment", "pourquoi", "dit", "sur", "les", "des", "une",
           "est", "le", "la", "du", "quel", "quelle", "combien", "a-t-il", "elle"},
    "de": {"was", "wer", "wo", "wann", "wie", "warum", "hat", "sagte", "über", "der", "die", "das", "ist",
           "ein", "eine", "und", "nicht", "welche", "welcher", "gesagt"},
}
#: English words that also appear in the lists above: a question holding one is not counted
#: as foreign on that word alone.
_ENGLISH = {"was", "die", "is", "a", "and", "the", "who", "where", "when", "how", "what", "has", "said"}
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


def _script(char: str) -> str:
    name = unicodedata.name(char, "")
    return name.split(" ", 1)[0] if name else ""


def question_language(question: str) -> str | None:
    """"en", another language's code, "other" for an unknown foreign one; None when no
    letters can tell."""
    letters = [c for c in question if c.isalpha()]
    if not letters:
        return None
    scripts: dict[str, int] = {}
    for c in letters:
        scripts[_script(c)] = scripts.get(_script(c), 0) + 1
    main = max(scripts, key=scripts.__getitem__)
    if scripts.get("LATIN", 0) < len(letters) / 2:
        if main == "CYRILLIC":
            return "uk" if re.search(r"[іїєґІЇЄҐ]", question) else "ru"
        return "other"
    words = [w.lower() for w in _WORD.findall(question)]
    for language, function_words in _FUNCTION_WORDS.items():
        foreign = [w for w in words if w in function_words and w not in _ENGLISH]
        if len(foreign) >= 2 and len(foreign) * 3 >= len(words):
            return language
    return "en"


def foreign_notice(question: str) -> str | None:
    """What to tell a question that is not in English; None for an English one."""
    language = question_language(question)
    if language in (None, "en"):
        return None
    return NOTICES.get(language, NOTICES["en"])
