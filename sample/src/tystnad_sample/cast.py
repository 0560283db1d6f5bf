"""The people of the sample mailbox: the seller's team, customer organisations and contacts."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cache
from random import Random
from zoneinfo import ZoneInfo

import holidays as holiday_lib

from tystnad_sample.lexicon import Lexicon, Market, SellerSpec


class Client(StrEnum):
    """The program a message was written in; it decides every byte of the message."""

    M365 = "m365"  # new Outlook / Outlook on the web: "____" line before the quote header
    OUTLOOK = "outlook"  # Outlook for Windows: quote header without separator line
    OUTLOOK_CLASSIC = "outlook_classic"  # Outlook on POP/IMAP: "-----Original Message-----"
    OUTLOOK_IOS = "outlook_ios"
    GMAIL = "gmail"
    APPLE_MAIL = "apple_mail"
    IPHONE = "iphone"

    @property
    def family(self) -> str:
        if self is Client.GMAIL:
            return "gmail"
        if self in (Client.APPLE_MAIL, Client.IPHONE):
            return "apple"
        return "outlook"

    @property
    def mobile(self) -> bool:
        return self in (Client.IPHONE, Client.OUTLOOK_IOS)


@dataclass(frozen=True, slots=True, kw_only=True)
class Person:
    first: str
    last: str
    email: str
    display: str  # the name as their client writes it in From/To; "" for a bare address
    title: str
    company: str  # "" for private people
    phone: str
    locale: str  # language of their mail program: reply prefixes, quote headers
    tz: ZoneInfo
    holidays: frozenset[date]
    desk: Client
    mobile: Client
    mobile_share: float
    offhours: float  # how often they write in the evening or at weekends
    signoff: str
    casual_signoff: str
    short_signoff: str
    signature: tuple[str, ...]
    host: str  # the Exchange mailbox server that would mint their Outlook Message-IDs
    region: str

    @property
    def full(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def domain(self) -> str:
        return self.email.rpartition("@")[2]


@dataclass(frozen=True, slots=True, kw_only=True)
class Org:
    name: str
    short: str
    domain: str
    market: Market
    private: bool
    mail: str  # "m365", "google" or "other": decides the clients its people use
    address_style: int
    display_style: int


_TRANSLIT = str.maketrans({"ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "ß": "ss", "'": "", "’": ""})

# Exchange Online mailbox-server name stems, as seen in real Message-IDs.
_EU_HOSTS = ("AM0PR", "AM9PR", "DB9PR", "VI1PR", "HE1PR", "GV1PR", "PA4PR", "DU0PR", "AS8PR")
_US_HOSTS = ("BN8PR", "CH0PR", "DM6PR", "SJ0PR", "MN2PR", "PH0PR")


def slug(text: str) -> str:
    """ASCII letters and digits only, the way people turn names into addresses."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_TRANSLIT).lower())
    return "".join(c for c in decomposed if c.isascii() and c.isalnum())


@cache
def holiday_dates(
    spec: str, categories: tuple[str, ...], years: tuple[int, ...]
) -> frozenset[date]:
    country, _, subdiv = spec.partition("-")
    table = holiday_lib.country_holidays(
        country, subdiv=subdiv or None, years=years, categories=categories
    )
    return frozenset(table.keys())


def _digits(pattern: str, rng: Random) -> str:
    return "".join(str(rng.randrange(10)) if c == "#" else c for c in pattern)


def _exchange(rng: Random, us: bool) -> tuple[str, str]:
    n = rng.randrange(1, 10)
    prefix = rng.choice(_US_HOSTS if us else _EU_HOSTS)
    host = f"{prefix}{n:02d}MB{rng.randrange(1000, 10000)}"
    return host, f"{'namprd' if us else 'eurprd'}{n:02d}"


def _clients(mail: str, domain: str, rng: Random) -> tuple[Client, Client, float]:
    if domain == "gmail.com":
        return Client.GMAIL, rng.choice((Client.GMAIL, Client.IPHONE)), rng.uniform(0.2, 0.6)
    if domain == "icloud.com":
        return Client.APPLE_MAIL, Client.IPHONE, rng.uniform(0.4, 0.8)
    if domain in ("hotmail.com", "outlook.com"):
        return Client.M365, Client.OUTLOOK_IOS, rng.uniform(0.2, 0.5)
    if mail == "google":
        return Client.GMAIL, rng.choice((Client.GMAIL, Client.IPHONE)), rng.uniform(0.05, 0.3)
    if mail == "other":
        desk = Client.APPLE_MAIL if rng.random() < 0.55 else Client.OUTLOOK_CLASSIC
        return desk, Client.IPHONE, rng.uniform(0.05, 0.3)
    r = rng.random()
    desk = Client.M365 if r < 0.5 else Client.OUTLOOK if r < 0.88 else Client.OUTLOOK_CLASSIC
    mobile = Client.OUTLOOK_IOS if rng.random() < 0.5 else Client.IPHONE
    return desk, mobile, rng.uniform(0.03, 0.25)


def make_org(lex: Lexicon, market: Market, key: tuple[int, int, int], rng: Random) -> Org:
    """key picks prefix, sector and (if >= 0) place, so distinct keys give distinct orgs."""
    prefix_i, sector_i, place_i = key
    prefix, sector = lex.prefixes[prefix_i], lex.sectors[sector_i]
    parts = [prefix, sector] + ([lex.places[place_i]] if place_i >= 0 else [])
    legal = rng.choice(market.legal_forms) if market.legal_forms else ""
    name = " ".join(parts + ([legal] if legal else []))
    sep = "-" if (prefix_i + sector_i) % 3 == 0 else ""
    domain = sep.join(slug(p) for p in parts) + "." + market.tld
    r = rng.random()
    mail = "m365" if r < 0.55 else "google" if r < 0.85 else "other"
    return Org(
        name=name,
        short=prefix,
        domain=domain,
        market=market,
        private=False,
        mail=mail,
        address_style=rng.randrange(6),
        display_style=0 if rng.random() < 0.82 else 1 if mail == "m365" else 0,
    )


def private_org(market: Market, name: tuple[str, str], rng: Random) -> Org:
    return Org(
        name=f"{name[0]} {name[1]}",
        short=name[1],
        domain=rng.choice(market.freemail),
        market=market,
        private=True,
        mail="private",
        address_style=rng.randrange(6),
        display_style=0,
    )


def _local_part(first: str, last: str, style: int, rng: Random, private: bool) -> str:
    f, la = slug(first), slug(last)
    if private:
        body = (f"{f}.{la}", f"{f}{la}", f"{la}.{f}", f"{f}_{la[:1]}", f"{f}.{la}", f"{f[:1]}{la}")[
            style
        ]
        return body + (str(rng.randrange(60, 100)) if rng.random() < 0.6 else "")
    return (f"{f}.{la}", f"{f[:1]}.{la}", f, f"{f}{la[:1]}", f"{f}.{la[:1]}", f"{f[:1]}{la}")[style]


def make_person(
    *,
    lex: Lexicon,
    org: Org,
    first: str,
    last: str,
    title: str,
    taken: set[str],
    rng: Random,
    years: tuple[int, ...],
) -> Person:
    market = org.market
    local = _local_part(first, last, org.address_style, rng, org.private)
    while f"{local}@{org.domain}" in taken:
        local = f"{local}{rng.randrange(2, 10)}"
    email = f"{local}@{org.domain}"
    taken.add(email)
    desk, mobile, share = _clients(org.mail, org.domain, rng)
    display = f"{last}, {first}" if org.display_style == 1 else f"{first} {last}"
    if not org.private and rng.random() < 0.04:
        display = ""
    phone = _digits(rng.choice(market.phones), rng)
    formal = rng.choice(lex.pool("signoff_formal"))
    signature: tuple[str, ...]
    if org.private:
        signature = (phone,) if rng.random() < 0.3 else ()
    else:
        lines = [title, org.name, phone]
        if rng.random() < 0.3:
            lines.append(f"www.{org.domain}")
        signature = tuple(lines)
    host, region = _exchange(rng, market.tz.startswith("America/"))
    return Person(
        first=first,
        last=last,
        email=email,
        display=display,
        title=title if not org.private else "",
        company=org.name if not org.private else "",
        phone=phone,
        locale=lex.language,
        tz=ZoneInfo(market.tz),
        holidays=holiday_dates(market.holidays, market.holiday_categories, years),
        desk=desk,
        mobile=mobile,
        mobile_share=share,
        offhours=rng.uniform(0.0, 0.06),
        signoff=formal,
        casual_signoff=rng.choice(lex.pool("signoff_casual")),
        short_signoff=rng.choice(lex.pool("signoff_short")),
        signature=signature,
        host=host,
        region=region,
    )


def make_seller(lex: Lexicon, spec: SellerSpec, index: int, years: tuple[int, ...]) -> Person:
    """Sellers are fixed people: their own seed keeps them identical in every mailbox."""
    rng = Random(f"seller:{lex.language}:{index}")
    host, region = _exchange(rng, False)
    return Person(
        first=spec.first,
        last=spec.last,
        email=f"{slug(spec.first)}.{slug(spec.last)}@{lex.seller_domain}",
        display=f"{spec.first} {spec.last}",
        title=spec.title,
        company=lex.seller_company,
        phone=spec.phone,
        locale=lex.language,
        tz=ZoneInfo(lex.seller_tz),
        holidays=holiday_dates(lex.seller_holidays, lex.seller_holiday_categories, years),
        desk=Client.M365 if index % 2 == 0 else Client.OUTLOOK,
        mobile=Client.IPHONE if index % 2 == 0 else Client.OUTLOOK_IOS,
        mobile_share=0.12,
        offhours=0.05,
        signoff=lex.pool("signoff_formal")[index % 2],
        casual_signoff=lex.pool("signoff_casual")[0],
        short_signoff=lex.pool("signoff_short")[0],
        signature=(spec.title, lex.seller_company, spec.phone, lex.seller_web),
        host=host,
        region=region,
    )
