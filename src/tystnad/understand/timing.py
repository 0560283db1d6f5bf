"""Time as the customer lives it: business days in their country and zone, and their own reply rhythm.

Latency is measured in business days: the share of each working day (Monday to
Friday, not a public holiday of the customer's country) that an interval covers,
in the customer's local time. A Friday 16:00 to Monday 10:00 wait is 0.75.
"""

from __future__ import annotations

import bisect
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays

from tystnad.model import Message, Rhythm

__all__ = [
    "BusinessCalendar",
    "Rhythm",
    "calendar_for",
    "reply_latencies",
    "learn_rhythm",
    "DEFAULT_RHYTHM_DAYS",
]

# With no history at all, a B2B customer is assumed to answer within two business days.
DEFAULT_RHYTHM_DAYS = 2.0
# A customer's own rhythm needs this many replies before it is trusted over the mailbox's.
MIN_OWN_SAMPLES = 3
MIN_MAILBOX_SAMPLES = 10
_FIRST_YEAR, _LAST_YEAR = 1990, 2040


@dataclass(frozen=True, slots=True)
class BusinessCalendar:
    country: str
    zone: ZoneInfo
    holidays: tuple[date, ...]  # sorted, weekdays only

    def is_business_day(self, day: date) -> bool:
        if day.weekday() >= 5:
            return False
        index = bisect.bisect_left(self.holidays, day)
        return not (index < len(self.holidays) and self.holidays[index] == day)

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)

    def business_days_between(self, start: datetime, end: datetime) -> float:
        """Working-day time from `start` to `end` (0 when end is not after start)."""
        if end <= start:
            return 0.0
        first, last = self.local(start), self.local(end)
        if first.date() == last.date():
            if not self.is_business_day(first.date()):
                return 0.0
            return (last - first).total_seconds() / 86400
        total = 0.0
        if self.is_business_day(first.date()):
            total += 1 - _day_fraction(first)
        if self.is_business_day(last.date()):
            total += _day_fraction(last)
        return total + self._whole_days(first.date() + timedelta(days=1), last.date())

    def _whole_days(self, start: date, stop: date) -> int:
        """Business days in [start, stop): weekday arithmetic, minus holidays in range."""
        if stop <= start:
            return 0
        days = (stop - start).days
        weeks, rest = divmod(days, 7)
        count = weeks * 5
        weekday = start.weekday()
        for offset in range(rest):
            if (weekday + offset) % 7 < 5:
                count += 1
        low = bisect.bisect_left(self.holidays, start)
        high = bisect.bisect_left(self.holidays, stop)
        return count - (high - low)

    def next_business_day(self, day: date) -> date:
        """`day` itself when it is a business day, else the first one after it."""
        while not self.is_business_day(day):
            day += timedelta(days=1)
        return day

    def add_business_days(self, start: datetime, days: float) -> datetime:
        """The moment `days` business days after `start` (whole days counted from its date)."""
        local = self.local(start)
        day = local.date()
        remaining = days
        while remaining > 0:
            day += timedelta(days=1)
            if self.is_business_day(day):
                remaining -= 1
        return datetime.combine(day, local.time(), tzinfo=self.zone)


def _day_fraction(moment: datetime) -> float:
    midnight = datetime.combine(moment.date(), time(0), tzinfo=moment.tzinfo)
    return (moment - midnight).total_seconds() / 86400


@cache
def calendar_for(country: str, zone: str) -> BusinessCalendar:
    """Public holidays plus the de-facto ones where the package knows them (Sweden's
    midsommarafton, julafton and nyårsafton are de facto, not public)."""
    try:
        cls = holidays.country_holidays(country)
        supported = set(getattr(cls, "supported_categories", ()) or ())
        categories = tuple(c for c in ("public", "de_facto") if c in supported) or ("public",)
        table = holidays.country_holidays(
            country, years=range(_FIRST_YEAR, _LAST_YEAR), categories=categories
        )
        days = tuple(sorted(day for day in table if day.weekday() < 5))
    except NotImplementedError:
        days = ()
    return BusinessCalendar(country=country, zone=ZoneInfo(zone), holidays=days)


def reply_latencies(
    messages: Sequence[Message], *, is_customer: Iterable[bool], calendar: BusinessCalendar
) -> list[float]:
    """Business days from the seller's first unanswered message to each customer answer."""
    latencies: list[float] = []
    waiting_since: datetime | None = None
    for message, from_customer in zip(messages, is_customer, strict=True):
        if not from_customer:
            if waiting_since is None:
                waiting_since = message.date
        elif message.is_answer and waiting_since is not None:
            latencies.append(calendar.business_days_between(waiting_since, message.date))
            waiting_since = None
    return latencies


def mailbox_norm(mailbox: Sequence[float]) -> float | None:
    """All that a deal's judgement takes from the rest of the mailbox's pace: its median, once
    there are enough replies to tell one, to a tenth of a business day. Finer is noise, and a few
    new replies anywhere in the mailbox would then change every other deal's judgement."""
    return round(statistics.median(mailbox), 1) if len(mailbox) >= MIN_MAILBOX_SAMPLES else None


def learn_rhythm(own: Sequence[float], mailbox: Sequence[float]) -> Rhythm:
    """The customer's usual pace. Their latest reply is left out once there are enough
    before it: a customer who is fading must not teach us that fading is their norm."""
    if len(own) > MIN_OWN_SAMPLES:
        return Rhythm(median=statistics.median(own[:-1]), samples=len(own), source="customer")
    if len(own) == MIN_OWN_SAMPLES:
        return Rhythm(median=statistics.median(own), samples=len(own), source="customer")
    norm = mailbox_norm(mailbox)
    if norm is not None:
        # Blend the little we know of this customer into the mailbox norm.
        pooled = list(own) + [norm] * MIN_OWN_SAMPLES
        return Rhythm(median=statistics.median(pooled), samples=len(own), source="mailbox")
    if own:
        return Rhythm(median=max(statistics.median(own), 1.0), samples=len(own), source="customer")
    return Rhythm(median=DEFAULT_RHYTHM_DAYS, samples=0, source="default")
