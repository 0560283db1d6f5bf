"""Who is who: the seller's side from `--me`, the sent folder and the seller's group; a deal's people
as customer, colleague, third party or list; and which mail is the conversation with the customer."""

from __future__ import annotations

import pytest

from factories import eml, when
from tystnad.cli.common import parse_seller
from tystnad.errors import ConfigError
from tystnad.model import Address, Message, Party, RawMessage, Seller, Thread
from tystnad.read.clean import clean
from tystnad.read.parse import parse
from tystnad.understand.parties import conversation, is_conversation, is_sent_folder, people_of, seller_side
from tystnad.understand.threads import build_threads, group_deals

SELLER = Seller(domains=frozenset({"fjordlight.se"}))


def _read(data: bytes, origin: str = "inbox/1") -> Message:
    return clean(parse(RawMessage(data=data, origin=origin)))


def test_me_takes_a_subdomain_or_an_address_back_out() -> None:
    seller = parse_seller("fjordlight.se, !lists.fjordlight.se, karin@gmail.com, !support@fjordlight.se")
    assert seller.owns(Address(email="karin.ek@fjordlight.se"))
    assert seller.owns(Address(email="karin.ek@mail.fjordlight.se"))
    assert not seller.owns(Address(email="users@lists.fjordlight.se"))
    assert not seller.owns(Address(email="support@fjordlight.se"))
    assert seller.owns(Address(email="karin@gmail.com"))
    assert not seller.owns(Address(email="someone@gmail.com"))
    with pytest.raises(ConfigError):
        parse_seller("!lists.fjordlight.se")


@pytest.mark.parametrize(("origin", "sent"), [
    ("/home/k/Mail/Sent/cur/1733.M1:2,S", True),
    ("/home/k/Maildir/.Sent/cur/1733.M1:2,S", True),
    ("/home/k/Maildir/.INBOX.Skickat/cur/1", True),
    ("/exports/Sent Items.mbox#12", True),
    ("/exports/Skickade objekt.mbox#3", True),
    ("/exports/[Gmail]/Sent Mail.mbox#3", True),
    ("/data/enron.giron-d.sent_items.mbox.gz#40", True),
    ("/data/enron.giron-d._sent_mail.mbox.gz#40", True),
    ("/home/k/Mail/Inbox/cur/1", False),
    ("/home/k/Mail/consent forms/cur/1", False),
    ("/data/enron.giron-d.inbox.mbox.gz#40", False),
])
def test_sent_folders_as_clients_and_exports_name_them(origin: str, sent: bool) -> None:
    assert is_sent_folder(origin) is sent


def test_the_sent_folder_tells_the_seller_s_other_addresses_and_the_group_company_is_their_side() -> None:
    messages = [
        _read(eml(sender="Karin Ek <karin@ek-konsult.se>", to="Olle <olle.hansson@gmail.com>"), "Mail/Sent/cur/1"),
        _read(eml(sender="Karin Ek <karin.ek@fjordlight.se>", to="Bo <bo@telia.com>"), "Mail/Sent/cur/2"),
        _read(eml(sender="Lars Oberg <lars.oberg@fjordlight-group.com>", to="karin.ek@fjordlight.se")),
        _read(eml(sender="Per <per@fjordlightning.se>", to="karin.ek@fjordlight.se")),
    ]
    seller = seller_side(SELLER, messages)
    assert seller.is_seller(Address(email="karin@ek-konsult.se"))
    assert seller.is_seller(Address(email="karin.ek@fjordlight.se"))
    assert seller.owns(Address(email="lars.oberg@fjordlight-group.com"))
    assert not seller.is_seller(Address(email="lars.oberg@fjordlight-group.com"))
    assert not seller.owns(Address(email="per@fjordlightning.se"))  # a name that only begins alike


def test_an_export_of_all_mail_in_one_file_tells_the_seller_by_gmail_s_sent_label() -> None:
    # Google Takeout writes every message to one mbox; only X-Gmail-Labels says which were sent.
    takeout = "/exports/All mail Including Spam and Trash.mbox"
    messages = [
        _read(eml(sender="Karin Ek <karin.ek.salj@gmail.com>", to="Olle <olle@kvarnbyn.se>",
                  headers={"X-Gmail-Labels": 'Skickat,"Kunder, Norr",Viktigt'}), f"{takeout}#1"),
        _read(eml(sender="Olle <olle@kvarnbyn.se>", to="karin.ek.salj@gmail.com",
                  headers={"X-Gmail-Labels": "Inkorgen,Viktigt"}), f"{takeout}#2"),
    ]
    assert messages[0].labels == ("Skickat", "Kunder, Norr", "Viktigt")
    seller = seller_side(SELLER, messages)
    assert seller.is_seller(Address(email="karin.ek.salj@gmail.com"))
    assert not seller.owns(Address(email="olle@kvarnbyn.se"))


def _deal_of(messages: list[Message], seller: Seller = SELLER):
    (deal,) = group_deals(build_threads(messages, seller=seller), seller=seller)
    return deal


def test_a_partner_s_words_are_theirs_and_the_customer_s_private_address_is_the_customer() -> None:
    intro = _read(eml(sender="Per Holm <per.holm@avanti-it.se>", to="Anna Berg <anna.berg@kvarnbyn.se>",
                      body="Hej Anna,\n\nHär är Karin som jag nämnde.\n\n"
                           "Per Holm\nCertifierad återförsäljare, Avanti IT",
                      date="2026-11-02 09:00", message_id="<intro@x>",
                      headers={"Cc": "Karin Ek <karin.ek@fjordlight.se>"}))
    answer = _read(eml(sender="Karin Ek <karin.ek@fjordlight.se>", to="Anna Berg <anna.berg@kvarnbyn.se>",
                       date="2026-11-02 10:00", message_id="<k1@x>", in_reply_to="<intro@x>",
                       headers={"Cc": "Per Holm <per.holm@avanti-it.se>"}))
    private = _read(eml(sender="Anna Berg <anna.berg@gmail.com>", to="Karin Ek <karin.ek@fjordlight.se>",
                        date="2026-11-03 20:00", message_id="<a1@x>", in_reply_to="<k1@x>"))
    to_partner = _read(eml(sender="Karin Ek <karin.ek@fjordlight.se>", to="Per Holm <per.holm@avanti-it.se>",
                           date="2026-11-04 08:00", message_id="<k2@x>", in_reply_to="<a1@x>"))
    deal = _deal_of([intro, answer, private, to_partner])
    assert deal.organization == "kvarnbyn.se"
    assert {c.email for c in deal.contacts} == {"anna.berg@kvarnbyn.se", "anna.berg@gmail.com"}
    others = {p.address.email: (p.party, p.kind) for p in deal.others}
    assert others["per.holm@avanti-it.se"] == (Party.THIRD_PARTY, "partner")
    assert others["karin.ek@fjordlight.se"][0] is Party.COLLEAGUE  # no sent folder: the seller's side
    (thread,) = deal.threads
    assert [m.message_id for m in thread.messages] == ["<k1@x>", "<a1@x>"]
    assert [m.message_id for m in thread.asides] == ["<intro@x>", "<k2@x>"]


def test_a_namesake_on_gmail_is_a_stranger_unless_the_whole_name_matches() -> None:
    threads = [Thread(id="<t>", subject="x", messages=(
        _read(eml(sender="Anna Berg <anna.berg@kvarnbyn.se>", to="karin.ek@fjordlight.se")),
        _read(eml(sender="Anna <anna.b@gmail.com>", to="karin.ek@fjordlight.se")),
        _read(eml(sender="Anna Lind <anna.lind@gmail.com>", to="karin.ek@fjordlight.se")),
    ))]
    contacts, others = people_of("kvarnbyn.se", threads, SELLER)
    assert [c.email for c in contacts] == ["anna.berg@kvarnbyn.se"]
    assert {p.address.email for p in others if p.party is Party.THIRD_PARTY} == {"anna.b@gmail.com",
                                                                                 "anna.lind@gmail.com"}


def test_a_list_thread_belongs_to_the_customer_the_seller_answered_and_a_list_never_is_one() -> None:
    lists = {"List-Id": "<users.lists.fjordlight.se>", "List-Post": "<mailto:users@lists.fjordlight.se>",
             "Precedence": "list"}
    seller = parse_seller("fjordlight.se,!lists.fjordlight.se")
    question = _read(eml(sender='"Erik Sandberg via Users" <users@lists.fjordlight.se>',
                         to="users@lists.fjordlight.se", message_id="<q@x>", date="2026-11-02 09:00",
                         headers={**lists, "Reply-To": "Erik Sandberg <erik@hallsta.se>"}))
    helper = _read(eml(sender='"Nils via Users" <users@lists.fjordlight.se>', to="users@lists.fjordlight.se",
                       message_id="<n@x>", in_reply_to="<q@x>", date="2026-11-02 11:00",
                       headers={**lists, "X-Original-From": "Nils Strom <nisse@gmail.com>"}))
    answer = _read(eml(sender="Karin Ek <karin.ek@fjordlight.se>", to="users@lists.fjordlight.se",
                       message_id="<a@x>", in_reply_to="<q@x>", date="2026-11-02 13:00"))
    chatter = [_read(eml(sender='"Nils via Users" <users@lists.fjordlight.se>', to="users@lists.fjordlight.se",
                         subject="Tips", message_id=f"<c{i}@x>", date=f"2026-11-0{3 + i} 09:00",
                         headers={**lists, "X-Original-From": "Nils Strom <nisse@gmail.com>"}))
               for i in range(2)]
    threads = build_threads([question, helper, answer, *chatter], seller=seller)
    assert sorted(is_conversation(t, seller) for t in threads) == [False, True]
    (deal,) = group_deals(threads, seller=seller)
    assert deal.organization == "hallsta.se"
    assert [c.email for c in deal.contacts] == ["erik@hallsta.se"]
    parties = {p.address.email: (p.party, p.kind) for p in deal.others}
    assert parties["users@lists.fjordlight.se"] == (Party.LIST, "")
    assert parties["nisse@gmail.com"] == (Party.THIRD_PARTY, "community")
    judged = conversation(deal, seller, [question, helper, answer])
    assert [m.message_id for m in judged] == ["<q@x>", "<a@x>"]


def test_a_newsletter_is_no_deal_until_the_seller_writes_back() -> None:
    letter = _read(eml(sender="Branschforum <nyhetsbrev@branschforum.se>", to="karin.ek@fjordlight.se",
                       message_id="<n1@x>", headers={"List-Unsubscribe": "<https://branschforum.se/av>"}))
    (thread,) = build_threads([letter], seller=SELLER)
    assert not is_conversation(thread, SELLER)
    reply = _read(eml(sender="Karin Ek <karin.ek@fjordlight.se>", to="nyhetsbrev@branschforum.se",
                      message_id="<r1@x>", in_reply_to="<n1@x>", date=when("2026-03-03 09:00")))
    (thread,) = build_threads([letter, reply], seller=SELLER)
    assert is_conversation(thread, SELLER)
