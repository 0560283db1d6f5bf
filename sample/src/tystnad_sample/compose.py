"""What people write: the new text of one message, drawn from the lexicon's phrasings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from random import Random

from tystnad_sample.cast import Person
from tystnad_sample.lexicon import Lexicon
from tystnad_sample.script import Kind
from tystnad_sample.timing import meeting_after

# A recipe part: (pool, probability, fewest, most) sentences from that pool.
_Part = tuple[str, float, int, int]
_Para = tuple[_Part, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class _Recipe:
    greet: str  # pool of greetings, "" for none
    greet_p: float
    paras: tuple[_Para, ...]
    style: str  # "formal", "casual" or "short": how the message is signed
    bullets: bool = False


def _r(greet: str, p: float, style: str, *paras: _Para, bullets: bool = False) -> _Recipe:
    return _Recipe(greet=greet, greet_p=p, paras=paras, style=style, bullets=bullets)


_GC, _GS = "greet_customer", "greet_seller"
# fmt: off
_RECIPES: dict[Kind, _Recipe] = {
    Kind.OPEN: _r(
        _GC, 1.0, "formal",
        (("open_intro", 1, 1, 2),),
        (("open_value", 1, 2, 3), ("seller_detail", 0.7, 1, 1)),
        (("open_cta", 1, 1, 1),),
    ),
    Kind.S_REPLY: _r(
        _GC, 0.9, "formal",
        (("seller_ack", 0.8, 1, 1),),
        (("seller_answer", 1, 1, 3), ("seller_detail", 0.6, 1, 1)),
        (("seller_next", 0.7, 1, 1),),
    ),
    Kind.S_PROPOSAL: _r(
        _GC, 1.0, "formal",
        (("proposal_lead", 1, 1, 1), ("seller_detail", 0.5, 1, 1)),
        (("proposal_outro", 1, 1, 1),),
        bullets=True,
    ),
    Kind.S_CONFIRM: _r(
        _GC, 0.6, "casual", (("seller_confirm", 1, 1, 1), ("seller_confirm_extra", 0.6, 1, 1))
    ),
    Kind.S_RECAP: _r(
        _GC, 1.0, "formal",
        (("recap_intro", 1, 1, 1),),
        (("recap_body", 1, 2, 3), ("seller_detail", 0.5, 1, 1)),
        (("seller_next", 0.6, 1, 1),),
    ),
    Kind.S_ACK_VAGUE: _r(_GC, 0.8, "casual", (("ack_vague", 1, 1, 1),)),
    Kind.S_ACK_EVENT: _r(_GC, 0.8, "casual", (("ack_event", 1, 1, 1),)),
    Kind.S_ACK_PAUSE: _r(_GC, 0.8, "formal", (("ack_pause", 1, 1, 1),)),
    Kind.S_ACK_LOST: _r(_GC, 0.9, "formal", (("ack_lost", 1, 1, 2),)),
    Kind.S_WON: _r(
        _GC, 1.0, "formal", (("seller_won", 1, 1, 1),), (("seller_won_extra", 0.7, 1, 2),)
    ),
    Kind.S_FORWARD: _r("", 0.0, "formal", (("seller_forward", 1, 1, 1),)),
    Kind.S_NEWTOPIC: _r(
        _GC, 1.0, "formal",
        (("seller_answer", 1, 1, 2), ("seller_detail", 1, 1, 1)),
        (("seller_next", 1, 1, 1),),
    ),
    Kind.C_REPLY: _r(
        _GS, 0.8, "formal",
        (("cust_thanks", 0.6, 1, 1), ("cust_interest", 0.5, 1, 1)),
        (("cust_context", 1, 1, 2), ("cust_detail", 0.8, 1, 2)),
        (("cust_question", 0.3, 1, 1), ("cust_close", 0.4, 1, 1)),
    ),
    Kind.C_QUESTION: _r(
        _GS, 0.8, "formal",
        (("cust_thanks", 0.5, 1, 1), ("cust_context", 0.5, 1, 1), ("cust_detail", 0.6, 1, 1)),
        (("cust_question", 1, 1, 3),),
        (("cust_close", 0.3, 1, 1),),
    ),
    Kind.C_NEXT: _r(
        _GS, 0.7, "casual",
        (("cust_thanks", 0.5, 1, 1), ("cust_next", 1, 1, 1)),
        (("cust_detail", 0.4, 1, 1),),
        (("cust_close", 0.3, 1, 1),),
    ),
    Kind.C_SHORT: _r(_GS, 0.3, "short", (("cust_short", 1, 1, 1),)),
    Kind.C_VAGUE: _r(
        _GS, 0.7, "casual",
        (("cust_thanks", 0.4, 1, 1), ("cust_vague", 1, 1, 1)),
        (("cust_detail", 0.3, 1, 1), ("cust_close", 0.3, 1, 1)),
    ),
    Kind.C_EVENT: _r(
        _GS, 0.8, "formal",
        (("cust_thanks", 0.4, 1, 1), ("cust_event", 1, 1, 1)),
        (("cust_detail", 0.3, 1, 1),),
        (("cust_close", 0.3, 1, 1),),
    ),
    Kind.C_PAUSE: _r(
        _GS, 0.8, "formal", (("cust_pause", 1, 1, 1),), (("cust_detail", 0.4, 1, 1),)
    ),
    Kind.C_LOST: _r(
        _GS, 0.9, "formal",
        (("cust_lost", 1, 1, 1), ("cust_lost_reason", 0.6, 1, 1)),
        (("cust_lost_close", 0.6, 1, 1),),
    ),
    Kind.C_WON: _r(
        _GS, 0.9, "formal",
        (("cust_won", 1, 1, 1), ("cust_won_extra", 0.5, 1, 1)),
        (("cust_detail", 0.3, 1, 1),),
    ),
    Kind.C_CC: _r(
        _GS, 0.8, "formal",
        (("cust_cc", 1, 1, 1), ("cust_detail", 0.5, 1, 1)),
        (("cust_question", 0.6, 1, 2), ("cust_context", 0.4, 1, 1)),
    ),
    Kind.C_COLLEAGUE: _r(
        _GS, 0.9, "formal",
        (("cust_colleague", 1, 1, 1), ("cust_detail", 0.5, 1, 1)),
        (("cust_question", 1, 1, 2),),
    ),
    Kind.C_FORWARD: _r("", 0.0, "casual", (("cust_forward", 1, 1, 1),)),
    Kind.C_ADDENDUM: _r("", 0.0, "short", (("cust_addendum", 1, 1, 1),)),
}
# fmt: on
_FOLLOWUPS = ("followup_1", "followup_2", "followup_3")


@dataclass(frozen=True, slots=True, kw_only=True)
class NewText:
    """What the author typed: the client decides how it is laid out and encoded."""

    greeting: str
    paragraphs: tuple[str, ...]
    bullets: tuple[str, ...] = ()
    bullets_after: int = 0
    closing: tuple[str, ...] = ()
    signature: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Facts:
    """What a deal is about; fixed per deal so a conversation stays on one subject."""

    product: str
    pain: str
    system: str
    competitor: str
    decider: str
    event: str
    users: int
    price: str
    ref: str


def make_facts(lex: Lexicon, rng: Random) -> Facts:
    users = rng.choice((5, 8, 10, 12, 15, 20, 25, 30, 40, 50, 75, 120))
    amount = f"{users * rng.choice((4, 5, 6, 8)) * 1000 + rng.choice((0, 500)):,}"
    amount = amount.replace(",", rng.choice(lex.formats["thousands"]))
    return Facts(
        product=rng.choice(lex.pool("products")),
        pain=rng.choice(lex.pool("pains")),
        system=rng.choice(lex.pool("systems")),
        competitor=rng.choice(lex.pool("competitors")),
        decider=rng.choice(lex.pool("deciders")),
        event=rng.choice(lex.pool("events")),
        users=users,
        price=rng.choice(lex.formats["price"]).format(amount=amount),
        ref=f"{rng.randrange(1000, 9999)}-{rng.randrange(10, 99)}",
    )


class Fill(dict[str, str]):
    """Template values; the date-based ones are only formatted when a template asks."""

    def __init__(self, base: dict[str, str], lazy: dict[str, Callable[[], str]]) -> None:
        super().__init__(base)
        self._lazy = lazy

    def __missing__(self, key: str) -> str:
        value = self._lazy[key]()
        self[key] = value
        return value


def make_fill(
    *,
    lex: Lexicon,
    facts: Facts,
    rng: Random,
    author: Person,
    recipient: Person,
    seller: Person,
    contact: Person,
    colleague: Person,
    customer: str,
    at: datetime,
    when: datetime | None,
    colleague_email: str,
) -> Fill:
    local = at.astimezone(author.tz)

    def date(key: str, moment: datetime) -> Callable[[], str]:
        return lambda: lex.date(rng.choice(lex.formats[key]), moment.astimezone(author.tz))

    proposed: list[datetime] = [when] if when else []

    def meeting(key: str) -> Callable[[], str]:
        def text() -> str:
            if not proposed:
                proposed.append(meeting_after(at, author, rng))
            return lex.date(rng.choice(lex.formats[key]), proposed[0].astimezone(author.tz))

        return text

    later = when or at + timedelta(days=rng.randint(20, 40))
    base = {
        "first": recipient.first,
        "me": author.first,
        "me_full": author.full,
        "me_initial": author.first[:1],
        "seller_first": seller.first,
        "contact_first": contact.first,
        "colleague_first": colleague.first,
        "colleague_full": colleague.full,
        "colleague_title": colleague.title or lex.pool("titles")[0],
        "customer": customer,
        "product": facts.product,
        "pain": facts.pain,
        "system": facts.system,
        "competitor": facts.competitor,
        "decider": facts.decider,
        "event": facts.event,
        "users": str(facts.users),
        "price": facts.price,
        "ref": facts.ref,
        "year": str(local.year),
        "company": author.company,
        "phone": author.phone,
        "colleague_email": colleague_email,
    }
    lazy = {
        "meeting": meeting("meeting"),
        "meeting_bare": meeting("meeting_bare"),
        "event_date": date("event_date", later),
        "month": date("month", when or at + timedelta(days=90)),
        "valid_until": date("valid_until", at + timedelta(days=30)),
        "return_long": date("return_long", later),
        "return_iso": date("return_iso", later),
    }
    return Fill(base, lazy)


def _sentences(lex: Lexicon, rng: Random, fill: Fill, para: _Para) -> list[str]:
    out: list[str] = []
    for pool_key, p, low, high in para:
        if p < 1 and rng.random() >= p:
            continue
        pool = lex.pool(pool_key)
        k = min(len(pool), rng.randint(low, high))
        for template in rng.sample(pool, k):
            sentence = template.format_map(fill)
            # A sentence may open with a filled-in value such as a weekday.
            out.append(sentence[:1].upper() + sentence[1:])
    return out


def _closing(style: str, author: Person, fill: Fill, rng: Random, mobile: bool) -> tuple[str, ...]:
    if style == "short" or (mobile and rng.random() < 0.6):
        return (author.short_signoff.format_map(fill),)
    if style == "casual" or mobile:
        return (author.casual_signoff, author.first)
    name = author.full if rng.random() < 0.7 else author.first
    return (author.signoff, "", name) if rng.random() < 0.3 else (author.signoff, name)


def compose(
    kind: Kind, *, lex: Lexicon, rng: Random, fill: Fill, author: Person, nth: int, mobile: bool
) -> NewText:
    if kind is Kind.AUTO:
        return auto_reply(lex, rng, fill, vacation=False)
    if kind is Kind.S_FOLLOWUP:
        pool = _FOLLOWUPS[max(0, nth - 1)]
        cta = ("open_cta", 0.4 if nth <= 1 else 0.0, 1, 1)
        detail = ("seller_detail", 0.4 if nth <= 1 else 0.0, 1, 1)
        style = "formal" if nth != 2 else "casual"
        recipe = _r(_GC, 1.0, style, ((pool, 1, 1, 1),), (detail, cta))
    else:
        recipe = _RECIPES[kind]
    greeting = ""
    if recipe.greet and rng.random() < recipe.greet_p:
        greeting = rng.choice(lex.pool(recipe.greet)).format_map(fill)
    paras = [" ".join(s) for para in recipe.paras if (s := _sentences(lex, rng, fill, para))]
    if len(paras) > 1 and not recipe.bullets and rng.random() < 0.2:
        paras = [" ".join(paras)]
    bullets: tuple[str, ...] = ()
    if recipe.bullets:
        items = lex.pool("proposal_items")
        picked = rng.sample(items, min(len(items), rng.randint(3, 5)))
        bullets = tuple(item.format_map(fill) for item in picked)
        paras.insert(1, rng.choice(lex.pool("proposal_list_intro")))
    closing = _closing(recipe.style, author, fill, rng, mobile)
    signature = author.signature if recipe.style == "formal" and not mobile else ()
    return NewText(
        greeting=greeting,
        paragraphs=tuple(paras),
        bullets=bullets,
        bullets_after=1,
        closing=closing,
        signature=signature,
    )


def auto_reply(lex: Lexicon, rng: Random, fill: Fill, *, vacation: bool) -> NewText:
    pool = lex.pool("auto_reply_vacation" if vacation else "auto_reply")
    blocks = rng.choice(pool).format_map(fill).split("\n\n")
    return NewText(greeting="", paragraphs=tuple(blocks))
