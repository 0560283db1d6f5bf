"""Who is who: the seller's side of a mailbox, and each deal's people as customer, seller's side,
third party or mailing list.

`--me` names the seller's domains and addresses; the mailbox adds what the seller would otherwise
have to list by hand: the addresses their sent folder writes from (aliases, a shared sales@, a
private address) and the companies of their own group ("nordvik-group.com" beside "nordvik.io").
Within a deal, only the customer's people speak for the customer, and the seller's side of the
conversation is what the seller wrote to them: a partner's introduction, a consultant's summary or
the seller's note to a colleague is part of the thread, never the customer's evidence or a follow-up.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import replace
from functools import cache, lru_cache

from tystnad.language import languages, mail_systems
from tystnad.model import Address, Deal, Message, Party, Person, Seller, Thread
from tystnad.read.phrases import fold
from tystnad.understand.addresses import is_free_mail, organization_of, registrable_domain

__all__ = ["seller_side", "is_sent_folder", "is_sent_copy", "people_of", "person_name", "conversation",
           "is_conversation", "list_addresses"]

# An address writing at least this share of the sent folder's mail is the seller's own; below it,
# a stray copy of someone else's mail filed there.
ALIAS_SHARE = 0.02
# A seller's domain name this short ("ab.se") says too little to recognise its group companies by.
_SHORTEST_LABEL = 4

_SEPARATORS = re.compile(r"[\s._\-]+")
_FOLDER_SUFFIXES = (".gz", ".mbox", ".mbx", ".eml", ".sbd")


def is_sent_folder(origin: str) -> bool:
    """Whether a message was read from a folder of sent mail ("Sent Items/…", "Skickat.mbox#3",
    "jane.sent_items.mbox.gz#12", a Maildir's ".Sent/cur/…")."""
    # Asked of every message: the answer is the folder's, so it is worked out once a folder.
    folder = origin.rpartition("#")[0] if "#" in origin else origin.replace("\\", "/").rpartition("/")[0]
    return _is_sent(folder)


def is_sent_copy(message: Message) -> bool:
    """Read from a folder of sent mail, or labelled as sent in an export of all mail (Gmail Takeout)."""
    return is_sent_folder(message.origin) or any(_is_sent(label) for label in message.labels)


@lru_cache(maxsize=1024)
def _is_sent(folder: str) -> bool:
    names = mail_systems().sent_folders
    for component in folder.replace("\\", "/").split("/"):
        lowered = component.lower()
        for suffix in _FOLDER_SUFFIXES:
            lowered = lowered.removesuffix(suffix)
        words = _SEPARATORS.sub(" ", lowered).strip(" []")
        if words and (words in names or any(words.endswith(" " + name) for name in names)):
            return True
    return False


def seller_side(seller: Seller, messages: Collection[Message]) -> Seller:
    """`seller` with the aliases its sent folders write from and the domains of its own group."""
    sent = Counter(m.sender.email for m in messages if m.mailing_list is None and is_sent_copy(m))
    total = sum(sent.values())
    aliases = {email for email, count in sent.items() if count >= max(1.0, ALIAS_SHARE * total)}
    aliases -= seller.excluded
    return replace(seller, addresses=seller.addresses | aliases,
                   domains=seller.domains | _group_domains(seller, messages))


def _group_domains(seller: Seller, messages: Iterable[Message]) -> frozenset[str]:
    labels = {label for label in (_label(domain) for domain in seller.domains) if len(label) >= _SHORTEST_LABEL}
    if not labels:
        return frozenset()
    domains = {a.domain for m in messages for a in (m.sender, *m.to, *m.cc)}
    found = set()
    for domain in domains:
        address = Address(email=f"x@{domain}")
        if seller.owns(address) or is_free_mail(address):
            continue
        registered = registrable_domain(domain)
        if registered not in seller.excluded and any(_is_group_name(_label(registered), own) for own in labels):
            found.add(registered)
    return frozenset(found)


def _label(domain: str) -> str:
    """The name an organisation registered: "saljab" of "mail.saljab.co.uk"."""
    return registrable_domain(domain).partition(".")[0]


def _is_group_name(label: str, own: str) -> bool:
    """"nordvik", "nordvik-group", "nordvikgroup", "nordvik-nordic-ab" are the group of "nordvik"."""
    return label.startswith(own) and _affiliate_words().fullmatch(label[len(own):]) is not None


@cache
def _affiliate_words() -> re.Pattern[str]:
    words = sorted(mail_systems().affiliate_words, key=len, reverse=True)
    return re.compile(rf"(?:-?(?:{'|'.join(map(re.escape, words))}))*")


def list_addresses(messages: Iterable[Message]) -> frozenset[str]:
    """The posting addresses of the lists and groups these messages came through."""
    return frozenset(m.mailing_list for m in messages if m.mailing_list)


def is_conversation(thread: Thread, seller: Seller) -> bool:
    """A thread the seller takes part in or that was written to them: not one only a list, a
    newsletter or a notification sent. A list of the seller's own (a sales@ group) is written to them."""
    for message in thread.messages:
        if seller.owns(message.sender) or not message.is_bulk:
            return True
        if message.mailing_list and seller.owns(Address(email=message.mailing_list)):
            return True
    return False


def people_of(organization: str, threads: Iterable[Thread], seller: Seller) -> tuple[tuple[Address, ...],
                                                                                       tuple[Person, ...]]:
    """The deal's customer people (most active first) and everyone else who took part."""
    messages = [m for thread in threads for m in thread.messages]
    lists = list_addresses(messages)
    counts: Counter[str] = Counter()
    named: dict[str, Address] = {}
    signatures: dict[str, str] = {}
    via_list: set[str] = set()
    for message in messages:
        if message.signature:
            signatures[message.sender.email] = message.signature
        if message.mailing_list:
            via_list.add(message.sender.email)
        for address in (message.sender, *message.recipients):
            counts[address.email] += 1
            if address.name or address.email not in named:
                named[address.email] = address
    ordered = [named[email] for email, _ in counts.most_common()]
    customer_names = {person_name(a) for a in ordered
                      if a.email not in lists and not seller.owns(a) and organization_of(a) == organization}
    customer_names.discard("")
    contacts: list[Address] = []
    others: list[Person] = []
    for address in ordered:
        party = _party(address, organization, seller, lists, customer_names)
        if party is Party.CUSTOMER:
            contacts.append(address)
        else:
            kind = _kind(signatures.get(address.email, ""), address, address.email in via_list) \
                if party is Party.THIRD_PARTY else ""
            others.append(Person(address=address, party=party, kind=kind))
    return tuple(contacts), tuple(others)


def _party(address: Address, organization: str, seller: Seller, lists: frozenset[str],
           customer_names: set[str]) -> Party:
    if address.email in lists:
        return Party.LIST
    if seller.owns(address):
        return Party.SELLER if seller.is_seller(address) else Party.COLLEAGUE
    own = organization_of(address)
    if own == organization:
        return Party.CUSTOMER
    if "@" not in organization and "@" not in own and _is_group_name(_label(own), _label(organization)):
        return Party.CUSTOMER  # "kvarnbyn.com" or "kvarnbyn-group.se" beside "kvarnbyn.se"
    if is_free_mail(address) and person_name(address) in customer_names:
        return Party.CUSTOMER  # the same person writing from home ("skriver från privata mejlen")
    return Party.THIRD_PARTY


def person_name(address: Address) -> str:
    """A display name that names one person ("Mikael Strand"), folded; "" for "Sales" or none."""
    words = fold(address.name).replace(",", " ").split()
    return " ".join(sorted(words)) if len(words) >= 2 and "@" not in address.name else ""


@cache
def _kind_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    def pattern(words: set[str]) -> re.Pattern[str]:
        alternatives = "|".join(re.escape(fold(w)) for w in sorted(words, key=len, reverse=True)) or "(?!)"
        return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")

    return (("partner", pattern({w for lang in languages() for w in lang.partner_words})),
            ("consultant", pattern({w for lang in languages() for w in lang.consultant_words})))


def _kind(signature: str, address: Address, came_via_list: bool) -> str:
    """What a third party is, where their signature or the way they take part says so."""
    folded = fold(signature)
    for kind, pattern in _kind_patterns():
        if pattern.search(folded):
            return kind
    if came_via_list or is_free_mail(address):
        return "community"
    return ""


def conversation(deal: Deal, seller: Seller, messages: Iterable[Message]) -> list[Message]:
    """The messages that are the seller's conversation with the customer: what the customer's people
    wrote, and what the seller's side wrote to them (directly, or to a list they posted on). Mail the
    seller's side sent to no one outside (a draft saved without recipients) counts too."""
    return conversations(deal, seller, [messages])[0]


def conversations(deal: Deal, seller: Seller, threads: Iterable[Iterable[Message]]) -> list[list[Message]]:
    """`conversation` for each of a deal's threads, its people worked out once."""
    customers = {c.email for c in deal.contacts}
    lists = {p.address.email for p in deal.others if p.party is Party.LIST}
    return [_conversation(messages, seller, customers, lists) for messages in threads]


def _conversation(messages: Iterable[Message], seller: Seller, customers: set[str],
                  lists: set[str]) -> list[Message]:
    kept = []
    for message in messages:
        if message.sender.email in customers:
            kept.append(message)
        elif seller.owns(message.sender) and message.sender.email not in lists:
            recipients = message.recipients
            if not recipients or any(a.email in customers or a.email in lists for a in recipients):
                kept.append(message)
    return kept
