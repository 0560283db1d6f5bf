"""What each page shows, as plain values: the board's rows after filter, search and paging, and a
deal's messages with every signal's quote marked where it stands. Pure: no web framework here."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise

from tystnad.model import Diagnosis, Message, Seller, Status
from tystnad.understand.addresses import country_of
from tystnad.understand.threads import chronological
from tystnad.understand.timing import BusinessCalendar, calendar_for
from tystnad.web.chart import Chart, ChartMessage, chart

__all__ = ["BoardPage", "BoardRow", "DealPage", "Segment", "board_page", "deal_page", "highlight",
           "STATUSES"]

STATUSES = ("your_move", "silent", "ghosted", "waiting", "paused", "closed")
PAGE_SIZE = 100
# A deal page shows the latest messages; a colleague thread of thousands would bury the rest.
MAX_MESSAGES = 150
# The statuses in which the seller waits, so the chart shows the current silence as a band.
_WAITING = (Status.WAITING, Status.SILENT, Status.GHOSTED)


@dataclass(frozen=True, slots=True, kw_only=True)
class BoardRow:
    organization: str
    status: str
    risk: float
    silence: float
    top_reason: str | None
    play: str | None
    last_inbound: str | None  # a date
    contacts: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class BoardPage:
    rows: tuple[BoardRow, ...]
    counts: dict[str, int]  # every status, before the status filter (after the search)
    total: int  # rows matching status and search
    page: int
    pages: int
    status: str | None
    query: str


def board_row(diagnosis: Diagnosis) -> BoardRow:
    timeline, play = diagnosis.timeline, diagnosis.play
    return BoardRow(
        organization=diagnosis.deal.organization, status=str(timeline.status), risk=timeline.risk,
        silence=shown_silence(diagnosis),
        top_reason=str(diagnosis.reasons[0].reason) if diagnosis.reasons else None,
        play=str(play.kind) if play is not None else None,
        last_inbound=timeline.last_inbound.date().isoformat() if timeline.last_inbound else None,
        contacts=tuple(contact.email for contact in diagnosis.deal.contacts),
    )


def shown_silence(diagnosis: Diagnosis) -> float:
    """Business days of silence to a tenth, as the JSON contract gives them."""
    return round(diagnosis.timeline.silence, 1)


def _matches(row: BoardRow, needle: str) -> bool:
    return needle in row.organization or any(needle in contact for contact in row.contacts)


def board_page(rows: list[BoardRow], *, status: str | None, query: str, page: int,
               page_size: int = PAGE_SIZE) -> BoardPage:
    """`rows` most urgent first (the scan's order is kept)."""
    needle = query.strip().lower()
    found = [row for row in rows if _matches(row, needle)] if needle else rows
    counts = dict.fromkeys(STATUSES, 0)
    for row in found:
        counts[row.status] = counts.get(row.status, 0) + 1
    if status in counts:
        found = [row for row in found if row.status == status]
    else:
        status = None
    pages = max(1, -(-len(found) // page_size))
    page = min(max(page, 1), pages)
    shown = found[(page - 1) * page_size : page * page_size]
    return BoardPage(rows=tuple(shown), counts=counts, total=len(found), page=page, pages=pages,
                     status=status, query=query.strip())


@dataclass(frozen=True, slots=True, kw_only=True)
class Segment:
    text: str
    kinds: tuple[str, ...] = ()  # the signals whose quote covers this stretch


@dataclass(frozen=True, slots=True, kw_only=True)
class MessageView:
    anchor: str
    message_id: str
    when: datetime  # in the customer's zone
    sender: str
    sender_name: str
    is_customer: bool
    # Who wrote it when not the customer: "seller", "colleague", "third_party" or "list", and a
    # third party's kind ("partner", "consultant"); their mail is shown, never judged.
    party: str
    party_kind: str
    subject: str
    segments: tuple[Segment, ...]
    signature: str
    quoted_lines: int
    words: int
    is_auto_reply: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class DealPage:
    diagnosis: Diagnosis
    messages: tuple[MessageView, ...]  # newest last
    older: int  # earlier messages not shown
    anchors: dict[str, str]  # message id -> its place on the page, for shown messages
    shown_anchors: frozenset[str]
    chart: Chart
    zone: str


def _pattern(quote: str) -> re.Pattern[str]:
    """A quote as it stands in the text, whatever line breaks or spaces a client put inside it."""
    words = quote.split()
    return re.compile(r"\s+".join(re.escape(word) for word in words))


def highlight(text: str, quotes: list[tuple[str, str]]) -> tuple[Segment, ...]:
    """Split `text` so each (quote, kind) found in it is its own marked stretch; where quotes
    overlap the stretch carries every kind. A quote not found marks nothing."""
    if not text:
        return ()
    spans = []
    for quote, kind in quotes:
        found = _pattern(quote).search(text) if quote.strip() else None
        if found is not None:
            spans.append((found.start(), found.end(), kind))
    cuts = sorted({0, len(text), *(start for start, _, _ in spans), *(end for _, end, _ in spans)})
    segments: list[Segment] = []
    for left, right in pairwise(cuts):
        kinds = tuple(sorted({kind for start, end, kind in spans if start <= left and right <= end}))
        if segments and segments[-1].kinds == kinds:
            segments[-1] = Segment(text=segments[-1].text + text[left:right], kinds=kinds)
        else:
            segments.append(Segment(text=text[left:right], kinds=kinds))
    return tuple(segments)


def _customer_calendar(organization: str, home_country: str, home_zone: str) -> BusinessCalendar:
    country, zone = country_of(organization, default=(home_country, home_zone))
    return calendar_for(country, zone)


def deal_page(diagnosis: Diagnosis, *, seller: Seller, now: datetime, home_country: str,
              home_zone: str) -> DealPage:
    calendar = _customer_calendar(diagnosis.deal.organization, home_country, home_zone)
    judged: list[Message] = sorted(
        (m for thread in diagnosis.deal.threads for m in thread.messages if m.date <= now),
        key=chronological)
    messages: list[Message] = sorted(
        (*judged, *(m for thread in diagnosis.deal.threads for m in thread.asides if m.date <= now)),
        key=chronological)
    customers = {contact.email for contact in diagnosis.deal.contacts}
    # Who wrote each message shown: (party, a third party's kind).
    parties = {person.address.email: (str(person.party), person.kind) for person in diagnosis.deal.others}
    parties |= {email: ("customer", "") for email in customers}

    def party_of(message: Message) -> tuple[str, str]:
        fallback = "colleague" if seller.owns(message.sender) else "third_party"
        return parties.get(message.sender.email, (fallback, ""))
    quotes: dict[str, list[tuple[str, str]]] = {}
    for signal in diagnosis.signals:
        if signal.evidence is not None and signal.evidence.message_id and signal.evidence.quote:
            quotes.setdefault(signal.evidence.message_id, []).append((signal.evidence.quote, str(signal.kind)))
    for item in diagnosis.meddicc:
        if item.evidence is not None:
            marked = (item.evidence.quote, f"meddicc-{item.element}")
            quotes.setdefault(item.evidence.message_id, []).append(marked)
    anchors = {m.message_id: f"m{index}" for index, m in enumerate(messages)}
    words = {m.message_id: len(m.new_text.split()) for m in messages}
    shown = messages[-MAX_MESSAGES:]
    views = tuple(
        MessageView(
            anchor=anchors[m.message_id], message_id=m.message_id, when=calendar.local(m.date),
            sender=m.sender.email, sender_name=m.sender.name or m.sender.email,
            is_customer=m.sender.email in customers,
            party=party_of(m)[0], party_kind=party_of(m)[1], subject=m.subject,
            segments=highlight(m.new_text, quotes.get(m.message_id, [])), signature=m.signature,
            quoted_lines=m.quoted_lines, words=words[m.message_id], is_auto_reply=not m.is_answer,
        )
        for m in shown
    )
    points = [
        ChartMessage(when=m.date, is_customer=m.sender.email in customers, words=words[m.message_id],
                     label=f"{calendar.local(m.date):%Y-%m-%d %H:%M} · {m.sender.name or m.sender.email} · "
                           f"{words[m.message_id]} words",
                     anchor=anchors[m.message_id])
        for m in judged if m.is_answer
    ]
    timeline = diagnosis.timeline
    waiting = timeline.status in _WAITING and timeline.last_outbound is not None
    since = _first_unanswered(judged, seller) if waiting else None
    return DealPage(diagnosis=diagnosis, messages=views, older=len(messages) - len(shown),
                    anchors={view.message_id: view.anchor for view in views},
                    shown_anchors=frozenset(view.anchor for view in views),
                    chart=chart(points, now=now, calendar=calendar, waiting_since=since),
                    zone=str(calendar.zone))


def _first_unanswered(messages: list[Message], seller: Seller) -> datetime | None:
    """The seller's first message after the customer's last answer: the silence starts there."""
    since = None
    for message in messages:
        if not message.is_answer:
            continue
        since = (since or message.date) if seller.owns(message.sender) else None
    return since
