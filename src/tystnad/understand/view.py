"""DealView: one deal as the signal detectors, MEDDICC, reasons and the playbook read it: its
messages up to `now` in order, who wrote each, their phrase hits, and where it stands in time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from tystnad.model import Address, Deal, Message, Rhythm, Seller, Timeline
from tystnad.read.reading import Reading
from tystnad.understand.timing import BusinessCalendar

__all__ = ["DealView"]


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
    contact_emails: frozenset[str] = frozenset()  # the customer's people (parties.py), by address
    seller_senders: tuple[Address, ...] = ()  # each address the seller's side wrote from, once

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
                   answers=answers, since_last_answer=readings[last + 1 :],
                   contact_emails=frozenset(a.email for a in deal.contacts),
                   seller_senders=tuple({m.sender: None for m in messages
                                         if m.message_id not in customer_ids}))

    def is_customer(self, message: Message) -> bool:
        return message.message_id in self.customer_ids

    def is_customer_id(self, message_id: str) -> bool:
        """The message with this id is one the customer's side wrote."""
        return message_id in self.customer_ids

    def is_customer_address(self, address: Address) -> bool:
        """One of the customer's people: their organisation's, a sister domain's, or one of them at home."""
        return address.email in self.contact_emails

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
