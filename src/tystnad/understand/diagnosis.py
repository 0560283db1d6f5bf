"""Deal -> Diagnosis: where each conversation stands in time, its risk, signals, reasons and MEDDICC."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from itertools import islice

from tystnad.language import detect_language, languages
from tystnad.model import (
    Deal,
    Diagnosis,
    Evidence,
    Message,
    PlayKind,
    Rhythm,
    Seller,
    Status,
    ThreadReport,
    Timeline,
)
from tystnad.understand.addresses import country_of
from tystnad.understand.decide.features import deal_features
from tystnad.understand.decide.model import DecisionModel
from tystnad.understand.meddicc import assess_meddicc
from tystnad.understand.reasons import HINTS, rank_reasons
from tystnad.understand.risk import Assessment, RiskModel, assess_deal, prior_model
from tystnad.understand.signals import detect_signals
from tystnad.understand.signals.text import closing_words, commitments
from tystnad.understand.threads import chronological
from tystnad.understand.timing import BusinessCalendar, calendar_for, learn_rhythm, reply_latencies
from tystnad.understand.view import DealView

__all__ = ["ScanContext", "Understanding", "diagnose", "deal_latencies", "mailbox_language", "timeline_of"]

# "Far beyond the norm" for `ghosted`: this many times the silence threshold.
GHOSTED_FACTOR = 2.0


@dataclass(frozen=True, slots=True, kw_only=True)
class ScanContext:
    seller: Seller
    now: datetime
    home_country: str  # the seller's own, for customers whose domain names no country
    home_zone: str
    mailbox_latencies: tuple[float, ...] = ()
    # The language most of the mailbox's customers write (for a deal whose customer said nothing).
    mailbox_language: str | None = None
    # The prior, or the model `tystnad backtest --fit` stored for this seller.
    risk_model: RiskModel = field(default_factory=prior_model)
    # The heads learned from labelled mail (decide/); None: the rules decide alone, as when training.
    decision_model: DecisionModel | None = None
    # The plays the seller recorded a sent mail for, by organisation: the next play takes them into account.
    tried: Mapping[str, frozenset[PlayKind]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class Understanding:
    """What the understand stage hands on: the diagnosis (no play yet) and the view of the deal it
    was read from, which the playbook needs to choose a play and address the draft."""

    diagnosis: Diagnosis
    view: DealView
    # The deal as named numbers (decide/features.py), read before any learned decision.
    features: Mapping[str, float] = field(default_factory=dict)
    hints: tuple[tuple[str, Evidence], ...] = ()  # the customer's words for reasons without a signal


def _calendar(deal: Deal, context: ScanContext) -> BusinessCalendar:
    country, zone = country_of(deal.organization, default=(context.home_country, context.home_zone))
    return calendar_for(country, zone)


def _messages(deal: Deal, now: datetime) -> list[Message]:
    # Threads partition the messages, so no message appears twice across them.
    return sorted((m for thread in deal.threads for m in thread.messages if m.date <= now),
                  key=chronological)


def deal_latencies(deal: Deal, context: ScanContext) -> list[float]:
    """This customer's reply latencies in their business days, for the mailbox norm."""
    messages = _messages(deal, context.now)
    sides = [not context.seller.owns(m.sender) for m in messages]
    return reply_latencies(messages, is_customer=sides, calendar=_calendar(deal, context))


def timeline_of(
    messages: Sequence[Message],
    *,
    seller: Seller,
    calendar: BusinessCalendar,
    rhythm: Rhythm,
    now: datetime,
) -> Timeline:
    """Status and timing risk from who spoke last, how long ago, and auto-replies."""
    last_inbound = last_outbound = None
    waiting_since: datetime | None = None
    unanswered = 0
    return_day = None
    away_since: datetime | None = None
    for message in messages:
        if seller.owns(message.sender):
            last_outbound = message.date
            if waiting_since is None:
                waiting_since = message.date
            unanswered += 1
            return_day = None
        elif message.is_answer:
            last_inbound = message.date
            waiting_since = None
            unanswered = 0
            return_day = None
        elif message.return_date is not None:
            return_day = message.return_date
            away_since = message.date
    if waiting_since is None:
        stale = calendar.business_days_between(last_inbound, now) if last_inbound else 0.0
        # The customer is waiting on the seller; the longer, the likelier they move on.
        risk = _clamp(0.08 + 0.04 * max(stale - rhythm.median, 0.0))
        return Timeline(status=Status.YOUR_MOVE, risk=risk, last_inbound=last_inbound,
                        last_outbound=last_outbound, silence=0.0, unanswered=0)
    silence = calendar.business_days_between(waiting_since, now)
    if return_day is not None and return_day > now.astimezone(calendar.zone).date():
        return Timeline(status=Status.WAITING, risk=_clamp(0.15 + 0.05 * (unanswered - 1)),
                        last_inbound=last_inbound, last_outbound=last_outbound, silence=silence,
                        unanswered=unanswered, waiting_until=return_day)
    if return_day is not None and away_since is not None:
        # The days the customer was away do not count against them; the days before and after do.
        back = datetime.combine(return_day, datetime.min.time(), tzinfo=calendar.zone)
        silence = max(silence - calendar.business_days_between(max(away_since, waiting_since), back), 0.0)
    threshold = rhythm.silence_threshold
    if silence <= threshold:
        status = Status.WAITING
    elif unanswered >= 2 and (
        silence > GHOSTED_FACTOR * threshold
        or _follow_up_ignored(messages, seller, calendar, rhythm, now)
    ):
        status = Status.GHOSTED
    else:
        status = Status.SILENT
    return Timeline(status=status, risk=_timing_risk(silence, threshold, unanswered),
                    last_inbound=last_inbound, last_outbound=last_outbound, silence=silence,
                    unanswered=unanswered)


def _follow_up_ignored(
    messages: Sequence[Message], seller: Seller, calendar: BusinessCalendar, rhythm: Rhythm,
    now: datetime,
) -> bool:
    """The seller's latest follow-up has itself gone unanswered beyond the customer's norm."""
    last = next(m for m in reversed(messages) if seller.owns(m.sender))
    return calendar.business_days_between(last.date, now) > rhythm.silence_threshold


def _timing_risk(silence: float, threshold: float, unanswered: int) -> float:
    """Timing alone, for callers of timeline_of without a deal; diagnose replaces it with the
    risk model's (tystnad.understand.risk) whenever the seller waits."""
    ratio = silence / threshold if threshold else 0.0
    return _clamp(1 / (1 + math.exp(-(1.2 * (ratio - 1) + 0.35 * (unanswered - 1)))))


def _clamp(value: float) -> float:
    return round(min(max(value, 0.02), 0.98), 2)


# Customer answers sampled to find the mailbox's language: enough to vote, cheap on a large mailbox.
_LANGUAGE_SAMPLE = 2000


def mailbox_language(messages: Iterable[Message], seller: Seller) -> str | None:
    """The language most of the mailbox's customers write in, one vote an answer."""
    votes: Counter[str] = Counter()
    answers = (m for m in messages if not seller.owns(m.sender) and m.is_answer)
    for message in islice(answers, _LANGUAGE_SAMPLE):
        found = detect_language(message.new_text)
        if found:
            votes[found] += 1
    return votes.most_common(1)[0][0] if votes else None


def _language(deal: Deal, messages: Sequence[Message], seller: Seller, mailbox_language: str | None) -> str:
    """The customer's language, from their own words; else their country's, where their domain names
    one; else the language most customers in this mailbox write; else the seller's own."""
    customer_text = "\n".join(
        m.new_text for m in messages if not seller.owns(m.sender) and m.is_answer
    )
    found = detect_language(customer_text)
    if found:
        return found
    country = country_of(deal.organization, default=("", ""))[0]
    for lang in languages():
        if country and lang.country == country:
            return lang.code
    if mailbox_language:
        return mailbox_language
    seller_text = "\n".join(m.new_text for m in messages if seller.owns(m.sender))
    return detect_language(seller_text) or "en"


def diagnose(deal: Deal, *, context: ScanContext) -> Understanding:
    calendar = _calendar(deal, context)
    messages = _messages(deal, context.now)
    seller = context.seller
    sides = [not seller.owns(m.sender) for m in messages]
    latencies = reply_latencies(messages, is_customer=sides, calendar=calendar)
    rhythm = learn_rhythm(latencies, context.mailbox_latencies)
    timeline = timeline_of(messages, seller=seller, calendar=calendar, rhythm=rhythm,
                           now=context.now)
    threads = tuple(
        ThreadReport(
            thread=thread,
            timeline=timeline_of(
                [m for m in thread.messages if m.date <= context.now], seller=seller,
                calendar=calendar, rhythm=rhythm, now=context.now,
            ),
            messages=len(thread.messages),
        )
        for thread in deal.threads
        if any(m.date <= context.now for m in thread.messages)
    )
    view = DealView.build(deal=deal, messages=tuple(messages), seller=seller, calendar=calendar,
                          rhythm=rhythm, timeline=timeline, now=context.now)
    timeline = _with_text(view)
    # Status comes from timing and the customer's words; while the seller waits, risk comes from
    # the model the backtest measures.
    deal_risk, thread_risks = assess_deal(deal, seller=seller, calendar=calendar, rhythm=rhythm,
                                          now=context.now, model=context.risk_model)
    timeline = _with_risk(timeline, deal_risk)
    threads = tuple(replace(report, timeline=_with_risk(report.timeline, thread_risks.get(report.thread.id)))
                    for report in threads)
    view = replace(view, timeline=timeline)
    threads = tuple(_thread_with_text(report, timeline) for report in threads)
    signals = detect_signals(view)
    language = _language(deal, messages, seller, context.mailbox_language)
    meddicc = assess_meddicc(view)
    hints = customer_hints(view)
    diagnosis = Diagnosis(
        deal=deal, language=language, country=calendar.country, rhythm=rhythm, timeline=timeline,
        threads=threads, signals=signals, reasons=rank_reasons(signals, meddicc, hints),
        meddicc=meddicc, play=None,
        risk_drivers=deal_risk.drivers if deal_risk is not None and timeline.status is not Status.CLOSED else (),
    )
    features = deal_features(
        view, latencies=latencies, status=timeline.status, signals=frozenset(signal.kind for signal in signals),
        reasons={item.reason: item.score for item in diagnosis.reasons},
        meddicc={item.element: item.state for item in meddicc})
    return Understanding(diagnosis=diagnosis, view=view, features=features, hints=hints)


def _with_risk(timeline: Timeline, assessment: Assessment | None) -> Timeline:
    """A clear no or yes keeps its certainty; any other wait of the seller's takes the model's risk."""
    if assessment is None or timeline.status is Status.CLOSED:
        return timeline
    return replace(timeline, risk=assessment.risk)


def customer_hints(view: DealView) -> tuple[tuple[str, Evidence], ...]:
    """The customer's own words for reasons that have no signal of their own."""
    found = []
    for reading in view.customer_answers():
        for family in HINTS:
            for hit in reading.found(family):
                found.append((family, Evidence(message_id=reading.message.message_id,
                                               quote=reading.sentence(hit))))
    return tuple(found[-2:])


def _with_text(view: DealView) -> Timeline:
    """What the customer said can change where the deal stands: a clear no or yes closes it,
    a named later moment pauses it, a promised day keeps the seller waiting until then."""
    timeline = view.timeline
    if not view.messages:
        return timeline
    closing = closing_words(view)
    if closing is not None:
        outcome = closing[0]
        return replace(timeline, status=Status.CLOSED, risk=0.95 if outcome == "lost" else 0.05)
    found = commitments(view)
    pauses = [c for c in found if c.is_pause and c.day > view.today]
    if pauses:
        return replace(timeline, status=Status.PAUSED, risk=_clamp(0.3 + 0.05 * timeline.unanswered),
                       waiting_until=max(c.day for c in pauses))
    promises = [c for c in found if not c.is_pause and c.day >= view.today
                and view.is_customer(c.reading.message)]
    if promises and timeline.status in (Status.SILENT, Status.GHOSTED, Status.WAITING):
        return replace(timeline, status=Status.WAITING, risk=_clamp(min(timeline.risk, 0.35)),
                       waiting_until=min(c.day for c in promises))
    return timeline


def _thread_with_text(report: ThreadReport, deal_timeline: Timeline) -> ThreadReport:
    """A closed or paused deal closes or pauses the thread that carries its latest mail."""
    if deal_timeline.status not in (Status.CLOSED, Status.PAUSED):
        return report
    latest = max((m.date for m in report.thread.messages), default=None)
    if latest is None or latest < max(filter(None, (deal_timeline.last_inbound, deal_timeline.last_outbound))):
        return report
    return replace(report, timeline=replace(report.timeline, status=deal_timeline.status,
                                            risk=deal_timeline.risk,
                                            waiting_until=deal_timeline.waiting_until))
