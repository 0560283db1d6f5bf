"""Threads from headers, rebuilt from subjects when clients break the chain; deals by organisation."""

from __future__ import annotations

from factories import SELLER, conversation, eml
from tystnad.model import Message, RawMessage
from tystnad.read.clean import clean
from tystnad.read.parse import parse
from tystnad.understand.threads import build_threads, group_deals, normalize_subject


def _read(items: list[bytes]) -> list[Message]:
    return [clean(parse(RawMessage(data=data, origin=str(i)))) for i, data in enumerate(items)]


def test_reply_prefixes_of_many_clients_and_languages_are_stripped() -> None:
    for subject in ("SV: Offert", "Sv: Offert", "RE: Offert", "Re[2]: Offert", "VB: Offert",
                    "FW: Offert", "Fwd: Offert", "AW: Offert", "WG: Offert", "VS: Offert",
                    "Antw: Offert", "SV: RE: [EXT] Offert", "Automatiskt svar: SV: Offert"):
        assert normalize_subject(subject) == "offert", subject


def test_references_build_one_thread() -> None:
    messages = _read(conversation(steps=[("seller", "2026-03-02 09:00"),
                                         ("customer", "2026-03-03 10:00"),
                                         ("seller", "2026-03-03 14:00")]))
    threads = build_threads(messages, seller=SELLER)
    assert len(threads) == 1
    assert threads[0].id == messages[0].message_id
    assert threads[0].subject == "Offert lagerautomation"


def test_a_fresh_mail_with_the_same_subject_joins_its_thread() -> None:
    items = conversation(steps=[("seller", "2026-03-02 09:00"), ("customer", "2026-03-03 10:00")])
    # The customer's phone drops In-Reply-To and References.
    items.append(eml(subject="Re: Offert lagerautomation", date="2026-03-10 08:00"))
    assert len(build_threads(_read(items), seller=SELLER)) == 1


def test_the_same_subject_with_another_customer_stays_apart() -> None:
    items = conversation(steps=[("seller", "2026-03-02 09:00")])
    items.append(eml(sender="bo@lagerhuset.se", subject="SV: Offert lagerautomation",
                     date="2026-03-03 08:00"))
    assert len(build_threads(_read(items), seller=SELLER)) == 2


def test_the_same_subject_a_year_later_is_a_new_thread() -> None:
    items = [eml(subject="Offert", date="2025-01-10 09:00"),
             eml(subject="Offert", date="2026-03-10 09:00")]
    assert len(build_threads(_read(items), seller=SELLER)) == 2


def test_deals_group_by_domain_and_by_person_on_free_mail() -> None:
    items = [
        eml(sender="anna@kvarnbyn.se", subject="A"),
        eml(sender="bo@mail.kvarnbyn.se", subject="B"),
        eml(sender="lisa.k@gmail.com", subject="C"),
        eml(sender="per.p@gmail.com", subject="D"),
        eml(sender="erik@saljare.se", to="kollega@saljare.se", subject="Internt"),
    ]
    deals = group_deals(build_threads(_read(items), seller=SELLER), seller=SELLER)
    assert sorted(deal.organization for deal in deals) == [
        "kvarnbyn.se", "lisa.k@gmail.com", "per.p@gmail.com"]
    kvarnbyn = next(deal for deal in deals if deal.organization == "kvarnbyn.se")
    assert {c.email for c in kvarnbyn.contacts} == {"anna@kvarnbyn.se", "bo@mail.kvarnbyn.se"}


def test_seller_addresses_given_one_by_one() -> None:
    from tystnad.cli import parse_seller

    seller = parse_seller("saljare.se, @northwind.io,anna.solo@gmail.com")
    items = [eml(sender="anna.solo@gmail.com", to="kund@kvarnbyn.se", subject="Hej")]
    deals = group_deals(build_threads(_read(items), seller=seller), seller=seller)
    assert [deal.organization for deal in deals] == ["kvarnbyn.se"]
