"""The seller's concrete questions that the customer's later replies left unanswered."""

from __future__ import annotations

import re
from functools import cache

from tystnad.language import languages
from tystnad.model import Evidence, Signal, SignalKind
from tystnad.read.phrases import fold
from tystnad.read.quotes import sentences
from tystnad.read.reading import Reading
from tystnad.understand.roles import capitalised_words
from tystnad.understand.view import DealView

__all__ = ["detect_unanswered_questions", "is_answered", "open_questions", "question_spans"]

_WORD = re.compile(r"[^\W\d_]{4,}")
_DIGIT = re.compile(r"\d")


@cache
def _asks_for() -> dict[str, re.Pattern[str]]:
    """What kind of answer a question asks for ("when", "who", "how_much"), by its question
    words in any language file, folded as the question is."""
    words: dict[str, set[str]] = {}
    for lang in languages():
        for kind, said in lang.question_words.items():
            words.setdefault(kind, set()).update(fold(word) for word in said)

    def pattern(said: set[str]) -> re.Pattern[str]:
        alternatives = "|".join(re.escape(word) for word in sorted(said, key=lambda word: (-len(word), word)))
        return re.compile(rf"\b(?:{alternatives})\b")

    return {kind: pattern(said) for kind, said in words.items()}


def _asks(kind: str, folded_question: str) -> bool:
    pattern = _asks_for().get(kind)
    return pattern is not None and pattern.search(folded_question) is not None


def question_spans(reading: Reading) -> list[tuple[int, int]]:
    """Sentences ending in "?" that are not courtesy ("Hoppas allt är bra?")."""
    found = []
    for start, end in sentences(reading.text):
        if not reading.text[start:end].rstrip().endswith("?"):
            continue
        if any(h.family == "courtesy" and start <= h.start < end for h in reading.hits):
            continue
        if len(_WORD.findall(reading.text[start:end])) < 2:
            continue
        found.append((start, end))
    return found


def is_answered(question: str, replies: list[Reading]) -> bool:
    if not replies:
        return False
    folded = fold(question)
    text = "\n".join(r.text for r in replies)
    if _asks("when", folded):
        return any(r.moments for r in replies)
    if _asks("who", folded) and (capitalised_words(text) or any(r.has("needs_approval") for r in replies)):
        return True
    if _asks("how_much", folded) and _DIGIT.search(text):
        return True
    asked = set(_WORD.findall(folded))
    said = set(_WORD.findall(fold(text)))
    # Shared content words, compared on their first five letters to forgive inflection.
    return len({w[:5] for w in asked} & {w[:5] for w in said}) >= 2


def open_questions(view: DealView) -> list[tuple[Reading, str]]:
    """(seller message, question) for each question the customer replied after but did not answer."""
    found = []
    # Walk backwards keeping the next two customer answers: linear in the deal's length
    # (a mailbox's colleagues can make one deal of twenty thousand messages).
    following: list[Reading] = []
    is_silent = view.timeline.status.value in ("silent", "ghosted")
    for reading in reversed(view.readings):
        if view.is_customer(reading.message):
            if reading.message.is_answer:
                following = [reading, *following[:1]]
            continue
        if not following and not is_silent:
            continue  # a fresh question within the customer's usual pace is not yet left open
        for start, end in question_spans(reading):
            question = reading.text[start:end]
            if not is_answered(question, following):
                found.append((reading, question))
    found.reverse()
    return found


def detect_unanswered_questions(view: DealView) -> list[Signal]:
    found = open_questions(view)
    if not found:
        return []
    reading, question = found[-1]
    return [Signal(kind=SignalKind.UNANSWERED_QUESTIONS,
                   evidence=Evidence(message_id=reading.message.message_id, quote=question.strip()),
                   detail=f"{len(found)} question(s) the customer's replies left open")]
