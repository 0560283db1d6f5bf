"""A seller's mailbox that mixes every kind of party (tests/data/parties, labelled per message and per
deal): a reseller and a consultant cc'd, the parent company's controller, customers on gmail, on a
national provider and at a university's subdomain, a user list that rewrites senders, a newsletter,
a notification, disclaimers and 72-column wraps. Who wrote each message, who each person is to the
seller, which deals there are, and that only the customer's words are the customer's evidence."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from tystnad.cli.common import parse_seller
from tystnad.model import Address, Diagnosis, Message, Party, RawMessage, ScanResult
from tystnad.pipeline import scan
from tystnad.read.parse import parse
from tystnad.understand.parties import seller_side

ROOT = Path(__file__).resolve().parent.parent / "data" / "parties"
LABELS = tomllib.loads((ROOT / "labels.toml").read_text(encoding="utf-8"))
SELLER = parse_seller(LABELS["me"])
NOW = __import__("datetime").datetime.strptime(LABELS["now"], "%Y-%m-%d %H:%M %z")
MESSAGES = LABELS["message"]
DEALS = {deal["organization"]: deal for deal in LABELS["deal"]}


@pytest.fixture(scope="module")
def result() -> ScanResult:
    return scan([ROOT / "mailbox"], seller=SELLER, now=NOW, home_country="SE", home_zone="Europe/Stockholm")


def _read(file: str) -> Message:
    return parse(RawMessage(data=(ROOT / file).read_bytes(), origin=str(ROOT / file)))


@pytest.mark.parametrize("label", MESSAGES, ids=[m["file"].split("/")[-1][:16] for m in MESSAGES])
def test_each_message_has_its_real_author(label: dict[str, str]) -> None:
    assert _read(label["file"]).sender.email == label["author"]


def test_the_deals_are_the_customers_and_nothing_else(result: ScanResult) -> None:
    assert {d.deal.organization for d in result.diagnoses} == set(DEALS)
    # List thread B, the newsletter and the notification: left out and counted.
    assert result.left_out == LABELS["left_out"]


def _deal(result: ScanResult, organization: str) -> Diagnosis:
    return next(d for d in result.diagnoses if d.deal.organization == organization)


@pytest.mark.parametrize("organization", sorted(DEALS))
def test_each_deal_knows_its_people(result: ScanResult, organization: str) -> None:
    label, deal = DEALS[organization], _deal(result, organization).deal
    assert {c.email for c in deal.contacts} == set(label["contacts"])
    parties = {p.address.email: p.party for p in deal.others}
    assert {e for e, p in parties.items() if p is Party.THIRD_PARTY} == set(label["third_parties"])
    assert {e for e, p in parties.items() if p is Party.COLLEAGUE} == set(label["colleagues"])


def _by_id(result: ScanResult) -> dict[str, tuple[str, Message]]:
    return {m.message_id: (d.deal.organization, m) for d in result.diagnoses
            for t in d.deal.threads for m in (*t.messages, *t.asides)}


def test_each_message_s_author_is_the_party_the_labels_say(result: ScanResult) -> None:
    found = _by_id(result)
    seller = seller_side(SELLER, [_read(m["file"]) for m in MESSAGES])
    for label in MESSAGES:
        message = _read(label["file"])
        if message.message_id not in found:
            continue  # mail that is no deal (internal, the list's side talk, a newsletter)
        organization, _ = found[message.message_id]
        deal = _deal(result, organization).deal
        people = {c.email: (Party.CUSTOMER, "") for c in deal.contacts}
        people |= {p.address.email: (p.party, p.kind) for p in deal.others}
        party, kind = people[message.sender.email]
        assert str(party) == label["party"], label["file"]
        assert kind == label.get("kind", ""), label["file"]
    # The old address is hers only because her sent folder writes from it; the group's controller
    # is a colleague only because the group carries the company's name.
    assert seller.is_seller(Address(email="karin@ek-konsult.se"))
    assert seller.owns(Address(email="lars.oberg@fjordlight-group.com"))
    assert not SELLER.owns(Address(email="karin@ek-konsult.se"))


@pytest.mark.parametrize("organization", sorted(DEALS))
def test_only_the_customer_speaks_for_the_customer(result: ScanResult, organization: str) -> None:
    diagnosis, label = _deal(result, organization), DEALS[organization]
    found = _by_id(result)
    customers = {c.email for c in diagnosis.deal.contacts}
    # Some evidence is the seller's own mail (a chase, a recap the customer confirmed); none is a
    # partner's, a consultant's or a list member's.
    evidence = [s.evidence for s in diagnosis.signals] + [m.evidence for m in diagnosis.meddicc]
    for item in evidence:
        if item is None or not item.message_id:
            continue
        author = found[item.message_id][1].sender
        assert author.email in customers or seller_side(SELLER, [found[item.message_id][1]]).owns(author), \
            (item, author)
    last = found[label["last_customer_message"]][1]
    assert diagnosis.timeline.last_inbound == last.date
    assert diagnosis.language == label["language"]
    if diagnosis.play is not None and diagnosis.play.draft is not None:
        assert set(diagnosis.play.draft.to) <= customers


_WRAPPED_ON = re.compile(r"^[ \t]*\n[ \t>]*[a-zåäö]")
_FOOTER = re.compile(r"konfidentiell|confidential|unsubscribe|mailing list|_{5,}", re.IGNORECASE)


def test_quotes_are_whole_sentences_without_footers(result: ScanResult) -> None:
    found = _by_id(result)
    quotes = [(s.evidence.message_id, s.evidence.quote) for d in result.diagnoses for s in d.signals
              if s.evidence is not None and s.evidence.quote]
    assert quotes
    for message_id, quote in quotes:
        text = found[message_id][1].new_text
        at = text.find(quote)
        assert at >= 0, quote
        assert not _WRAPPED_ON.match(text[at + len(quote):]), quote
        assert not _FOOTER.search(quote), quote
