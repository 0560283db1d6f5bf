"""A deal's full plan: its people, scenario, and every message's kind, author and time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from random import Random

from tystnad_sample.cast import Org, Person, make_org, make_person, make_seller, private_org
from tystnad_sample.lexicon import Lexicon, Market, lexicon, lexicons
from tystnad_sample.script import (
    SCENARIOS,
    Kind,
    Scenario,
    flags_for,
    insert_auto,
    script,
    weighted,
)
from tystnad_sample.timing import schedule, whens


@dataclass(frozen=True, slots=True, kw_only=True)
class Step:
    kind: Kind
    author: int  # 0 is the seller, 1 the main contact, 2.. colleagues
    at: datetime  # UTC
    thread: int
    nth: int = 0  # the how-many-th follow-up without an answer
    when: datetime | None = None  # the meeting, event, return from leave or pause month
    flags: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class Deal:
    index: int
    language: str
    scenario: Scenario
    seller: Person
    seller_cc: Person | None
    org: Org
    contacts: tuple[Person, ...]
    steps: tuple[Step, ...]
    render_seed: int


@dataclass(frozen=True, slots=True, kw_only=True)
class DealSeed:
    index: int
    seed: int
    market: Market
    key: tuple[int, int, int]
    length: int


@dataclass(frozen=True, slots=True, kw_only=True)
class World:
    now: datetime
    start: datetime
    years: tuple[int, ...]
    sellers: tuple[tuple[Person, ...], ...]  # per language, in LANGUAGES order

    @staticmethod
    def create(now: datetime, rng: Random) -> World:
        start = now - timedelta(days=rng.uniform(182, 365))
        years = tuple(range(start.year - 1, now.year + 2))
        sellers = tuple(
            tuple(make_seller(lex, spec, i, years) for i, spec in enumerate(lex.sellers))
            for lex in lexicons()
        )
        return World(now=now, start=start, years=years, sellers=sellers)


def deal_lengths(rng: Random, deals: int, messages: int) -> list[int]:
    """Messages per deal, 2..40, skewed like real pipelines and summing to about `messages`."""
    # Some deals never get going (an outreach and a follow-up or two); the rest spread out.
    raw = [
        rng.uniform(0.0, 0.25) if rng.random() < 0.12 else rng.lognormvariate(0.0, 0.6)
        for _ in range(deals)
    ]

    def sized(f: float) -> list[int]:
        # Deals past the cap spread over 33..40 rather than piling up at 40.
        sizes = (round(2 + x * f) for x in raw)
        return [n if n <= 40 else 33 + i % 8 for i, n in enumerate(sizes)]

    lo, hi = 0.0, 400.0
    for _ in range(50):
        mid = (lo + hi) / 2
        if sum(sized(mid)) < messages:
            lo = mid
        else:
            hi = mid
    sizes = sized(hi)
    # Rounding and the cap leave the total a little off; the largest deals absorb the rest.
    order = sorted(range(deals), key=lambda i: -raw[i])
    diff = messages - sum(sizes)
    while diff:
        step = 1 if diff > 0 else -1
        moved = False
        for i in order:
            if diff and 2 <= sizes[i] + step <= 40:
                sizes[i] += step
                diff -= step
                moved = True
        if not moved:
            break
    return sizes


def deal_seeds(rng: Random, deals: int, messages: int) -> list[DealSeed]:
    markets = tuple(m for lex in lexicons() for m in lex.markets)
    by_weight = tuple((m, m.weight) for m in markets)
    lengths = deal_lengths(rng, deals, messages)
    # Company keys are unique per language so no two deals share a company name; private
    # people may share a name, as they do.
    taken: set[tuple[str, str, int, int, int]] = set()
    seeds: list[DealSeed] = []
    for index in range(deals):
        market = weighted(rng, by_weight)
        lex = lexicon(market.language)
        while True:
            if market.freemail:
                first, last = lex.names[market.names]
                key = (rng.randrange(len(first)), rng.randrange(len(last)), rng.randrange(1000))
            else:
                place = rng.randrange(len(lex.places)) if rng.random() < 0.15 else -1
                key = (rng.randrange(len(lex.prefixes)), rng.randrange(len(lex.sectors)), place)
            scope = "private" if market.freemail else ""
            if (market.language, scope, *key) not in taken:
                taken.add((market.language, scope, *key))
                break
        seeds.append(
            DealSeed(
                index=index, seed=rng.getrandbits(63), market=market, key=key, length=lengths[index]
            )
        )
    return seeds


def plan_deal(ds: DealSeed, world: World) -> Deal:
    rng = Random(ds.seed)
    lex: Lexicon = lexicon(ds.market.language)
    first_names, last_names = lex.names[ds.market.names]
    if ds.market.freemail:
        name = (first_names[ds.key[0]], last_names[ds.key[1]])
        org = private_org(ds.market, name, rng)
        count = 1
    else:
        org = make_org(lex, ds.market, ds.key, rng)
        count = weighted(rng, ((1, 55.0), (2, 30.0), (3, 15.0)))
    taken: set[str] = set()
    contacts: list[Person] = []
    for c in range(count):
        first = first_names[ds.key[0]] if org.private else rng.choice(first_names)
        last = last_names[ds.key[1]] if org.private else rng.choice(last_names)
        title = rng.choice(lex.pool("titles"))
        contacts.append(
            make_person(
                lex=lex,
                org=org,
                first=first,
                last=last,
                title=title,
                taken=taken,
                rng=rng,
                years=world.years,
            )
        )
        if c == 0 and org.private:
            break
    sv, en = world.sellers
    # English deals mostly go to the English-speaking seller, sometimes to a Swede.
    english = lex.language != "sv" and rng.random() < 0.7
    seller = en[0] if english else rng.choice(sv)
    team = [p for p in sv + en if p is not seller]
    seller_cc = rng.choice(team) if rng.random() < 0.08 else None
    scenario = weighted(rng, SCENARIOS)
    ooo = ds.length >= 5 and rng.random() < 0.15
    drafts = script(rng, scenario, ds.length - (1 if ooo else 0), len(contacts))
    if ooo:
        insert_auto(rng, drafts)
    people = [seller, *contacts]
    times = schedule(drafts, people, (world.start, world.now), rng, scenario)
    moments = whens(rng, drafts, times, contacts[0])
    steps = tuple(
        Step(
            kind=d.kind,
            author=d.author,
            at=times[i],
            thread=d.thread,
            nth=d.nth,
            when=moments[i],
            flags=flags_for(rng, d, people[d.author]),
        )
        for i, d in enumerate(drafts)
    )
    return Deal(
        index=ds.index,
        language=lex.language,
        scenario=scenario,
        seller=seller,
        seller_cc=seller_cc,
        org=org,
        contacts=tuple(contacts),
        steps=steps,
        render_seed=rng.getrandbits(63),
    )
