"""Outcomes the seller recorded, laid over a scan's deals at once, without a rescan: a deal they won
or lost is closed; a mail they sent waits for its answer; a snoozed deal waits until its day; a reply
or meeting they recorded waits for the mail to be read. Only outcomes newer than the deal's latest
message count: mail that came after an outcome is newer news."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime

from tystnad.model import Diagnosis, Outcome, Play, PlayKind, Status

__all__ = ["apply_outcomes", "tried_plays"]


def _latest_mail(diagnosis: Diagnosis) -> datetime | None:
    moments = [m for m in (diagnosis.timeline.last_inbound, diagnosis.timeline.last_outbound) if m is not None]
    return max(moments) if moments else None


def _fresh(diagnosis: Diagnosis, outcome: Outcome) -> bool:
    latest = _latest_mail(diagnosis)
    return latest is None or outcome.recorded_at > latest


def apply_outcomes(diagnoses: Sequence[Diagnosis], latest: Mapping[str, Outcome], *,
                   today: date) -> list[Diagnosis]:
    """Each deal with its latest outcome attached and, where that outcome is fresh, the status and
    play it implies (the draft set aside: nothing to send while the loop is closed)."""
    applied = []
    for diagnosis in diagnoses:
        outcome = latest.get(diagnosis.deal.organization)
        if outcome is None:
            applied.append(diagnosis)
            continue
        diagnosis = replace(diagnosis, outcome=outcome)
        if _fresh(diagnosis, outcome):
            diagnosis = _closed_loop(diagnosis, outcome, today)
        applied.append(diagnosis)
    return applied


def _closed_loop(diagnosis: Diagnosis, outcome: Outcome, today: date) -> Diagnosis:
    when = f"{outcome.recorded_at:%Y-%m-%d}"
    kind = outcome.outcome
    if kind in ("won", "lost"):
        timeline = replace(diagnosis.timeline, status=Status.CLOSED, risk=0.0)
        play = Play(kind=PlayKind.WAIT if kind == "won" else PlayKind.LET_GO, send_on=None,
                    why=f"You recorded {kind} on {when}.")
        return replace(diagnosis, timeline=timeline, play=play)
    if kind == "snoozed" and outcome.until is not None and outcome.until > today:
        return replace(diagnosis, play=Play(kind=PlayKind.WAIT, send_on=outcome.until,
                                            why=f"Snoozed on {when} until {outcome.until.isoformat()}."))
    if kind == "sent":
        sent = f"a {outcome.play.replace('_', ' ')} mail" if outcome.play else "a mail"
        return replace(diagnosis, play=Play(kind=PlayKind.WAIT, send_on=None,
                                            why=f"You sent {sent} on {when}; give them time to answer."))
    if kind in ("replied", "meeting"):
        return replace(diagnosis, play=Play(kind=PlayKind.WAIT, send_on=None,
                                            why=f"You recorded {kind} on {when}; scan again to read it."))
    return diagnosis


def tried_plays(history: Mapping[str, Sequence[Outcome]]) -> dict[str, frozenset[PlayKind]]:
    """The plays each deal's seller already sent a mail for, as the play choice takes into account."""
    known = {str(kind) for kind in PlayKind}
    return {organization: frozenset(PlayKind(o.play) for o in outcomes if o.outcome == "sent" and o.play in known)
            for organization, outcomes in history.items()}
