"""The typed text of a message laid out as each client's editor stores it: plain and HTML."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from tystnad_sample.cast import Client
from tystnad_sample.compose import NewText
from tystnad_sample.lexicon import lexicon
from tystnad_sample.quote import escape

_WORD_HEAD = (
    '<html xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:w="urn:schemas-microsoft-com:office:word" '
    'xmlns:m="http://schemas.microsoft.com/office/2004/12/omml" '
    'xmlns="http://www.w3.org/TR/REC-html40">\n'
    '<head>\n<meta http-equiv="Content-Type" content="text/html; charset={charset}">\n'
    '<meta name="Generator" content="Microsoft Word 15 (filtered medium)">\n<style><!--\n'
    '/* Font Definitions */\n@font-face\n\t{{font-family:"Cambria Math";\n'
    "\tpanose-1:2 4 5 3 5 4 6 3 2 4;}}\n"
    "@font-face\n\t{{font-family:Aptos;}}\n/* Style Definitions */\n"
    "p.MsoNormal, li.MsoNormal, div.MsoNormal\n\t{{margin:0cm;\n\tfont-size:11.0pt;\n"
    '\tfont-family:"Aptos",sans-serif;\n\tmso-ligatures:standardcontextual;\n'
    "\tmso-fareast-language:EN-US;}}\n"
    "a:link, span.MsoHyperlink\n\t{{mso-style-priority:99;\n\tcolor:#467886;\n"
    "\ttext-decoration:underline;}}\n"
    "span.EmailStyle20\n\t{{mso-style-type:personal-reply;\n"
    '\tfont-family:"Aptos",sans-serif;\n\tcolor:windowtext;}}\n'
    ".MsoChpDefault\n\t{{mso-style-type:export-only;\n\tfont-size:10.0pt;\n\tmso-ligatures:none;}}\n"
    "@page WordSection1\n\t{{size:612.0pt 792.0pt;\n\tmargin:72.0pt 72.0pt 72.0pt 72.0pt;}}\n"
    "div.WordSection1\n\t{{page:WordSection1;}}\n--></style>\n</head>\n"
    '<body lang="{lang}" link="#467886" vlink="#96607D" style="word-wrap:break-word">\n'
    '<div class="WordSection1">\n'
)
_M365_HEAD = (
    '<html>\n<head>\n<meta http-equiv="Content-Type" content="text/html; charset={charset}">\n'
    '<style type="text/css" style="display:none;"> P {{margin-top:0;margin-bottom:0;}} </style>\n'
    '</head>\n<body dir="ltr">\n'
)
_M365_DIV = (
    '<div class="elementToProof" style="font-family: Aptos, Aptos_EmbeddedFont, '
    'Aptos_MSFontService, Calibri, Helvetica, sans-serif; font-size: 12pt; color: rgb(0, 0, 0);">'
)


def _smart(text: str) -> str:
    """Outlook and iOS turn typed quotes and dashes into typographic ones."""
    return text.replace("'", "\u2019").replace(" - ", " \u2013 ")


def typed(t: NewText, client: Client) -> NewText:
    if client is Client.GMAIL:
        return t
    return NewText(
        greeting=_smart(t.greeting),
        paragraphs=tuple(_smart(p) for p in t.paragraphs),
        bullets=tuple(_smart(b) for b in t.bullets),
        bullets_after=t.bullets_after,
        closing=tuple(_smart(c) for c in t.closing),
        signature=t.signature,
    )


def _footer(client: Client, locale: str) -> str:
    if client is Client.IPHONE:
        return lexicon(locale).apple["iphone_footer"]
    if client is Client.OUTLOOK_IOS:
        return lexicon(locale).outlook["mobile_footer"]
    return ""


def flowed(text: str) -> str:
    """format=flowed (RFC 3676): long lines are wrapped, a trailing space marking each
    soft break, and a quoted line's continuations keep its ">" marks."""
    out: list[str] = []
    for line in text.split("\n"):
        depth = len(line) - len(line.lstrip(">"))
        prefix = line[:depth] + (" " if depth and line[depth : depth + 1] == " " else "")
        body = line[len(prefix) :]
        while len(prefix) + len(body) > 72 and " " in body[: 72 - len(prefix)]:
            cut = body.rfind(" ", 0, 72 - len(prefix)) + 1
            out.append(prefix + body[:cut])
            body = body[cut:]
        out.append(prefix + body)
    return "\n".join(out)


def new_plain(t: NewText, client: Client, locale: str, dash: bool) -> str:
    lines: list[str] = []
    if t.greeting:
        lines += [t.greeting, ""]
    marker = {"outlook": "  *   ", "gmail": "   - ", "apple": "\u2022 "}[client.family]
    for i, para in enumerate(t.paragraphs):
        lines += [para, ""]
        if t.bullets and i == t.bullets_after:
            lines += [marker + b for b in t.bullets] + [""]
    lines += list(t.closing)
    if t.signature:
        lines += (["-- "] if dash else []) + list(t.signature)
    footer = _footer(client, locale)
    if footer:
        lines += ["", footer]
    return "\n".join(lines).rstrip("\n")


@dataclass(frozen=True, slots=True)
class _Markup:
    """How one editor writes a paragraph, an empty line and a bullet list."""

    para: str
    empty: str
    list_open: str
    item: str


_SIMPLE = _Markup("<p>{}</p>", "", "<ul>", "<li>{}</li>")
_WORD = _Markup(
    '<p class="MsoNormal">{}<o:p></o:p></p>',
    '<p class="MsoNormal"><o:p>&nbsp;</o:p></p>',
    '<ul style="margin-top:0cm" type="disc">',
    '<li class="MsoListParagraph" style="margin-left:0cm;mso-list:l0 level1 lfo1">'
    + "{}<o:p></o:p></li>",
)
_M365 = _Markup(
    _M365_DIV + "{}</div>",
    _M365_DIV + "<br></div>",
    "<ul>",
    '<li style="font-family: Aptos; font-size: 12pt;">'
    '<div role="presentation" class="elementToProof">{}</div></li>',
)
_DIV = _Markup("<div>{}</div>", "<div><br></div>", "<ul>", "<li>{}</li>")
_GMAIL_SIGNATURE = (
    '{prefix}<div dir="ltr" class="gmail_signature" data-smartmail="gmail_signature">'
    '<div dir="ltr">{signature}</div></div>'
)


def _markup(client: Client, simple: bool) -> _Markup:
    if simple:
        return _SIMPLE
    if client in (Client.OUTLOOK, Client.OUTLOOK_CLASSIC):
        return _WORD
    return _M365 if client.family == "outlook" else _DIV


def new_html(t: NewText, client: Client, locale: str, dash: bool, simple: bool) -> str:
    """The typed text as the client's HTML editor stores it."""
    m = _markup(client, simple)
    out: list[str] = []

    def para(text: str) -> None:
        out.append(m.para.format(escape(text)))
        if m.empty:
            out.append(m.empty)

    if t.greeting:
        para(t.greeting)
    for i, paragraph in enumerate(t.paragraphs):
        para(paragraph)
        if t.bullets and i == t.bullets_after:
            out += [m.list_open, *(m.item.format(escape(b)) for b in t.bullets), "</ul>"]
            if m.empty:
                out.append(m.empty)
    out.append(m.para.format("<br>".join(escape(c) for c in t.closing if c)))
    signature = "<br>".join(escape(s) for s in t.signature)
    footer = escape(_footer(client, locale))
    if m is _SIMPLE:
        if signature:
            out.append(f'<p style="color:#555555;font-size:small">{signature}</p>')
    elif m is _WORD:
        if signature:
            out.append(
                f'<p class="MsoNormal"><span style="font-size:9.0pt;color:#595959">{signature}'
                "</span><o:p></o:p></p>"
            )
    elif m is _M365:
        if signature:
            out.append(f'<div id="Signature"><p>{signature}</p></div>')
        if footer:
            out.append(f'<div><br></div><div id="ms-outlook-mobile-signature">{footer}</div>')
    else:
        if signature and client is Client.GMAIL:
            prefix = '<span class="gmail_signature_prefix">-- </span><br>' if dash else "<br>"
            out.append(_GMAIL_SIGNATURE.format(prefix=prefix, signature=signature))
        elif signature:
            out.append(f"<div><br></div><div>{signature}</div>")
        if footer:
            out.append(f'<div><br></div><div dir="ltr">{footer}</div>')
        return '<div dir="ltr">' + "\n".join(out) + "</div>"
    return "\n".join(out)


def html_document(client: Client, fragment: str, charset: str, locale: str, simple: bool) -> str:
    if simple:
        return f'<html><head><meta charset="{charset}"></head><body>\n{fragment}\n</body></html>\n'
    if client in (Client.OUTLOOK, Client.OUTLOOK_CLASSIC):
        lang = lexicon(locale).outlook["html_lang"]
        return (
            _WORD_HEAD.format(charset=charset, lang=lang)
            + fragment
            + "\n</div>\n</body>\n</html>\n"
        )
    if client.family == "outlook":
        return _M365_HEAD.format(charset=charset) + fragment + "\n</body>\n</html>\n"
    if client is Client.GMAIL:
        return fragment + "\n"
    meta = '<meta http-equiv="content-type" content="text/html; charset=utf-8">'
    if client is Client.IPHONE:
        return f'<html><head>{meta}</head><body dir="auto">{fragment}</body></html>\n'
    return (
        f'<html><head>{meta}</head><body style="overflow-wrap: break-word; '
        f'-webkit-nbsp-mode: space; line-break: after-white-space;">{fragment}</body></html>\n'
    )


def pdf(title: str, customer: str, ref: str, when: datetime, tz: ZoneInfo) -> bytes:
    """A small but well-formed one-page PDF, enough for a reader to see a real attachment."""
    label = f"{title} {customer} {ref} {when.astimezone(tz):%Y-%m-%d}"
    safe = label.encode("latin-1", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 18 Tf 72 770 Td (" + safe + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{off:010d} 00000 n \n".encode() for off in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)
