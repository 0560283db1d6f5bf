"""Frozen domain values shared by every stage; SPEC's closed vocabularies as StrEnums."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date, datetime
from enum import StrEnum
from operator import attrgetter
from sys import intern
from typing import Any


class Status(StrEnum):
    YOUR_MOVE = "your_move"
    WAITING = "waiting"
    SILENT = "silent"
    GHOSTED = "ghosted"
    PAUSED = "paused"
    CLOSED = "closed"


class SignalKind(StrEnum):
    SILENCE_BEYOND_NORM = "silence_beyond_norm"
    SLOWING_REPLIES = "slowing_replies"
    SHRINKING_REPLIES = "shrinking_replies"
    VAGUE_DEFERRAL = "vague_deferral"
    EVENT_DEFERRAL = "event_deferral"
    BROKEN_PROMISE = "broken_promise"
    UNANSWERED_QUESTIONS = "unanswered_questions"
    PROPOSAL_UNANSWERED = "proposal_unanswered"
    SELLER_CHASING = "seller_chasing"
    SINGLE_THREADED = "single_threaded"
    NEEDS_APPROVAL = "needs_approval"
    BUDGET_PRESSURE = "budget_pressure"
    HESITATION = "hesitation"
    INTERNAL_CHANGE = "internal_change"
    NO_NEXT_STEP = "no_next_step"
    GENERIC_OUTREACH = "generic_outreach"
    OUT_OF_OFFICE = "out_of_office"
    NEXT_STEP_AGREED = "next_step_agreed"
    ENGAGED = "engaged"


class Reason(StrEnum):
    NO_MANDATE = "no_mandate"
    BUDGET_GONE = "budget_gone"
    DECISION_FEAR = "decision_fear"
    INTERNAL_CHANGE = "internal_change"
    UNCLEAR_NEXT_STEP = "unclear_next_step"
    LOW_RELEVANCE = "low_relevance"


class PlayKind(StrEnum):
    REPLY_NOW = "reply_now"
    WAIT = "wait"
    PROPOSE_NEXT_STEP = "propose_next_step"
    HONEST_CHECKIN = "honest_checkin"
    REDUCE_SCOPE = "reduce_scope"
    OFFER_PAUSE = "offer_pause"
    ASK_WHAT_IT_TAKES = "ask_what_it_takes"
    FIND_DECISION_OWNER = "find_decision_owner"
    REBUILD_RELEVANCE = "rebuild_relevance"
    LET_GO = "let_go"


class MeddiccElement(StrEnum):
    METRICS = "metrics"
    ECONOMIC_BUYER = "economic_buyer"
    DECISION_CRITERIA = "decision_criteria"
    DECISION_PROCESS = "decision_process"
    IDENTIFY_PAIN = "identify_pain"
    CHAMPION = "champion"
    COMPETITION = "competition"


class MeddiccState(StrEnum):
    CONFIRMED = "confirmed"
    WEAK = "weak"
    MISSING = "missing"


class Party(StrEnum):
    """Who a person in a deal is, from the seller's point of view."""

    SELLER = "seller"  # the seller: an address of `--me`, or one their sent folder writes from
    COLLEAGUE = "colleague"  # the seller's side: their domains and affiliated companies
    CUSTOMER = "customer"  # the deal's organisation, or one of its people on a private address
    THIRD_PARTY = "third_party"  # a partner, reseller, consultant, another vendor, a community member
    LIST = "list"  # a mailing list or group's own address


@dataclass(frozen=True, slots=True, kw_only=True)
class RawMessage:
    """The bytes of one message as a source holds them, and where they came from."""

    data: bytes  # empty when `location` says where to read it
    origin: str  # a file path, or "path#N" for the N-th message of an mbox
    # (file, start, end) of a message in a plain mbox: the worker that parses it reads the
    # bytes itself, so a gigabyte of mail is not copied between processes.
    location: tuple[str, int, int] | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Skipped:
    """A message that could not be read; the scan goes on without it."""

    origin: str
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Address:
    email: str  # lower-cased
    name: str = ""

    @property
    def domain(self) -> str:
        return self.email.rpartition("@")[2]


@dataclass(frozen=True, slots=True)
class Hit:
    """A phrase family found in a message's new text (see phrases.py)."""

    family: str
    start: int  # offsets in the new text
    end: int
    sentence_start: int
    sentence_end: int
    negated: bool


@dataclass(frozen=True, slots=True)
class Moment:
    """A time expression in a message's new text, resolved to a day (see timewords.py)."""

    start: int  # offsets in the new text
    end: int
    day: dt.date  # by when it is due, or when the later moment begins
    is_vague_period: bool  # a season or month rather than a day ("efter sommaren", "i maj")
    rule: str  # which calendar rule read it: "after_summer", "relative", "month", "date" …


@dataclass(frozen=True, slots=True, kw_only=True)
class Message:
    """One mail message, decoded; `clean` fills in the parts after `body`."""

    message_id: str
    origin: str
    date: datetime  # aware
    sender: Address
    to: tuple[Address, ...] = ()
    cc: tuple[Address, ...] = ()
    subject: str = ""
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    body: str = ""
    attachments: tuple[str, ...] = ()
    content_hash: str = ""
    is_auto_reply: bool = False
    is_bounce: bool = False
    # The posting address of the mailing list or group this copy came through (List-Post).
    mailing_list: str | None = None
    # Sent to many at once (a list, a newsletter, a notification), not written to the reader.
    is_bulk: bool = False
    # The labels a mail service filed this copy under (Gmail Takeout's X-Gmail-Labels: "Sent,Important"):
    # an export of all mail in one file says by label, not by folder, what the reader sent.
    labels: tuple[str, ...] = ()
    defects: tuple[str, ...] = ()
    # Filled by clean():
    is_cleaned: bool = False
    new_text: str = ""
    signature: str = ""
    quoted: str = ""
    # `date` is a field here, so the annotation must not use the bare name.
    return_date: dt.date | None = None
    # How many lines of quoted history read() dropped, so a reader can say what was folded away.
    quoted_lines: int = 0
    # Filled by read():
    phrases: tuple[Hit, ...] = ()
    moments: tuple[Moment, ...] = ()

    @property
    def recipients(self) -> tuple[Address, ...]:
        return self.to + self.cc

    @property
    def is_answer(self) -> bool:
        """Auto-replies and bounces are never an answer from a person."""
        return not (self.is_auto_reply or self.is_bounce)


@dataclass(frozen=True, slots=True, kw_only=True)
class Evidence:
    message_id: str
    quote: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Signal:
    kind: SignalKind
    evidence: Evidence | None
    detail: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Thread:
    id: str  # the root message-id
    subject: str
    messages: tuple[Message, ...]  # by date, oldest first: the seller's conversation with the customer
    # Mail in the thread that is not that conversation (a partner's introduction, the seller's note
    # to a colleague, the list's own copies): shown with it, never judged.
    asides: tuple[Message, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Person:
    """Someone who took part in a deal, and who they are to the seller."""

    address: Address
    party: Party
    kind: str = ""  # for a third party, what their signature says: "partner", "consultant", "community"


@dataclass(frozen=True, slots=True, kw_only=True)
class Deal:
    organization: str
    contacts: tuple[Address, ...]  # the customer's people, the most active first
    threads: tuple[Thread, ...] = field(default=())
    # Everyone else who took part: the seller's side, third parties and lists.
    others: tuple[Person, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Seller:
    """The seller's side, from `--me`: whole domains (and their subdomains) and single addresses,
    less what `excluded` names (a list server or a customer portal under the seller's domain);
    `addresses` also takes the aliases the seller's sent folder writes from."""

    domains: frozenset[str]
    addresses: frozenset[str] = frozenset()
    excluded: frozenset[str] = frozenset()  # domains or addresses
    # Every stage asks of every address, a large mailbox a million times; the answer never changes.
    _owned: dict[str, bool] = field(default_factory=dict, init=False, repr=False, compare=False)

    def owns(self, address: Address) -> bool:
        email = address.email
        known = self._owned.get(email)
        if known is None:
            known = self._owned[email] = self._owns(email)
        return known

    def _owns(self, email: str) -> bool:
        if email in self.excluded:
            return False
        if email in self.addresses:
            return True
        # The domain and each parent domain, the most specific first, so "!lists.saljab.se" beats
        # "saljab.se": "mail.saljab.se", "saljab.se", "se".
        domain = email[email.rfind("@") + 1 :]
        while True:
            if domain in self.excluded:
                return False
            if domain in self.domains:
                return True
            dot = domain.find(".")
            if dot < 0:
                return False
            domain = domain[dot + 1 :]

    def is_seller(self, address: Address) -> bool:
        """The seller in person rather than a colleague."""
        return address.email in self.addresses and address.email not in self.excluded


@dataclass(frozen=True, slots=True, kw_only=True)
class Rhythm:
    """How fast this customer usually answers, in business days, and where that came from."""

    median: float
    samples: int
    source: str  # "customer", "mailbox" or "default"

    @property
    def silence_threshold(self) -> float:
        """Beyond this the silence is no longer normal for them: three times their usual
        pace, at least two days more than it, never under three business days."""
        return max(3 * self.median, self.median + 2, 3.0)


@dataclass(frozen=True, slots=True, kw_only=True)
class Timeline:
    """Where one conversation stands in time as of `now`."""

    status: Status
    risk: float
    last_inbound: datetime | None
    last_outbound: datetime | None
    silence: float  # business days the seller has waited (0 when it is the seller's move)
    unanswered: int  # seller messages since the customer's last answer
    waiting_until: date | None = None  # an out-of-office return day not yet come


@dataclass(frozen=True, slots=True, kw_only=True)
class RiskDriver:
    """One feature's pull on the risk: `effect` is the change in probability (signed, 0..1 scale)
    against the same deal with that feature at a usual wait's value."""

    signal: str  # a feature name of tystnad.understand.risk.features
    effect: float
    detail: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ThreadReport:
    thread: Thread
    timeline: Timeline
    # Kept apart from `thread.messages`: a diagnosis read back from the store has the count, not the mail.
    messages: int


@dataclass(frozen=True, slots=True, kw_only=True)
class MeddiccItem:
    element: MeddiccElement
    state: MeddiccState
    evidence: Evidence | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ReasonScore:
    reason: Reason
    score: float
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Draft:
    language: str
    to: tuple[str, ...]
    subject: str
    body: str
    cc: tuple[str, ...] = ()  # the customer's colleagues they copied in
    sender: str = ""  # the seller's address that last wrote in the thread
    in_reply_to: str = ""  # so the reply threads in the customer's mailbox
    references: tuple[str, ...] = ()
    # Each move of the body with its other phrasings, the one used first: so one list of drafts can
    # say no sentence twice (act/playbook/drafts.py vary_drafts). Not part of the contract.
    moves: tuple[tuple[str, ...], ...] = field(default=(), compare=False, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Play:
    kind: PlayKind
    why: str
    send_on: date | None
    draft: Draft | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Decision:
    """What a learned head decided (status, reason, play, a MEDDICC element) and the features that
    pulled it there most, so the why behind it can be shown."""

    head: str  # "status", "reason", "play" or "meddicc:<element>"
    choice: str
    probability: float
    drivers: tuple[tuple[str, float], ...]  # (feature, pull), largest first


@dataclass(frozen=True, slots=True, kw_only=True)
class Outcome:
    """What the seller recorded about a deal: replied, meeting, won, lost, no_reply, sent (the mail of
    `play` went out) or snoozed (out of the list `until` a day)."""

    organization: str
    outcome: str
    note: str
    recorded_at: datetime
    play: str = ""
    until: date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Diagnosis:
    """Everything tystnad concludes about one deal; renderers only format this."""

    deal: Deal
    language: str
    country: str
    rhythm: Rhythm
    timeline: Timeline
    threads: tuple[ThreadReport, ...]
    signals: tuple[Signal, ...]
    reasons: tuple[ReasonScore, ...]
    meddicc: tuple[MeddiccItem, ...]
    play: Play | None
    risk_drivers: tuple[RiskDriver, ...] = ()  # most influential first; empty unless the seller waits
    # The seller's latest recorded outcome, attached by the session after the scan (never concluded).
    outcome: Outcome | None = None
    decisions: tuple[Decision, ...] = ()  # what the learned heads decided and why; empty under rules alone


@dataclass(frozen=True, slots=True, kw_only=True)
class ScanResult:
    """One scan of a mailbox: every deal's diagnosis, and what could not be read."""

    now: datetime
    diagnoses: tuple[Diagnosis, ...]  # most urgent first
    skipped: tuple[Skipped, ...]
    messages: int  # distinct messages read
    duplicates: int  # copies of a message already read (Inbox and Sent, two exports)
    left_out: int = 0  # threads only a mailing list, a newsletter or a notification wrote: no deal


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordedScan:
    """A scan as the store keeps it: when it ran, what it read and as whom, and its result. A result
    read back from the store has diagnoses without their mail (threads hold no messages)."""

    id: int
    created_at: datetime
    sources: tuple[str, ...]  # as the user named them, `account:NAME` included
    seller: str  # --me as the user wrote it
    result: ScanResult


# Strings many messages repeat: a thread's ids stand in every later message's References, and a
# customer's address and a subject in every message of the conversation. Read back from the index
# or a worker, each is kept once: a third of a large mailbox's memory.
_SHARED = {"Address": ("email", "name"), "Message": ("message_id", "in_reply_to", "subject", "references")}


def _pickle_quickly(cls: type) -> None:
    """The message index keeps these pickled, and a rescan loads a mailbox of them: the stdlib's
    state functions for slotted dataclasses look up the fields on every object, three times slower
    than reading them from a tuple made once per class."""
    names = tuple(f.name for f in fields(cls))
    get = attrgetter(*names)
    set_field = object.__setattr__

    def getstate(self: object) -> tuple[object, ...]:
        state = get(self)
        return state if len(names) > 1 else (state,)

    shared = tuple(name in _SHARED.get(cls.__name__, ()) for name in names)

    def setstate(self: object, state: tuple[Any, ...]) -> None:
        for name, value, share in zip(names, state, shared, strict=True):
            if share and value:  # a string, or References: a tuple of them
                value = intern(value) if type(value) is str else tuple(map(intern, value))
            set_field(self, name, value)

    setattr(cls, "__getstate__", getstate)  # noqa: B010  # installed after the class is made
    setattr(cls, "__setstate__", setstate)  # noqa: B010


for _value in list(globals().values()):
    if isinstance(_value, type) and is_dataclass(_value) and "__slots__" in vars(_value):
        _pickle_quickly(_value)
