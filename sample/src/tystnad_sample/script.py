"""Deal scenarios as scripts: who writes which kind of message, before any timing or text."""

from __future__ import annotations

from enum import IntEnum, StrEnum
from random import Random
from typing import TypeVar

from tystnad_sample.cast import Person


class Kind(IntEnum):
    OPEN = 1
    S_REPLY = 2
    S_PROPOSAL = 3
    S_CONFIRM = 4
    S_RECAP = 5
    S_FOLLOWUP = 6
    S_ACK_VAGUE = 7
    S_ACK_EVENT = 8
    S_ACK_PAUSE = 9
    S_ACK_LOST = 10
    S_WON = 11
    S_FORWARD = 12
    S_NEWTOPIC = 13
    C_REPLY = 20
    C_QUESTION = 21
    C_NEXT = 22
    C_SHORT = 23
    C_VAGUE = 24
    C_EVENT = 25
    C_PAUSE = 26
    C_LOST = 27
    C_WON = 28
    C_CC = 29
    C_COLLEAGUE = 30
    C_FORWARD = 31
    C_ADDENDUM = 32
    AUTO = 40

    @property
    def seller(self) -> bool:
        return self < 20


class Scenario(StrEnum):
    HEALTHY = "healthy"
    YOUR_MOVE = "your_move"
    WAITING = "waiting"
    SLOWING = "slowing"
    GHOSTED = "ghosted"
    VAGUE = "vague_deferral"
    EVENT = "event_deferral"
    PAUSED = "paused"
    LOST = "closed_lost"
    WON = "closed_won"


SCENARIOS: tuple[tuple[Scenario, float], ...] = (
    (Scenario.HEALTHY, 20),
    (Scenario.YOUR_MOVE, 10),
    (Scenario.WAITING, 12),
    (Scenario.SLOWING, 10),
    (Scenario.GHOSTED, 11),
    (Scenario.VAGUE, 7),
    (Scenario.EVENT, 7),
    (Scenario.PAUSED, 6),
    (Scenario.LOST, 8),
    (Scenario.WON, 9),
)

# Step flags: rare properties of one message, decided here so the plan alone fixes them.
FRESH = 1  # a customer reply that starts over: no In-Reply-To, no quote
NO_ID = 2  # no Message-ID header
BAD_DATE = 4  # Date missing or unreadable; the Received header still has the time
HTML_ONLY = 8
BROKEN = 16  # damaged on purpose: truncated headers, garbage bytes, unclosed multipart
MOBILE = 32  # written on the phone: shorter, phone footer, phone client
ATTACH = 64  # carries a PDF
NO_QUOTE = 128  # the writer deleted the quoted history

_FRESHABLE = frozenset(
    (
        Kind.C_REPLY,
        Kind.C_QUESTION,
        Kind.C_NEXT,
        Kind.C_SHORT,
        Kind.C_VAGUE,
        Kind.C_EVENT,
        Kind.C_PAUSE,
        Kind.C_LOST,
        Kind.C_WON,
    )
)

_T = TypeVar("_T")


class Draft:
    """One message of a script while it is being planned; frozen into a Step once timed."""

    __slots__ = ("kind", "author", "thread", "nth", "flags", "gap")

    def __init__(self, kind: Kind, author: int) -> None:
        self.kind = kind
        self.author = author
        self.thread = 0
        self.nth = 0
        self.flags = 0
        self.gap = 0.0  # hours since the message before, before snapping to working hours


def weighted(rng: Random, options: tuple[tuple[_T, float], ...]) -> _T:
    total = sum(w for _, w in options)
    r = rng.random() * total
    for value, weight in options:
        r -= weight
        if r < 0:
            return value
    return options[-1][0]


def _tail(rng: Random, scenario: Scenario) -> list[Kind]:
    k = Kind
    match scenario:
        case Scenario.HEALTHY:
            return rng.choice(([k.C_NEXT, k.S_CONFIRM], [k.C_REPLY, k.S_REPLY], [k.C_NEXT]))
        case Scenario.YOUR_MOVE:
            return [rng.choice((k.C_QUESTION, k.C_QUESTION, k.C_REPLY))]
        case Scenario.WAITING:
            return [rng.choice((k.S_REPLY, k.S_PROPOSAL, k.S_RECAP))]
        case Scenario.SLOWING:
            return [k.C_SHORT, k.S_REPLY] + ([k.S_FOLLOWUP] if rng.random() < 0.5 else [])
        case Scenario.GHOSTED:
            return [k.S_PROPOSAL] + [k.S_FOLLOWUP] * rng.randint(2, 3)
        case Scenario.VAGUE:
            return [k.C_VAGUE, k.S_ACK_VAGUE] + ([k.S_FOLLOWUP] if rng.random() < 0.5 else [])
        case Scenario.EVENT:
            return [k.C_EVENT, k.S_ACK_EVENT]
        case Scenario.PAUSED:
            return [k.C_PAUSE, k.S_ACK_PAUSE]
        case Scenario.LOST:
            return ([k.S_PROPOSAL] if rng.random() < 0.6 else []) + [k.C_LOST, k.S_ACK_LOST]
        case Scenario.WON:
            extra = [k.C_REPLY, k.S_REPLY] if rng.random() < 0.4 else []
            return [k.S_PROPOSAL, k.C_WON, k.S_WON] + extra


def _customer_kind(rng: Random, looped: bool, prev: Kind) -> Kind:
    return weighted(
        rng,
        (
            (Kind.C_REPLY, 30.0),
            (Kind.C_QUESTION, 30.0),
            (Kind.C_NEXT, 0.0 if prev in (Kind.S_CONFIRM, Kind.OPEN) else 18.0),
            (Kind.C_COLLEAGUE, 12.0 if looped else 0.0),
        ),
    )


def script(rng: Random, scenario: Scenario, n: int, contacts: int) -> list[Draft]:
    """n messages: a conversation that ends the way the scenario does."""
    tail = _tail(rng, scenario)
    while len(tail) > n - 1:
        tail.pop(0 if tail[0] in (Kind.S_PROPOSAL, Kind.C_SHORT) and len(tail) > 1 else -1)
    core_len = n - len(tail)
    has_proposal = Kind.S_PROPOSAL in tail
    propose_at = rng.randint(core_len // 3, 2 * core_len // 3) if core_len >= 6 else 10**6
    # Where colleagues are brought in (cc, or a forward) and where a second topic starts.
    cc_at = fwd_at = topic_at = -1
    if contacts > 1 and core_len > 3 and rng.random() < 0.7:
        cc_at = rng.randint(2, min(5, core_len - 1))
    if contacts > 1 and core_len >= 7 and rng.random() < 0.3:
        fwd_at = rng.randint(3, core_len - 2)
    if core_len >= 10 and rng.random() < 0.15:
        topic_at = rng.randint(core_len // 2, core_len - 2)
    slow_from = int(core_len * rng.uniform(0.4, 0.6)) if scenario is Scenario.SLOWING else 10**6
    kinds: list[Kind] = [Kind.OPEN]
    looped = False
    while len(kinds) < core_len:
        i, prev = len(kinds), kinds[-1]
        if prev in (Kind.C_FORWARD, Kind.S_FORWARD):
            kinds.append(Kind.C_COLLEAGUE)
        elif i == fwd_at:
            kinds.append(Kind.C_FORWARD if not prev.seller else Kind.S_FORWARD)
            looped = True
        elif i == topic_at:
            kinds.append(Kind.S_NEWTOPIC)
        elif prev.seller:
            if i >= cc_at > 0 and not looped:
                kinds.append(Kind.C_CC)
                looped = True
            elif prev is Kind.S_CONFIRM:
                kinds.append(Kind.S_RECAP)
            elif prev is not Kind.S_FOLLOWUP and rng.random() < 0.06:
                kinds.append(Kind.S_FOLLOWUP)
            elif i >= slow_from:
                kinds.append(Kind.C_SHORT if rng.random() < 0.75 else Kind.C_REPLY)
            else:
                kinds.append(_customer_kind(rng, looped, prev))
        elif prev is Kind.C_NEXT:
            kinds.append(Kind.S_CONFIRM)
        elif rng.random() < 0.05 and prev is not Kind.C_ADDENDUM:
            kinds.append(Kind.C_ADDENDUM)
        elif i >= propose_at and not has_proposal:
            kinds.append(Kind.S_PROPOSAL)
            has_proposal = True
        else:
            kinds.append(Kind.S_REPLY)
    if tail and len(kinds) > 1 and kinds[-1].seller == tail[0].seller:
        if not tail[0].seller:
            kinds[-1] = Kind.S_REPLY
        elif tail[0] is not Kind.S_FOLLOWUP and kinds[-1] not in (Kind.OPEN, Kind.S_FORWARD):
            kinds[-1] = Kind.C_REPLY
    kinds += tail
    drafts: list[Draft] = []
    thread, colleague, followups = 0, 2, 0
    for kind in kinds:
        if kind in (Kind.S_NEWTOPIC, Kind.S_FORWARD, Kind.C_FORWARD):
            thread += 1
        author = 0 if kind.seller else 1
        if kind is Kind.C_COLLEAGUE:
            author = colleague
            colleague = 2 + (colleague - 1) % max(1, contacts - 1)
        draft = Draft(kind, author)
        draft.thread = thread
        followups = (
            followups + 1 if kind is Kind.S_FOLLOWUP else 0 if not kind.seller else followups
        )
        draft.nth = min(3, followups)
        drafts.append(draft)
    return drafts


def insert_auto(rng: Random, drafts: list[Draft]) -> None:
    spots = [i for i, d in enumerate(drafts) if d.kind.seller and d.kind is not Kind.S_FORWARD]
    if not spots:
        return
    i = rng.choice(spots)
    auto = Draft(Kind.AUTO, 1)
    auto.thread = drafts[i].thread
    drafts.insert(i + 1, auto)


def flags_for(rng: Random, d: Draft, person: Person) -> int:
    flags = 0
    if d.kind in _FRESHABLE and rng.random() < 0.05:
        flags |= FRESH
    if rng.random() < 0.01:
        flags |= NO_ID
    if rng.random() < 0.005:
        flags |= BAD_DATE
    # Proposals and first mails often go out from a CRM or web mail that sends HTML only.
    if rng.random() < (0.2 if d.kind in (Kind.OPEN, Kind.S_PROPOSAL) else 0.03):
        flags |= HTML_ONLY
    if rng.random() < 0.002:
        flags |= BROKEN
    if rng.random() < 0.08:
        flags |= NO_QUOTE
    if d.kind not in (Kind.OPEN, Kind.S_PROPOSAL, Kind.AUTO) and rng.random() < person.mobile_share:
        flags |= MOBILE
    attach = {Kind.S_PROPOSAL: 1.0, Kind.C_WON: 0.4, Kind.C_REPLY: 0.03, Kind.C_QUESTION: 0.03}
    if rng.random() < attach.get(d.kind, 0.0):
        flags = (flags | ATTACH) & ~MOBILE
    return flags
