"""Mailbox formats on disk, written one message at a time."""

from __future__ import annotations

import gzip
import os
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

from tystnad_sample import mime

FORMATS = ("mbox", "mbox.gz", "maildir", "eml")

_FROM_LINE = re.compile(rb"^From ", re.MULTILINE)
_UNSAFE = re.compile(r"[^\w\- ]+")


@dataclass(frozen=True, slots=True, kw_only=True)
class Rendered:
    """One finished message and what a mailbox needs to file it."""

    data: bytes
    sent: datetime
    sender: str
    subject: str
    inbound: bool
    broken: bool
    deal: int
    language: str
    client: str


class _Writable(Protocol):
    def write(self, data: bytes, /) -> int: ...

    def close(self) -> None: ...


class Sink(Protocol):
    def add(self, message: Rendered) -> None: ...

    def close(self) -> None: ...


class MboxSink:
    """mboxo: a "From " line before each message; body lines starting "From " get a ">"."""

    def __init__(self, path: Path, *, compress: bool) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._raw = open(path, "wb", buffering=1 << 20)  # noqa: SIM115 - closed in close()
        self._out: _Writable = self._raw
        if compress:
            # mtime=0 and no file name keep the bytes identical for identical input.
            self._out = gzip.GzipFile(
                filename="", mode="wb", fileobj=self._raw, mtime=0, compresslevel=6
            )

    def add(self, message: Rendered) -> None:
        body = message.data
        if body.startswith(b"From ") or b"\nFrom " in body:
            body = _FROM_LINE.sub(b">From ", body)
        if not body.endswith(b"\n"):
            body += b"\n"
        envelope = f"From {message.sender} {mime.asctime(message.sent)}\n".encode()
        self._out.write(envelope + body + b"\n")

    def close(self) -> None:
        if self._out is not self._raw:
            self._out.close()
        self._raw.close()


class MaildirSink:
    """Delivered like a real MDA: written to tmp/, renamed into new/ or cur/."""

    def __init__(self, path: Path, now: datetime) -> None:
        self._root = path
        self._now = now
        self._count = 0
        for sub in ("tmp", "new", "cur"):
            (path / sub).mkdir(parents=True, exist_ok=True)

    def add(self, message: Rendered) -> None:
        self._count += 1
        stamp = message.sent.timestamp()
        name = (
            f"{int(stamp)}.M{message.sent.microsecond:06d}P{4000 + self._count % 60000}"
            f"Q{self._count}.norrsken-mbp"
        )
        tmp = self._root / "tmp" / name
        tmp.write_bytes(message.data)
        unread = message.inbound and self._now - message.sent < timedelta(days=3)
        target = self._root / "new" / name if unread else self._root / "cur" / f"{name}:2,S"
        os.replace(tmp, target)
        os.utime(target, (stamp, stamp))

    def close(self) -> None:
        return None


class EmlSink:
    """One .eml per message, CRLF line ends as Outlook saves them, a folder per month."""

    def __init__(self, path: Path) -> None:
        self._root = path
        self._count = 0
        self._folders: set[str] = set()
        path.mkdir(parents=True, exist_ok=True)

    def add(self, message: Rendered) -> None:
        self._count += 1
        month = f"{message.sent:%Y-%m}"
        if month not in self._folders:
            (self._root / month).mkdir(exist_ok=True)
            self._folders.add(month)
        title = _UNSAFE.sub("", message.subject).strip()[:60].strip() or "message"
        target = self._root / month / f"{self._count:06d} {title}.eml"
        data = message.data
        if b"\r" in data:
            data = data.replace(b"\r\n", b"\n")
        target.write_bytes(data.replace(b"\n", b"\r\n"))
        stamp = message.sent.timestamp()
        os.utime(target, (stamp, stamp))

    def close(self) -> None:
        return None


def open_sink(fmt: str, out: Path, now: datetime) -> Sink:
    if fmt == "mbox":
        return MboxSink(out, compress=False)
    if fmt == "mbox.gz":
        return MboxSink(out, compress=True)
    if fmt == "maildir":
        return MaildirSink(out, now)
    if fmt == "eml":
        return EmlSink(out)
    raise ValueError(f"unknown mailbox format {fmt!r}; use one of {', '.join(FORMATS)}")
