"""Risk: the probability, as of now, that the customer does not reply within 14 calendar days while
the seller waits; from the features of risk/features.py through a prior or a model fitted on the
seller's own history (calibrate.py), measured by replaying that history (backtest.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
from numpy.typing import NDArray

from tystnad.model import Deal, Rhythm, RiskDriver, Seller
from tystnad.understand.risk.explain import explain
from tystnad.understand.risk.features import FEATURES, HORIZON_DAYS, Conversation, Customer, Waiting, features_of
from tystnad.understand.risk.model import RiskModel, prior_model
from tystnad.understand.threads import chronological
from tystnad.understand.timing import BusinessCalendar

__all__ = ["Assessment", "FEATURES", "HORIZON_DAYS", "RiskModel", "assess_deal", "prior_model",
           "shipped_risk", "shipped_risks"]


# Three decimals: in a mailbox where nearly every wait goes unanswered, honest risks crowd near 1
# and two decimals would tie most of them.
_DECIMALS = 3


def shipped_risk(probability: float) -> float:
    """The risk as written in the JSON (and measured by the backtest): never quite certain."""
    return round(min(max(probability, 0.001), 0.999), _DECIMALS)


def shipped_risks(probabilities: NDArray[np.float64]) -> NDArray[np.float64]:
    return np.round(np.clip(probabilities, 0.001, 0.999), _DECIMALS).astype(np.float64)


@dataclass(frozen=True, slots=True, kw_only=True)
class Assessment:
    risk: float
    drivers: tuple[RiskDriver, ...]


def _assess(conversation: Conversation, customer: Customer, *, rhythm: Rhythm, now: datetime,
            model: RiskModel) -> Assessment | None:
    waiting = Waiting.of(conversation, customer, rhythm=rhythm, now=now)
    if waiting is None:
        return None
    values = features_of(waiting)
    return Assessment(risk=shipped_risk(model.probability(values)), drivers=explain(model, values, waiting))


def assess_deal(deal: Deal, *, seller: Seller, calendar: BusinessCalendar, rhythm: Rhythm, now: datetime,
                model: RiskModel) -> tuple[Assessment | None, dict[str, Assessment | None]]:
    """The deal's risk (all its mail read as one conversation) and each thread's; None where the
    seller is not the one waiting. The same state and features the backtest replays."""
    customer = Customer(seller=seller, calendar=calendar, organization=deal.organization)
    whole = Conversation(seller=seller)
    threads = {thread.id: Conversation(seller=seller) for thread in deal.threads}
    known = sorted(((message, thread.id) for thread in deal.threads for message in thread.messages
                    if message.date <= now), key=lambda pair: chronological(pair[0]))
    for message, thread_id in known:
        customer.observe(message, thread_id)
        threads[thread_id].observe(message)
        whole.observe(message)
    deal_risk = _assess(whole, customer, rhythm=rhythm, now=now, model=model)
    return deal_risk, {thread_id: _assess(conversation, customer, rhythm=rhythm, now=now, model=model)
                       for thread_id, conversation in threads.items()}
