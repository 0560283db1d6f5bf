"""LabelledCase -> Example: each case's deal read by the detectors and the rules alone (no learned
decision), scanned with the other cases of its analysis moment so grouping and threading count too."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from tystnad.model import Deal, Seller
from tystnad.pipeline import read_deals
from tystnad.train.corpus import LabelledCase
from tystnad.understand.diagnosis import Understanding, diagnose
from tystnad.understand.risk import prior_model

__all__ = ["Example", "collect", "SELLERS"]

# The seller's side in every corpus: ../shared's (saljab.se, northwind.io), tests/corpus's and corpus/'s.
SELLERS = Seller(domains=frozenset({"saljab.se", "northwind.io", "saljare.se", "vendorly.io", "saljhuset.se",
                                     "nordvik.io"}))


@dataclass(frozen=True, slots=True, kw_only=True)
class Example:
    case: LabelledCase
    understood: Understanding | None  # None: no deal of the case's customer was found


def _find(deals: Sequence[Deal], domain: str) -> Deal | None:
    found = [deal for deal in deals if deal.organization == domain
             or any(contact.email.endswith("@" + domain) for contact in deal.contacts)]
    if not found:
        return None
    return max(found, key=lambda deal: max(m.date for thread in deal.threads for m in thread.messages))


def collect(cases: Sequence[LabelledCase], *, home_country: str = "SE",
            home_zone: str = "Europe/Stockholm") -> list[Example]:
    # One scan a corpus and analysis moment: corpora written apart may reuse a customer's domain.
    by_now: dict[tuple[str, str], list[LabelledCase]] = defaultdict(list)
    for case in cases:
        by_now[(str(case.mail.parent.parent), case.now)].append(case)
    found: dict[str, Example] = {}
    for (_, now_text), group in sorted(by_now.items()):
        # As `tystnad scan --now` reads it: the machine's zone unless an offset is given.
        now = datetime.fromisoformat(now_text)
        now = now if now.tzinfo else now.astimezone()
        mailbox = read_deals([case.mail for case in group], seller=SELLERS, now=now, home_country=home_country,
                             home_zone=home_zone)
        context = replace(mailbox.context, risk_model=prior_model(), decision_model=None)
        for case in group:
            deal = _find(mailbox.deals, case.customer_domain)
            understood = None if deal is None else diagnose(deal, context=context)
            found[case.id] = Example(case=case, understood=understood)
    return [found[case.id] for case in cases]

