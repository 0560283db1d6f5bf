"""Signals from timing alone: silence beyond the customer's norm, chasing, out-of-office replies."""

from __future__ import annotations

from tystnad.model import Evidence, Message, Signal, SignalKind, Status
from tystnad.read.absence import find_return
from tystnad.read.quotes import first_sentence, sentence_around
from tystnad.understand.view import DealView

# Unanswered seller messages in a row before it counts as chasing.
CHASE_COUNT = 2


def _unanswered(view: DealView) -> list[Message]:
    """The seller's messages since the customer's last real answer."""
    found: list[Message] = []
    for message in view.messages:
        if not view.is_customer(message):
            found.append(message)
        elif message.is_answer:
            found = []
    return found


def detect_silence(view: DealView) -> list[Signal]:
    if view.timeline.status not in (Status.SILENT, Status.GHOSTED):
        return []
    waiting = _unanswered(view)
    if not waiting:
        return []
    first = waiting[0]
    detail = (f"{view.timeline.silence:.0f} business days without an answer; this customer "
              f"usually answers within {view.rhythm.median:.1f} ({view.rhythm.source} rhythm)")
    return [Signal(kind=SignalKind.SILENCE_BEYOND_NORM,
                   evidence=Evidence(message_id=first.message_id,
                                     quote=first_sentence(first.new_text)),
                   detail=detail)]


def detect_chasing(view: DealView) -> list[Signal]:
    waiting = _unanswered(view)
    if len(waiting) < CHASE_COUNT:
        return []
    latest = waiting[-1]
    return [Signal(kind=SignalKind.SELLER_CHASING,
                   evidence=Evidence(message_id=latest.message_id,
                                     quote=first_sentence(latest.new_text)),
                   detail=f"{len(waiting)} messages from the seller in a row without an answer")]


def detect_out_of_office(view: DealView) -> list[Signal]:
    found = []
    for message in view.messages:
        if not view.is_customer(message) or not message.is_auto_reply:
            continue
        text = message.new_text or message.body
        detail = "auto-reply, not an answer"
        quote = first_sentence(text)
        if message.return_date is not None:
            detail += f"; back {message.return_date.isoformat()}"
        found_return = find_return(text, sent=message.date)
        if found_return is not None:
            quote = sentence_around(text, found_return[1])
        found.append(Signal(kind=SignalKind.OUT_OF_OFFICE,
                            evidence=Evidence(message_id=message.message_id, quote=quote),
                            detail=detail))
    return found[-1:]

