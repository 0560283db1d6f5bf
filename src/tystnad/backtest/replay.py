"""Replay a mailbox's history: at each business morning, the risk of every thread where the seller
waits, from the mail known then, beside what happened within the horizon and two baselines.

The mailbox is read once and grown into threads and deals message by message (threads.grow_deals:
a message joins only what came before it, a thread's customer is its first outside party); then every
message is observed once, in time order, by its deal's Customer and its thread's Conversation
(risk/features.py), and each cut point asks the waiting threads for a snapshot. Every feature reads
only mail dated up to the cut; only the label looks ahead.
"""

from __future__ import annotations

import bisect
import statistics
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from tystnad.backtest.metrics import CalibrationBin, auc, calibration, precision_top
from tystnad.model import Deal, Message, Seller, Skipped
from tystnad.pipeline import Progress, read_messages
from tystnad.understand.addresses import country_of
from tystnad.understand.parties import seller_side
from tystnad.understand.risk import shipped_risks
from tystnad.understand.risk.features import FEATURES, HORIZON_DAYS, Conversation, Customer, Waiting, features_of
from tystnad.understand.risk.model import RiskModel
from tystnad.understand.threads import chronological, grow_deals
from tystnad.understand.timing import MIN_MAILBOX_SAMPLES, calendar_for, learn_rhythm

__all__ = ["Moment", "Moments", "Measured", "Backtest", "read_mailbox", "replay", "collect", "measure",
           "CUT_HOUR", "FOLLOW_DAYS"]

# The seller's morning look at the mailbox, in their own zone.
CUT_HOUR = 9
# A wait is followed this many calendar days after the seller's latest message, then let go: a
# conversation dead for months would only add moments any rule gets right.
FOLLOW_DAYS = 56
# Stray dates (1979, 2030) in real exports: the cut points span the middle 99.8 % of the mail's dates.
_STRAY_SHARE = 0.001


@dataclass(frozen=True, slots=True, kw_only=True)
class Moment:
    """One thread where the seller waits, at one cut point, as known then."""

    cut: datetime
    thread_id: str
    features: tuple[float, ...]
    days_since_last: float  # calendar days since the seller's latest message (baseline)
    reply_rate: float  # the customer's earlier reply rate (baseline)


def read_mailbox(paths: list[Path], *, workers: int,
                 progress: Progress | None = None) -> tuple[list[Message], list[Skipped]]:
    """Every distinct message once, as scan reads them (the same reading, the same duplicates rule)."""
    messages: dict[str, Message] = {}
    contents: set[str] = set()
    skipped: list[Skipped] = []
    for count, item in enumerate(read_messages(paths, workers=workers), start=1):
        if progress is not None and count % 1000 == 0:
            progress(count)
        if isinstance(item, Skipped):
            skipped.append(item)
            continue
        if item.message_id in messages or item.content_hash in contents:
            continue
        messages[item.message_id] = item
        contents.add(item.content_hash)
    return list(messages.values()), skipped


def deals_of(messages: Iterable[Message], *, seller: Seller) -> list[Deal]:
    """Threads and deals grown message by message: at a cut point, no later mail has had a say in
    which thread or customer an earlier message belongs to."""
    return grow_deals(messages, seller=seller)


def cut_points(start: date, end: datetime, *, home_country: str, home_zone: str) -> list[datetime]:
    """Each business morning of the seller's calendar from `start` up to `end`."""
    calendar = calendar_for(home_country, home_zone)
    cuts: list[datetime] = []
    day = start
    while True:
        cut = datetime.combine(day, time(CUT_HOUR), tzinfo=calendar.zone)
        if cut > end:
            return cuts
        if calendar.is_business_day(day):
            cuts.append(cut)
        day += timedelta(days=1)


def replay(deals: Sequence[Deal], *, seller: Seller, home_country: str, home_zone: str,
           cuts: Sequence[datetime]) -> Iterator[Moment]:
    """The moments at each cut, in cut order, each from the mail dated up to its cut."""
    customers: list[Customer] = []
    events: list[tuple[tuple[float, str], int, str, Message]] = []
    for index, deal in enumerate(deals):
        country, zone = country_of(deal.organization, default=(home_country, home_zone))
        customers.append(Customer(seller=seller, calendar=calendar_for(country, zone),
                                  organization=deal.organization))
        events.extend((chronological(m), index, thread.id, m) for thread in deal.threads for m in thread.messages)
    events.sort(key=lambda event: event[0])
    conversations: dict[str, Conversation] = {}
    deal_of: dict[str, int] = {}
    mailbox: list[float] = []  # every reply latency so far, sorted: the mailbox norm
    waiting: set[str] = set()
    position = 0
    follow = timedelta(days=FOLLOW_DAYS)
    for cut in sorted(cuts):
        while position < len(events) and events[position][3].date <= cut:
            _, index, thread_id, message = events[position]
            position += 1
            latency = customers[index].observe(message, thread_id)
            if latency is not None:
                bisect.insort(mailbox, latency)
            conversation = conversations.setdefault(thread_id, Conversation(seller=seller))
            deal_of[thread_id] = index
            conversation.observe(message)
            if conversation.waiting_since is not None:
                waiting.add(thread_id)
            else:
                waiting.discard(thread_id)
        # learn_rhythm reads only the mailbox norm's size and median: give it those, not 50,000 floats.
        norm = (statistics.median(mailbox),) * MIN_MAILBOX_SAMPLES if len(mailbox) >= MIN_MAILBOX_SAMPLES \
            else tuple(mailbox)
        for thread_id in sorted(waiting):
            conversation = conversations[thread_id]
            assert conversation.last_seller is not None
            if cut - conversation.last_seller > follow:
                waiting.discard(thread_id)
                continue
            customer = customers[deal_of[thread_id]]
            rhythm = learn_rhythm(customer.latencies, norm)
            snapshot = Waiting.of(conversation, customer, rhythm=rhythm, now=cut)
            assert snapshot is not None
            yield Moment(cut=cut, thread_id=thread_id, features=features_of(snapshot),
                         days_since_last=(cut - conversation.last_seller).total_seconds() / 86400,
                         reply_rate=snapshot.reply_rate)


@dataclass(frozen=True, slots=True, kw_only=True)
class Moments:
    """The replayed moments with known outcomes, as arrays; label True = no reply within the horizon."""

    cuts: NDArray[np.float64]  # POSIX timestamps
    features: NDArray[np.float64]  # one row a moment, FEATURES columns
    labels: NDArray[np.bool_]
    days_since_last: NDArray[np.float64]
    reply_rate: NDArray[np.float64]
    cut_days: int

    def __len__(self) -> int:
        return len(self.labels)

    def select(self, mask: NDArray[np.bool_]) -> Moments:
        return Moments(cuts=self.cuts[mask], features=self.features[mask], labels=self.labels[mask],
                       days_since_last=self.days_since_last[mask], reply_rate=self.reply_rate[mask],
                       cut_days=len(set(self.cuts[mask].tolist())))


def _span(messages: Sequence[Message]) -> tuple[datetime, datetime]:
    dates = sorted(m.date for m in messages)
    stray = int(len(dates) * _STRAY_SHARE)
    return dates[stray], dates[len(dates) - 1 - stray]


def collect(messages: Sequence[Message], *, seller: Seller, home_country: str, home_zone: str,
            horizon_days: int = HORIZON_DAYS, since: date | None = None) -> Moments:
    """Replay the mailbox and keep the moments whose horizon ends before its last mail: only
    their outcome is known."""
    seller = seller_side(seller, messages)  # the aliases and group companies a scan would see
    deals = deals_of(messages, seller=seller)
    empty = np.zeros(0)
    if not messages:
        return Moments(cuts=empty, features=np.zeros((0, len(FEATURES))), labels=np.zeros(0, dtype=bool),
                       days_since_last=empty, reply_rate=empty, cut_days=0)
    first, last = _span(messages)
    horizon = timedelta(days=horizon_days)
    start = max(first.date(), since) if since is not None else first.date()
    cuts = cut_points(start, last - horizon, home_country=home_country, home_zone=home_zone)
    answers: dict[str, list[datetime]] = {
        thread.id: sorted(m.date for m in thread.messages if not seller.owns(m.sender) and m.is_answer)
        for deal in deals for thread in deal.threads}
    rows, labels, days, rates, stamps = [], [], [], [], []
    for moment in replay(deals, seller=seller, home_country=home_country, home_zone=home_zone, cuts=cuts):
        replies = answers[moment.thread_id]
        after = bisect.bisect_right(replies, moment.cut)
        labels.append(after == len(replies) or replies[after] > moment.cut + horizon)
        rows.append(moment.features)
        days.append(moment.days_since_last)
        rates.append(moment.reply_rate)
        stamps.append(moment.cut.timestamp())
    return Moments(cuts=np.asarray(stamps, dtype=np.float64),
                   features=np.asarray(rows, dtype=np.float64).reshape(len(rows), len(FEATURES)),
                   labels=np.asarray(labels, dtype=bool), days_since_last=np.asarray(days, dtype=np.float64),
                   reply_rate=np.asarray(rates, dtype=np.float64), cut_days=len(set(stamps)))


@dataclass(frozen=True, slots=True, kw_only=True)
class Measured:
    """How one score did on a set of moments."""

    auc: float | None
    precision_top10: float | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Backtest:
    cut_points: int  # moments: a waiting thread at a cut point
    cut_days: int
    no_reply_rate: float | None  # share of moments with no reply within the horizon
    model: str
    tystnad: Measured
    days_since_last: Measured
    reply_rate: Measured
    calibration: tuple[CalibrationBin, ...]


def _measured(scores: NDArray[np.float64], labels: NDArray[np.bool_]) -> Measured:
    return Measured(auc=auc(scores, labels), precision_top10=precision_top(scores, labels))


def measure(moments: Moments, model: RiskModel) -> Backtest:
    """tystnad's shipped risk and the two baselines, on exactly the same moments."""
    risks = shipped_risks(model.probabilities(moments.features))
    labels = moments.labels
    return Backtest(
        cut_points=len(moments), cut_days=moments.cut_days,
        no_reply_rate=float(labels.mean()) if len(labels) else None, model=model.source,
        tystnad=_measured(risks, labels),
        days_since_last=_measured(moments.days_since_last, labels),
        # A higher earlier reply rate means a lower risk.
        reply_rate=_measured(-moments.reply_rate, labels),
        calibration=calibration(risks, labels),
    )
