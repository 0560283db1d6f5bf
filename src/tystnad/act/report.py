"""ScanResult -> the contract's JSON document, the Monday-morning table, or markdown; and the JSON
document back to a ScanResult, so what leaves the store is the same frozen types a scan returns."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from tystnad.model import Diagnosis, ScanResult, Status

__all__ = ["to_json", "json_text", "render_table", "render_markdown"]


def _iso(value: datetime | date | None) -> str | None:
    return None if value is None else value.isoformat()


def _deal_json(diagnosis: Diagnosis) -> dict[str, Any]:
    timeline, deal, play = diagnosis.timeline, diagnosis.deal, diagnosis.play
    return {
        "organization": deal.organization,
        "contacts": [contact.email for contact in deal.contacts],
        # Everyone else who took part, and who they are: the seller's side, third parties, lists.
        "others": [{"email": p.address.email, "name": p.address.name, "party": str(p.party), "kind": p.kind}
                   for p in deal.others],
        "threads": [
            {
                "id": report.thread.id,
                "subject": report.thread.subject,
                "status": str(report.timeline.status),
                "risk": report.timeline.risk,
                "last_inbound": _iso(report.timeline.last_inbound),
                "last_outbound": _iso(report.timeline.last_outbound),
                "messages": report.messages,
            }
            for report in diagnosis.threads
        ],
        "language": diagnosis.language,
        "country": diagnosis.country,
        "status": str(timeline.status),
        "risk": timeline.risk,
        # What moved the risk most, largest first: effect is the signed change in probability.
        "risk_drivers": [{"signal": d.signal, "effect": d.effect, "detail": d.detail}
                         for d in diagnosis.risk_drivers],
        "last_inbound": _iso(timeline.last_inbound),
        "last_outbound": _iso(timeline.last_outbound),
        "silence_business_days": round(timeline.silence, 1),
        "unanswered": timeline.unanswered,
        "waiting_until": _iso(timeline.waiting_until),
        "rhythm": {
            "median_business_days": round(diagnosis.rhythm.median, 2),
            "samples": diagnosis.rhythm.samples,
            "source": diagnosis.rhythm.source,
        },
        "signals": [
            {
                "kind": str(signal.kind),
                "message_id": signal.evidence.message_id if signal.evidence else None,
                "quote": signal.evidence.quote if signal.evidence else None,
                "detail": signal.detail,
            }
            for signal in diagnosis.signals
        ],
        "reasons": [
            {"reason": str(r.reason), "score": round(r.score, 2),
             "evidence": [e.quote for e in r.evidence]}
            for r in diagnosis.reasons
        ],
        "meddicc": {str(item.element): str(item.state) for item in diagnosis.meddicc},
        # The sentence (or signature title) that confirms each confirmed element.
        "meddicc_evidence": {
            str(item.element): {"message_id": item.evidence.message_id, "quote": item.evidence.quote}
            for item in diagnosis.meddicc
            if item.evidence is not None
        },
        "play": None if play is None else {
            "kind": str(play.kind),
            "why": play.why,
            "send_on": _iso(play.send_on),
            "draft": None if play.draft is None else {
                "language": play.draft.language,
                "to": list(play.draft.to),
                "cc": list(play.draft.cc),
                "subject": play.draft.subject,
                "body": play.draft.body,
                "from": play.draft.sender,
                "in_reply_to": play.draft.in_reply_to,
                "references": list(play.draft.references),
            },
        },
        # What the learned heads decided, and the features that pulled each decision there most.
        "decisions": [{"head": d.head, "choice": d.choice, "probability": d.probability,
                       "drivers": [{"feature": f, "pull": pull} for f, pull in d.drivers]}
                      for d in diagnosis.decisions],
        "outcome": None if diagnosis.outcome is None else {
            "outcome": diagnosis.outcome.outcome,
            "note": diagnosis.outcome.note,
            "recorded_at": diagnosis.outcome.recorded_at.isoformat(),
            "play": diagnosis.outcome.play,
            "until": _iso(diagnosis.outcome.until),
        },
    }


def to_json(result: ScanResult) -> dict[str, Any]:
    return {**_head(result), "deals": [_deal_json(diagnosis) for diagnosis in result.diagnoses]}


def _head(result: ScanResult) -> dict[str, Any]:
    return {
        "now": result.now.isoformat(),
        "messages": result.messages,
        "duplicates": result.duplicates,
        "left_out": {"bulk_threads": result.left_out},
        "skipped": [{"origin": s.origin, "reason": s.reason} for s in result.skipped],
    }


def json_text(result: ScanResult) -> str:
    """to_json(result) as text: each deal (and each skipped message) on a line of its own, compact.
    Readable and greppable a deal at a time; written by the C encoder (an indented dump is pure
    Python, seconds for 5,000 deals), a deal at a time, so the whole document is never held as objects."""
    fields = [_field(key, value) for key, value in _head(result).items()]
    fields.append(_field("deals", (_deal_json(diagnosis) for diagnosis in result.diagnoses)))
    return "{\n" + ",\n".join(fields) + "\n}"


def _field(key: str, value: Any) -> str:
    if isinstance(value, list | Iterator):
        items = ",\n    ".join(json.dumps(item, ensure_ascii=False) for item in value)
        return f"  {json.dumps(key)}: [\n    {items}\n  ]" if items else f"  {json.dumps(key)}: []"
    return f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}"


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _quiet(diagnosis: Diagnosis) -> str:
    timeline = diagnosis.timeline
    if timeline.status is Status.YOUR_MOVE or timeline.silence < 0.5:
        return "—"
    return f"{timeline.silence:.0f}d"


def _last_heard(diagnosis: Diagnosis) -> str:
    last = diagnosis.timeline.last_inbound
    return last.date().isoformat() if last else "never"


_HEADINGS = ("STATUS", "RISK", "QUIET", "CUSTOMER", "HEARD", "NEXT")
_WIDTHS = (9, 4, 5, 23, 10, 19)
_NUMERIC = (False, True, True, False, False, False)  # right-aligned columns


def render_table(result: ScanResult) -> str:
    """80 columns: one line a deal, most urgent first; QUIET counts the customer's business days."""
    lines = [
        f"tystnad · {len(result.diagnoses)} deals from {result.messages} messages · "
        f"as of {result.now.strftime('%Y-%m-%d %H:%M')}",
        "",
        _row(_HEADINGS),
    ]
    for diagnosis in result.diagnoses:
        timeline = diagnosis.timeline
        lines.append(_row((
            str(timeline.status),
            f"{timeline.risk:.2f}",
            _quiet(diagnosis),
            diagnosis.deal.organization,
            _last_heard(diagnosis),
            str(diagnosis.play.kind) if diagnosis.play else "",
        )))
    if result.skipped:
        lines += ["", f"{len(result.skipped)} message(s) could not be read; see the warnings above."]
    counts = _status_counts(result)
    lines += ["", "  ".join(f"{status}: {count}" for status, count in counts.items() if count)]
    return "\n".join(lines)


def _row(cells: tuple[str, ...]) -> str:
    parts = []
    for cell, width, is_numeric in zip(cells, _WIDTHS, _NUMERIC, strict=True):
        text = _fit(cell, width)
        parts.append(text.rjust(width) if is_numeric else text.ljust(width))
    return "  ".join(parts).rstrip()


def _status_counts(result: ScanResult) -> dict[str, int]:
    counts = {str(status): 0 for status in Status}
    for diagnosis in result.diagnoses:
        counts[str(diagnosis.timeline.status)] += 1
    return counts


def render_markdown(result: ScanResult) -> str:
    lines = [
        f"# tystnad — {result.now.strftime('%Y-%m-%d %H:%M')}",
        "",
        f"{len(result.diagnoses)} deals from {result.messages} messages.",
        "",
        "| Status | Risk | Quiet | Customer | Last heard | Subject | Next step |",
        "|---|---:|---:|---|---|---|---|",
    ]
    for diagnosis in result.diagnoses:
        timeline = diagnosis.timeline
        subject = diagnosis.threads[0].thread.subject if diagnosis.threads else ""
        cells = [
            str(timeline.status), f"{timeline.risk:.2f}", _quiet(diagnosis),
            diagnosis.deal.organization, _last_heard(diagnosis), subject,
            str(diagnosis.play.kind) if diagnosis.play else "",
        ]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    if result.skipped:
        lines += ["", f"{len(result.skipped)} message(s) could not be read:", ""]
        lines += [f"- `{s.origin}`: {s.reason}" for s in result.skipped]
    return "\n".join(lines) + "\n"
