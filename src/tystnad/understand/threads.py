"""Iterable[Message] -> threads (JWZ by References/In-Reply-To, then subject) -> deals by organisation."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import replace
from datetime import timedelta
from functools import cache

from tystnad.language import languages, mail_systems
from tystnad.model import Deal, Message, Seller, Thread
from tystnad.understand.addresses import is_free_mail, organization_of
from tystnad.understand.parties import conversations, is_conversation, list_addresses, people_of, person_name

__all__ = ["build_threads", "group_deals", "grow_deals", "normalize_subject", "chronological"]

# A fresh mail with the same subject joins an earlier thread only this soon after it.
SUBJECT_MERGE_WINDOW = timedelta(days=120)


@cache
def _prefix_pattern() -> re.Pattern[str]:
    words = {
        prefix
        for lang in languages()
        for prefix in (*lang.reply_prefixes, *lang.forward_prefixes, *lang.auto_reply_subjects)
    } | set(mail_systems().other_subject_prefixes)
    alternatives = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
    # "SV: Re[2]: FW: [EXT] Offert", "Automatiskt svar: SV: Offert"
    return re.compile(
        rf"^(?:\s*(?:(?:{alternatives})\s*(?:\[\d+\]|\(\d+\))?\s*[:：]|\[[^\]]{{1,20}}\])\s*)+",
        re.IGNORECASE,
    )


def normalize_subject(subject: str) -> str:
    stripped = _prefix_pattern().sub("", subject)
    return " ".join(stripped.split()).casefold()


class _Container:
    __slots__ = ("message_id", "message", "parent", "children")

    def __init__(self, message_id: str) -> None:
        self.message_id = message_id
        self.message: Message | None = None
        self.parent: _Container | None = None
        self.children: list[_Container] = []

    def is_ancestor_of(self, other: _Container) -> bool:
        node: _Container | None = other
        while node is not None:
            if node is self:
                return True
            node = node.parent
        return False


def _link(parent: _Container, child: _Container) -> None:
    if child.parent is not None or parent is child or child.is_ancestor_of(parent):
        return
    child.parent = parent
    parent.children.append(child)


def build_threads(messages: Iterable[Message], *, seller: Seller) -> list[Thread]:
    """Every message lands in exactly one thread, whatever the input order."""
    table: dict[str, _Container] = {}

    def container(message_id: str) -> _Container:
        found = table.get(message_id)
        if found is None:
            found = table[message_id] = _Container(message_id)
        return found

    for message in sorted(messages, key=chronological):
        own = container(message.message_id)
        if own.message is not None:
            continue  # the same message twice (Inbox and Sent): counted once
        own.message = message
        chain = list(message.references)
        if message.in_reply_to and (not chain or chain[-1] != message.in_reply_to):
            chain.append(message.in_reply_to)
        chain = [ref for ref in chain if ref != message.message_id]
        for parent_id, child_id in zip(chain, chain[1:], strict=False):
            _link(container(parent_id), container(child_id))
        if chain:
            _link(container(chain[-1]), own)

    trees: list[tuple[str, list[Message]]] = []
    for node in table.values():
        if node.parent is None:
            found = _collect(node)
            if found:
                trees.append((node.message_id, found))
    return _merge_by_subject(trees, seller=seller)


def _collect(root: _Container) -> list[Message]:
    found: list[Message] = []
    stack = [root]
    while stack:
        node = stack.pop()
        if node.message is not None:
            found.append(node.message)
        stack.extend(node.children)
    return sorted(found, key=chronological)


def chronological(message: Message) -> tuple[float, str]:
    # A float sorts far faster than an aware datetime, which asks its zone on every comparison.
    return message.date.timestamp(), message.message_id


def _counterparts(messages: list[Message], seller: Seller) -> frozenset[str]:
    lists = list_addresses(messages)
    people: set[str] = set()
    for message in messages:
        for address in (message.sender, *message.recipients):
            if not seller.owns(address) and address.email not in lists:
                people.add(organization_of(address))
    return frozenset(people)


def _merge_by_subject(trees: list[tuple[str, list[Message]]], *, seller: Seller) -> list[Thread]:
    """Join trees a client broke apart: same normalised subject, same customer organisation,
    close in time. Clients that drop In-Reply-To, and customers who start a fresh mail."""
    trees.sort(key=lambda tree: (tree[1][0].date.timestamp(), tree[0]))
    open_by_subject: dict[str, list[tuple[str, list[Message], frozenset[str]]]] = defaultdict(list)
    merged: list[tuple[str, list[Message]]] = []
    for root_id, found in trees:
        key = normalize_subject(found[0].subject)
        orgs = _counterparts(found, seller)
        target = None
        if key:
            for candidate in reversed(open_by_subject[key]):
                _, messages, candidate_orgs = candidate
                if orgs & candidate_orgs and found[0].date - messages[-1].date <= SUBJECT_MERGE_WINDOW:
                    target = candidate
                    break
        if target is not None:
            target[1].extend(found)
            target[1].sort(key=chronological)
            continue
        entry = (root_id, found, orgs)
        open_by_subject[key].append(entry)
        merged.append((root_id, found))
    return [
        Thread(id=root_id, subject=_display_subject(found), messages=tuple(found))
        for root_id, found in merged
    ]


def _display_subject(messages: list[Message]) -> str:
    first = messages[0].subject
    return _prefix_pattern().sub("", first).strip() or first


def group_deals(threads: Iterable[Thread], *, seller: Seller) -> list[Deal]:
    """One deal per customer organisation; threads among the seller's own people, and threads only
    a list, a newsletter or a notification wrote (is_conversation), are not deals."""
    by_org: dict[str, list[Thread]] = defaultdict(list)
    for thread in threads:
        org = _thread_organization(thread, seller) if is_conversation(thread, seller) else None
        if org is not None:
            by_org[org].append(thread)
    deals = [_judged(org, grouped, seller) for org, grouped in by_org.items()]
    return [deal for deal in deals if deal.threads]


def _judged(organization: str, threads: list[Thread], seller: Seller) -> Deal:
    """The deal with its people sorted out and each thread split into the conversation with the
    customer and the asides around it; a thread with no conversation left is not part of the deal."""
    contacts, others = people_of(organization, threads, seller)
    deal = Deal(organization=organization, contacts=contacts, others=others)
    split = []
    for thread, kept in zip(threads, conversations(deal, seller, (t.messages for t in threads)), strict=True):
        if kept:
            ids = {m.message_id for m in kept}
            split.append(replace(thread, messages=tuple(kept),
                                 asides=tuple(m for m in thread.messages if m.message_id not in ids)))
    split.sort(key=lambda t: (t.messages[-1].date.timestamp(), t.id), reverse=True)
    return replace(deal, threads=tuple(split))


def _thread_organization(thread: Thread, seller: Seller) -> str | None:
    """The organisation the seller is in conversation with: who writes to the seller and whom the
    seller writes to count double, an answer to the seller's own mail more still, so a partner who
    opened the thread by writing to the customer does not take the customer's deal; mail among
    outsiders counts once. A customer writing from home counts for their organisation. On a mailing
    list the seller answers the list, so the answer counts for the author of the message it answers."""
    lists = list_addresses(thread.messages)
    by_id = {message.message_id: message for message in thread.messages}
    home = _home_organizations(thread, seller, lists)
    parties: Counter[str] = Counter()
    for message in thread.messages:
        if message.is_bounce:
            continue  # a mail server's report names the server, not the customer
        if not seller.owns(message.sender):
            if message.sender.email in lists:
                continue  # the list wrote, and kept no author
            to_seller = any(seller.owns(address) and address.email not in lists
                            for address in (*message.to, *message.cc))
            answered = by_id.get(message.in_reply_to or "")
            answers_seller = answered is not None and seller.owns(answered.sender)
            weight = 3 if answers_seller and to_seller else 2 if to_seller else 1
            parties[home.get(message.sender.email) or organization_of(message.sender)] += weight
            continue
        targets = message.to or message.cc
        outside = [address for address in targets if not seller.owns(address) and address.email not in lists]
        for address in outside:
            parties[home.get(address.email) or organization_of(address)] += 2
        answered = by_id.get(message.in_reply_to or "")
        if not outside and any(a.email in lists for a in targets) and answered is not None \
                and not seller.owns(answered.sender) and answered.sender.email not in lists:
            parties[organization_of(answered.sender)] += 2
    if not parties:
        return None
    return parties.most_common(1)[0][0]


def _home_organizations(thread: Thread, seller: Seller, lists: frozenset[str]) -> dict[str, str]:
    """Free-mail addresses in the thread whose whole name is that of someone at an organisation in
    it ("Anna Berg <anna.berg@gmail.com>" beside anna.berg@kvarnbyn.se), mapped to that organisation."""
    people = {a for m in thread.messages for a in (m.sender, *m.recipients)
              if not seller.owns(a) and a.email not in lists}
    by_name = {person_name(a): organization_of(a) for a in people if not is_free_mail(a) and person_name(a)}
    return {a.email: by_name[person_name(a)] for a in people
            if is_free_mail(a) and person_name(a) in by_name}


def _outside_party(message: Message, seller: Seller) -> str | None:
    """The customer organisation one message is with: its sender's, or whom the seller wrote to."""
    if message.is_bounce:
        return None
    if not seller.owns(message.sender):
        if message.is_bulk and message.sender.email == message.mailing_list:
            return None
        return organization_of(message.sender)
    for address in message.to or message.cc:
        if not seller.owns(address) and address.email != message.mailing_list:
            return organization_of(address)
    return None


def grow_deals(messages: Iterable[Message], *, seller: Seller) -> list[Deal]:
    """Threads and deals as they stood when each message arrived, for replaying history without
    hindsight: a message joins only a thread that came before it (by its references, else by subject
    within SUBJECT_MERGE_WINDOW of that thread's latest message), and a thread's customer is the
    first outside party it had. build_threads, which sees the whole mailbox at once, may let a later
    message decide an earlier one's thread or customer; a scan has no later mail, a backtest does."""
    thread_of: dict[str, int] = {}
    threads: list[list[Message]] = []
    customers: list[str | None] = []
    by_subject: dict[tuple[str, str], list[int]] = defaultdict(list)
    for message in sorted(messages, key=chronological):
        organization = _outside_party(message, seller)
        key = normalize_subject(message.subject)
        target = next((thread_of[ref] for ref in (message.in_reply_to, *reversed(message.references))
                       if ref and ref in thread_of), None)
        if target is None and key and organization is not None:
            target = next((candidate for candidate in reversed(by_subject[(key, organization)])
                           if message.date - threads[candidate][-1].date <= SUBJECT_MERGE_WINDOW), None)
        if target is None:
            target = len(threads)
            threads.append([])
            customers.append(None)
        if customers[target] is None and organization is not None:
            customers[target] = organization
            if key:
                by_subject[(key, organization)].append(target)
        threads[target].append(message)
        thread_of.setdefault(message.message_id, target)
    by_org: dict[str, list[Thread]] = defaultdict(list)
    for found, organization in zip(threads, customers, strict=True):
        thread = Thread(id=found[0].message_id, subject=_display_subject(found), messages=tuple(found))
        if organization is not None and is_conversation(thread, seller):
            by_org[organization].append(thread)
    deals = [_judged(org, grouped, seller) for org, grouped in by_org.items()]
    return [deal for deal in deals if deal.threads]

