"""Quoted history under a reply or forward, in each client's layout.

Pure functions of the quoted messages: a history block rendered again later is
byte-identical to the first time, as it is in a real thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape as _escape
from zoneinfo import ZoneInfo

from tystnad_sample.cast import Client
from tystnad_sample.lexicon import lexicon

# How a block marks the history it wraps: as is, ">" on each history line, or ">" on the
# attribution too (iPhone).
RAW, QUOTED, ALL_QUOTED = 0, 1, 2

# Per thread: quote headers already laid out, keyed by quoted message and replying client.
Memo = dict[tuple[object, ...], tuple[str, str, int]]

_WORD_QUOTE = (
    '\n<div>\n<div style="border:none;border-top:solid {colour} 1.0pt;padding:3.0pt 0cm 0cm 0cm">'
    '\n<p class="MsoNormal">{rows}<o:p></o:p></p>\n</div>\n</div>\n'
    '<p class="MsoNormal"><o:p>&nbsp;</o:p></p>\n'
)
_M365_QUOTE = (
    '\n<div id="appendonsend"></div>\n<hr style="display:inline-block;width:98%" tabindex="-1">'
    '\n<div id="divRplyFwdMsg" dir="ltr"><font face="Calibri, sans-serif" style="font-size:11pt"'
    ' color="#000000">{rows}</font>\n<div>&nbsp;</div>\n</div>\n'
)
_GMAIL_QUOTE = (
    '<br><div class="gmail_quote gmail_quote_container"><div dir="ltr" class="gmail_attr">'
    '{attribution}<br></div><blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;'
    'border-left:1px solid rgb(204,204,204);padding-left:1ex">'
)
_GMAIL_FORWARD = (
    '<br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">'
    + "{title}<br>{rows}<br></div><br><br>"
)
_APPLE_QUOTE = (
    '<div dir="ltr"><br><blockquote type="cite">{attribution}</blockquote></div>'
    '<blockquote type="cite"><div dir="ltr">'
)
_APPLE_FORWARD = '<div dir="ltr"><br><blockquote type="cite">{title}<br><br>{rows}<br><br>'
_SENDER = '<strong class="gmail_sendername" dir="auto">{name}</strong> {mail}'


def escape(text: str) -> str:
    return _escape(text, quote=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Said:
    """A message as later replies see it: who, when, and the text its author typed."""

    name: str
    email: str
    to: tuple[tuple[str, str], ...]
    cc: tuple[tuple[str, str], ...]
    subject: str
    sent: datetime
    tz: ZoneInfo
    client: Client
    locale: str
    plain: str
    html: str


def _prefixed(text: str) -> str:
    return "\n".join(
        ">" if not line else ">" + line if line.startswith(">") else "> " + line
        for line in text.split("\n")
    )


def _people(people: tuple[tuple[str, str], ...], names_only: bool) -> str:
    return "; ".join(name if names_only else f"{name} <{email}>" for name, email in people)


def _attribution(locale: str, template: str, head: Said, local: datetime) -> str:
    """The replier's program writes the line, so its language names the day and month."""
    fields = lexicon(locale).date_fields(local)
    return template.format_map({**fields, "name": head.name, "email": head.email})


def _outlook_lines(client: Client, locale: str, head: Said, local: datetime) -> list[str]:
    lex = lexicon(locale)
    o = lex.outlook
    classic = client is Client.OUTLOOK_CLASSIC
    sender = f"{head.name} [mailto:{head.email}] " if classic else f"{head.name} <{head.email}>"
    if client is Client.OUTLOOK:
        sender += " "
    lines = [
        f"{o['from']}: {sender}",
        f"{o['sent']}: {lex.date(o['sent_format'], local)}",
        f"{o['to']}: {_people(head.to, classic)}",
    ]
    if head.cc:
        lines.append(f"{o['cc']}: {_people(head.cc, classic)}")
    lines.append(f"{o['subject']}: {head.subject}")
    return lines


def _forward_lines(locale: str, family: str, head: Said, local: datetime) -> list[str]:
    lex = lexicon(locale)
    t = lex.client(family)
    date = f"{t['date']}: {lex.date(t['date_format'], local)}"
    subject = f"{t['subject']}: {head.subject}"
    order = [date, subject] if family == "gmail" else [subject, date]
    return [
        f"{t['from']}: {head.name} <{head.email}>",
        *order,
        f"{t['to']}: {_people(head.to, False)}",
    ]


def _plain_head(
    client: Client, locale: str, tz: ZoneInfo, head: Said, forward: bool
) -> tuple[str, str, int]:
    local = head.sent.astimezone(tz)
    lex = lexicon(locale)
    family = client.family
    if family == "outlook":
        lines = _outlook_lines(client, locale, head, local)
        if client is Client.OUTLOOK_CLASSIC:
            lines.insert(0, lex.outlook["original"])
        elif client is not Client.OUTLOOK:
            lines.insert(0, "_" * 32)
        return "\n\n" + "\n".join(lines) + "\n\n", "", RAW
    table = lex.client(family)
    if forward:
        lines = _forward_lines(locale, family, head, local)
        if family == "gmail":
            return "\n\n" + "\n".join([table["forwarded"], *lines]) + "\n\n\n", "", RAW
        return "\n\n" + table["forwarded"] + "\n\n" + "\n".join(lines) + "\n\n", "", RAW
    attribution = _attribution(locale, table["attribution"], head, local)
    if family == "gmail":
        # Gmail wraps a long attribution line; which ones depends on nothing we model.
        if len(attribution) > 76 and head.sent.second % 2 == 0:
            cut = attribution.rfind(" ", 0, 76)
            attribution = attribution[:cut] + "\n" + attribution[cut + 1 :]
        return "\n\n" + attribution + "\n", "", QUOTED
    if client is Client.IPHONE:
        bom = "\ufeff" if head.sent.second % 4 == 0 else ""
        return attribution + "\n\n" + bom, "", ALL_QUOTED
    return "\n\n" + attribution + "\n\n", "", QUOTED


def _html_head(
    client: Client, locale: str, tz: ZoneInfo, head: Said, forward: bool
) -> tuple[str, str, int]:
    local = head.sent.astimezone(tz)
    family = client.family
    e = escape
    if family == "outlook":
        rows = []
        for line in _outlook_lines(client, locale, head, local):
            label, _, rest = line.partition(": ")
            rows.append(f"<b>{e(label)}:</b> {e(rest)}")
        joined = "<br>".join(rows)
        if client is Client.OUTLOOK_CLASSIC:
            return _WORD_QUOTE.format(colour="#B5C4DF", rows=joined), "", RAW
        if client is Client.OUTLOOK:
            return _WORD_QUOTE.format(colour="#E1E1E1", rows=joined), "", RAW
        return _M365_QUOTE.format(rows=joined), "", RAW
    table = lexicon(locale).client(family)
    mail = f'&lt;<a href="mailto:{head.email}">{head.email}</a>&gt;'
    if forward:
        lines = [e(line) for line in _forward_lines(locale, family, head, local)]
        label = e(table["from"])
        lines[0] = f"{label}: " + _SENDER.format(name=e(head.name), mail=mail)
        title, joined = e(table["forwarded"]), "<br>".join(lines)
        if family == "gmail":
            return _GMAIL_FORWARD.format(title=title, rows=joined), "</div>", RAW
        return _APPLE_FORWARD.format(title=title, rows=joined), "</blockquote></div>", RAW
    attribution = e(_attribution(locale, table["attribution"], head, local))
    attribution = attribution.replace(e(f"<{head.email}>"), mail)
    if family == "gmail":
        return _GMAIL_QUOTE.format(attribution=attribution), "</blockquote></div>", RAW
    return _APPLE_QUOTE.format(attribution=attribution), "</div></blockquote>", RAW


def plain_block(
    client: Client, locale: str, tz: ZoneInfo, chain: tuple[Said, ...], forward: bool, memo: Memo
) -> str:
    """The plain-text history the replying client puts under its new text."""
    if not chain:
        return ""
    head = chain[0]
    history = head.plain + plain_block(head.client, head.locale, head.tz, chain[1:], False, memo)
    key = ("p", head.sent, head.email, client, locale, tz.key, forward)
    parts = memo.get(key)
    if parts is None:
        parts = memo[key] = _plain_head(client, locale, tz, head, forward)
    before, after, mode = parts
    if mode == RAW:
        return before + history + after
    if mode == QUOTED:
        return before + _prefixed(history) + after
    return "\n\n" + _prefixed(before + history) + after


def html_block(
    client: Client, locale: str, tz: ZoneInfo, chain: tuple[Said, ...], forward: bool, memo: Memo
) -> str:
    """The HTML history the replying client puts under its new text."""
    if not chain:
        return ""
    head = chain[0]
    history = head.html + html_block(head.client, head.locale, head.tz, chain[1:], False, memo)
    key = ("h", head.sent, head.email, client, locale, tz.key, forward)
    parts = memo.get(key)
    if parts is None:
        parts = memo[key] = _html_head(client, locale, tz, head, forward)
    return parts[0] + history + parts[1]


def simple_block(locale: str, tz: ZoneInfo, chain: tuple[Said, ...], memo: Memo) -> str:
    """History under a plain HTML mail (web mail, CRM plug-ins): one <blockquote>."""
    if not chain:
        return ""
    head = chain[0]
    history = head.html + html_block(head.client, head.locale, head.tz, chain[1:], False, memo)
    template = lexicon(locale).gmail["attribution"]
    attribution = escape(_attribution(locale, template, head, head.sent.astimezone(tz)))
    return (
        f'\n<p>{attribution}</p>\n<blockquote style="margin:0 0 0 .8ex;border-left:1px #ccc solid;'
        f'padding-left:1ex">\n{history}\n</blockquote>'
    )
