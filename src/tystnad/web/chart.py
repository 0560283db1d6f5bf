"""A conversation as a picture: geometry for the deal page's timeline (SVG), from dates, sides and
lengths only. Seller and customer each have a row; a mark's size is the length of its new text,
a link joins a message to the other side's answer and carries the wait in business days, and
the customer's weekends and holidays are shaded, so "slower and shorter" shows at a glance."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise

from tystnad.understand.timing import BusinessCalendar

__all__ = ["ChartMessage", "Chart", "chart"]

WIDTH = 960
LEFT, RIGHT = 84, 24  # room for the row labels, and for the "now" mark
SELLER_Y, CUSTOMER_Y = 48, 128
AXIS_Y = 176
HEIGHT = 200
# Longer conversations show their latest stretch: a year and a half says how it is going.
MAX_SPAN = timedelta(days=548)

LABEL_GAP = 26  # px between latency labels

XOf = Callable[[datetime], float]


@dataclass(frozen=True, slots=True, kw_only=True)
class ChartMessage:
    when: datetime
    is_customer: bool
    words: int
    label: str  # who wrote it and when, for the mark's tooltip
    anchor: str  # the id of the message on the page, so a mark links to it


@dataclass(frozen=True, slots=True, kw_only=True)
class Mark:
    x: float
    y: float
    r: float
    is_customer: bool
    title: str
    anchor: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Link:
    x1: float
    y1: float
    x2: float
    y2: float
    label: str
    is_customer_answer: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class Band:
    x: float
    width: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Chart:
    width: int
    height: int
    seller_y: int
    customer_y: int
    axis_y: int
    left: int
    now_x: float
    marks: tuple[Mark, ...]
    links: tuple[Link, ...]
    shaded: tuple[Band, ...]  # non-business days
    ticks: tuple[Tick, ...]
    silence: Band | None  # the seller's current wait, from their last unanswered message to now
    hidden: int  # messages before the chart's span


def _radius(words: int) -> float:
    return 3.0 + min(11.0, math.sqrt(max(words, 0)) * 0.9)


def chart(messages: list[ChartMessage], *, now: datetime, calendar: BusinessCalendar,
          waiting_since: datetime | None) -> Chart:
    """`messages` oldest first; `waiting_since` is set when the seller is waiting for an answer."""
    start_limit = now - MAX_SPAN
    shown = [m for m in messages if m.when >= start_limit and m.when <= now]
    hidden = len(messages) - len(shown)
    first = shown[0].when if shown else now - timedelta(days=14)
    # A little air before the first message and at least two weeks in view.
    start = min(first - (now - first) * 0.03, now - timedelta(days=14))
    span = (now - start).total_seconds()
    inner = WIDTH - LEFT - RIGHT

    def x_of(moment: datetime) -> float:
        return round(LEFT + inner * (moment - start).total_seconds() / span, 1)

    marks = tuple(
        Mark(x=x_of(m.when), y=CUSTOMER_Y if m.is_customer else SELLER_Y, r=round(_radius(m.words), 1),
             is_customer=m.is_customer, title=m.label, anchor=m.anchor)
        for m in shown
    )
    links = []
    labelled_at = -float(LABEL_GAP)
    for before, after in pairwise(shown):
        if before.is_customer == after.is_customer:
            continue
        waited = calendar.business_days_between(before.when, after.when)
        x1, x2 = x_of(before.when), x_of(after.when)
        # Labels that would overprint their neighbour are left off; the tooltip still tells.
        room = (x1 + x2) / 2 - labelled_at >= LABEL_GAP
        if room:
            labelled_at = (x1 + x2) / 2
        links.append(Link(
            x1=x1, y1=CUSTOMER_Y if before.is_customer else SELLER_Y,
            x2=x2, y2=CUSTOMER_Y if after.is_customer else SELLER_Y,
            label=(f"{waited:.1f}" if waited < 10 else f"{waited:.0f}") if room else "",
            is_customer_answer=after.is_customer,
        ))
    silence = None
    if waiting_since is not None:
        # A wait older than the chart's span fills it all: the longest silences must show most.
        began = x_of(max(waiting_since, start))
        silence = Band(x=began, width=round(x_of(now) - began, 1))
    return Chart(width=WIDTH, height=HEIGHT, seller_y=SELLER_Y, customer_y=CUSTOMER_Y, axis_y=AXIS_Y,
                 left=LEFT, now_x=x_of(now), marks=marks, links=tuple(links),
                 shaded=_shaded(start, now, calendar, x_of), ticks=_ticks(start, now, calendar, x_of),
                 silence=silence, hidden=hidden)


def _shaded(start: datetime, now: datetime, calendar: BusinessCalendar, x_of: XOf) -> tuple[Band, ...]:
    """Runs of consecutive non-business days in the customer's calendar, one band each."""
    zone = calendar.zone
    day, last = calendar.local(start).date(), calendar.local(now).date()
    bands = []
    run_start: date | None = None
    while day <= last + timedelta(days=1):
        closed = day <= last and not calendar.is_business_day(day)
        if closed and run_start is None:
            run_start = day
        elif not closed and run_start is not None:
            left = max(x_of(datetime.combine(run_start, datetime.min.time(), tzinfo=zone)), LEFT)
            right = min(x_of(datetime.combine(day, datetime.min.time(), tzinfo=zone)), x_of(now))
            if right > left:
                bands.append(Band(x=left, width=round(right - left, 1)))
            run_start = None
        day += timedelta(days=1)
    return tuple(bands)


def _ticks(start: datetime, now: datetime, calendar: BusinessCalendar, x_of: XOf) -> tuple[Tick, ...]:
    """Month starts on long spans, Mondays on short ones: midnights in the customer's zone, as the
    shaded days are, so a Monday's tick stands where its weekend band ends."""
    days = (now - start).days
    ticks: list[Tick] = []
    day, last = calendar.local(start).date() + timedelta(days=1), calendar.local(now).date()
    while day <= last:
        x = x_of(datetime.combine(day, datetime.min.time(), tzinfo=calendar.zone))
        if days > 70:
            if day.day == 1 and (days <= 400 or day.month in (1, 4, 7, 10)):
                # The year where it changes (and on the first tick), else the month alone.
                label = day.strftime("%Y-%m") if day.month == 1 or not ticks else day.strftime("%m")
                ticks.append(Tick(x=x, label=label))
        elif day.weekday() == 0:
            ticks.append(Tick(x=x, label=day.strftime("%d/%m")))
        day += timedelta(days=1)
    return tuple(ticks)
