"""The seller's concrete questions that the customer's later replies left unanswered."""

from __future__ import annotations

import re

from tystnad.model import Evidence, Signal, SignalKind
from tystnad.phrases import fold
from tystnad.quotes import sentences
from tystnad.reading import Reading
from tystnad.signals import DealView

__all__ = ["detect_unanswered_questions", "is_answered", "open_questions", "question_spans"]

_WORD = re.compile(r"[^\W\d_]{4,}")
_DIGIT = re.compile(r"\d")
_CAPITALISED = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-ZÅÄÖ][a-zåäö]+")
# What kind of answer a question asks for, by its question word (folded).
_WHEN = re.compile(r"\b(?:nar|vilket datum|vilken dag|hur snart|when|what date|which date|by when|how soon)\b")
_WHO = re.compile(r"\b(?:vem|vilka|vilken person|who|whom|which colleagues|anyone else)\b")
_HOW_MUCH = re.compile(r"\b(?:hur mycket|hur manga|vad kostar|budget|how much|how many|what budget)\b")


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
    if _WHEN.search(folded):
        return any(r.moments for r in replies)
    if _WHO.search(folded) and (_CAPITALISED.search(text) or any(r.has("needs_approval") for r in replies)):
        return True
    if _HOW_MUCH.search(folded) and _DIGIT.search(text):
        return True
    asked = set(_WORD.findall(fold(question)))
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
