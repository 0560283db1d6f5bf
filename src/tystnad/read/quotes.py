"""Verbatim quotes: the shortest whole sentence of a message's new text that shows a point."""

from __future__ import annotations

import re
from functools import cache, lru_cache

from tystnad.language import languages

__all__ = ["sentences", "first_sentence", "sentence_around"]

# A stop ends a sentence only before white space: "daniel.shaw@x.co.uk", "2.1 Mkr", "B.V." do not.
_SENTENCE = re.compile(r"[^.!?\n]*(?:[.!?]+(?=[^\s.!?])[^.!?\n]*)*(?:[.!?]+|$)", re.MULTILINE)


# Clients wrap plain text at 72-78 columns: a line break after a word or a comma and before a
# lower-case letter is a wrap, not the end of a sentence ("…we will look at it\nnext week.", "…with
# only $25,\nor open …"), also where the next line is indented as old clients and lists indent.
# format=flowed (RFC 3676) marks its soft breaks with a space before the new line: joined the same way.
_SOFT_BREAK = re.compile(r"(?<=[\w)%,;#&])[ \t]*\n[ \t]*(?=[a-zåäöæøüéèàáíóúç])")

# A rule a client, a list or a signature draws ("-----", "_____", "=====") is never part of a sentence:
# it ends the one before it and is no sentence itself. One inside a word ("f---k") is not a rule.
_RULE = re.compile(r"(?<![\w\-_=*~])[-_=*~]{4,}")


@cache
def _greeting() -> re.Pattern[str]:
    """A short sentence opening with a greeting of any language file ("Hej Anna", "Good morning all")."""
    words = sorted({word for lang in languages() for word in lang.greetings}, key=lambda w: (-len(w), w))
    alternatives = "|".join(re.escape(word) for word in words) or "(?!)"
    return re.compile(rf"^(?:{alternatives})\b[^.!?\n]{{0,40}}$", re.IGNORECASE)


# Phrases, questions, promises and the risk's features all split the same new texts: split each once.
@lru_cache(maxsize=4096)
def sentences(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of each sentence, trimmed; offsets point into `text` so quotes stay verbatim."""
    spans: list[tuple[int, int]] = []
    # A line wrapped mid-sentence (a word, then a new line going on in lower case) is one sentence:
    # the break is read as a space, same length, so offsets still point into `text`.
    joined = _SOFT_BREAK.sub(lambda match: _join(text, match), text)
    joined = _RULE.sub(lambda match: "\n" * len(match.group(0)), joined)
    for match in _SENTENCE.finditer(joined):
        start, end = match.start(), match.end()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            if spans and _abbreviated(text[spans[-1][0]:spans[-1][1]]):
                spans[-1] = (spans[-1][0], end)  # "Mr." or "t.ex." went on: one sentence
            else:
                spans.append((start, end))
    return tuple(spans)


def _abbreviated(sentence: str) -> bool:
    """The sentence 'ends' at an abbreviation's stop ("… a new CTO, Mr.")."""
    if not sentence.endswith("."):
        return False
    last = sentence[:-1].rsplit(None, 1)[-1].lstrip("(\"'\u201c\u201d") if sentence[:-1].strip() else ""
    return last.casefold() in _abbreviations()


@cache
def _abbreviations() -> frozenset[str]:
    return frozenset(word.casefold() for lang in languages() for word in lang.abbreviations)


def _join(text: str, match: re.Match[str]) -> str:
    """The break read as spaces, unless the line it ends is a greeting ("Hej Anna,\njag tänkte …")."""
    if text[match.start() - 1] in ",;":
        line = text[text.rfind("\n", 0, match.start()) + 1 : match.start()].strip()
        if _greeting().match(line.rstrip(",;")) or len(line.split()) <= 3:
            return match.group(0)
    return " " * len(match.group(0))


def first_sentence(text: str, *, limit: int = 160) -> str:
    """The first sentence that is not a greeting ("Hej Anna,", "Hejsan!", "Hi Sam,")."""
    for start, end in sentences(text):
        piece = text[start:end]
        if _greeting().match(piece.rstrip(",.!: ")) or len(piece) < 3 or _is_salutation(piece):
            continue
        return piece[:limit].rstrip()
    return text.strip()[:limit].rstrip()


def without_greeting(sentence: str) -> str:
    """The sentence after a greeting that opens it on the same line ("Hej, 42 bilar varav 8 kyl" ->
    "42 bilar varav 8 kyl"); the sentence itself when it does not open with one."""
    head, comma, rest = sentence.partition(",")
    if comma and _greeting().match(head.strip()) and len(head.split()) <= 3 and rest.strip():
        return rest.strip()
    return sentence


def _is_salutation(piece: str) -> bool:
    """A short line ending in a comma, an exclamation mark, a colon or a dash, alone on its line:
    a salutation ("Anna,", "Richard:", "Jeff--")."""
    short = len(piece.split()) <= 3 and "\n" not in piece.strip()
    return short and piece.rstrip().endswith((",", "!", ":", "-", "–"))


def sentence_around(text: str, position: int, *, limit: int = 200) -> str:
    for start, end in sentences(text):
        if start <= position < end:
            return text[start:end][:limit].rstrip()
    return first_sentence(text, limit=limit)
