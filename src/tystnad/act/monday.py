"""The Monday list: the deals that need an honest mail this week, most urgent first, each with
its why and its draft beneath; as terminal text, markdown, or HTML that reads well in a mail client."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from tystnad.model import Diagnosis, Draft, Play, ScanResult, Status

__all__ = ["MondayMail", "monday_deals", "render_monday_text", "render_monday_markdown", "render_monday_html"]

_ACTIVE = (Status.YOUR_MOVE, Status.SILENT, Status.GHOSTED)


@dataclass(frozen=True, slots=True, kw_only=True)
class MondayMail:
    """A deal on the Monday list, with the play and the draft it is there for."""

    diagnosis: Diagnosis
    play: Play
    draft: Draft

    @property
    def organization(self) -> str:
        return self.diagnosis.deal.organization

    @property
    def status(self) -> Status:
        return self.diagnosis.timeline.status


def monday_deals(result: ScanResult) -> list[MondayMail]:
    """Deals the seller should write to now: their move or a silence, with a draft to send (an outcome
    recorded since their latest mail sets the draft aside, act/outcomes.py). The scan's order (most
    urgent first) is kept."""
    return [MondayMail(diagnosis=diagnosis, play=diagnosis.play, draft=diagnosis.play.draft)
            for diagnosis in result.diagnoses
            if diagnosis.timeline.status in _ACTIVE and diagnosis.play is not None
            and diagnosis.play.draft is not None]


def _headline(mail: MondayMail) -> str:
    return f"{mail.organization} — {mail.status}, {mail.play.kind} (send {mail.play.send_on})"


def render_monday_text(result: ScanResult) -> str:
    deals = monday_deals(result)
    lines = [f"Monday list · {len(deals)} honest mail(s) to send · scan of {result.now.isoformat()[:16]}", ""]
    for number, deal in enumerate(deals, start=1):
        draft = deal.draft
        lines += [f"{number}. {_headline(deal)}", f"   Why: {deal.play.why}",
                  f"   To: {', '.join(draft.to)}", *([f"   Cc: {', '.join(draft.cc)}"] if draft.cc else []),
                  f"   Subject: {draft.subject}", ""]
        lines += ["   " + line if line else "" for line in draft.body.rstrip().splitlines()]
        lines.append("")
    if not deals:
        lines.append("Nothing needs a mail this week.")
    return "\n".join(lines).rstrip() + "\n"


def render_monday_markdown(result: ScanResult) -> str:
    deals = monday_deals(result)
    lines = [f"# Monday list — {len(deals)} honest mail(s) to send", ""]
    for number, deal in enumerate(deals, start=1):
        draft = deal.draft
        lines += [f"## {number}. {_headline(deal)}", "", f"**Why:** {deal.play.why}", "",
                  f"**To:** {', '.join(draft.to)}  ", *([f"**Cc:** {', '.join(draft.cc)}  "] if draft.cc else []),
                  f"**Subject:** {draft.subject}", ""]
        lines += ["> " + line if line else ">" for line in draft.body.rstrip().splitlines()]
        lines.append("")
    if not deals:
        lines.append("Nothing needs a mail this week.")
    return "\n".join(lines).rstrip() + "\n"


def render_monday_html(result: ScanResult) -> str:
    """Inline styles only and no script: mail clients strip the rest. All mail text is escaped."""
    deals = monday_deals(result)
    parts = [
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Monday list</title></head>",
        "<body style=\"font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:680px;"
        "margin:auto;color:#1d232b;line-height:1.5\">",
        f"<h1 style=\"font-size:22px\">Monday list — {len(deals)} honest mail(s) to send</h1>",
    ]
    for number, deal in enumerate(deals, start=1):
        draft = deal.draft
        parts += [
            "<div style=\"border-top:1px solid #d5dae0;padding:12px 0\">",
            f"<h2 style=\"font-size:17px;margin:0\">{number}. {escape(_headline(deal))}</h2>",
            f"<p style=\"margin:6px 0;color:#4a5563\"><b>Why:</b> {escape(deal.play.why)}</p>",
            f"<p style=\"margin:6px 0\"><b>To:</b> {escape(', '.join(draft.to))}<br>"
            + (f"<b>Cc:</b> {escape(', '.join(draft.cc))}<br>" if draft.cc else "") +
            f"<b>Subject:</b> {escape(draft.subject)}</p>",
            "<pre style=\"white-space:pre-wrap;font-family:inherit;background:#f5f7f9;padding:10px;"
            f"border-radius:4px\">{escape(draft.body.rstrip())}</pre>",
            "</div>",
        ]
    if not deals:
        parts.append("<p>Nothing needs a mail this week.</p>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
