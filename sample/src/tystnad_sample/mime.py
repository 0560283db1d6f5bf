"""Byte-level mail formats: RFC 2047 words, body encodings, Message-IDs, boundaries, dates."""

from __future__ import annotations

import base64
import binascii
import re
from datetime import UTC, datetime
from email.utils import format_datetime
from random import Random
from zoneinfo import ZoneInfo

_Q_SAFE = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!*+-/")
_Q_TABLE = tuple("_" if b == 0x20 else chr(b) if b in _Q_SAFE else f"={b:02X}" for b in range(256))
_C1 = re.compile(rb"[\x80-\x9f]")
_SPECIALS = frozenset(',;:"()<>@.[]\\')
_PACIFIC = ZoneInfo("America/Los_Angeles")
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def q_words(text: str, charset: str, first: int = 60, limit: int = 75) -> list[str]:
    """RFC 2047 Q words, each within `limit` characters; multibyte characters never split."""
    head = f"=?{charset}?Q?"
    room = first - len(head) - 2
    words: list[str] = []
    current: list[str] = []
    used = 0
    for ch in text:
        enc = "".join(_Q_TABLE[b] for b in ch.encode(charset))
        if used + len(enc) > room and current:
            words.append(head + "".join(current) + "?=")
            current, used, room = [], 0, limit - len(head) - 2
        current.append(enc)
        used += len(enc)
    words.append(head + "".join(current) + "?=")
    return words


def b_words(text: str, charset: str, first: int = 60, limit: int = 75) -> list[str]:
    head = f"=?{charset}?B?"
    room = (first - len(head) - 2) // 4 * 3
    words: list[str] = []
    chunk = b""
    for ch in text:
        enc = ch.encode(charset)
        if len(chunk) + len(enc) > room and chunk:
            words.append(head + base64.b64encode(chunk).decode("ascii") + "?=")
            chunk, room = b"", (limit - len(head) - 2) // 4 * 3
        chunk += enc
    words.append(head + base64.b64encode(chunk).decode("ascii") + "?=")
    return words


def encode_phrase(text: str, style: str, first: int = 60) -> str:
    """A header value the way each client encodes non-ASCII: whole value, or Apple's
    word-by-word, in the charset and Q/B flavour that client uses."""
    if text.isascii():
        return text
    if style == "apple":
        return _apple_words(text)
    if style == "apple_name":
        # In an address, a word-wise encoding would leave specials such as "," bare.
        style = "q_utf8" if any(c in _SPECIALS for c in text) else "apple"
        return encode_phrase(text, style, first)
    words: list[str]
    if style == "latin1" and _fits(text, "iso-8859-1"):
        words = q_words(text, "iso-8859-1", first)
    elif style == "latin1" and _fits(text, "cp1252"):
        words = q_words(text, "Windows-1252", first)  # Outlook's choice for – and ’
    elif style in ("gmail", "q_utf8"):
        words = q_words(text, "UTF-8" if style == "gmail" else "utf-8", first)
        if style == "q_utf8":
            words = [w.replace("?Q?", "?q?", 1) for w in words]
    else:
        words = b_words(text, "utf-8", first)
    return "\n ".join(words)


def _apple_words(text: str) -> str:
    """Only the words that need it are encoded; a run of such words shares one encoded word,
    because the space between two encoded words disappears when decoded."""
    out: list[str] = []
    run: list[str] = []
    for word in text.split(" "):
        if word.isascii() and run:
            out.append("\n ".join(q_words(" ".join(run), "utf-8", 75)))
            run = []
        if word.isascii():
            out.append(word)
        else:
            run.append(word)
    if run:
        out.append("\n ".join(q_words(" ".join(run), "utf-8", 75)))
    return " ".join(out)


def _fits(text: str, codec: str) -> bool:
    try:
        text.encode(codec)
    except UnicodeEncodeError:
        return False
    return True


def has_c1(data: bytes) -> bool:
    """Windows-1252 punctuation (’ – …) sits where ISO-8859-1 has control codes."""
    return _C1.search(data) is not None


def qp(data: bytes) -> bytes:
    out = binascii.b2a_qp(data, quotetabs=False, istext=True, header=False)
    return out if out.endswith(b"\n") else out + b"\n"


def b64(data: bytes) -> bytes:
    return base64.encodebytes(data)


def fold_ascii(name: str, value: str, sep: str = "\n ") -> str:
    """Fold an ASCII header at spaces so lines stay under 78 characters."""
    line = f"{name}: {value}"
    if len(line) <= 78:
        return value
    out: list[str] = []
    width = len(name) + 2
    current = ""
    for word in value.split(" "):
        if current and width + len(current) + 1 + len(word) > 76:
            out.append(current)
            current, width = word, 1
        else:
            current = f"{current} {word}" if current else word
    out.append(current)
    return sep.join(out)


def rfc_date(moment: datetime, tz: ZoneInfo | None = None) -> str:
    return format_datetime(moment.astimezone(tz) if tz else moment.astimezone(UTC))


def google_date(moment: datetime) -> str:
    local = moment.astimezone(_PACIFIC)
    return f"{format_datetime(local)} ({local.tzname()})"


def asctime(moment: datetime) -> str:
    """The date of an mbox "From " line: UTC, in C asctime layout."""
    t = moment.astimezone(UTC)
    return (
        f"{_WEEKDAYS[t.weekday()]} {_MONTHS[t.month - 1]} {t.day:2d} "
        f"{t.hour:02d}:{t.minute:02d}:{t.second:02d} {t.year}"
    )


def outlook_id(rng: Random, host: str, region: str) -> str:
    tail = f"{rng.getrandbits(128):032X}"[: rng.randint(28, 32)]
    return f"<{host}{tail}@{host}.{region}.prod.outlook.com>"


_GMAIL_ALPHABET = bytes.maketrans(b"/", b"_")


def gmail_id(rng: Random) -> str:
    body = base64.b64encode(rng.randbytes(39)).translate(_GMAIL_ALPHABET).decode("ascii")
    return f"<CA{'KLMEFJBHP'[rng.randrange(9)]}{body[: 44 + rng.randrange(9)]}@mail.gmail.com>"


def uuid_upper(rng: Random) -> str:
    h = f"{rng.getrandbits(128):032X}"
    variant = "89AB"[int(h[16], 16) & 3]
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{variant}{h[17:20]}-{h[20:]}"


def apple_id(rng: Random, domain: str) -> str:
    return f"<{uuid_upper(rng)}@{domain}>"


def classic_id(rng: Random, domain: str) -> str:
    a, b, c = rng.getrandbits(40), rng.getrandbits(32), rng.getrandbits(32)
    return f"<00{a:010x}${b:08x}${c:08x}$@{domain}>"


def thread_index(rng: Random, sent: datetime) -> bytes:
    """Outlook's Thread-Index root: 6 bytes of time, then a 16-byte GUID."""
    ticks = int(sent.timestamp() * 10_000_000) + 116_444_736_000_000_000
    return (
        b"\x01" + (ticks >> 16).to_bytes(8, "big")[-5:] + rng.getrandbits(128).to_bytes(16, "big")
    )


def thread_child(parent: bytes, rng: Random) -> bytes:
    """A reply's Thread-Index: the parent's, plus five bytes for this message."""
    return parent + rng.getrandbits(40).to_bytes(5, "big")


def fe80(rng: Random) -> str:
    return ":".join(f"{rng.getrandbits(16):x}" for _ in range(4))
