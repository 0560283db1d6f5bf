"""Diagnosis -> Play: the honest next step. For now chosen from timing alone; drafts come later."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from tystnad.model import Diagnosis, Play, PlayKind, Status
from tystnad.timing import BusinessCalendar

__all__ = ["recommend"]


def recommend(diagnosis: Diagnosis, *, calendar: BusinessCalendar, now: datetime) -> Diagnosis:
    timeline = diagnosis.timeline
    today = now.astimezone(calendar.zone).date()
    next_day = calendar.next_business_day(today + timedelta(days=1))
    status = timeline.status
    if status is Status.YOUR_MOVE:
        play = Play(kind=PlayKind.REPLY_NOW, send_on=calendar.next_business_day(today),
                    why="The customer wrote last; the next message is yours.")
    elif status in (Status.WAITING, Status.PAUSED):
        look_again = _look_again(diagnosis, calendar, now)
        why = (f"Still within this customer's usual pace ({diagnosis.rhythm.median:.1f} "
               f"business days); look again on {look_again.isoformat()}.")
        if timeline.waiting_until is not None:
            why = f"Out of office until {timeline.waiting_until.isoformat()}; an auto-reply is not an answer."
        play = Play(kind=PlayKind.WAIT, send_on=max(look_again, next_day), why=why)
    elif status is Status.CLOSED:
        play = Play(kind=PlayKind.LET_GO, send_on=None, why="The conversation is closed.")
    else:
        play = Play(
            kind=PlayKind.HONEST_CHECKIN,
            send_on=next_day,
            why=(f"{timeline.silence:.0f} business days of silence against a usual "
                 f"{diagnosis.rhythm.median:.1f}; another follow-up will not help, an honest "
                 f"question with a way out might."),
        )
    return replace(diagnosis, play=play)


def _look_again(diagnosis: Diagnosis, calendar: BusinessCalendar, now: datetime) -> date:
    timeline = diagnosis.timeline
    if timeline.waiting_until is not None:
        return calendar.next_business_day(timeline.waiting_until)
    start = timeline.last_outbound or now
    return calendar.add_business_days(start, diagnosis.rhythm.silence_threshold).date()
