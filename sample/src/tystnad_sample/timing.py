"""When people write: gaps between messages, business hours, holidays, meeting dates."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time, timedelta
from random import Random

from tystnad_sample.cast import Person
from tystnad_sample.script import Draft, Kind, Scenario

# The working day, in seconds after local midnight, when people are assumed to write.
WORK_START = 7 * 3600 + 40 * 60
WORK_END = 17 * 3600 + 45 * 60
_MEETING_HOURS = (9, 9, 10, 10, 11, 13, 13, 14, 15)


def _gap_hours(rng: Random, d: Draft, prev: Draft, cust: float, sell: float) -> float:
    k = d.kind
    if k is Kind.S_FOLLOWUP:
        low, high = ((4, 8), (6, 12), (9, 20))[max(0, d.nth - 1)]
        return rng.uniform(low, high) * 24
    if k is Kind.S_RECAP:
        return rng.uniform(2, 10) * 24
    if k is Kind.S_NEWTOPIC:
        return rng.uniform(1, 12) * 24
    if k is Kind.S_FORWARD:
        return rng.uniform(1, 60)
    if k is Kind.S_CONFIRM:
        return sell * rng.uniform(0.1, 0.6)
    if k.seller:
        return sell * rng.lognormvariate(0, 0.5)
    if prev.kind in (Kind.C_FORWARD, Kind.S_FORWARD):
        return rng.uniform(2, 48)
    if not prev.kind.seller:
        return rng.uniform(0.2, 8)
    return cust * rng.lognormvariate(0, 0.55)


def _work_time(rng: Random) -> int:
    centre, spread = (10.0, 1.2) if rng.random() < 0.6 else (14.5, 1.5)
    seconds = int(rng.gauss(centre, spread) * 3600)
    return min(WORK_END, max(WORK_START, seconds))


def _previous_business_day(day: date, person: Person) -> date:
    day -= timedelta(days=1)
    while day.weekday() >= 5 or day in person.holidays:
        day -= timedelta(days=1)
    return day


def _next_business_day(day: date, person: Person) -> date:
    while day.weekday() >= 5 or day in person.holidays:
        day += timedelta(days=1)
    return day


def _at(day: date, seconds: int, person: Person) -> datetime:
    clock = time(seconds // 3600, seconds // 60 % 60, seconds % 60)
    return datetime.combine(day, clock, tzinfo=person.tz).astimezone(UTC)


def snap_back(t: datetime, person: Person, rng: Random) -> datetime:
    """The latest moment at or before t when this person plausibly writes mail."""
    local = t.astimezone(person.tz)
    day = local.date()
    secs = local.hour * 3600 + local.minute * 60 + local.second
    business = day.weekday() < 5 and day not in person.holidays
    if business and WORK_START <= secs <= WORK_END:
        return t
    # Some people answer in the evening or at weekends, but nobody works through a holiday.
    if (
        rng.random() < person.offhours
        and 7 * 3600 <= secs <= 22 * 3600
        and day not in person.holidays
    ):
        return t
    if business and secs > WORK_END:
        return _at(day, _work_time(rng), person)
    return _at(_previous_business_day(day, person), _work_time(rng), person)


def meeting_after(after: datetime, person: Person, rng: Random) -> datetime:
    """A meeting a few working days ahead, on the hour or half hour of person's day."""
    start = after.astimezone(person.tz).date() + timedelta(days=rng.randint(2, 9))
    seconds = rng.choice(_MEETING_HOURS) * 3600 + rng.choice((0, 0, 0, 1800))
    return _at(_next_business_day(start, person), seconds, person)


def _meeting_before(recap: datetime, confirm: datetime, person: Person, rng: Random) -> datetime:
    """The meeting a recap follows: earlier that day or on the previous working day."""
    seconds = rng.choice(_MEETING_HOURS) * 3600
    day = recap.astimezone(person.tz).date()
    moment = _at(day, seconds, person)
    if moment > recap - timedelta(hours=1):
        moment = _at(_previous_business_day(day, person), seconds, person)
    if moment <= confirm:
        moment = (recap - timedelta(hours=1)).replace(second=0, microsecond=0)
        moment -= timedelta(minutes=moment.minute % 30)
    return moment


def _tail_days(rng: Random, scenario: Scenario, span: float, duration: float) -> float:
    room = max(4.0, span - duration)
    match scenario:
        case Scenario.HEALTHY | Scenario.YOUR_MOVE | Scenario.WAITING:
            return rng.uniform(0.1, 3.0)
        case Scenario.SLOWING:
            return rng.uniform(20, 60)
        case Scenario.GHOSTED:
            return rng.uniform(3, 25)
        case Scenario.VAGUE:
            return rng.uniform(14, 50)
        case Scenario.EVENT:
            return rng.uniform(5, 40)
        case Scenario.PAUSED:
            return rng.uniform(5, min(120.0, room))
        case _:
            return rng.uniform(3, room)


def schedule(
    drafts: list[Draft],
    people: list[Person],
    span: tuple[datetime, datetime],
    rng: Random,
    scenario: Scenario,
) -> list[datetime]:
    """Send times, laid out backwards from where the scenario leaves the deal (a customer
    who just wrote, a seller chasing for weeks, a deal closed months ago), each moved back
    into its writer's working hours. A deal that will not fit the mailbox is compressed."""
    # Each deal's customer has a rhythm of their own: hours for some, days for others.
    cust = math.exp(rng.uniform(math.log(3), math.log(100)))
    sell = math.exp(rng.uniform(math.log(1.5), math.log(20)))
    slow, slow_k = scenario is Scenario.SLOWING, 0
    for i in range(1, len(drafts)):
        d, prev = drafts[i], drafts[i - 1]
        if d.kind is Kind.AUTO:
            continue
        if prev.kind is Kind.AUTO:
            prev = drafts[i - 2]
            if d.author == 1:
                d.gap += rng.uniform(3, 21) * 24  # the contact is away first
        d.gap += _gap_hours(rng, d, prev, cust, sell)
        if slow and not d.kind.seller and i > len(drafts) // 2:
            slow_k += 1
            d.gap *= 1.7**slow_k
    start, now = span
    days = (now - start).total_seconds() / 86400
    duration = sum(d.gap for d in drafts) / 24 * 1.3
    end = now - timedelta(days=_tail_days(rng, scenario, days, duration))
    factor = 1.0
    times: list[datetime] = []
    for _ in range(5):
        times = [now] * len(drafts)
        cursor = snap_back(end, people[drafts[-1].author], rng)
        for i in range(len(drafts) - 1, -1, -1):
            d = drafts[i]
            if d.kind is Kind.AUTO:
                continue
            times[i] = cursor
            if i:
                j = i - 1 if drafts[i - 1].kind is not Kind.AUTO else i - 2
                step_back = timedelta(hours=max(d.gap * factor, 0.02))
                cursor = snap_back(cursor - step_back, people[drafts[j].author], rng)
        if times[0] >= start:
            break
        factor *= 0.9 * (end - start) / (end - times[0])
    for i, d in enumerate(drafts):
        if d.kind is Kind.AUTO:
            times[i] = times[i - 1] + timedelta(seconds=rng.randint(15, 240))
            if i + 1 < len(drafts):
                times[i] = min(times[i], times[i + 1] - timedelta(seconds=1))
    return times


def whens(
    rng: Random, drafts: list[Draft], times: list[datetime], contact: Person
) -> list[datetime | None]:
    """The date each message speaks of: a meeting in the contact's working day, an event,
    a month to come back in, or the day someone returns from leave."""
    whens: list[datetime | None] = []
    meeting: datetime | None = None
    for i, d in enumerate(drafts):
        kind, t = d.kind, times[i]
        when: datetime | None = None
        if kind is Kind.C_NEXT or (kind is Kind.S_CONFIRM and meeting is None):
            j = i + 1
            while j < len(drafts) and drafts[j].kind in (Kind.S_CONFIRM, Kind.AUTO):
                j += 1
            if j < len(drafts) and drafts[j].kind is Kind.S_RECAP:
                confirm = times[j - 1] if j - 1 > i else t
                meeting = _meeting_before(times[j], confirm, contact, rng)
            else:
                meeting = meeting_after(t, contact, rng)
            when = meeting
        elif kind is Kind.S_CONFIRM:
            when = meeting
        elif kind is Kind.C_EVENT:
            day = (t + timedelta(days=rng.randint(7, 45))).astimezone(contact.tz).date()
            when = _at(_next_business_day(day, contact), 9 * 3600, contact)
        elif kind is Kind.C_PAUSE:
            when = t + timedelta(days=rng.randint(60, 150))
        elif kind is Kind.AUTO:
            later = [times[j] for j in range(i + 1, len(drafts)) if drafts[j].author == 1]
            if later and (later[0] - t).days >= 2:
                back = later[0] - timedelta(days=rng.uniform(0, min(2.0, (later[0] - t).days - 1)))
            else:
                back = t + timedelta(days=rng.uniform(3, 21))
            day = _next_business_day(back.astimezone(contact.tz).date(), contact)
            when = _at(day, 8 * 3600, contact)
        if kind not in (Kind.C_NEXT, Kind.S_CONFIRM, Kind.AUTO):
            meeting = None
        whens.append(when)
    return whens
