"""What is known about a conversation where the seller waits, as of a moment -> named numeric features.

The state is incremental: `Customer` (one per deal) and `Conversation` (one per thread, or one for
a whole deal) observe messages in time order, so the backtest walks a mailbox once and asks for
features at each cut point, and a scan replays a deal once. Nothing looks ahead: a snapshot at
`now` reads only messages already observed, and a reply-rate spell counts only once its whole
horizon has passed by `now`.
"""

from __future__ import annotations

import math
import re
from collections import deque
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from tystnad.model import Message, Rhythm, Seller
from tystnad.read.reading import Reading
from tystnad.understand.addresses import organization_of
from tystnad.understand.signals.questions import is_answered, question_spans
from tystnad.understand.signals.trends import is_proposal
from tystnad.understand.timing import BusinessCalendar

__all__ = ["FEATURES", "Conversation", "Customer", "Waiting", "features_of", "HORIZON_DAYS"]

# The risk's horizon: no reply within this many calendar days.
HORIZON_DAYS = 14
_HORIZON = timedelta(days=HORIZON_DAYS)

# Names in model order; prior.toml and stored models give one coefficient per name.
FEATURES: tuple[str, ...] = (
    "silence", "silence_beyond_norm", "seller_chasing", "reply_rate", "cold_thread", "customer_gone_quiet",
    "single_threaded", "slowing_replies", "shrinking_replies", "vague_deferral", "hesitation",
    "named_later_moment", "promised_soon", "unanswered_questions", "questions_asked", "proposal_unanswered",
    "out_of_office", "away_for_long", "engaged_history",
)

# Questions and proposals are read with the detectors' own helpers, so risk and signals agree on both.
_WORD = re.compile(r"[^\W\d_]{2,}")
_DEFERRALS = ("vague_deferral", "event_deferral")
_CONCERNS = ("needs_approval", "budget_pressure", "hesitation", "internal_change")
# Back within this many days, an away customer can still answer within the horizon.
_SHORT_ABSENCE_DAYS = 7


@dataclass(slots=True)
class _Spell:
    """One wait in one thread: from the seller's first unanswered message to the customer's answer."""

    start: datetime
    answered_at: datetime | None = None


@dataclass(slots=True)
class Customer:
    """What the seller knows about one customer (a deal) across all its threads."""

    seller: Seller
    calendar: BusinessCalendar
    organization: str
    latencies: list[float] = field(default_factory=list)
    contacts: set[str] = field(default_factory=set)
    answer_lengths: list[int] = field(default_factory=list)
    last_answer: Message | None = None
    replied: int = 0  # spells answered within the horizon, among those whose horizon has passed
    spells: int = 0
    _waiting_since: datetime | None = None
    _pending: deque[_Spell] = field(default_factory=deque)
    _open: dict[str, _Spell] = field(default_factory=dict)

    def observe(self, message: Message, thread_id: str) -> float | None:
        """Take in the next message of the deal (time order); the reply latency it completes, if any."""
        if self.seller.owns(message.sender):
            if self._waiting_since is None:
                self._waiting_since = message.date
            if thread_id not in self._open:
                spell = _Spell(start=message.date)
                self._open[thread_id] = spell
                self._pending.append(spell)
            return None
        for address in (message.sender, *message.recipients):
            if not self.seller.owns(address) and organization_of(address) == self.organization:
                self.contacts.add(address.email)
        if not message.is_answer:
            return None
        answered = self._open.pop(thread_id, None)
        if answered is not None:
            answered.answered_at = message.date
        self.answer_lengths.append(len(_WORD.findall(message.new_text)))
        self.last_answer = message
        latency = None
        if self._waiting_since is not None:
            latency = self.calendar.business_days_between(self._waiting_since, message.date)
            self.latencies.append(latency)
            self._waiting_since = None
        return latency

    def settle(self, now: datetime) -> None:
        """Count the spells whose whole horizon has passed by `now`: only then is their outcome known."""
        horizon = timedelta(days=HORIZON_DAYS)
        while self._pending and self._pending[0].start + horizon <= now:
            spell = self._pending.popleft()
            self.spells += 1
            if spell.answered_at is not None and spell.answered_at <= spell.start + horizon:
                self.replied += 1

    @property
    def reply_rate(self) -> float:
        """Answered spells, smoothed towards even odds while there are few."""
        return (self.replied + 1) / (self.spells + 2)


@dataclass(slots=True)
class Conversation:
    """One thread (or a whole deal read as one conversation) as the seller sees it, message by message."""

    seller: Seller
    waiting_since: datetime | None = None  # the seller's first message since the customer's last answer
    last_seller: datetime | None = None
    unanswered: int = 0
    has_answer: bool = False
    is_away: bool = False  # an auto-reply came during the current wait
    away_since: datetime | None = None
    return_day: date | None = None  # the day the auto-reply said they are back
    questions_asked: int = 0  # in the seller's unanswered messages
    left_open: int = 0  # the seller's questions the customer's last answer passed over
    has_proposal: bool = False  # among the seller's unanswered messages
    _asked: list[str] = field(default_factory=list)

    def observe(self, message: Message) -> None:
        if self.seller.owns(message.sender):
            if self.waiting_since is None:
                self.waiting_since = message.date
            self.last_seller = message.date
            self.unanswered += 1
            reading = Reading(message)
            asked = [reading.text[start:end] for start, end in question_spans(reading)]
            self._asked.extend(asked)
            self.questions_asked += len(asked)
            self.has_proposal = self.has_proposal or is_proposal(reading)
            return
        if not message.is_answer:
            if self.waiting_since is not None:
                self.is_away = True
                if message.return_date is not None:
                    self.away_since = self.away_since or message.date
                    self.return_day = message.return_date
            return
        answer = Reading(message)
        self.left_open = sum(not is_answered(question, [answer]) for question in self._asked)
        self.waiting_since = None
        self.unanswered = 0
        self.has_answer = True
        self.is_away = False
        self.away_since = self.return_day = None
        self.questions_asked = 0
        self.has_proposal = False
        self._asked = []


@dataclass(frozen=True, slots=True, kw_only=True)
class Waiting:
    """The facts behind the features of one wait at one moment; explanations quote them."""

    silence: float  # business days since the seller's first unanswered message
    since_latest: float  # business days since the seller's latest message
    rhythm: float  # the customer's usual reply latency, business days
    unanswered: int
    reply_rate: float
    replied: int  # earlier waits answered within the horizon
    spells: int  # earlier waits whose outcome was known
    has_answer: bool  # the customer has answered in this conversation before
    quiet: float | None  # business days since the customer's last answer anywhere; None: never
    contacts: int
    slowing: float  # latest latency against the earlier median (1: steady)
    shrinking: float  # 0..1, how much shorter the latest answer is than the longest before it
    deferral: bool
    concern: bool
    named_later: date | None  # the latest day after today the customer's last answer named
    today: date  # in the customer's calendar
    left_open: int
    questions_asked: int
    has_proposal: bool
    is_away: bool
    back_in: int | None  # calendar days until the return day an auto-reply named, while still to come
    answers: int

    @classmethod
    def of(cls, conversation: Conversation, customer: Customer, *, rhythm: Rhythm,
           now: datetime) -> Waiting | None:
        """The snapshot at `now`, or None when the seller is not waiting in this conversation.
        Settles the customer's reply-rate spells up to `now`: ask in time order."""
        if conversation.waiting_since is None:
            return None
        calendar = customer.calendar
        customer.settle(now)
        last = customer.last_answer
        today = now.astimezone(calendar.zone).date()
        latencies = customer.latencies
        slowing = 1.0
        if len(latencies) >= 2:
            earlier = sorted(latencies[:-1])
            typical = max(earlier[len(earlier) // 2], 0.25)
            slowing = latencies[-1] / typical
        lengths = customer.answer_lengths
        shrinking = 0.0
        if len(lengths) >= 2 and max(lengths[:-1]) >= 15:
            shrinking = max(0.0, 1 - lengths[-1] / max(lengths[:-1]))
        reading = Reading(last) if last is not None else None
        later = [m.day for m in last.moments if m.day > today] if last is not None else []
        return cls(
            silence=_present(conversation, conversation.waiting_since, calendar, now),
            since_latest=_present(conversation, conversation.last_seller or now, calendar, now),
            rhythm=rhythm.median, unanswered=conversation.unanswered, reply_rate=customer.reply_rate,
            replied=customer.replied, spells=customer.spells, has_answer=conversation.has_answer,
            quiet=None if last is None else calendar.business_days_between(last.date, now),
            contacts=len(customer.contacts), slowing=slowing, shrinking=shrinking,
            deferral=reading is not None and any(reading.has(f) for f in _DEFERRALS),
            concern=reading is not None and any(reading.has(f) for f in _CONCERNS),
            named_later=max(later) if later else None, today=today, left_open=conversation.left_open,
            questions_asked=conversation.questions_asked, has_proposal=conversation.has_proposal,
            is_away=conversation.is_away, answers=len(lengths),
            back_in=(conversation.return_day - today).days
            if conversation.return_day is not None and conversation.return_day > today else None,
        )


def _present(conversation: Conversation, since: datetime, calendar: BusinessCalendar, now: datetime) -> float:
    """Business days from `since` to `now` that the customer was not away: as for status, the
    days an auto-reply said they were out do not count against them."""
    days = calendar.business_days_between(since, now)
    if conversation.return_day is None or conversation.away_since is None:
        return days
    back = min(datetime.combine(conversation.return_day, time.min, tzinfo=calendar.zone), now)
    return max(days - calendar.business_days_between(max(conversation.away_since, since), back), 0.0)


def _log2(value: float) -> float:
    return math.log2(max(value, 1e-9))


def _clip(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def features_of(waiting: Waiting) -> tuple[float, ...]:
    """The features in FEATURES order. Logarithms where a doubling matters more than a day."""
    # Never heard from: as quiet as this wait has been; cold_thread carries the rest.
    quiet = waiting.silence if waiting.quiet is None else waiting.quiet
    return (
        _clip(_log2(1 + waiting.since_latest), 0.0, 7.0),
        _clip(_log2((waiting.silence + 0.5) / (waiting.rhythm + 0.5)), -3.0, 6.0),
        float(min(max(waiting.unanswered - 1, 0), 4)),
        waiting.reply_rate,
        0.0 if waiting.has_answer else 1.0,
        _clip(_log2(1 + quiet), 0.0, 6.0),
        1.0 if waiting.contacts <= 1 else 0.0,
        _clip(_log2(waiting.slowing), -2.0, 3.0) if waiting.slowing > 0 else -2.0,
        waiting.shrinking,
        float(waiting.deferral),
        float(waiting.concern),
        float(waiting.named_later is not None and waiting.named_later > waiting.today + _HORIZON),
        float(waiting.named_later is not None and waiting.named_later <= waiting.today + _HORIZON),
        float(min(waiting.left_open, 3)),
        float(min(waiting.questions_asked, 3)),
        float(waiting.has_proposal),
        float(waiting.is_away),
        _clip(_log2(1 + max((waiting.back_in or 0) - _SHORT_ABSENCE_DAYS, 0)), 0.0, 7.0),
        _clip(_log2(1 + waiting.answers), 0.0, 6.0),
    )
