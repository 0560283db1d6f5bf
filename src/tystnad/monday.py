"""The Monday list: the deals that need an honest mail this week, most urgent first, each with
its why and its draft beneath; as terminal text, markdown, or HTML that reads well in a mail client."""

from __future__ import annotations

from html import escape
from typing import Any

__all__ = ["monday_deals", "render_monday_text", "render_monday_markdown", "render_monday_html"]

_ACTIVE = ("your_move", "silent", "ghosted")


def monday_deals(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Deals the seller should write to now: their move or a silence, with a draft to send.
    The scan's order (most urgent first) is kept."""
    return [deal for deal in document["deals"]
            if deal["status"] in _ACTIVE and deal.get("play") and deal["play"].get("draft")
            and not deal.get("outcome")]


def _headline(deal: dict[str, Any]) -> str:
    play = deal["play"]
    return f"{deal['organization']} — {deal['status']}, {play['kind']} (send {play['send_on']})"


def render_monday_text(document: dict[str, Any]) -> str:
    deals = monday_deals(document)
    lines = [f"Monday list · {len(deals)} honest mail(s) to send · scan of {document['now'][:16]}", ""]
    for number, deal in enumerate(deals, start=1):
        draft = deal["play"]["draft"]
        lines += [f"{number}. {_headline(deal)}", f"   Why: {deal['play']['why']}",
                  f"   To: {', '.join(draft['to'])}", f"   Subject: {draft['subject']}", ""]
        lines += ["   " + line if line else "" for line in draft["body"].rstrip().splitlines()]
        lines.append("")
    if not deals:
        lines.append("Nothing needs a mail this week.")
    return "\n".join(lines).rstrip() + "\n"


def render_monday_markdown(document: dict[str, Any]) -> str:
    deals = monday_deals(document)
    lines = [f"# Monday list — {len(deals)} honest mail(s) to send", ""]
    for number, deal in enumerate(deals, start=1):
        draft = deal["play"]["draft"]
        lines += [f"## {number}. {_headline(deal)}", "", f"**Why:** {deal['play']['why']}", "",
                  f"**To:** {', '.join(draft['to'])}  ", f"**Subject:** {draft['subject']}", ""]
        lines += ["> " + line if line else ">" for line in draft["body"].rstrip().splitlines()]
        lines.append("")
    if not deals:
        lines.append("Nothing needs a mail this week.")
    return "\n".join(lines).rstrip() + "\n"


def render_monday_html(document: dict[str, Any]) -> str:
    """Inline styles only and no script: mail clients strip the rest. All mail text is escaped."""
    deals = monday_deals(document)
    parts = [
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Monday list</title></head>",
        "<body style=\"font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:680px;"
        "margin:auto;color:#1d232b;line-height:1.5\">",
        f"<h1 style=\"font-size:22px\">Monday list — {len(deals)} honest mail(s) to send</h1>",
    ]
    for number, deal in enumerate(deals, start=1):
        draft = deal["play"]["draft"]
        parts += [
            "<div style=\"border-top:1px solid #d5dae0;padding:12px 0\">",
            f"<h2 style=\"font-size:17px;margin:0\">{number}. {escape(_headline(deal))}</h2>",
            f"<p style=\"margin:6px 0;color:#4a5563\"><b>Why:</b> {escape(deal['play']['why'])}</p>",
            f"<p style=\"margin:6px 0\"><b>To:</b> {escape(', '.join(draft['to']))}<br>"
            f"<b>Subject:</b> {escape(draft['subject'])}</p>",
            "<pre style=\"white-space:pre-wrap;font-family:inherit;background:#f5f7f9;padding:10px;"
            f"border-radius:4px\">{escape(draft['body'].rstrip())}</pre>",
            "</div>",
        ]
    if not deals:
        parts.append("<p>Nothing needs a mail this week.</p>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
