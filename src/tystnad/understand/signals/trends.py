"""Signals from the shape of the conversation: slower and shorter replies, one contact, a proposal
met by silence, no next step, and seller mail that could have gone to anyone."""

from __future__ import annotations

import re
import statistics
from functools import cache

from tystnad.language import languages
from tystnad.model import Evidence, Signal, SignalKind, Status
from tystnad.read.phrases import fold
from tystnad.read.quotes import first_sentence
from tystnad.read.reading import Reading
from tystnad.understand.parties import person_name
from tystnad.understand.signals.text import detect_next_step, is_acknowledgement
from tystnad.understand.timing import reply_latencies
from tystnad.understand.view import DealView

__all__ = ["is_proposal", "detect_slowing", "detect_shrinking", "detect_single_threaded",
           "detect_proposal_unanswered", "detect_no_next_step", "detect_generic_outreach"]

_WORD = re.compile(r"[^\W\d_]{2,}")
_DIGITS = re.compile(r"\d+(?:[.,]\d+)?")
# A word after a lower-case word or a comma and one space: a name when capitalised (see _names).
_INNER_WORD = re.compile(r"(?<=(?:[^\W\d_]|,) )[^\W\d_]{3,}")
_SILENT = (Status.SILENT, Status.GHOSTED)


@cache
def _proposal_file() -> re.Pattern[str]:
    """Attachment names that are an offer ("Offert_Kvarnbyn.pdf", "Quote-1234.pdf"), by the words
    of the language files' [attachments]."""
    words = sorted({word for lang in languages() for word in lang.proposal_files}, key=lambda w: (-len(w), w))
    return re.compile("|".join(re.escape(word) for word in words) or "(?!)", re.IGNORECASE)


def _names(text: str) -> set[str]:
    """Capitalised words inside a sentence ("as Åsa said", "the Øresund site"), in any script with
    case: the capital and the lower-case letters after it."""
    found = set()
    for match in _INNER_WORD.finditer(text):
        before, word = text[match.start() - 2], match[0]
        if not (before == "," or before.islower()) or not word[0].isupper():
            continue
        end = 1
        while end < len(word) and word[end].islower():
            end += 1
        if end >= 3:
            found.add(word[:end])
    return found


def _quote(reading: Reading) -> Evidence:
    return Evidence(message_id=reading.message.message_id, quote=first_sentence(reading.text))


def detect_slowing(view: DealView) -> list[Signal]:
    """The latest wait (answered or still open) is well beyond the customer's earlier pace."""
    messages = [r.message for r in view.readings]
    latencies = reply_latencies(messages, is_customer=[view.is_customer(m) for m in messages],
                                calendar=view.calendar)
    if view.timeline.status in _SILENT:
        latencies.append(view.timeline.silence)
    if len(latencies) < 2:
        return []
    earlier, latest = latencies[:-1], latencies[-1]
    typical = max(statistics.median(earlier), 0.5)
    if latest < 2 * typical or latest - typical < 1.5:
        return []
    answers = view.customer_answers()
    if not answers:
        return []
    return [Signal(kind=SignalKind.SLOWING_REPLIES, evidence=_quote(answers[-1]),
                   detail=f"latest wait {latest:.1f} business days against an earlier {typical:.1f}")]


def _length(reading: Reading) -> int:
    return len(_WORD.findall(reading.text))


def _receipt(view: DealView, answer: Reading) -> bool:
    """"Bra, tack." to the seller's "Jag hör av mig måndag 4 maj", "Påskrivet avtal bifogat": a short
    answer that receives an agreed step or closes the deal is a receipt, not a reply shrinking."""
    if answer.has("closed_won") or answer.has("closed_lost"):
        return True
    if not is_acknowledgement(answer):
        return False
    position = view.readings.index(answer)
    before = view.readings[position - 1] if position else None
    return before is not None and not view.is_customer(before.message) and (
        bool(before.moments) or before.has("next_step") or before.has("seller_promise"))


def detect_shrinking(view: DealView) -> list[Signal]:
    answers = view.customer_answers()
    if len(answers) < 2:
        return []
    lengths = [_length(r) for r in answers]
    latest, longest = lengths[-1], max(lengths[:-1])
    if latest > 0.5 * longest or latest > 40 or longest < 15 or _receipt(view, answers[-1]):
        return []
    return [Signal(kind=SignalKind.SHRINKING_REPLIES, evidence=_quote(answers[-1]),
                   detail=f"latest reply {latest} words, earlier up to {longest}")]


def detect_single_threaded(view: DealView) -> list[Signal]:
    # Persons, not addresses: one buyer writing from work and from home is still one thread.
    people = {person_name(a) or a.email for a in view.deal.contacts}
    answers = view.customer_answers()
    if len(people) != 1 or len(view.readings) < 3 or not answers:
        return []
    return [Signal(kind=SignalKind.SINGLE_THREADED, evidence=_quote(answers[-1]),
                   detail=f"only {answers[-1].message.sender.email} on the customer's side")]


def is_proposal(reading: Reading) -> bool:
    return reading.has("proposal") or any(_proposal_file().search(name) for name in reading.message.attachments)


def detect_proposal_unanswered(view: DealView) -> list[Signal]:
    if view.timeline.status not in _SILENT:
        return []
    waiting = [r for r in view.after_last_answer() if not view.is_customer(r.message)]
    proposals = [r for r in waiting if is_proposal(r)] or _only_received(view)
    if not proposals:
        return []
    reading = proposals[0]
    hits = reading.found("proposal")
    quote = reading.sentence(hits[0]) if hits else first_sentence(reading.text)
    return [Signal(kind=SignalKind.PROPOSAL_UNANSWERED,
                   evidence=Evidence(message_id=reading.message.message_id, quote=quote),
                   detail="an offer sent, and silence since")]


def _only_received(view: DealView) -> list[Reading]:
    """The seller's latest offer when all the customer wrote after it says it arrived ("Thanks. Will
    have a look.", "Tack, jag skickar den vidare."): received is not answered."""
    offers = [i for i, r in enumerate(view.readings) if not view.is_customer(r.message) and is_proposal(r)]
    if not offers:
        return []
    after = [r for r in view.readings[offers[-1] + 1:] if view.is_customer(r.message) and r.message.is_answer]
    if not after or not all(is_acknowledgement(r, of_offer=True) for r in after):
        return []
    return [view.readings[offers[-1]]]


def detect_no_next_step(view: DealView) -> list[Signal]:
    """Silent with nothing agreed to happen next (next_step_agreed is detected separately)."""
    if view.timeline.status not in _SILENT:
        return []
    if detect_next_step(view):
        return []
    answers = view.customer_answers()
    # The customer asking what the next step is, and no step following, is the clearest case.
    for reading in reversed(answers):
        asked = reading.found("asks_next_step")
        if asked:
            return [Signal(kind=SignalKind.NO_NEXT_STEP,
                           evidence=Evidence(message_id=reading.message.message_id,
                                             quote=reading.sentence(asked[0])),
                           detail="the customer asked for the next step; none was agreed")]
    source = answers[-1] if answers else view.readings[-1]
    return [Signal(kind=SignalKind.NO_NEXT_STEP, evidence=_quote(source),
                   detail="nothing agreed to happen next")]


# The seller's mail this soon after the customer's is a reply to it, whatever it says.
_REPLY_DAYS = 1.0


def detect_generic_outreach(view: DealView) -> list[Signal]:
    """Every unanswered seller mail could have gone to anyone: no number, no name or word of
    the customer's, not even the organisation's name."""
    if view.timeline.status not in _SILENT:
        return []
    answers = view.customer_answers()
    customer_words = {w for r in answers for w in _WORD.findall(fold(r.text)) if len(w) > 5}
    customer_numbers = {n for r in answers for n in _DIGITS.findall(r.text)}
    customer_names = {fold(w) for r in answers for w in _names(r.text)}
    # The organisation's own name, as its domain spells it; a first name in the greeting is not enough.
    labels = {re.sub(r"[^a-z]", "", fold(label))
              for label in view.deal.organization.replace("@", ".").split(".") if len(label) > 3}
    waiting = [r for r in view.after_last_answer() if not view.is_customer(r.message)]
    # "Of course, take your time" the day the customer wrote answers them: it reaches out to no one.
    reply = bool(answers and waiting and view.calendar.business_days_between(
        answers[-1].message.date, waiting[0].message.date) <= _REPLY_DAYS)
    if len(waiting) <= int(reply):
        return []
    for reading in waiting:
        body = reading.text.split("\n", 1)[-1]  # past the greeting line
        words = set(_WORD.findall(fold(body)))
        letters = re.sub(r"[^a-z]", "", fold(reading.text))  # "Hartley & Finch" is hartleyfinch
        # The customer's own numbers, names, two of their words or one long one; a number the seller
        # brings ("500+ companies") says nothing about this customer.
        shared = words & customer_words
        if (len(shared) >= 2 or any(len(word) >= 7 for word in shared) or words & customer_names
                or customer_numbers & set(_DIGITS.findall(reading.text))
                or any(label in letters for label in labels) or len(words) <= 5):
            return []
    return [Signal(kind=SignalKind.GENERIC_OUTREACH, evidence=_quote(waiting[-1]),
                   detail="nothing in the unanswered mail is specific to this customer")]
