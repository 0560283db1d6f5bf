"""A seller's own draft, judged before sending against the first seed idea: is it relevant (tied to
a consequence the customer named), personal (about them), and does it secure a next step?"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from tystnad.model import Diagnosis, MeddiccElement, SignalKind
from tystnad.read.phrases import find_phrases, fold
from tystnad.read.timewords import find_moments

__all__ = ["Finding", "check_draft"]

_WORD = re.compile(r"[^\W\d_]{6,}")
# The MEDDICC elements that hold the consequence a relevant mail ties to.
_PAIN = (MeddiccElement.IDENTIFY_PAIN, MeddiccElement.METRICS)


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    aspect: str  # "relevant", "personal", "next_step", "pressure", "proposal"
    is_ok: bool
    detail: str


def check_draft(text: str, *, deal: Diagnosis | None, today: date) -> list[Finding]:
    """Findings for one draft; `deal` is the scanned deal it answers, when known (its quotes are
    the customer's own words)."""
    hits = find_phrases(text)
    families = {hit.family for hit in hits if not hit.negated}
    findings: list[Finding] = []

    pressing = [text[h.sentence_start:h.sentence_end] for h in hits if h.family == "pressure"]
    findings.append(Finding(aspect="pressure", is_ok=not pressing,
                            detail=f"presses: \u201c{pressing[0]}\u201d" if pressing else "no pressure phrases"))

    has_question = "?" in text
    has_time = bool(find_moments(text, sent=today))
    steps = has_question and (has_time or bool(families & {"next_step", "contact_later"}))
    findings.append(Finding(aspect="next_step", is_ok=steps, detail=(
        "asks for a concrete next step with a time" if steps else
        "no concrete next step: ask a question with a day or a proposed meeting")))

    if deal is None:
        return findings

    customer_words = _customer_words(deal)
    draft_words = {fold(w) for w in _WORD.findall(text)}
    shared = sorted(draft_words & customer_words)
    # Their words or their company's name; a first name in the greeting is not personal.
    organization = re.sub(r"[^a-z]", "", fold(deal.deal.organization.split(".")[0]))
    personal = bool(shared) or organization in re.sub(r"[^a-z]", "", fold(text))
    findings.append(Finding(aspect="personal", is_ok=personal, detail=(
        "names something of theirs" if personal else "could go to anyone: name their situation")))
    pains = [item.evidence.quote for item in deal.meddicc
             if item.evidence is not None and item.element in _PAIN]
    pain_words = {fold(w) for quote in pains for w in _WORD.findall(quote)}
    relevant = bool(draft_words & pain_words)
    findings.append(Finding(aspect="relevant", is_ok=relevant, detail=(
        "ties to a consequence they named" if relevant else
        ("not tied to what they said matters: " + "; ".join(f"\u201c{p}\u201d" for p in pains[:2])
         if pains else "they have not named a consequence yet: ask what is at stake"))))

    agreed = any(signal.kind is SignalKind.NEXT_STEP_AGREED for signal in deal.signals)
    if "proposal" in families and not agreed:
        findings.append(Finding(aspect="proposal", is_ok=False,
                                detail="sends an offer without an agreed next step: agree the step first"))
    return findings


def _customer_words(deal: Diagnosis) -> set[str]:
    quotes = [signal.evidence.quote for signal in deal.signals
              if signal.evidence is not None and signal.evidence.quote]
    quotes += [evidence.quote for reason in deal.reasons for evidence in reason.evidence]
    return {fold(w) for quote in quotes for w in _WORD.findall(quote)}
