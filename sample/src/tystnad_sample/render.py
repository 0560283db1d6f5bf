"""One message as bytes, laid out the way Outlook, Gmail or Apple Mail would write it."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime, timedelta
from random import Random

from tystnad_sample import mime
from tystnad_sample.cast import Client, Person
from tystnad_sample.compose import NewText
from tystnad_sample.layout import flowed, html_document, new_html, new_plain, typed
from tystnad_sample.lexicon import lexicon
from tystnad_sample.quote import Memo, Said, escape, html_block, plain_block, simple_block


@dataclass(frozen=True, slots=True, kw_only=True)
class Attachment:
    name: str
    data: bytes


@dataclass(frozen=True, slots=True, kw_only=True)
class Outgoing:
    author: Person
    client: Client
    to: tuple[Person, ...]
    cc: tuple[Person, ...]
    subject: str
    topic: str  # the subject without prefixes, for Outlook's Thread-Topic
    thread_index: bytes | None
    sent: datetime
    message_id: str | None
    in_reply_to: str | None
    references: tuple[str, ...]
    text: NewText
    quote: tuple[Said, ...]
    forward: bool
    attachment: Attachment | None
    html_only: bool
    auto_reply: bool
    bad_date: bool
    inbound: bool  # received by the seller's company rather than sent from it
    relay: Person  # the seller-side mailbox that stores the message


def _charset(client: Client, text: str, rng: Random) -> tuple[str, str, bytes]:
    """(label, codec, encoded text). Outlook picks a legacy charset when the text fits
    one; some setups label Windows-1252 bytes as ISO-8859-1, which readers must survive."""
    utf = "UTF-8" if client is Client.GMAIL else "utf-8"
    if client.family != "outlook" or client is Client.OUTLOOK_IOS:
        return utf, "utf-8", text.encode("utf-8")
    try:
        data = text.encode("cp1252")
    except UnicodeEncodeError:
        return utf, "utf-8", text.encode("utf-8")
    if client is Client.M365 and rng.random() < 0.2:
        return "utf-8", "utf-8", text.encode("utf-8")
    if mime.has_c1(data):
        mislabel = 0.5 if client is Client.OUTLOOK_CLASSIC else 0.1
        return ("iso-8859-1" if rng.random() < mislabel else "windows-1252"), "cp1252", data
    return ("iso-8859-1" if rng.random() < 0.7 else "windows-1252"), "cp1252", data


def _text_part(
    ctype: str, data: bytes, client: Client, label: str, rng: Random, flowed: bool = False
) -> bytes:
    if client is Client.GMAIL:
        params = f'; charset="{label}"'
        # Gmail sends short-lined ASCII as is and encodes everything else.
        if data.isascii() and max(map(len, data.split(b"\n"))) <= 76:
            return f"Content-Type: {ctype}{params}\n\n".encode() + data + b"\n"
        cte = "base64" if rng.random() < 0.15 else "quoted-printable"
    elif client.family == "apple":
        params = f"; charset={label}" + ("; format=flowed" if flowed else "")
        cte = "quoted-printable"
    else:
        params = f'; charset="{label}"'
        cte = "base64" if client is Client.OUTLOOK_IOS else "quoted-printable"
    body = mime.b64(data) if cte == "base64" else mime.qp(data)
    return f"Content-Type: {ctype}{params}\nContent-Transfer-Encoding: {cte}\n\n".encode() + body


def _attachment_part(a: Attachment, client: Client, sent: datetime, rng: Random) -> bytes:
    style = (
        "latin1" if client is Client.OUTLOOK_CLASSIC else "gmail" if client is Client.GMAIL else "b"
    )
    body = mime.b64(a.data)
    if client.family == "apple":
        if a.name.isascii():
            disp = f"Content-Disposition: attachment;\n\tfilename={a.name}"
        else:
            quoted = "".join(
                c
                if c.isascii() and c.isalnum() or c in "._-"
                else "".join(f"%{b:02X}" for b in c.encode())
                for c in a.name
            )
            disp = f"Content-Disposition: attachment;\n\tfilename*=utf-8''{quoted}"
        head = (
            f"{disp}\nContent-Type: application/pdf;\n\tx-unix-mode=0644;\n"
            f'\tname="{mime.encode_phrase(a.name, "apple")}"\nContent-Transfer-Encoding: base64\n\n'
        )
        return head.encode() + body
    name = mime.encode_phrase(a.name, style)
    if client is Client.GMAIL:
        att_id = f"f_{rng.getrandbits(40):010x}"
        head = (
            f'Content-Type: application/pdf; name="{name}"\nContent-Disposition: attachment; '
            f'filename="{name}"\nContent-Transfer-Encoding: base64\nContent-ID: <{att_id}>\n'
            f"X-Attachment-Id: {att_id}\n\n"
        )
        return head.encode() + body
    stamp = mime.rfc_date(sent).replace("+0000", "GMT")
    head = (
        f'Content-Type: application/pdf; name="{name}"\nContent-Description: {name}\n'
        f'Content-Disposition: attachment; filename="{name}"; size={len(a.data)};\n'
        f'\tcreation-date="{stamp}";\n\tmodification-date="{stamp}"\n'
        "Content-Transfer-Encoding: base64\n\n"
    )
    return head.encode() + body


def _multipart(boundary: str, parts: list[bytes], preamble: bytes = b"") -> bytes:
    b = boundary.encode()
    body = b"".join(b"--" + b + b"\n" + part + b"\n" for part in parts)
    return preamble + body + b"--" + b + b"--\n"


def _boundaries(o: Outgoing, rng: Random) -> tuple[str, str]:
    """(alternative, mixed) boundaries in each client's own pattern."""
    c = o.client
    if c is Client.GMAIL:
        return f"000000000000{rng.getrandbits(64):016x}", f"000000000000{rng.getrandbits(64):016x}"
    if c.family == "apple":
        style = "Apple-Mail-" if c is Client.IPHONE else "Apple-Mail=_"
        return f"{style}{mime.uuid_upper(rng)}", f"{style}{mime.uuid_upper(rng)}"
    if c is Client.OUTLOOK_CLASSIC:
        mid = f"{rng.getrandbits(16):04X}_{rng.getrandbits(32):08X}.{rng.getrandbits(32):08X}"
        return f"----=_NextPart_001_{mid}", f"----=_NextPart_000_{mid}"
    local = (o.message_id or mime.outlook_id(rng, o.author.host, o.author.region))[1:].split("@")[0]
    return f"_000_{local}_", f"_004_{local}_"


def _address(p: Person, client: Client, quirk: bool = False) -> str:
    if not p.display:
        return p.email
    name = p.display
    if quirk:
        name = f"'{name}'"
    if not name.isascii():
        style = {"gmail": "gmail", "apple": "apple_name"}.get(client.family, "latin1")
        if client is Client.M365:
            style = "b"
        return f"{mime.encode_phrase(name, style)} <{p.email}>"
    if any(ch in name for ch in ",.'()\"<>@;:"):
        return f'"{name}" <{p.email}>'
    return f"{name} <{p.email}>"


def _addresses(people: tuple[Person, ...], client: Client, quirk: bool = False) -> str:
    sep = ",\n\t" if client.family == "outlook" else ",\n " if len(people) > 2 else ", "
    return sep.join(_address(p, client, quirk) for p in people)


def _subject(o: Outgoing) -> str:
    c = o.client
    if o.subject.isascii():
        return mime.fold_ascii("Subject", o.subject)
    style = "gmail" if c is Client.GMAIL else "apple" if c.family == "apple" else "latin1"
    if c is Client.M365 or c is Client.OUTLOOK_IOS:
        style = "b"
    return mime.encode_phrase(o.subject, style, first=66)


def _date(o: Outgoing, rng: Random) -> str | None:
    tz = o.author.tz
    if o.bad_date:
        local = o.sent.astimezone(tz)
        choice = rng.randrange(5)
        if choice < 2:
            return None
        return (
            local.strftime("%d/%m/%Y %H:%M"),
            local.strftime("%Y-%m-%d %H:%M:%S"),
            mime.rfc_date(o.sent, tz).replace(local.strftime(" %H:%M:%S "), " 25:61:00 "),
        )[choice - 2]
    if o.client is Client.M365 and rng.random() < 0.25:
        return mime.rfc_date(o.sent)  # Exchange Online often stamps Date in UTC
    return mime.rfc_date(o.sent, tz)


def _ip4(rng: Random, prefix: str = "") -> str:
    parts = prefix.split(".") if prefix else [str(rng.randint(80, 213))]
    while len(parts) < 3:
        parts.append(str(rng.randint(0, 255)))
    return ".".join([*parts, str(rng.randint(1, 254))])


def _mapi(host: str, build: str, when: str, rng: Random) -> str:
    """How Exchange records a message submitted from Outlook to its own mailbox server."""
    link = f"fe80::{mime.fe80(rng)}%{rng.randint(3, 7)}"
    origin = f"fe80::{mime.fe80(rng)}"
    return f"from {host} ([{origin}]) by {host}\n ([{link}]) with mapi id {build};\n {when}"


def _received(o: Outgoing, rng: Random) -> list[str]:
    """Trace headers: the sender's submission, then the hop into the seller's Exchange."""
    relay, sent, a = o.relay, o.sent, o.author
    stamp = sent + timedelta(seconds=rng.randint(1, 8))
    ours = f"{relay.host}.{relay.region}.prod.outlook.com"
    build = f"15.20.{rng.randint(8000, 9300)}.{rng.randint(0, 40):03d}"
    if not o.inbound:
        return [_mapi(ours, build, mime.rfc_date(stamp), rng)]
    local = mime.rfc_date(sent, a.tz)
    if o.client is Client.GMAIL:
        host = f"mail-{rng.choice(('ej1', 'ed1', 'lf1', 'wm1'))}-f{rng.randint(41, 199)}.google.com"
        ip = _ip4(rng, "209.85")
        smtp_id = f"{rng.getrandbits(64):x}-{rng.getrandbits(24):x}.{rng.randint(1, 9)}"
        inner = f"by {host} with SMTP id {smtp_id}\n        for <{relay.email}>; "
        inner += mime.google_date(sent)
    elif o.client.family == "apple":
        host = (
            f"mr85p00im-{rng.choice(('ztdg', 'hzdg', 'zteg'))}{rng.randrange(10**7, 10**8)}.me.com"
        )
        ip = _ip4(rng, "17.58")
        inner = (
            f"from smtpclient.apple (unknown [{_ip4(rng)}])\n\tby {host} (Postfix) with ESMTPSA"
            f" id {rng.getrandbits(40):X};\n\t{local}"
        )
    elif o.client is Client.OUTLOOK_CLASSIC:
        host, ip = f"mail.{a.domain}", _ip4(rng)
        inner = (
            f"from [{_ip4(rng, '192.168')}] by {host} (Postfix) with ESMTPSA"
            f" id {rng.getrandbits(40):X};\n\t{local}"
        )
    else:
        host = f"{a.host}.{a.region}.prod.outlook.com"
        ip = f"2603:10a6:{rng.getrandbits(16):x}:{rng.getrandbits(8):x}::{rng.getrandbits(12):x}"
        inner = _mapi(host, build, mime.rfc_date(sent), rng)
    front = f"2603:10a6:20b:{rng.randint(100, 999)}::{rng.randint(1, 99)}"
    outer = (
        f"from {host} ({ip})\n by {ours} ({front}) with Microsoft SMTP Server\n"
        f" (version=TLS1_3, cipher=TLS_AES_256_GCM_SHA384) id {build}\n"
        f" via Frontend Transport; {mime.rfc_date(stamp)}"
    )
    return [outer, inner]


def _refs(refs: tuple[str, ...], client: Client) -> str:
    if client is Client.GMAIL:
        return mime.fold_ascii("References", " ".join(refs), "\n\t")
    return "\n ".join(refs)


def render(o: Outgoing, rng: Random, memo: Memo) -> tuple[bytes, Said]:
    """The message's bytes, and what a later reply needs to quote it."""
    author, client = o.author, o.client
    locale = author.locale
    text = typed(o.text, client)
    dash = client is Client.GMAIL and rng.random() < 0.5
    simple = o.html_only and rng.random() < 0.6
    plain_only = client is Client.IPHONE or (client is Client.APPLE_MAIL and rng.random() < 0.5)
    plain_only = plain_only or (o.auto_reply and client.family != "outlook")
    plain_new = new_plain(text, client, locale, dash)
    if plain_only:
        # Whoever quotes this in HTML later gets their client's conversion of the plain text.
        html_new = "<div>" + escape(plain_new).replace("\n", "<br>\n") + "</div>"
    else:
        html_new = new_html(text, client, locale, dash, simple)
    said = Said(
        name=author.display or author.full,
        email=author.email,
        to=tuple((p.display or p.full, p.email) for p in o.to),
        cc=tuple((p.display or p.full, p.email) for p in o.cc),
        subject=o.subject,
        sent=o.sent,
        tz=author.tz,
        client=client,
        locale=locale,
        plain=plain_new,
        html=html_new,
    )
    plain = plain_new + plain_block(client, locale, author.tz, o.quote, o.forward, memo)
    is_flowed = client is Client.APPLE_MAIL and o.sent.second % 3 == 0
    if is_flowed:
        plain = flowed(plain)
    label, codec, plain_data = _charset(client, plain, rng)
    alt_b, mixed_b = _boundaries(o, rng)
    if plain_only:
        body_part = _text_part("text/plain", plain_data, client, label, rng, is_flowed)
    else:
        if simple:
            fragment = html_new + simple_block(locale, author.tz, o.quote, memo)
        else:
            fragment = html_new + html_block(client, locale, author.tz, o.quote, o.forward, memo)
        doc = html_document(client, fragment, label, locale, simple)
        try:
            html_part = _text_part("text/html", doc.encode(codec), client, label, rng)
        except UnicodeEncodeError:
            html_part = _text_part("text/html", doc.encode("utf-8"), client, "utf-8", rng)
        if o.html_only:
            body_part = html_part
        else:
            parts = [_text_part("text/plain", plain_data, client, label, rng, is_flowed), html_part]
            preamble = (
                b"This is a multipart message in MIME format.\n\n"
                if client is Client.OUTLOOK_CLASSIC
                else b""
            )
            body_part = (
                f'Content-Type: multipart/alternative;\n\tboundary="{alt_b}"\n\n'.encode()
                + _multipart(alt_b, parts, preamble)
            )
    if o.attachment:
        body_part = (
            f'Content-Type: multipart/mixed;\n\tboundary="{mixed_b}"\n\n'.encode()
            + _multipart(mixed_b, [body_part, _attachment_part(o.attachment, client, o.sent, rng)])
        )
    head, _, body = body_part.partition(b"\n\n")
    headers = _headers(o, rng, head.decode("ascii"))
    return headers.encode("ascii") + b"\n" + body, said


@dataclass(frozen=True, slots=True, kw_only=True)
class _Fields:
    """Header values already encoded the author's client's way; each client orders them."""

    received: list[tuple[str, str]]
    date: list[tuple[str, str]]
    frm: str
    to: str
    cc: list[tuple[str, str]]
    subject: str
    message_id: list[tuple[str, str]]
    references: list[tuple[str, str]]
    in_reply_to: list[tuple[str, str]]
    auto: list[tuple[str, str]]
    content: str  # the Content-Type (and Content-Transfer-Encoding) lines


def _join(*groups: list[tuple[str, str]]) -> list[str]:
    return [f"{k}: {v}" for group in groups for k, v in group]


def _outlook_headers(o: Outgoing, f: _Fields, rng: Random) -> list[str]:
    language = lexicon(o.author.locale).outlook["language"]
    accept = language if language == "en-US" else f"{language}, en-US"
    topic = o.topic if o.topic.isascii() else mime.encode_phrase(o.topic, "b")
    index = [("Thread-Index", base64.b64encode(o.thread_index).decode())] if o.thread_index else []
    cc = [("CC", v) for _, v in f.cc]
    suppress = [("X-Auto-Response-Suppress", "All")] if o.auto_reply else []
    exchange = [
        ("Accept-Language", accept),
        ("Content-Language", language),
        ("X-MS-Has-Attach", "yes" if o.attachment else ""),
        ("X-MS-TNEF-Correlator", ""),
        *f.auto,
        *suppress,
        ("x-ms-publictraffictype", "Email"),
        ("X-MS-Office365-Filtering-Correlation-Id", mime.uuid_upper(rng).lower()),
    ]
    return _join(
        f.received,
        [("From", f.frm), ("To", f.to)],
        cc,
        [("Subject", f.subject), ("Thread-Topic", topic)],
        index,
        f.date,
        f.message_id,
        f.references,
        f.in_reply_to,
        exchange,
    ) + [f.content, "MIME-Version: 1.0"]


def _classic_headers(o: Outgoing, f: _Fields) -> list[str]:
    language = lexicon(o.author.locale).outlook["language"][:2]
    index = [("Thread-Index", base64.b64encode(o.thread_index).decode())] if o.thread_index else []
    suppress = [("X-Auto-Response-Suppress", "All")] if o.auto_reply else []
    head = _join(
        f.received,
        [("From", f.frm), ("To", f.to)],
        f.cc,
        f.references,
        f.in_reply_to,
        [("Subject", f.subject)],
        f.date,
        f.message_id,
        [("MIME-Version", "1.0")],
    )
    tail = _join(
        [("X-Mailer", "Microsoft Outlook 16.0")],
        index,
        [("Content-Language", language)],
        f.auto,
        suppress,
    )
    return [*head, f.content, *tail]


def _gmail_headers(f: _Fields, rng: Random) -> list[str]:
    source = "AGHT+I" + base64.b64encode(rng.randbytes(48)).decode()[:62]
    return _join(
        f.received,
        [("X-Google-Smtp-Source", source), ("MIME-Version", "1.0")],
        f.references,
        f.in_reply_to,
        [("From", f.frm)],
        f.date,
        f.message_id,
        [("Subject", f.subject), ("To", f.to)],
        f.cc,
        f.auto,
    ) + [f.content]


def _apple_headers(o: Outgoing, f: _Fields) -> list[str]:
    mac = o.client is Client.APPLE_MAIL
    version = "1.0 (Mac OS X Mail 16.0 \\(3826.400.131.1.6\\))" if mac else "1.0 (1.0)"
    mailer = "Apple Mail (2.3826.400.131.1.6)" if mac else "iPhone Mail (22D72)"
    # Apple Mail writes Content-Type first and Message-Id with a small d.
    return (
        _join(f.received)
        + [f.content]
        + _join(
            [("Mime-Version", version), ("Subject", f.subject), ("From", f.frm)],
            f.in_reply_to,
            f.date,
            f.cc,
            [(k.replace("ID", "Id"), v) for k, v in f.message_id],
            f.references,
            [("To", f.to)],
            f.auto,
            [("X-Mailer", mailer)],
        )
    )


def _headers(o: Outgoing, rng: Random, content: str) -> str:
    """The header block in the order the author's client writes it."""
    c = o.client
    quirk = c is Client.OUTLOOK_CLASSIC  # writes names it did not type as "'Name'"
    date = _date(o, rng)
    fields = _Fields(
        received=[("Received", r) for r in _received(o, rng)],
        date=[("Date", date)] if date else [],
        frm=_address(o.author, c),
        to=_addresses(o.to, c, quirk=quirk),
        cc=[("Cc", _addresses(o.cc, c, quirk=quirk))] if o.cc else [],
        subject=_subject(o),
        message_id=[("Message-ID", o.message_id)] if o.message_id else [],
        references=[("References", _refs(o.references, c))] if o.references else [],
        in_reply_to=[("In-Reply-To", o.in_reply_to)] if o.in_reply_to else [],
        auto=[("Auto-Submitted", "auto-replied")] if o.auto_reply else [],
        content=content,
    )
    if c is Client.OUTLOOK_CLASSIC:
        lines = _classic_headers(o, fields)
    elif c.family == "outlook":
        lines = _outlook_headers(o, fields, rng)
    elif c is Client.GMAIL:
        lines = _gmail_headers(fields, rng)
    else:
        lines = _apple_headers(o, fields)
    return "\n".join(lines) + "\n"
