"""One deal's conversation as it is written: its threads, quoting and message headers."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from random import Random

from tystnad_sample import mime
from tystnad_sample.cast import Client, Person
from tystnad_sample.compose import Facts, Fill, auto_reply, compose, make_facts, make_fill
from tystnad_sample.layout import pdf
from tystnad_sample.lexicon import Lexicon, lexicon, lexicons
from tystnad_sample.output import Rendered
from tystnad_sample.plan import Deal, Step
from tystnad_sample.quote import Memo, Said
from tystnad_sample.render import Attachment, Outgoing, render
from tystnad_sample.script import (
    ATTACH,
    BAD_DATE,
    BROKEN,
    FRESH,
    HTML_ONLY,
    MOBILE,
    NO_ID,
    NO_QUOTE,
    Kind,
)

_FORWARD = frozenset((Kind.S_FORWARD, Kind.C_FORWARD))


class _Thread:
    """One conversation's state: what the next reply quotes and refers to."""

    __slots__ = ("base", "subject", "refs", "chain", "index", "last_id", "addressee", "memo")

    def __init__(self, base: str, subject: str, index: bytes) -> None:
        self.base = base
        self.subject = subject
        self.refs: list[str] = []
        self.chain: tuple[Said, ...] = ()
        self.index = index
        self.last_id: str | None = None
        self.addressee: Person | None = None
        self.memo: Memo = {}  # quote headers already laid out for messages in `chain`


@cache
def _reply_prefixes() -> tuple[str, ...]:
    families = ("outlook", "gmail", "apple")
    return tuple(sorted({lex.client(f)["reply"] for lex in lexicons() for f in families}))


class DealRun:
    """A deal being written: its plan, its threads and where in the plan it is."""

    def __init__(self, deal: Deal) -> None:
        self.deal = deal
        self.rng = Random(deal.render_seed)
        self.lex: Lexicon = lexicon(deal.language)
        self.facts: Facts = make_facts(self.lex, self.rng)
        self.threads: dict[int, _Thread] = {}
        self.pos = 0
        self.looped = False
        self.current = 0
        self.memory: datetime | None = None  # the event or month a deferral named
        domain = deal.org.domain
        shared = self.rng.choice(self.lex.pool("shared_mailboxes"))
        self.office = f"{shared}@{domain}" if not deal.org.private else deal.seller.email

    def next_time(self) -> datetime | None:
        steps = self.deal.steps
        return steps[self.pos].at if self.pos < len(steps) else None

    def _recipients(
        self, step: Step, author: Person, colleague: Person
    ) -> tuple[tuple[Person, ...], tuple[Person, ...]]:
        deal, kind = self.deal, step.kind
        contact = deal.contacts[0]
        ours = (deal.seller_cc,) if deal.seller_cc else ()
        loop = deal.contacts[1:] if self.looped else ()
        if kind is Kind.AUTO:
            return (deal.seller,), ()
        if kind is Kind.S_FORWARD:
            return (colleague,), (contact, *ours)
        if kind is Kind.C_FORWARD:
            return (colleague,), (deal.seller,)
        if step.author == 0:
            thread = self.threads.get(step.thread)
            to = thread.addressee if thread and thread.addressee else contact
            return (to,), tuple(p for p in (contact, *loop) if p is not to) + ours
        if kind is Kind.C_CC:
            return (deal.seller,), (colleague, *ours)
        return (deal.seller,), tuple(p for p in (contact, *loop) if p is not author) + ours

    def _subject(self, step: Step, thread: _Thread, client: Client, locale: str) -> str:
        table = lexicon(locale).client(client.family)
        if step.kind is Kind.AUTO:
            prefix = table["auto_reply"] if client.family == "outlook" else table["reply"]
            return f"{prefix} {thread.subject}"
        if step.flags & FRESH:
            return thread.base if self.rng.random() < 0.5 else f"{table['reply']} {thread.base}"
        rest = thread.subject
        # Outlook recognises every language's reply prefix; Gmail and Apple only their own,
        # which is how real threads end up with "Re: SV: ...".
        known = _reply_prefixes() if client.family == "outlook" else (table["reply"], "Re:")
        stripped = True
        while stripped:
            stripped = False
            for prefix in known:
                if rest[: len(prefix) + 1].lower() == prefix.lower() + " ":
                    rest, stripped = rest[len(prefix) + 1 :], True
        return f"{table['reply']} {rest}"

    def _message_id(self, client: Client, author: Person) -> str:
        if client is Client.GMAIL:
            return mime.gmail_id(self.rng)
        if client.family == "apple":
            return mime.apple_id(self.rng, author.domain)
        if client is Client.OUTLOOK_CLASSIC:
            return mime.classic_id(self.rng, author.domain)
        return mime.outlook_id(self.rng, author.host, author.region)

    def _thread(
        self, step: Step, client: Client, author: Person, fill: Fill, previous: _Thread | None
    ) -> tuple[_Thread, str, bool]:
        """The thread a message belongs to, its subject, and whether it starts the thread."""
        thread = self.threads.get(step.thread)
        if thread is not None:
            return thread, self._subject(step, thread, client, author.locale), False
        if step.kind in _FORWARD and previous is not None:
            base = previous.base
            forward = lexicon(author.locale).client(client.family)["forward"]
            subject = f"{forward} {previous.subject}"
        else:
            topic = step.kind is Kind.S_NEWTOPIC and previous is not None
            base = self.rng.choice(self.lex.pool("topic_subjects" if topic else "subjects"))
            base = base.format_map(fill)
            base = subject = base[:1].upper() + base[1:]
        thread = _Thread(base, subject, mime.thread_index(self.rng, step.at))
        self.threads[step.thread] = thread
        return thread, subject, True

    def _attachment(self, step: Step, author: Person, year: str) -> Attachment | None:
        if not step.flags & ATTACH:
            return None
        deal = self.deal
        names = self.lex.pool("offer_files" if step.author == 0 else "customer_files")
        fill = {"customer": deal.org.short.replace(" ", "_"), "year": year}
        title = self.lex.pool("pdf_title")[0]
        data = pdf(title, deal.org.short, self.facts.ref, step.at, author.tz)
        return Attachment(name=self.rng.choice(names).format_map(fill), data=data)

    def _remember(
        self, step: Step, thread: _Thread, out: Outgoing, said: Said, fresh: bool
    ) -> None:
        """What later replies in the thread quote and refer to; auto-replies leave no trace."""
        if step.kind is Kind.AUTO:
            return
        if fresh:
            thread.refs, thread.chain = [], ()
        if out.message_id:
            thread.refs.append(out.message_id)
        thread.last_id = out.message_id
        thread.subject = out.subject
        thread.chain = (said, *thread.chain[:2])
        live = {(s.sent, s.email) for s in thread.chain}
        thread.memo = {k: v for k, v in thread.memo.items() if (k[1], k[2]) in live}
        if step.author != 0:
            thread.addressee = out.author
        self.current = step.thread

    def render_next(self) -> Rendered:
        deal, rng = self.deal, self.rng
        step = deal.steps[self.pos]
        self.pos += 1
        kind = step.kind
        people = (deal.seller, *deal.contacts)
        author = people[step.author]
        contact = deal.contacts[0]
        colleague = deal.contacts[1] if len(deal.contacts) > 1 else contact
        client = author.mobile if step.flags & MOBILE else author.desk
        if kind in (Kind.C_CC, Kind.S_FORWARD, Kind.C_FORWARD):
            self.looped = True
        if kind in (Kind.C_EVENT, Kind.C_PAUSE):
            self.memory = step.when
        to, cc = self._recipients(step, author, colleague)
        fill = make_fill(
            lex=self.lex,
            facts=self.facts,
            rng=rng,
            author=author,
            recipient=to[0],
            seller=deal.seller,
            contact=contact,
            colleague=colleague,
            customer=deal.org.short,
            at=step.at,
            when=step.when or self.memory,
            colleague_email=self.office,
        )
        if kind is Kind.AUTO:
            away = step.when is not None and (step.when - step.at).days >= 10
            text = auto_reply(self.lex, rng, fill, vacation=away and step.at.month in (6, 7, 8))
        else:
            text = compose(
                kind,
                lex=self.lex,
                rng=rng,
                fill=fill,
                author=author,
                nth=step.nth,
                mobile=client.mobile,
            )
        previous = self.threads.get(self.current)
        thread, subject, new = self._thread(step, client, author, fill, previous)
        fresh = bool(step.flags & FRESH) and not new
        if fresh:
            thread.index = mime.thread_index(rng, step.at)
        elif not new:
            thread.index = mime.thread_child(thread.index, rng)
        message_id = self._message_id(client, author)
        reply_to: str | None = None
        refs: tuple[str, ...] = ()
        if not (new or fresh):
            reply_to, refs = thread.last_id, tuple(thread.refs)
        memo = thread.memo
        if kind in _FORWARD and previous is not None:
            quote, memo = previous.chain, previous.memo
        elif new or fresh or kind is Kind.AUTO or step.flags & NO_QUOTE:
            quote = ()
        else:
            quote = thread.chain
        out = Outgoing(
            author=author,
            client=client,
            to=to,
            cc=cc,
            subject=subject,
            topic=thread.base,
            thread_index=thread.index,
            sent=step.at,
            message_id=None if step.flags & NO_ID else message_id,
            in_reply_to=reply_to,
            references=refs,
            text=text,
            quote=quote,
            forward=kind in _FORWARD,
            attachment=self._attachment(step, author, fill["year"]),
            html_only=bool(step.flags & HTML_ONLY),
            auto_reply=kind is Kind.AUTO,
            bad_date=bool(step.flags & BAD_DATE),
            inbound=step.author != 0,
            relay=deal.seller,
        )
        data, said = render(out, rng, memo)
        self._remember(step, thread, out, said, fresh)
        broken = bool(step.flags & BROKEN)
        if broken:
            data = damage(data, rng)
        return Rendered(
            data=data,
            sent=step.at,
            sender=author.email,
            subject=subject,
            inbound=step.author != 0,
            broken=broken,
            deal=deal.index,
            language=deal.language,
            client=client.value,
        )


def damage(data: bytes, rng: Random) -> bytes:
    """Damage a message the ways real mailboxes do, so a reader's error handling gets used."""
    end = data.find(b"\n\n")
    head = data[:end]
    mode = rng.randrange(3)
    if mode == 2 and b"multipart/" in head:
        close = data.rfind(b"\n--")
        cut = rng.randint(end + (close - end) // 2, close)
        return data[:cut] + b"\n"
    starts = [
        i + 1
        for i in range(len(head))
        if head[i] == 0x0A and head[i + 1 : i + 2] not in (b" ", b"\t")
    ]
    at = starts[rng.randrange(len(starts) // 3, len(starts))]
    if mode == 1:
        junk = bytes(b for b in rng.randbytes(rng.randint(12, 40)) if b not in b"\r\n: \t")
        return data[:at] + b"\xff\xfe" + junk + b"\n" + data[at:]
    colon = data.find(b":", at)
    return data[: at + rng.randint(1, max(1, colon - at - 1))] + b"\n"
