"""MEDDICC as far as the mail shows it, judged strictly: confirmed only by the customer's own words
(or a contact's title), weak when only the seller says it or it is partly shown, else missing."""

from __future__ import annotations

import re
from functools import cache

from tystnad.language import languages
from tystnad.model import Evidence, MeddiccElement, MeddiccItem, MeddiccState
from tystnad.read.quotes import sentence_around
from tystnad.read.reading import Reading
from tystnad.understand.roles import Role, role_of
from tystnad.understand.view import DealView

__all__ = ["assess_meddicc", "evidence_for"]

# Signs that are a unit in every language; unit words are in the language files ([metrics]).
_SIGNS = "%€£$"


def _unit(unit: str) -> str:
    """A unit with a star may go on ("dagar*": "dagars"); one without ends there ("kr", not "krav")."""
    if unit.endswith("*"):
        return re.escape(unit[:-1])
    return re.escape(unit) + (r"\b" if unit[-1].isalnum() else "")


def _spoken(number: str) -> str:
    """"en halv", "half ~ a", "halv*" as a pattern: words apart by spaces, a star going on."""
    words = [w for w in number.casefold().split() if w != "~"]
    return r"\s+".join(re.escape(w[:-1]) + r"\w*" if w.endswith("*") else re.escape(w) for w in words)


@cache
def _metric() -> re.Pattern[str]:
    """A number tied to a situation: an amount, a share, a count of hours, people or units."""
    units = sorted({unit.casefold() for lang in languages() for unit in lang.metric_units},
                   key=lambda unit: (-len(unit), unit))
    words = "".join(f"|{_unit(unit)}" for unit in units)
    timed = {unit.casefold() for lang in languages() for unit in lang.metric_time_units}
    counted = "|".join(_unit(unit) for unit in units if unit not in timed)
    spoken = {_spoken(number) for lang in languages() for number in lang.metric_numbers}
    said = "|".join(sorted(spoken, key=lambda n: (-len(n), n)))
    in_words = rf"|\b(?:{said})\s+(?:\w+\s+)?(?:{counted})" if said and counted else ""
    return re.compile(rf"\d[\d\s.,]*\s?(?:[{re.escape(_SIGNS)}]{words}){in_words}", re.IGNORECASE)


_FAMILIES = {
    MeddiccElement.IDENTIFY_PAIN: "pain",
    MeddiccElement.DECISION_CRITERIA: "criteria",
    MeddiccElement.COMPETITION: "competition",
    MeddiccElement.CHAMPION: "champion",
}


def _quote_of(reading: Reading, family: str) -> Evidence | None:
    hits = reading.found(family)
    if not hits:
        return None
    return Evidence(message_id=reading.message.message_id, quote=reading.sentence(hits[0]))


def _metric_quote(readings: list[Reading], pattern: re.Pattern[str] | None = None) -> Evidence | None:
    """The first sentence with a figure (`pattern`, by default a number with a unit)."""
    for reading in readings:
        match = (pattern or _metric()).search(reading.text)
        if match:
            return Evidence(message_id=reading.message.message_id,
                            quote=sentence_around(reading.text, match.start()))
    return None


def _recapped_metric(seller: list[Reading]) -> Evidence | None:
    """"Du nämnde att ni hade 4 procent felplock i fjol": the seller restating a figure the customer
    gave them, in the same sentence (SPEC counts it; a price alone has no such attribution)."""
    for reading in seller:
        for hit in reading.found("recap"):
            sentence = reading.text[hit.sentence_start:hit.sentence_end]
            if _metric().search(sentence):
                return Evidence(message_id=reading.message.message_id, quote=reading.sentence(hit))
    return None


def _confirmed_recaps(view: DealView) -> list[Reading]:
    """The seller's mails that the customer's next answer confirmed as a true picture of their
    situation ("Bra sammanfattat, det är precis vad vi behöver", "Spot on, that's exactly it")."""
    recaps: list[Reading] = []
    readings = view.readings
    for index, reading in enumerate(readings):
        confirmations = [h for h in reading.found("confirms_recap") if not reading.asks(h)]
        if not view.is_customer(reading.message) or not confirmations:
            continue
        earlier = [r for r in readings[:index] if not view.is_customer(r.message)]
        if earlier and earlier[-1] not in recaps:
            recaps.append(earlier[-1])
    return recaps


def _confirmed_recap(view: DealView, family: str) -> Evidence | None:
    """A confirmed recap's sentence for `family`; for pain, failing the family's words, the recap's
    first sentence with a figure of the customer's situation ("about 5,200 invoices a month, each
    matched by hand"): the customer said that picture is theirs."""
    recaps = _confirmed_recaps(view)
    found = next((e for r in recaps if (e := _quote_of(r, family)) is not None), None)
    if found is None and family == "pain":
        found = _metric_quote(recaps) or _metric_quote(recaps, _counted())
    return found


def assess_meddicc(view: DealView) -> tuple[MeddiccItem, ...]:
    customer = view.customer_answers()
    seller = view.seller_messages()
    items: dict[MeddiccElement, MeddiccItem] = {}

    def put(element: MeddiccElement, state: MeddiccState, evidence: Evidence | None = None) -> None:
        items[element] = MeddiccItem(element=element, state=state, evidence=evidence)

    found = _metric_quote(customer) or _recapped_metric(seller)
    if found:
        put(MeddiccElement.METRICS, MeddiccState.CONFIRMED, found)
    elif _metric_quote(seller):
        put(MeddiccElement.METRICS, MeddiccState.WEAK)

    for element, family in _FAMILIES.items():
        evidence = next((e for r in customer if (e := _quote_of(r, family)) is not None), None)
        if evidence is None and element is MeddiccElement.IDENTIFY_PAIN:
            evidence = _confirmed_recap(view, family)
        if evidence is not None:
            put(element, MeddiccState.CONFIRMED, evidence)
        elif any(r.has(family) for r in seller):
            put(element, MeddiccState.WEAK)

    # Economic buyer: a decider who wrote, or who said the decision is theirs.
    deciders = [r for r in customer if role_of(r.message.signature)[0] is Role.DECIDER
                or r.has("decision_power")]
    approvals = [r for r in customer if r.has("needs_approval")]
    if deciders:
        reading = deciders[-1]
        title = role_of(reading.message.signature)[1] or reading.message.sender.name
        put(MeddiccElement.ECONOMIC_BUYER, MeddiccState.CONFIRMED,
            Evidence(message_id=reading.message.message_id, quote=title))
    elif approvals:
        put(MeddiccElement.ECONOMIC_BUYER, MeddiccState.WEAK)

    # Decision process: approvals or steps named by the customer, with a time to them.
    for reading in approvals:
        for hit in reading.found("needs_approval"):
            if reading.moments_in(hit):
                put(MeddiccElement.DECISION_PROCESS, MeddiccState.CONFIRMED,
                    Evidence(message_id=reading.message.message_id, quote=reading.sentence(hit)))
                break
    if MeddiccElement.DECISION_PROCESS not in items and approvals:
        put(MeddiccElement.DECISION_PROCESS, MeddiccState.WEAK)

    # A champion also shows by deeds: bringing colleagues into the conversation.
    if MeddiccElement.CHAMPION not in items or items[MeddiccElement.CHAMPION].state is not MeddiccState.CONFIRMED:
        for reading in customer:
            others = {a.email for a in reading.message.recipients if view.is_customer_address(a)}
            if others - {reading.message.sender.email}:
                put(MeddiccElement.CHAMPION, MeddiccState.WEAK)
                break

    return tuple(items.get(element, MeddiccItem(element=element, state=MeddiccState.MISSING))
                 for element in MeddiccElement)


def evidence_for(view: DealView, element: MeddiccElement) -> Evidence | None:
    """The sentence that best shows `element`: the customer's own words first; else, for metrics, the
    seller's recap of the customer's numbers (SPEC counts it), and for the rest the seller's recap only
    when the customer confirmed a recap ("bra sammanfattat", "spot on")."""
    customer = view.customer_answers()
    if element is MeddiccElement.METRICS:
        return (_metric_quote(customer) or _metric_quote(customer, _counted())
                or _metric_quote(view.seller_messages()))
    seller = view.seller_messages() if any(r.has("confirms_recap") for r in customer) else []
    families = _EVIDENCE_FAMILIES.get(element, ())
    for readings in (customer, seller):
        for family in families:
            found = next((e for r in readings if (e := _quote_of(r, family)) is not None), None)
            if found is not None:
                return found
    if element is MeddiccElement.IDENTIFY_PAIN:
        return _confirmed_recap(view, "pain")
    if element is MeddiccElement.DECISION_PROCESS:
        return _dated_step(customer)
    if element is MeddiccElement.CHAMPION:
        return _colleague_brought_in(view, customer)
    return None


# Where each element shows in words, most telling first.
_EVIDENCE_FAMILIES = {
    MeddiccElement.IDENTIFY_PAIN: ("pain",),
    MeddiccElement.DECISION_CRITERIA: ("criteria",),
    MeddiccElement.COMPETITION: ("competition",),
    MeddiccElement.CHAMPION: ("champion",),
    MeddiccElement.ECONOMIC_BUYER: ("decision_power",),
    MeddiccElement.DECISION_PROCESS: ("needs_approval", "event_deferral", "decision_steps"),
}


@cache
def _counted() -> re.Pattern[str]:
    """A number that counts something ("40 ärenden", "3 lager", "12 people"), not a date, a time or a
    week: what a customer's own figure about their situation looks like in any language."""
    months = sorted({m.casefold() for lang in languages() for m in (*lang.months, *lang.weekdays)},
                    key=lambda word: (-len(word), word))
    not_dates = "|".join(re.escape(m) for m in months)
    # The number ends in a digit: "1. Can the planners …" is a list's numbering, not a count.
    return re.compile(rf"(?<![\d:./-])\d(?:[\d\s.,]*\d)?\s(?!(?:{not_dates})\b)[^\W\d_]{{3,}}", re.IGNORECASE)



def _dated_step(readings: list[Reading]) -> Evidence | None:
    """A step towards the decision with a time to it, in the customer's words ("styrgruppen ses den 2 april")."""
    for reading in readings:
        for hit in reading.hits:
            if hit.family in _STEP_FAMILIES and not hit.negated and reading.moments_in(hit):
                return Evidence(message_id=reading.message.message_id, quote=reading.sentence(hit))
    return None


# Words of a step towards a decision, when a time stands in the same sentence.
_STEP_FAMILIES = frozenset({"needs_approval", "next_step", "decision_power", "event_deferral", "customer_yes",
                            "promise_verbs", "events"})


def _colleague_brought_in(view: DealView, readings: list[Reading]) -> Evidence | None:
    """The customer bringing a colleague into the conversation: the sentence that names them, if any."""
    for reading in readings:
        others = [a for a in reading.message.recipients
                  if view.is_customer_address(a) and a.email != reading.message.sender.email]
        for colleague in others:
            first = colleague.name.split()[0] if colleague.name.strip() else ""
            at = reading.text.find(first) if len(first) >= 2 else -1
            if at >= 0:
                return Evidence(message_id=reading.message.message_id, quote=sentence_around(reading.text, at))
    return None
