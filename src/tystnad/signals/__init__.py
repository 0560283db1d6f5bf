"""Signal detectors: each reads a DealView and returns Signals with verbatim evidence; registry here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from tystnad.addresses import organization_of
from tystnad.model import Address, Deal, Message, Rhythm, Seller, Signal, Timeline
from tystnad.reading import Reading
from tystnad.timing import BusinessCalendar

__all__ = ["DealView", "SignalDetector", "DETECTORS", "detect_signals"]


@dataclass(frozen=True, slots=True, kw_only=True)
class DealView:
    """What a detector may look at: the deal's messages up to `now`, in order, and its timing."""

    deal: Deal
    messages: tuple[Message, ...]
    seller: Seller
    calendar: BusinessCalendar
    rhythm: Rhythm
    timeline: Timeline
    now: datetime
    readings: tuple[Reading, ...]  # one per message, same order
    customer_ids: frozenset[str] = frozenset()  # messages the customer's side sent
    answers: tuple[Reading, ...] = ()  # the customer's own words, no auto-replies or bounces
    since_last_answer: tuple[Reading, ...] = ()  # everything after the customer's last answer

    @classmethod
    def build(cls, *, deal: Deal, messages: tuple[Message, ...], seller: Seller, calendar: BusinessCalendar,
              rhythm: Rhythm, timeline: Timeline, now: datetime) -> DealView:
        """Work out once who wrote what, since every detector asks."""
        readings = tuple(Reading(m) for m in messages)
        customer_ids = frozenset(m.message_id for m in messages if not seller.owns(m.sender))
        answered = [i for i, r in enumerate(readings)
                    if r.message.message_id in customer_ids and r.message.is_answer]
        answers = tuple(readings[i] for i in answered)
        last = answered[-1] if answered else -1
        return cls(deal=deal, messages=messages, seller=seller, calendar=calendar, rhythm=rhythm,
                   timeline=timeline, now=now, readings=readings, customer_ids=customer_ids,
                   answers=answers, since_last_answer=readings[last + 1 :])

    def is_customer(self, message: Message) -> bool:
        return message.message_id in self.customer_ids

    def is_customer_address(self, address: Address) -> bool:
        return not self.seller.owns(address) and organization_of(address) == self.deal.organization

    def customer_answers(self) -> list[Reading]:
        """The customer's own words: their messages that are not auto-replies or bounces."""
        return list(self.answers)

    def seller_messages(self) -> list[Reading]:
        return [r for r in self.readings if not self.is_customer(r.message)]

    def after_last_answer(self) -> list[Reading]:
        """Everything since the customer's last real answer (the seller's unanswered mail)."""
        return list(self.since_last_answer)

    @property
    def today(self) -> date:
        return self.now.astimezone(self.calendar.zone).date()

    def local_day(self, message: Message) -> date:
        return message.date.astimezone(self.calendar.zone).date()


SignalDetector = Callable[[DealView], list[Signal]]


def _registry() -> tuple[SignalDetector, ...]:
    # Imported here: the detector modules import DealView from this module.
    from tystnad.signals import questions, text, timing, trends

    return (
        timing.detect_silence, timing.detect_chasing, timing.detect_out_of_office,
        text.detect_deferrals, text.detect_concerns, text.detect_next_step, text.detect_engaged,
        trends.detect_slowing, trends.detect_shrinking, trends.detect_single_threaded,
        trends.detect_proposal_unanswered, trends.detect_no_next_step, trends.detect_generic_outreach,
        questions.detect_unanswered_questions,
    )


DETECTORS: tuple[SignalDetector, ...] = _registry()


def detect_signals(view: DealView) -> tuple[Signal, ...]:
    found: list[Signal] = []
    for detector in DETECTORS:
        found.extend(detector(view))
    return tuple(found)
