"""Signals from what the customer wrote: deferrals and promises, concerns, agreed steps, engagement."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from tystnad.language import languages
from tystnad.model import Evidence, Hit, Signal, SignalKind
from tystnad.read.phrases import fold
from tystnad.read.quotes import first_sentence, sentences
from tystnad.read.reading import Reading
from tystnad.understand.roles import capitalised_words, names_a_role
from tystnad.understand.view import DealView

__all__ = [
    "Commitment", "commitments", "detect_deferrals", "detect_concerns", "detect_next_step",
    "detect_engaged", "closing_words", "is_acknowledgement", "deciding_answer",
]

# A named later moment this far beyond the message is a pause, not a short wait.
PAUSE_MIN_DAYS = 14
# Rules that are deferrals in themselves ("efter sommaren"), without a deferral verb beside them.
_DEFERRING_RULES = frozenset({"after_summer", "autumn", "after_new_year", "after_easter",
                              "after_winter_break", "relative", "next_month"})
_DEFERRAL_FAMILIES = ("vague_deferral", "promise_verbs", "event_deferral", "next_step", "contact_later")
# A number the customer gives: where a run of digits starts (the "30" of "10:30" is no number of its
# own). Only whether there is one counts, so what follows it, a unit or none, does not matter.
_NUMBER = re.compile(r"(?<![\d:/.-])\d")


def _evidence(reading: Reading, hit: Hit) -> Evidence:
    return Evidence(message_id=reading.message.message_id, quote=reading.sentence(hit))


@dataclass(frozen=True, slots=True)
class Commitment:
    """A time the customer named: a promise to answer by a day, or a pause until a period."""

    reading: Reading
    hit: Hit
    day: date
    is_pause: bool


# A last word this short, with no question and nothing deferred or asked for, acknowledges.
_ACK_MAX_WORDS = 12
_ACK_BLOCKERS: tuple[str, ...] = ("vague_deferral", "event_deferral", "contact_later", "hesitation", "closed_lost",
                 "closed_won", "customer_yes", "internal_change", "budget_pressure", "not_relevant",
                 "proposal", "asks_next_step", "pain", "criteria", "needs_approval", "competition")


# A receipt of an offer may name it and put looking at it off, a few words longer for saying with whom:
# "Tack Johan. Ser bra ut. Jag ska prata med Camilla (VD) och återkommer."
_OFFER_RECEIPT_BLOCKERS = tuple(f for f in _ACK_BLOCKERS if f not in ("vague_deferral", "proposal"))
_OFFER_RECEIPT_MAX_WORDS = 15


def is_acknowledgement(reading: Reading, *, of_offer: bool = False) -> bool:
    """"Perfekt 👍", "Bra, tack.", "Perfect, thank you. I'll include it.": a bare receipt of what the
    seller said or agreed, which adds nothing to answer and takes nothing back. `of_offer`: also a
    receipt of an offer that puts looking at it off with no time ("Thanks. Will have a look.")."""
    text = reading.text
    blockers, most = _ACK_BLOCKERS, _ACK_MAX_WORDS
    if of_offer:
        blockers, most = _OFFER_RECEIPT_BLOCKERS, _OFFER_RECEIPT_MAX_WORDS
    return (len(text.split()) <= most and "?" not in text and not reading.moments
            and not any(reading.has(family) for family in blockers))


def deciding_answer(view: DealView) -> tuple[Reading, list[Reading]] | None:
    """The customer's latest answer that says something, and the mail after it: a bare
    acknowledgement of the seller's reply ("Perfekt 👍" after "Jag ringer dig 4 maj") keeps what
    was agreed in the answer before it."""
    answers = view.customer_answers()
    if not answers:
        return None
    index = len(answers) - 1
    while index > 0 and is_acknowledgement(answers[index]):
        index -= 1
    anchor = answers[index]
    position = view.readings.index(anchor)
    return anchor, list(view.readings[position + 1:])


def _answer_commitments(view: DealView, answer: Reading, later: list[Reading]) -> list[Commitment]:
    """Promises and pauses in one customer answer, and in the seller's reply right after it that
    confirms a pause ("Då hör jag av mig 4 maj") -- only when the customer's answer deferred; a later
    offer of a pause is the seller's idea, not an agreement."""
    found: list[Commitment] = []
    customer_deferred = bool(answer.moments) or any(
        answer.has(family) for family in ("vague_deferral", "event_deferral", "promise_verbs", "contact_later"))
    after = [r for r in later if r.message.is_answer and not view.is_customer(r.message)]
    followers = after[:1] if customer_deferred else []
    for reading in [answer, *followers]:
        is_customer = view.is_customer(reading.message)
        sent = view.local_day(reading.message)
        for hit in reading.hits:
            if hit.family not in _DEFERRAL_FAMILIES or hit.negated:
                continue
            for moment in reading.moments_in(hit):
                if moment.day < sent:
                    continue
                is_pause = moment.day - sent >= timedelta(days=PAUSE_MIN_DAYS)
                if not is_customer and not is_pause:
                    continue  # the seller's own dates are not the customer's promise
                found.append(Commitment(reading=reading, hit=hit, day=moment.day, is_pause=is_pause))
        for moment in reading.moments:
            is_deferring = moment.rule in _DEFERRING_RULES and moment.day - sent >= timedelta(days=PAUSE_MIN_DAYS)
            if not is_deferring or any(c.reading is reading and c.day == moment.day for c in found):
                continue
            sentence = _sentence_hit(reading, moment.start)
            if sentence is not None:
                found.append(Commitment(reading=reading, hit=sentence, day=moment.day, is_pause=True))
    return found


# An earlier answer's pause counts when the customer asked for it in words and the seller confirmed
# the day ("Could you come back to me after Easter?" / "I'll be in touch w/c 20 April").
_ASKS_LATER = ("contact_later", "event_deferral", "vague_deferral")


def _reopens(reading: Reading) -> bool:
    """A customer answer that takes the deal up again: a question, a yes, a request to go on."""
    return "?" in reading.text or reading.has("customer_yes") or reading.has("asks_next_step")


def commitments(view: DealView) -> list[Commitment]:
    """Promises and pauses in the customer's latest answer that says something (a bare "Perfekt 👍"
    keeps what the answer before it agreed), and pauses agreed in earlier answers that no later
    answer has taken up again ("come back after Easter", then only the board papers to prepare)."""
    deciding = deciding_answer(view)
    if deciding is None:
        return []
    latest, later = deciding
    found = _answer_commitments(view, latest, later)
    answers = view.customer_answers()
    index = answers.index(latest)
    for earlier in reversed(answers[:index]):
        if _reopens(answers[index]):
            break
        index -= 1
        if not any(earlier.has(family) for family in _ASKS_LATER):
            continue  # a season or a start date in passing is background, not a pause asked for
        position = view.readings.index(earlier)
        found.extend(c for c in _answer_commitments(view, earlier, list(view.readings[position + 1:]))
                     if c.is_pause and not view.is_customer(c.reading.message))
    return found


def _sentence_hit(reading: Reading, position: int) -> Hit | None:
    for start, end in sentences(reading.text):
        if start <= position < end:
            return Hit(family="moment", start=position, end=position, sentence_start=start,
                       sentence_end=end, negated=False)
    return None


# Deferral words that, beside an event in the same answer, tie the next word to that event.
_TIED_DEFERRALS = ("contact_later", "vague_deferral")


def _tied_to_event(reading: Reading) -> Hit | None:
    """"I will present it at the comité on 10 February and come back to you after", "Hör av dig
    vecka 34, så tar vi fram ett budgetunderlag": the customer puts their next word after an event
    they name in the same answer. Their own question to the seller is not a deferral."""
    if not reading.has("events"):
        return None
    questions = _question_spans(reading.text)
    for hit in reading.hits:
        if hit.family not in _TIED_DEFERRALS or hit.negated:
            continue
        if reading.asks(hit) and hit.family != "contact_later":  # "Can you contact me in June?" still defers
            continue
        if any(start != hit.sentence_start for start, _ in questions):
            continue  # they ask for something now: the season named is background to a live exchange
        return hit
    return None


def detect_deferrals(view: DealView) -> list[Signal]:
    found: dict[SignalKind, Signal] = {}
    answers = view.customer_answers()
    for reading in answers:
        tied = _tied_to_event(reading)
        if tied is not None:
            found[SignalKind.EVENT_DEFERRAL] = Signal(
                kind=SignalKind.EVENT_DEFERRAL, evidence=_evidence(reading, tied),
                detail="deferred until an event the customer named")
        for hit in reading.hits:
            if hit.negated:
                continue
            dated = [m for m in reading.moments_in(hit) if not m.is_vague_period]
            events = [h for h in reading.hits if h.family == "event_deferral" and not h.negated
                      and h.sentence_start == hit.sentence_start]
            if hit.family == "event_deferral":
                found[SignalKind.EVENT_DEFERRAL] = Signal(
                    kind=SignalKind.EVENT_DEFERRAL, evidence=_evidence(reading, hit),
                    detail="deferred to an event with no date")
            elif hit.family == "vague_deferral" and not dated and not events and not reading.moments_in(hit):
                found[SignalKind.VAGUE_DEFERRAL] = Signal(
                    kind=SignalKind.VAGUE_DEFERRAL, evidence=_evidence(reading, hit),
                    detail="no time given")
    for commitment in commitments(view):
        if commitment.is_pause or not view.is_customer(commitment.reading.message):
            continue
        if commitment.day < view.today and commitment.reading is answers[-1]:
            found[SignalKind.BROKEN_PROMISE] = Signal(
                kind=SignalKind.BROKEN_PROMISE, evidence=_evidence(commitment.reading, commitment.hit),
                detail=f"promised by {commitment.day.isoformat()}; nothing since")
    return list(found.values())


_CONCERNS = {
    "needs_approval": SignalKind.NEEDS_APPROVAL,
    "decided_by": SignalKind.NEEDS_APPROVAL,
    "budget_pressure": SignalKind.BUDGET_PRESSURE,
    "hesitation": SignalKind.HESITATION,
    "internal_change": SignalKind.INTERNAL_CHANGE,
}
_CONCERN_DETAIL = {
    SignalKind.NEEDS_APPROVAL: "someone else must approve",
    SignalKind.BUDGET_PRESSURE: "money is tight or frozen",
    SignalKind.HESITATION: "unsure it is the right decision",
    SignalKind.INTERNAL_CHANGE: "something changed inside the customer's organisation",
}


def detect_concerns(view: DealView) -> list[Signal]:
    """The latest customer words showing each concern; an auto-reply that says a contact has
    left counts for internal change, since it is the organisation speaking."""
    found: dict[SignalKind, Signal] = {}
    for reading in view.readings:
        message = reading.message
        if not view.is_customer(message) or message.is_bounce:
            continue
        for hit in reading.hits:
            kind = _CONCERNS.get(hit.family)
            if hit.family == "consults" and message.is_answer and _names_another(view, reading, hit):
                kind = SignalKind.NEEDS_APPROVAL
            if kind is None or hit.negated:
                continue
            if not message.is_answer and kind is not SignalKind.INTERNAL_CHANGE:
                continue
            if kind is SignalKind.INTERNAL_CHANGE and _recalls_past(reading, hit):
                continue
            found[kind] = Signal(kind=kind, evidence=_evidence(reading, hit), detail=_CONCERN_DETAIL[kind])
    return list(found.values())


# A year written out in full ("in 2019"); earlier than the message's own, it dates a memory.
_YEAR = re.compile(r"\b(19|20)\d\d\b")


def _recalls_past(reading: Reading, hit: Hit) -> bool:
    """The sentence looks back ("our last ERP project, in 2019, went badly", "dåliga erfarenheter av
    systembyten"): a change behind the customer is a reason for fear, not news of a change now."""
    if any(o.family == "recalls_past" and o.sentence_start == hit.sentence_start for o in reading.hits):
        return True
    year = reading.message.date.year
    return any(int(m.group()) < year for m in _YEAR.finditer(reading.sentence(hit)))


def _names_another(view: DealView, reading: Reading, hit: Hit) -> bool:
    """The sentence turning to someone names a third person: a colleague by name ("prata med Camilla",
    "get Raj to look at it") or by title ("visa det för vår vd"), not the seller nor the writer."""
    sentence = reading.sentence(hit)
    if names_a_role(sentence):
        return True
    words = capitalised_words(sentence)
    if not words:
        return False
    no_one = _not_a_person(view, reading)
    return any(fold(word) not in no_one for word in words)


def _not_a_person(view: DealView, reading: Reading) -> frozenset[str]:
    """Capitalised words that name no third person: the seller's side's and the writer's own names,
    months and weekdays, and the customer's organisation."""
    writers = [*view.seller_senders, reading.message.sender]
    words = {fold(word) for sender in writers for word in sender.name.replace(",", " ").split()}
    words.update(fold(part) for part in view.deal.organization.replace("@", ".").split("."))
    words.update(_calendar_words())
    return frozenset(words)


@cache
def _calendar_words() -> frozenset[str]:
    return frozenset(fold(word) for lang in languages() for word in (*lang.months, *lang.weekdays))


def detect_next_step(view: DealView) -> list[Signal]:
    """A concrete step with a time, proposed or confirmed by the customer, not yet behind us
    by more than the customer's usual pace."""
    recent = list(view.readings[-3:])
    for index, reading in enumerate(recent):
        if not view.is_customer(reading.message) or not reading.message.is_answer:
            continue
        sent = view.local_day(reading.message)
        for hit in reading.found("next_step"):
            moments = reading.moments_in(hit) or list(reading.moments)
            earlier = recent[index - 1] if index > 0 else None
            if not moments and earlier is not None and not view.is_customer(earlier.message):
                moments = list(earlier.moments)  # "Passar bra!" to the seller's proposed time
            if any(m.day >= sent for m in moments):
                return [Signal(kind=SignalKind.NEXT_STEP_AGREED, evidence=_evidence(reading, hit),
                               detail="a next step with a time")]
    found = commitments(view)
    for commitment in found:
        if commitment.is_pause and commitment.day > view.today:
            return [Signal(kind=SignalKind.NEXT_STEP_AGREED,
                           evidence=_evidence(commitment.reading, commitment.hit),
                           detail=f"agreed to pick up again from {commitment.day.isoformat()}")]
    for commitment in found:
        # "Besked på fredag, efter ledningsgruppen": a day the customer set themselves, still ahead.
        if view.is_customer(commitment.reading.message) and commitment.day >= view.today:
            return [Signal(kind=SignalKind.NEXT_STEP_AGREED,
                           evidence=_evidence(commitment.reading, commitment.hit),
                           detail=f"the customer named {commitment.day.isoformat()}")]
    return []


def detect_engaged(view: DealView) -> list[Signal]:
    """The customer asks, brings colleagues or gives numbers, in their latest answers."""
    answers = view.customer_answers()[-2:]
    if not answers or view.timeline.status.value in ("silent", "ghosted"):
        return []
    cues: list[tuple[str, Reading, Hit | None]] = []
    known = {c.email for c in view.deal.contacts[:1]}
    for reading in answers:
        text = reading.text
        for start, end in _question_spans(text):
            if not any(h.family == "courtesy" and start <= h.start < end for h in reading.hits):
                cues.append(("asks", reading, Hit(family="q", start=start, end=end, sentence_start=start,
                                                   sentence_end=end, negated=False)))
                break
        if _NUMBER.search(text):
            cues.append(("numbers", reading, None))
        colleagues = {a.email for a in reading.message.recipients if view.is_customer_address(a)}
        if colleagues - known - {reading.message.sender.email}:
            cues.append(("colleagues", reading, None))
        if reading.has("engaged"):
            cues.append(("words", reading, reading.found("engaged")[0]))
        if reading.moments and any(reading.has(f) for f in ("contact_later", "next_step", "promise_verbs")):
            cues.append(("commits", reading, None))
    kinds = {cue for cue, _, _ in cues}
    if len(kinds) < 2:
        return []
    reading, hit = next(((r, h) for _, r, h in cues if h is not None), (answers[-1], None))
    # Their first real sentence, not the first line: a line may be a greeting or end at a wrap.
    quote = reading.sentence(hit) if hit is not None else first_sentence(reading.text)
    return [Signal(kind=SignalKind.ENGAGED,
                   evidence=Evidence(message_id=reading.message.message_id, quote=quote.strip()),
                   detail="customer " + ", ".join(sorted(kinds)))]


def _question_spans(text: str) -> list[tuple[int, int]]:
    return [(start, end) for start, end in sentences(text) if text[start:end].rstrip().endswith("?")]


def closing_words(view: DealView) -> tuple[str, Reading, Hit] | None:
    """The customer said no or yes for good: ("lost"|"won", reading, hit). A signed contract or a
    purchase order stays won whatever onboarding mail follows, unless a later answer says no; a no
    stands unless a later answer takes the deal up again (a question, a yes, a next step)."""
    answers = view.customer_answers()
    for index in range(len(answers) - 1, -1, -1):
        reading, later = answers[index], answers[index + 1:]
        lost, won = reading.found("closed_lost"), reading.found("closed_won")
        if lost and not any(_reopens(answer) for answer in later):
            return "lost", reading, lost[0]
        if won and not any(answer.has("closed_lost") or answer.has("not_relevant") for answer in later):
            return "won", reading, won[0]
    return None
